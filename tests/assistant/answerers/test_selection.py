"""Which sentences answer a question, on small hand-made passages."""

from __future__ import annotations

from assistant.answerers.roles import (
    AGENT,
    EXCLUDED,
    INTERNAL,
    RECORD,
    general_part,
    role_of,
    sentences_of,
)
from assistant.answerers.selection import Selector
from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.similarity import SentenceSimilarity
from assistant.retrieval import RetrievedChunk


def chunk(doc: str, text: str, source_type: str = "article", section: str = "S", **meta: object):
    metadata = {"source_type": source_type, "section": section, "title": doc, **meta}
    return RetrievedChunk(f"{doc}::{section}", doc, text, metadata, 1.0)


ARTICLE = chunk(
    "kb-1",
    "Reset links are valid for 60 minutes. Only the newest link works. "
    "See [Sign-in help](https://help.example/kb-2).",
)
PROBLEM = chunk(
    "ticket-1",
    "My reset link says invalid or expired, I clicked it this morning.",
    "ticket",
    "Reset link expired > Problem",
)
RESOLUTION = chunk(
    "ticket-1",
    "Hi Maria, thanks for reaching out. Reset links expire after 60 minutes; "
    "I sent a new link to [EMAIL]. Requested links replace earlier ones.",
    "ticket",
    "Reset link expired > Resolution",
)
NOTES = chunk(
    "ticket-1",
    "Reset link expiry is 60 minutes in the admin console.",
    "ticket",
    "x > Internal notes",
)


def test_roles_come_from_the_source_type_flags() -> None:
    assert role_of(ARTICLE) == AGENT
    assert role_of(PROBLEM) == EXCLUDED  # the customer's words never answer
    assert role_of(RESOLUTION) == RECORD
    assert role_of(NOTES) == INTERNAL
    when = chunk("pb-1", "A customer cannot sign in", "playbook", "Locked > When to use")
    assert role_of(when) == EXCLUDED


def test_a_case_record_keeps_only_its_general_clauses() -> None:
    assert general_part("Hi Maria, thanks for reaching out.") == ""
    assert general_part("I found two captures of 240.00 USD for INV-2291 and refunded one.") == ""
    assert (
        general_part("Annual plans are refunded within 30 days of the charge; refunded 420 USD.")
        == "Annual plans are refunded within 30 days of the charge."
    )
    assert general_part("The invoices (1201, 1204, 1209) used an unmapped tax code.") == ""
    # a bare amount after a money verb is the case's; a count or a period after one is general
    assert general_part("Refund 300 from Payments > Transactions > Refund.") == ""
    # what was done in that case, told in the past, is the case's story
    assert general_part("Billing refunded the 4 extra seats.") == ""
    assert general_part("Confirmed the duplicate; refunds take 5-10 business days.") == (
        "Refunds take 5-10 business days."
    )
    assert general_part("Deleted invoices can be restored within 30 days.") == (
        "Deleted invoices can be restored within 30 days."
    )
    assert general_part("Customers charged 2 times get one charge refunded.") == (
        "Customers charged 2 times get one charge refunded."
    )
    assert general_part("Annual plans paid 30 days ago or less are refunded in full.") == (
        "Annual plans paid 30 days ago or less are refunded in full."
    )
    assert general_part("Mapping the tax code and clicking Retry lets invoices sync.") == (
        "Mapping the tax code and clicking Retry lets invoices sync."
    )


def test_the_agent_facing_source_leads_and_the_customers_words_never_appear() -> None:
    question = "Why does the reset link say invalid or expired?"
    picks = Selector().choose(question, [PROBLEM, RESOLUTION, ARTICLE]).picks
    texts = [p.text for p in picks]
    assert picks[0].passage == 2  # the article, though the ticket ranked higher
    assert not any("this morning" in t or "Maria" in t or "[EMAIL]" in t for t in texts)
    assert not any(t.startswith("See [") for t in texts)  # link-only sentences are skipped


def test_a_sentence_introducing_its_page_is_not_quoted() -> None:
    intro = chunk(
        "kb-9",
        "The Xero integration sends your invoices to Xero. This article explains how to connect "
        "Xero and what to do when the sync stops. Go to Apps > Xero and click Connect to Xero.",
    )
    assert sentences_of(intro, role_of(intro)) == [
        "The Xero integration sends your invoices to Xero.",
        "",
        "Go to Apps > Xero and click Connect to Xero.",
    ]
    texts = [p.text for p in Selector().choose("How do I connect Xero?", [intro]).picks]
    assert texts and not any("This article" in t for t in texts)


