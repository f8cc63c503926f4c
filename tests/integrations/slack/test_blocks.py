"""Pure parts: Block Kit, thread history, the allow-list, friendly errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings, SlackSettings
from assistant.suggestion import NO_REPLY_DRAFT, AskRequest, Citation, NextAction, Suggestion
from integrations.slack import blocks, checklist
from integrations.slack.support import channel_allowed, friendly, strip_mentions, thread_turns
from integrations.slack.views import MessageRef, edit_view, override_view
from tests.integrations.slack.helpers import texts


def suggestion(**extra: object) -> Suggestion:
    citation = Citation(
        index=1,
        doc_id="kb-9",
        title="Refunds | <b>",
        url="https://help.example.com/a?x=1",
        section="Steps",
        source_type="article",
        chunk_id="c1",
        snippet="…",
        stale=True,
    )
    action = NextAction(label="Refund it", kind="refund", playbook_id="pb", citation=1)
    fields: dict[str, object] = {
        "answer": "Refund <!channel> & the duplicate [1].",
        "citations": [citation],
        "next_actions": [action],
        "reply_draft": "Hi,\nwe refunded it.",
        "confidence": 0.8,
    }
    return Suggestion.model_validate({**fields, **extra})


def test_answer_is_escaped_and_citations_are_links() -> None:
    out = blocks.suggestion_blocks(suggestion(), "s-1", share=True)
    text = "\n".join(b["text"]["text"] for b in out if "text" in b)
    assert "Refund &lt;!channel&gt; &amp; the duplicate [1]." in text  # no @channel ping
    assert (
        "[1] <https://help.example.com/a?x=1|Refunds ¦ &lt;b&gt;> › Steps  :warning: _stale_"
        in text
    )
    assert "1. Refund it _(refund)_ [1]" in text and ">we refunded it." in text
    actions = out[-1]
    assert [e["action_id"] for e in actions["elements"]] == [
        blocks.ACCEPT,
        blocks.EDIT,
        blocks.OVERRIDE,
        blocks.SHARE,
    ]
    assert {e["value"] for e in actions["elements"]} == {"s-1"}


def test_an_answer_without_a_reply_draft_says_why() -> None:
    assert NO_REPLY_DRAFT not in texts(blocks.suggestion_blocks(suggestion(), "s-1"))
    shown = texts(blocks.suggestion_blocks(suggestion(reply_draft=""), "s-1"))
    assert NO_REPLY_DRAFT in shown and "*Reply draft*" not in shown


def test_citation_section_does_not_repeat_the_title() -> None:
    line = blocks.citation_line(
        suggestion()
        .citations[0]
        .model_copy(update={"title": "Refunds", "section": "Refunds > Steps"})
    )
    assert line == "[1] <https://help.example.com/a?x=1|Refunds> › Steps  :warning: _stale_"


def test_citation_without_an_http_url_is_plain_text() -> None:
    assert blocks.link("javascript:alert(1)", "T") == "T"
    assert blocks.link("", "Title") == "Title"


def test_abstention_and_long_answers() -> None:
    abstained = blocks.answer_block(
        suggestion(answer="I don't know.", abstained=True, reason="nothing relevant")
    )
    assert abstained["text"]["text"] == ":thinking_face: I don't know.\n_nothing relevant_"
    long = blocks.answer_block(suggestion(answer="x" * 5000))
    assert len(long["text"]["text"]) <= 3000


def test_markdown_from_the_knowledge_base_is_slack_mrkdwn() -> None:
    citation = (
        suggestion()
        .citations[0]
        .model_copy(update={"snippet": "**Refund** the\n*second* charge <@U999>", "stale": False})
    )
    action = NextAction(label="Open **Payments** > `Refunds`", kind="link", playbook_id="pb")
    s = suggestion(
        answer="Refund **the duplicate** via [Payments](https://app.example.com/pay) [1].",
        citations=[citation],
        next_actions=[action],
        reply_draft="Hi,\nsee [our guide](javascript:alert(1)) **today**.",
    )
    text = "\n".join(b["text"]["text"] for b in blocks.suggestion_blocks(s, "s-1") if "text" in b)
    assert "Refund *the duplicate* via <https://app.example.com/pay|Payments> [1]." in text
    assert "\n>*Refund* the _second_ charge &lt;@U999&gt;" in text  # the snippet, one line
    assert "1. Open *Payments* &gt; `Refunds` _(link)_" in text
    assert ">Hi,\n>see our guide *today*." in text
    assert "**" not in text and "javascript" not in text


def test_clipping_never_cuts_a_link_or_an_entity() -> None:
    long = "word " * 600 + "[guide](https://help.example.com/a-long-path)"
    clipped = blocks.answer_block(suggestion(answer=long))["text"]["text"]
    assert clipped.endswith("…") and clipped.count("<") == clipped.count(">")
    assert blocks.clip("a &amp; b", 5) == "a…"
    assert blocks.clip("see <https://x.example.com|x>", 12) == "see…"


def test_notification_text_cannot_ping_a_channel() -> None:
    text = blocks.fallback_text("Refund <!channel> **now** @here")
    assert "<!channel>" not in text and "@here" not in text
    assert text.startswith("Refund &lt;!channel&gt; *now*")


def test_decided_blocks_say_who_decided() -> None:
    s = suggestion()
    accepted = blocks.decided_blocks(s, "s-1", "accept", "U1")
    assert any("Accepted by <@U1>" in str(b) for b in accepted)
    overridden = blocks.decided_blocks(s, "s-1", "override", "U2", "Mine <x>", "wrong")
    assert overridden[0]["text"]["text"] == "Mine &lt;x&gt;"
    assert "Overridden by <@U2>: wrong" in str(overridden)
    assert blocks.ACCEPT not in str(overridden)


def test_decided_edit_shows_what_changed_and_the_actions_done() -> None:
    s = suggestion()
    reply_only = blocks.decided_blocks(
        s, "s-1", "edit", "U1", None, reply_text="Hi,\nrefunded **today**.", done=[1]
    )
    text = texts(reply_only)
    assert text.startswith("Refund &lt;!channel&gt; &amp; the duplicate [1].")  # answer kept
    assert "*Reply draft*\n>Hi,\n>refunded *today*." in text
    assert "we refunded it" not in text  # the edited draft, not the suggested one
    assert ":white_check_mark: 1. Refund it" in text
    assert "Edited by <@U1> · 1 of 1 actions done" in text
    [checks] = [b for b in reply_only if b.get("block_id") == checklist.ACTIONS_BLOCK]
    assert [o["value"] for o in checks["elements"][0]["initial_options"]] == ["1"]

    answer_only = texts(blocks.decided_blocks(s, "s-1", "edit", "U1", "Refund **both**."))
    assert answer_only.startswith("Refund *both*.") and "Reply draft" not in answer_only


def test_modals_carry_the_message_reference_and_the_ticked_actions() -> None:
    ref = MessageRef("s-1", "C1", "1.2", None, actions_done=(1,))
    s = suggestion(answer="the answer", reply_draft="Hi,\nsee **the guide** [1].")
    edit = edit_view(ref, s)
    assert MessageRef.loads(edit["private_metadata"]) == ref
    answer, reply, note = edit["blocks"]
    assert answer["element"]["initial_value"] == "the answer"
    assert reply["element"]["initial_value"] == "Hi,\nsee the guide."  # plain, no [1]
    assert not reply.get("optional")
    assert note["elements"][0]["text"] == "Recorded as done with it: 1. Refund it"
    override = override_view(MessageRef("s-1", "C1"), s)
    assert len(override["blocks"]) == 2  # nothing ticked: no note
    no_draft = edit_view(MessageRef("s-1", "C1"), suggestion(reply_draft=""))
    assert no_draft["blocks"][1]["optional"] is True  # nothing to prefill, nothing required


def test_a_modal_reference_that_was_tampered_with_is_out_of_date() -> None:
    with pytest.raises(KbassistError, match="out of date"):
        MessageRef.loads('{"suggestion_id": "s", "channel": "C", "actions_done": ["x"]}')


def test_thread_turns_roles_order_and_cut_off() -> None:
    messages = [
        {"ts": "1.000001", "user": "U1", "text": "<@UBOT> refund?"},
        {"ts": "1.000002", "user": "UBOT", "bot_id": "B1", "text": "Refund it [1]."},
        {"ts": "1.000003", "user": "U1", "text": ""},
        {"ts": "1.000004", "user": "U1", "text": "<@UBOT> and then?"},
        {"ts": "1.000005", "user": "U2", "text": "later"},
    ]
    turns = thread_turns(messages, "1.000004", "UBOT")
    assert [(t.role, t.text) for t in turns] == [
        ("user", "refund?"),
        ("assistant", "Refund it [1]."),
    ]


def test_strip_mentions_and_allow_list() -> None:
    assert strip_mentions("<@UBOT>  how   now <@U2>", "UBOT") == "how now <@U2>"
    everyone = Settings(_env_file=None)  # type: ignore[call-arg]
    assert channel_allowed(everyone, "CANY")
    listed = Settings(_env_file=None, slack=SlackSettings(allowed_channels=["C1"]))  # type: ignore[call-arg]
    assert channel_allowed(listed, "C1") and channel_allowed(listed, "D1")
    assert not channel_allowed(listed, "C2")


def test_friendly_never_shows_raw_exception_text() -> None:
    assert friendly(RuntimeError("secret xoxb-123 at /srv/db")) == (
        "Sorry, something went wrong on my side. Please try again in a minute."
    )
    bad = KbassistError(ErrorCode.BAD_INPUT, "give a question")
    assert friendly(bad) == "I couldn't use that: give a question"
    assert "unavailable" in friendly(KbassistError(ErrorCode.STORE_UNAVAILABLE, "chroma: boom"))
    try:
        AskRequest(question="x" * 5000)
    except ValidationError as exc:
        assert "too long" in friendly(exc)
