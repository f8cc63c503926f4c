"""Whether a question or ticket reports a situation rather than asks for information.

A playbook is for a situation: a customer was charged twice, a sync is stuck, a link has
expired. A question on the same topic that only asks how something works ("how long does the
card issuer take to decide a dispute?") is answered from articles and calls for no procedure.
``problem_cues`` counts what marks a report of something gone wrong:
- a negated action: "won't sync", "can't sign in", "never arrived";
- a word of failure or repetition: "error", "failed", "stuck", "expired", "twice", "still";
- an HTTP error status ("429");
- a quoted message, as an error text copied from the screen.

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
    r"(?:work|working|show|showing|shows|arrive|arriving|arrived|load|loading|sync|syncing|"
    r"send|sending|sent|receive|received|get|getting|open|opening|save|saving|find|see|sign|"
    r"log|pay|paid|match|matching|start|starting|run|running|connect|reconnect|update|upload|"
    r"uploading|download|appear|appearing|accept|let|allow|print|export|import|verify|unlock)"
)
_FAILURE = (
    r"(?:errors?|fail(?:s|ed|ing|ure)?|crash(?:es|ed|ing)?|broken|broke|stuck|missing|lost|"
    r"wrong|invalid|expired|declined|denied|rejected|rejects|locked|paused|blocked|"
    r"(?:greyed|grayed) out|disappeared|vanished|bounced|twice|still|again|suddenly|urgent|asap)"
)
_CUE = re.compile(
    rf"\b{_NEGATION}\s+(?:\w+\s+)?{_ACTION}\b"  # "won't sync", "can't even sign"
    rf"|\b{_FAILURE}\b"
    r"|\bwhat (?:do|should|can) (?:i|we|they) do\b|\bwhat now\b|\bwalk me through\b"
    r"|\bhow (?:do|should|can) (?:i|we) (?:handle|deal with|proceed|fix|resolve|respond)\b"
    r"|\b[45]\d\d\b"  # an HTTP error status
    r"|'[^'\n]{4,}'|\"[^\"\n]{4,}\"",  # a quoted message
    re.IGNORECASE,
)


def problem_cues(text: str) -> int:
    """How many marks of a problem report ``text`` holds, at most ``MAX_CUES``."""
    return min(MAX_CUES, len(_CUE.findall(text)))