def test_a_list_item_is_quoted_with_its_lead_in_said_once() -> None:
    headers = chunk(
        "kb-7",
        "Every API response includes:\n\n- `X-RateLimit-Limit`: your limit per minute\n"
        "- `X-RateLimit-Remaining`: requests left in the window",
        section="API rate limits > Headers",
    )
    texts = [
        p.text
        for p in Selector()
        .choose("Which rate limit headers does every response include?", [headers])
        .picks
    ]
    assert "Every API response includes: `X-RateLimit-Limit`: your limit per minute." in texts
    assert "Every API response includes:" not in texts  # carried by the item, not said again


def test_internal_notes_never_open_an_answer() -> None:
    picks = Selector().choose("reset link expiry minutes", [NOTES, ARTICLE]).picks
    assert picks and picks[0].passage == 1


def test_the_same_fact_is_not_said_twice() -> None:
    twin = chunk("kb-3", "Reset links are valid for 60 minutes.")
    picks = Selector().choose("How long are reset links valid?", [ARTICLE, twin]).picks
    assert sum("valid for 60 minutes" in p.text for p in picks) == 1


def test_a_dropped_sentence_is_never_used() -> None:
    picks = Selector().choose("how long are reset links valid", [ARTICLE]).picks
    assert (0, 0) in {(p.passage, p.position) for p in picks}
    picks = Selector().select("how long are reset links valid", [ARTICLE], dropped={(0, 0)})
    assert (0, 0) not in {(p.passage, p.position) for p in picks}


def scored(base: RetrievedChunk, score: float, dense: float) -> RetrievedChunk:
    return RetrievedChunk(
        base.chunk_id, base.doc_id, base.text, base.metadata, score, signals={"dense": dense}
    )


def test_a_document_far_less_similar_to_the_question_than_the_best_is_not_quoted() -> None:
    question = "Can I pay out to my bank instantly instead of waiting?"
    payouts = chunk("kb-payouts", "Wait for the free standard payout or take an instant payout.")
    api = chunk("kb-api", "On 429 responses, spread requests out instead of waiting for the reset.")
    passages = [scored(payouts, 8.5, 0.63), scored(api, 1.0, 0.25)]
    texts = [p.text for p in Selector().choose(question, passages).picks]
    assert texts == ["Wait for the free standard payout or take an instant payout."]
    # by words alone, "instead of waiting" brings the API article in
    loose = [p.text for p in Selector(relevance=0.0).choose(question, passages).picks]
    assert any("429" in t for t in loose)


def test_the_first_document_and_the_best_agent_facing_one_are_kept_however_similar() -> None:
    question = "Why does the reset link say invalid or expired?"
    low = [scored(PROBLEM, 4.0, 0.9), scored(RESOLUTION, 4.0, 0.9), scored(ARTICLE, 3.0, 0.3)]
    picks = Selector().choose(question, low).picks
    assert picks[0].passage == 2  # the article still leads, though far less similar
    assert 1 in {p.passage for p in picks}  # and the first-ranked ticket is still quoted


def test_an_agent_facing_source_leads_unless_retrieval_puts_a_case_far_above_it() -> None:
    question = "Why does the reset link say invalid or expired?"
    close = [scored(PROBLEM, 4.0, 0.7), scored(RESOLUTION, 4.0, 0.7), scored(ARTICLE, 3.0, 0.6)]
    assert Selector().choose(question, close).picks[0].passage == 2  # the article
    far = [scored(PROBLEM, 11.0, 0.8), scored(RESOLUTION, 11.0, 0.8), scored(ARTICLE, 2.0, 0.5)]
    picks = Selector().choose(question, far).picks
    assert picks[0].passage == 1  # the ticket's resolution, never its customer's words
    assert "Requested links replace earlier ones." in picks[0].text
    assert any(p.passage == 2 for p in picks)  # the article still adds what it says


def test_what_the_leading_source_opens_with_is_not_said_again_by_another() -> None:
    question = "My client paid twice. Can you refund the duplicate payment?"
    leading = chunk(
        "ticket-1",
        "The refund reaches the card in 5-10 business days; the invoice stays marked as paid.",
        "ticket",
        "Paid twice > Resolution",
    )
    twin = chunk(
        "ticket-2",
        "The duplicate payment refund appears on the card in 5-10 business days and the "
        "invoice stays paid.",
        "ticket",
        "Double charge > Resolution",
    )
    picks = Selector().choose(question, [scored(leading, 11.0, 0.8), scored(twin, 2.0, 0.7)]).picks
    assert picks[0].passage == 0
    assert sum("5-10 business days" in p.text for p in picks) == 1


def test_the_best_retrieved_article_leads_not_the_one_sharing_most_words() -> None:
    question = "How long before a password reset link for invoices expires on mobile?"
    wordy = chunk(
        "kb-9",
        "How long a password reset link for invoices lasts on mobile before it expires varies.",
    )
    passages = [scored(ARTICLE, 6.0, 0.7), scored(wordy, 1.0, 0.4)]
    picks = Selector().choose(question, passages).picks
    assert picks[0].passage == 0
    assert "60 minutes" in picks[0].text


