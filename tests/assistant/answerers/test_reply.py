"""The reply draft: plain, customer-ready, public and current content only."""

from __future__ import annotations

from assistant.answerers.reply import ReplyWriter
from assistant.answerers.selection import Pick, Selector
from assistant.retrieval import RetrievedChunk


def passage(doc: str, text: str, visibility: str = "public", stale: bool = False, **meta: object):
    metadata = {
        "source_type": "article",
        "section": "S",
        "title": doc,
        "visibility": visibility,
        "url": f"https://help.example/{doc}",
        "updated_at": "2026-01-01",
        **meta,
    }
    return RetrievedChunk(f"{doc}::0", doc, text, metadata, 1.0, stale=stale)


PUBLIC = passage(
    "kb-1",
    "Reset links are **valid for 60 minutes**; after that, request a new reset link on the "
    "[sign-in page](https://app.example/signin).",
)
INTERNAL = passage("kb-2", "Support can extend reset links to 24 hours in the console.", "internal")
STALE = passage("kb-3", "Reset links are valid for 24 hours.", stale=True)


def test_the_draft_is_plain_text_with_a_greeting_and_links_kept() -> None:
    draft = ReplyWriter().draft("How long are reset links valid?", [PUBLIC])
    assert draft.startswith("Hi")
    assert "valid for 60 minutes" in draft and "**" not in draft and "[1]" not in draft
    assert "sign-in page (https://app.example/signin)" in draft
    assert "https://help.example/kb-1" in draft


def test_internal_stale_and_conflicting_content_never_reaches_the_draft() -> None:
    draft = ReplyWriter().draft("How long are reset links valid?", [INTERNAL, STALE, PUBLIC])
    assert "24 hours" not in draft and "console" not in draft
    assert ReplyWriter().draft("reset links valid", [PUBLIC], dropped={(0, 0)}).count("60") == 0


def test_no_sendable_passage_gives_no_draft() -> None:
    ticket = passage("ticket-1", "Reset links expire after 60 minutes.", source_type="ticket")
    assert ReplyWriter().draft("reset links", [INTERNAL, STALE, ticket]) == ""


def test_the_draft_draws_on_the_documents_the_answer_cites() -> None:
    # The void article shares more of the ticket's words ("stop", "invoices", "QuickBooks"), but
    # the answer is about the sync log: the draft must not be about voiding invoices.
    opened = "Open Integrations > QuickBooks > Sync log and filter by the invoice number."
    sync = passage("kb-sync", opened)
    void = passage(
        "kb-void",
        "Reminders stop right away. Voided invoices stop syncing to QuickBooks as well.",
    )
    question = "QuickBooks sync stopped and invoices are missing"
    answer = [Pick(0, 0, opened)]
    cited = ReplyWriter().draft(question, [sync, void], answer=answer)
    assert "Sync log" in cited and "Reminders" not in cited
    assert "https://help.example/kb-void" not in cited
    # Without the answer's citations to go by, the shared words decide.
    assert "Reminders" in ReplyWriter().draft(question, [sync, void])


def test_an_answer_citing_nothing_sendable_leaves_the_draft_to_the_sendable_passages() -> None:
    ticket = passage("ticket-1", "Reset links expire after 60 minutes.", source_type="ticket")
    answer = [Pick(0, 0, "Reset links expire after 60 minutes.")]
    draft = ReplyWriter().draft("How long are reset links valid?", [ticket, PUBLIC], answer=answer)
    assert "valid for 60 minutes" in draft and "ticket" not in draft


def test_a_draft_about_something_else_than_the_answer_is_no_draft() -> None:
    # The answer comes from a stale article; the only current public passage shares the
    # question's words ("Xero", "sync", "stopped") but is about voiding invoices.
    xero = passage(
        "kb-xero",
        "If someone disconnects Ledgerly in Xero, the sync stops and Ledgerly shows a banner.",
        stale=True,
    )
    void = passage(
        "kb-void",
        "Reminders stop right away, and the customer's payment link says the invoice can no "
        "longer be paid. If the invoice was synced to Xero, it is voided there as well.",
    )
    question = "Xero sync stopped after the customer renamed their organisation"
    answer = [Pick(0, 0, xero.text)]
    assert ReplyWriter().draft(question, [xero, void], answer=answer) == ""
    # The same passage is drafted when it says what the answer says.
    said = [Pick(0, 0, "Reminders stop, and an invoice synced to Xero is voided there as well.")]
    assert "voided" in ReplyWriter().draft(question, [xero, void], answer=said)
    # With no bar, the passage that merely shares the words is drafted.
    assert "Reminders" in ReplyWriter(agreement=0.0).draft(question, [xero, void], answer=answer)


def test_items_of_one_list_are_said_under_their_lead_in_once() -> None:
    drafted = ReplyWriter().compose(
        [
            ("What is not covered: Monthly plan charges.", [PUBLIC]),
            ("What is not covered: Enterprise subscriptions.", [PUBLIC]),
            ("Plan: Growth; Requests per minute: 120", [PUBLIC]),
            ("Plan: Enterprise; Requests per minute: 600", [PUBLIC]),
        ]
    )
    assert "What is not covered: Monthly plan charges; Enterprise subscriptions." in drafted
    # a short label ("Plan") is a table's column, not a lead-in: rows stay apart, each ended
    assert "Requests per minute: 120. Plan: Enterprise" in drafted


def test_the_draft_tells_the_customer_what_the_answer_tells_the_agent() -> None:
    # The answer comes from a resolved ticket, which a customer may not read; of the public
    # article, the draft quotes what says the same thing ("the invoice stays paid"), not the
    # sentence that shares most of the question's own words.
    question = "Customer was charged twice for one payment. Can we refund one of the charges?"
    ticket = passage(
        "ticket-9",
        "Refunded the second charge; the invoice stays paid.",
        "internal",
        source_type="ticket",
    )
    article = passage(
        "kb-pay",
        "A payment can be charged twice when the customer retries on a slow connection. "
        "Both charges show under Payments with their card and time. "
        "Each charge has its own transaction ID. "
        "Support teams answer within one business day. "
        "After a refund of one charge, the invoice stays marked as paid.",
    )
    answer = [Pick(0, 0, "The invoice stays paid.")]
    draft = ReplyWriter().draft(question, [ticket, article], answer=answer)
    assert "the invoice stays marked as paid" in draft
    assert "slow connection" not in draft and "Refunded the second" not in draft
    # the question's words alone choose the other sentence
    # (and, sharing none of the answer's words, that draft would not be kept: ``agreement``)
    blind = ReplyWriter(
        selector=Selector(max_span=3, max_extra=1, context_weight=0.0), agreement=0.0
    )
    assert "slow connection" in blind.draft(question, [ticket, article], answer=answer)
    gated = ReplyWriter(selector=Selector(max_span=3, max_extra=1, context_weight=0.0))
    assert gated.draft(question, [ticket, article], answer=answer) == ""
