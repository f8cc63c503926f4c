"""Whether a question or ticket reports a situation rather than asks for information.

A playbook is for a situation: a customer was charged twice, a sync is stuck, a link has
expired. A question on the same topic that only asks how something works ("how long does the
card issuer take to decide a dispute?") is answered from articles and calls for no procedure.
``problem_cues`` counts what marks a report of something gone wrong:
- a negated action: "won't sync", "can't sign in", "never arrived";
- a word of failure or repetition: "error", "failed", "stuck", "expired", "twice", "still";
- an HTTP error status ("429");
- a quoted message, as an error text copied from the screen;
- a case relayed by the agent: someone on the customer's side says, wants or demands something
  ("the owner says", "customer wants a refund", "their lawyer is demanding");
- the agent asking whether to act on it: "can I just refund", "should we unlock", "how do I
  process that".

The count is capped at ``MAX_CUES``: the third cue says little the second did not. The playbook
matcher weighs it with its other evidence (``answerers.playbooks``). English only.
"""

from __future__ import annotations

import re

MAX_CUES = 3
_NEGATION = (
    r"(?:can'?t|cannot|won'?t|doesn'?t|don'?t|didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|"
    r"hasn'?t|haven'?t|never|no longer|not)"
)
_ACTION = (
    r"(?:work|works|working|worked|show|showing|shows|showed|shown|arrive|arriving|arrived|load|"
    r"loading|loaded|sync|syncing|synced|send|sending|sent|receive|received|get|getting|got|open|"
    r"opening|opened|save|saving|saved|find|found|see|seeing|sign|signed|log|logged|pay|paid|"
    r"match|matching|matched|start|starting|started|run|running|connect|connected|reconnect|"
    r"update|updated|upload|uploading|uploaded|download|downloaded|appear|appearing|appeared|"
    r"accept|accepted|let|allow|print|export|import|imported|verify|verified|unlock)"
)
_FAILURE = (
    r"(?:errors?|fail(?:s|ed|ing|ure)?|crash(?:es|ed|ing)?|broken|broke|stuck|missing|lost|"
    r"wrong|invalid|expired|declined|denied|rejected|rejects|locked|paused|blocked|"
    r"(?:greyed|grayed) out|disappear(?:s|ed|ing)|vanish(?:es|ed|ing)|bounced|twice|still|"
    r"again|suddenly|urgent|asap)"
)
# someone on the customer's side, what they do when a case is relayed, and what an agent may do
_PARTY = (
    r"(?:customers?|customer's|users?|owners?|merchants?|clients?|payers?|admins?|they|she|he|"
    r"their|her|his)"
)
_RELAYS = (
    r"(?:says|said|reports|reported|claims|claimed|complains|complained|wants|wanted|insists|"
    r"tells|told|writes|wrote|demands|demanding|threatens|threatening|is asking for)"
)
_MEASURE = (
    r"(?:refund|unlock|cancel|remove|reset|turn|disable|escalate|process|credit|waive|give|"
    r"override)"
)
_CUE = re.compile(
    rf"\b{_NEGATION}\s+(?:\w+\s+)?{_ACTION}\b"  # "won't sync", "can't even sign"
    rf"|\b{_FAILURE}\b"
    r"|\bwhat (?:do|should|can) (?:i|we|they) do\b|\bwhat now\b|\bwalk me through\b"
    r"|\bhow (?:do|should|can) (?:i|we) (?:handle|deal with|proceed|process|fix|resolve|respond)\b"
    rf"|\b{_PARTY}\b[^.?!\n]{{0,40}}?\b{_RELAYS}\b"  # "customer says", "their lawyer is demanding"
    rf"|\b(?:can|should|do|may) (?:i|we) (?:just )?{_MEASURE}\b"  # "can I just refund it?"
    r"|\b[45]\d\ds?\b"  # an HTTP error status ("429", "429s")
    r"|'[^'\n]{4,}'|\"[^\"\n]{4,}\"",  # a quoted message
    re.IGNORECASE,
)


def problem_cues(text: str) -> int:
    """How many marks of a problem report ``text`` holds, at most ``MAX_CUES``."""
    return min(MAX_CUES, len(_CUE.findall(text)))
