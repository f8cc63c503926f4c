"""Knowledge-base Markdown per channel: plain text for customers, mrkdwn for Slack."""

from __future__ import annotations

import pytest

from assistant.formatting import safe_url, slack_link, to_mrkdwn, to_plain

ARTICLE = (
    "## Refund a **duplicate** charge\n"
    "\n"
    "Open *Payments* and find `INV-1` [1].\n"
    "- Refund the __second__ capture [2][3]\n"
    "* Tell the customer\n"
    "2. Check the bank statement\n"
    "\n"
    "> Refunds take 5-10 days.\n"
    "---\n"
    "See [the refund guide](https://help.example.com/refunds?a=1&b=2)."
)


def test_plain_text_has_no_markdown_and_no_citation_markers() -> None:
    assert to_plain(ARTICLE) == (
        "Refund a duplicate charge\n"
        "\n"
        "Open Payments and find INV-1.\n"
        "- Refund the second capture\n"
        "- Tell the customer\n"
        "2. Check the bank statement\n"
        "\n"
        "Refunds take 5-10 days.\n"
        "\n"
        "See the refund guide (https://help.example.com/refunds?a=1&b=2)."
    )


def test_mrkdwn_converts_emphasis_lists_quotes_and_links() -> None:
    assert to_mrkdwn(ARTICLE) == (
        "*Refund a duplicate charge*\n"
        "\n"
        "Open _Payments_ and find `INV-1` [1].\n"
        "• Refund the *second* capture [2][3]\n"
        "• Tell the customer\n"
        "2. Check the bank statement\n"
        "\n"
        ">Refunds take 5-10 days.\n"
        "\n"
        "See <https://help.example.com/refunds?a=1&b=2|the refund guide>."
    )


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("Reset it [1, 2]. Then log in [3].", "Reset it. Then log in."),
        ("[1] Reset it.", "Reset it."),
        ("Write to [us](mailto:help@example.com).", "Write to us (help@example.com)."),
        ("Write to <help@example.com>.", "Write to help@example.com."),
        ("Go to <https://example.com/a>.", "Go to https://example.com/a."),
        ("[https://example.com/a](https://example.com/a)", "https://example.com/a"),
        ("***Both*** and ~~gone~~", "Both and gone"),
        ("snake_case_name costs 5 * 3 * 2", "snake_case_name costs 5 * 3 * 2"),
        (r"A literal \*star\* and \[1\]", "A literal *star* and [1]"),
        ("AT&T &amp; R&D &copy;", "AT&T & R&D ©"),
        ("```\n**kept** as written [1]\n```", "**kept** as written [1]"),
        ("Pay <b>now</b><br>please", "Pay now\nplease"),
        ("Line one\n\n\n\nLine two", "Line one\n\nLine two"),
    ],
)
def test_plain_text_cases(markdown: str, plain: str) -> None:
    assert to_plain(markdown) == plain


def test_hostile_links_keep_only_their_text() -> None:
    hostile = (
        "[click](javascript:alert(1)) [img](data:text/html;base64,PHNjcmlwdD4=) "
        "[rel](/admin) [JS](JaVaScRiPt:alert(1)) [ent](&#106;avascript:alert(1)) "
        "[vb](vbscript:msgbox) [ok](https://example.com/x)"
    )
    assert to_plain(hostile) == "click img rel JS ent vb ok (https://example.com/x)"
    assert to_mrkdwn(hostile) == "click img rel JS ent vb <https://example.com/x|ok>"


def test_html_is_dropped_with_scripts_and_their_content() -> None:
    hostile = (
        'Hello <script>alert("x")</script> <img src=x onerror="alert(1)">'
        '<a href="javascript:alert(1)">there</a><!-- hidden -->\n<style>p{}</style>friend'
    )
    assert to_plain(hostile) == "Hello there\nfriend"
    assert to_mrkdwn(hostile) == "Hello there\nfriend"
    assert to_plain("<script>\nalert(1)\n") == ""  # unterminated: dropped to the end


def test_mrkdwn_escapes_control_characters_and_neutralises_mentions() -> None:
    text = "Ping <!channel> <!here> <!everyone> <@U123ABC> <#C1> @here and @channel & a<b"
    out = to_mrkdwn(text)
    for live in ("<!", "<@", "<#", "@here", "@channel", "a<b"):
        assert live not in out, live
    assert out.startswith("Ping &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123ABC&gt;")
    assert out.endswith("&amp; a&lt;b")
    assert "@\u2060here" in out  # still reads "@here", but Slack sees no mention


def test_mrkdwn_code_and_fences_are_kept_and_escaped() -> None:
    assert to_mrkdwn("Run `a <b> && **c**`") == "Run `a &lt;b&gt; &amp;&amp; **c**`"
    assert to_mrkdwn("```sh\necho <x> **y**\n```") == "```\necho &lt;x&gt; **y**\n```"


def test_mrkdwn_links_cannot_break_out_of_their_brackets() -> None:
    assert to_mrkdwn("[a|b](https://ex.com/p?q=1|2)") == "<https://ex.com/p?q=1%7C2|a¦b>"
    assert to_mrkdwn("[**bold** <x>](https://ex.com)") == "<https://ex.com|bold &lt;x&gt;>"
    assert slack_link("javascript:alert(1)", "T") == "T"
    assert slack_link("", "<b>") == "&lt;b&gt;"


def test_mrkdwn_heading_with_bold_inside_is_bold_once() -> None:
    assert to_mrkdwn("# The **new** plan #") == "*The new plan*"
    assert to_mrkdwn("_it_ and *it* and ***both***") == "_it_ and _it_ and *_both_*"


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a", "http://example.com", "mailto:help@example.com"],
)
def test_safe_urls(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "/relative",
        "https://",
        "https://ex.com/a b",
        "mailto:",
        'https://ex.com/"onmouseover="x',
        "",
    ],
)
def test_unsafe_urls(url: str) -> None:
    assert safe_url(url) is None


def test_plain_text_is_stable_when_cleaned_twice() -> None:
    once = to_plain(ARTICLE)
    assert to_plain(once) == once