def test_a_sentence_sharing_only_a_word_or_two_with_the_question_is_left_out() -> None:
    question = "Why does the discount on my quote vanish when I convert it to an invoice?"
    quote = chunk(
        "kb-4",
        "A discount on the quote total is not copied when you convert it to an invoice; "
        "add the discount on the invoice.",
    )
    aside = chunk("kb-5", "Invoices are numbered in the order they are sent.")
    passages = [scored(quote, 5.0, 0.7), scored(aside, 4.0, 0.6)]
    texts = [p.text for p in Selector().choose(question, passages).picks]
    assert any("not copied" in t for t in texts)
    assert not any("numbered" in t for t in texts)  # "invoice" alone does not answer it
    unfloored = Selector(floor=0.0).choose(question, passages).picks
    assert any("numbered" in p.text for p in unfloored)


def test_a_first_sentence_sharing_one_word_gets_no_opening_bonus() -> None:
    # A resolution's first sentence usually states the fix, so first sentences score a little
    # more; but a first sentence that shares one word ("invoices") with the question shares it
    # by chance, and the bonus would lift it over the floor.
    question = "Which role lets an accountant see reports but not send invoices?"
    roles = chunk(
        "kb-roles",
        "Owners can do everything. The Accountant role has read-only access to invoices and "
        "reports. The Member role can send invoices.",
    )
    vat = chunk("kb-vat", "Add the VAT ID in billing details; future invoices show it.")
    passages = [scored(roles, 5.0, 0.7), scored(vat, 4.5, 0.65)]
    texts = [p.text for p in Selector().choose(question, passages).picks]
    assert any("Accountant role" in t for t in texts)
    assert not any("VAT ID" in t for t in texts)
    bonus_for_one_word = Selector(opening_words=1).choose(question, passages).picks
    assert any("VAT ID" in p.text for p in bonus_for_one_word)


DOCS_PAGE = chunk(
    "docs-robots",
    "Hugo can generate a robots.txt file. To generate it from a template, change your "
    "project configuration:\n\n```toml\nenableRobotsTXT = true\n```\n\n"
    "A long example follows:\n```toml\n" + "\n".join(f"key{i} = {i}" for i in range(8)) + "\n```\n",
    "docs",
)


def test_a_short_code_block_is_quoted_whole_as_inline_code_and_fences_never() -> None:
    units = sentences_of(DOCS_PAGE, AGENT)
    assert "`enableRobotsTXT = true`" in units
    assert not any(u.startswith("```") or u == "toml" for u in units)
    assert not any("key3" in u for u in units)  # a long block is not quoted at all


def test_a_table_row_is_quoted_with_its_column_headers() -> None:
    limits = chunk(
        "kb-api",
        "Limits by plan:\n\n| Plan | Requests per minute |\n|---|:---:|\n"
        "| Starter | No API access |\n| Growth | 120 |\n\n"
        "Change | Action required\n--- | ---\nThe folder is removed. | Move the files up.\n",
    )
    units = sentences_of(limits, AGENT)
    assert "Plan: Growth; Requests per minute: 120." in units
    assert "Plan: Starter; Requests per minute: No API access." in units
    # a cell that ends a sentence is followed by the next as a sentence of its own
    at = units.index("Change: The folder is removed.")
    assert units[at + 1] == "Action required: Move the files up."
    assert not any("|" in u or "---" in u for u in units)  # no header row or rule alone
    picks = Selector().choose("How many requests per minute does Growth allow?", [limits]).picks
    assert "Plan: Growth; Requests per minute: 120." in [p.text for p in picks]


def test_a_long_code_block_gives_only_its_lines_that_read_as_text() -> None:
    options = "\n".join(
        [
            "      --bind string              interface to which the server will bind",
            "  -p, --port int                 port on which the server will listen (default 1313)",
            "      --poll string              poll interval",
            "HUGO_VERSION=0.165.0",
            '{{ $style := resources.Get "sass/main.scss" | css.Sass | resources.Minify }}',
        ]
    )
    page = chunk("docs-server", f"Options:\n\n```\n{options}\n```\n", "docs")
    units = [u for u in sentences_of(page, AGENT) if u]
    assert "`-p, --port int port on which the server will listen (default 1313)`" in units
    assert not any("HUGO_VERSION" in u or "resources.Get" in u or "poll" in u for u in units)
    picks = Selector().choose("What port does the server listen on?", [page]).picks
    assert any("(default 1313)" in p.text for p in picks)


def test_a_sentence_that_announces_a_setting_brings_the_setting() -> None:
    picks = Selector().choose("How do I generate robots.txt from a template?", [DOCS_PAGE]).picks
    texts = [p.text for p in picks]
    announcing = next(i for i, t in enumerate(texts) if t.endswith("configuration:"))
    assert texts[announcing + 1] == "`enableRobotsTXT = true`"


def test_a_sentence_naming_the_following_commands_brings_them() -> None:
    page = chunk(
        "docs-drafts",
        "Hugo does not publish drafts. Run either of the following commands to include drafts."
        "\n\n```sh\nhugo server --buildDrafts\nhugo server -D\n```\n",
        "docs",
    )
    texts = [p.text for p in Selector().choose("How do I include drafts?", [page]).picks]
    assert "`hugo server --buildDrafts` `hugo server -D`" in texts


def test_weighing_meaning_leaves_out_a_sentence_on_another_topic(
    embedder: SentenceTransformerEmbedder,
) -> None:
    question = "Client already paid the invoice but we overcharged them. How do we fix that?"
    credit = chunk(
        "kb-credit",
        "Create a credit note from the paid invoice, then refund it or keep it as credit.",
    )
    portal = chunk(
        "kb-portal", "Each client portal link can be used once; a mail gateway may open it first."
    )
    passages = [scored(credit, 5.0, 0.6), scored(portal, 4.0, 0.3)]
    # by words alone, with the opening bonus for any shared word, "client" alone keeps it
    loose = Selector(relevance=0.0, opening_words=1)
    by_words = [p.text for p in loose.choose(question, passages).picks]
    assert any("portal" in t for t in by_words)
    selector = Selector.with_meaning(SentenceSimilarity(embedder))
    texts = [p.text for p in selector.choose(question, passages).picks]
    assert any("credit note" in t for t in texts)
    assert not any("portal" in t for t in texts)


def test_a_hyphenated_word_meets_the_same_words_written_apart() -> None:
    steps = chunk(
        "kb-keys",
        "1. Go to **Settings > Developers > API keys** and click **Create key**.\n"
        "2. Give the key a name that says where it is used.\n"
        "3. Choose the access: **Read only** or **Read and write**.\n",
    )
    question = "How do I create an API key with read-only access?"
    texts = [p.text for p in Selector().choose(question, [steps]).picks]
    assert "Choose the access: **Read only** or **Read and write**." in texts


def test_questions_pointers_and_entities_of_a_docs_page_are_not_quoted_as_they_stand() -> None:
    page = chunk(
        "docs-bundles",
        "Getting started with bundles? A leaf bundle is a directory that contains an&nbsp;"
        "`index.md`&nbsp;file and zero or more resources. See the [`Resources`]"
        "(https://gohugo.io/methods/page/resources/) method.",
        "docs",
    )
    units = [u for u in sentences_of(page, AGENT) if u]
    assert units == [
        "A leaf bundle is a directory that contains an `index.md` file and zero or more resources."
    ]
    answer = " ".join(p.text for p in Selector().choose("What is a leaf bundle?", [page]).picks)
    assert "?" not in answer and "&nbsp;" not in answer and "See the" not in answer


def test_another_pages_caption_that_adds_no_question_word_is_left_out(monkeypatch) -> None:
    snap = chunk(
        "docs-snap",
        "Snap packages are simple to install and are updated automatically. "
        "Install Hugo with `sudo snap install hugo` on Linux.",
        "docs",
    )
    macos = chunk("docs-macos", "Install Hugo on macOS.", "docs")
    brew = chunk("docs-brew", "Install Hugo with Homebrew.", "docs")
    question = "How do I install Hugo on Linux with snap or Homebrew?"

    def answer() -> list[str]:
        return [p.text for p in Selector().choose(question, [snap, macos, brew]).picks]

    texts = answer()
    assert texts[0].startswith("Snap packages")
    assert "Install Hugo on macOS." not in texts  # install, Hugo: said already
    assert "Install Hugo with Homebrew." in texts  # brings "Homebrew"
    monkeypatch.setattr("assistant.answerers.selection.SHORT_LINE", 0)
    assert "Install Hugo on macOS." in answer()  # it is the rule that leaves it out


def test_a_lead_in_whose_code_or_list_is_not_quoted_is_left_out() -> None:
    config = "\n".join(f'  setting_{n}: "value {n}"' for n in range(8))  # too long to quote
    page = chunk(
        "docs-build",
        "The build cache keeps processed assets between builds. "
        "A build configuration for the cache may look like this:\n\n"
        f"```yaml\n{config}\n```\n",
        "docs",
    )
    texts = [p.text for p in Selector().choose("How do I configure the build cache?", [page]).picks]
    assert texts == ["The build cache keeps processed assets between builds."]
