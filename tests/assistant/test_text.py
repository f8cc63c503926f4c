"""Plain-text helpers: lines wrapped inside a sentence, and Markdown tables."""

from __future__ import annotations

from assistant.text import (
    is_about_the_page,
    is_link_only,
    is_question,
    label_fragments,
    linear_tables,
    plain_entities,
    split_sentences,
    unwrap,
)

PDF_TEXT = (
    "Instant Recording\n"
    "Select a live program from the\nGuide\n, press and hold the Select button, and then select\n"
    "Record\nfrom the pop-\nup menu to start recording.\n"
    "If you go to\nLive TV\nwhile no USB device is connected, the\nSchedule Manager\n"
    "screen appears.\n"
    "Reset Settings\nReset Smart Hub\n"
)


def test_a_sentence_wrapped_across_lines_reads_whole_again() -> None:
    sentences = split_sentences(unwrap(PDF_TEXT))
    assert (
        "If you go to Live TV while no USB device is connected, the Schedule Manager screen "
        "appears." in sentences
    )
    assert any(
        s.startswith("Instant Recording: Select a live program from the Guide, press and hold")
        for s in sentences
    )
    assert any("the pop-up menu" in s for s in sentences)  # a word hyphenated at the line end


def test_headings_labels_and_markdown_blocks_stay_apart() -> None:
    sentences = split_sentences(unwrap(PDF_TEXT))
    # a label names the sentence after it, marked as a label, not run into it
    assert "Instant Recording" not in sentences
    assert not any(s.startswith("Instant Recording Select") for s in sentences)
    assert "Reset Settings" in sentences and "Reset Smart Hub" in sentences  # labels of labels
    markdown = (
        "Reset links expire after 60 minutes:\n"
        "- the newest link works and older ones\n  stop working\n"
        "- a used link cannot be used again.\n"
        "## Troubleshooting\n"
        "Check the spam folder  \nand the address.\n"
        "A paragraph hard-wrapped by an editor at eighty columns goes on\n"
        "To the next line."
    )
    lines = unwrap(markdown).split("\n")
    assert lines == [
        "Reset links expire after 60 minutes:",
        "- the newest link works and older ones stop working",
        "- a used link cannot be used again.",
        "## Troubleshooting",
        "Check the spam folder  ",
        "and the address.",
        "A paragraph hard-wrapped by an editor at eighty columns goes on To the next line.",
    ]


def test_list_items_joined_by_or_read_as_one_sentence() -> None:
    text = (
        "If you cannot update the app right now:\n\n"
        "- Upload receipts on the web at **Expenses > Upload receipt**, or\n"
        "- Email the receipt to your expenses inbox.\n"
        "- Restart the phone.\n"
    )
    sentences = split_sentences(unwrap(text))
    assert (
        "Upload receipts on the web at **Expenses > Upload receipt**, or Email the receipt to your "
        "expenses inbox." in sentences
    )
    assert "Restart the phone." in sentences  # an item not announced by "or" stays its own
    assert not any(s.endswith(", or") for s in sentences)


def test_a_table_reads_row_by_row_with_its_headers() -> None:
    text = "| Plan | Requests per minute |\n|---|---|\n| Growth | 120 |\n| Starter |  |\n\nAfter."
    assert linear_tables(text).split("\n") == [
        "Plan: Growth; Requests per minute: 120.",
        "Plan: Starter.",
        "",
        "After.",
    ]


def test_a_table_with_short_rule_cells_and_no_outer_pipes_reads_the_same() -> None:
    text = "Host|Notes\n:--|:-:\nFirebase|See the hosting guide.\nNetlify|Automatic."
    assert linear_tables(text).split("\n") == [
        "Host: Firebase; Notes: See the hosting guide.",
        "Host: Netlify; Notes: Automatic.",
    ]
    # a rule whose cells do not match the header's, or a lone short cell, opens no table
    assert linear_tables("a|b|c\n--|--") == "a|b|c\n--|--"
    assert linear_tables("run: |\n- |\n  echo") == "run: |\n- |\n  echo"


def test_list_items_that_are_not_sentences_carry_their_lists_lead_in() -> None:
    text = (
        "- Annual plan charges older than 30 days\n"
        "- Monthly plan charges\n"
        "- Refunds are sent to the original card.\n"
        "\n"
        "Back in Ledgerly, choose:\n"
        "   - the sales account for invoice lines,\n"
        "   - **Percentage** of the amount, or\n"
        "   - **Fixed amount**\n"
        "```\n- not a list item\n```"
    )
    lines = label_fragments(text, "What is not covered").split("\n")
    # the text opens with the list: the section's heading introduces it
    assert lines[0] == "- What is not covered: Annual plan charges older than 30 days."
    assert lines[1] == "- What is not covered: Monthly plan charges."
    assert lines[2] == "- Refunds are sent to the original card."  # a sentence already
    assert lines[5] == "   - Back in Ledgerly, choose: the sales account for invoice lines."
    # an item read on from "..., or" is not given the lead-in a second time
    assert lines[7] == "   - **Fixed amount**"
    assert lines[9] == "- not a list item"  # code is left alone
    # a list after a paragraph of its own has no lead-in to carry
    assert label_fragments("Some text.\n- an item", "H") == "Some text.\n- an item"
    assert (
        label_fragments("## Limits\n- 120 per minute", "") == "## Limits\n- Limits: 120 per minute."
    )


def test_sentences_about_their_page_are_told_from_sentences_about_the_product() -> None:
    assert is_about_the_page("This article explains how to connect Xero.")
    assert is_about_the_page("This is the list of open product bugs that customers report.")
    assert is_about_the_page("The following section describes the limits.")
    assert not is_about_the_page("This plan includes 2 users.")
    assert not is_about_the_page("This is the fastest way to refund a customer.")
    assert not is_about_the_page("Open the list of invoices and click Export.")


def test_a_label_line_and_the_sentence_it_names_read_as_one() -> None:
    text = "Reset Network\nRestore the network settings to the factory default.\nReset Settings\n"
    assert split_sentences(unwrap(text)) == [
        "Reset Network: Restore the network settings to the factory default.",
        "Reset Settings",
    ]
    # a Markdown heading and a long capitalised line are not labels of the sentence after them
    assert (
        unwrap("## Reset Network\nRestore the settings.")
        == "## Reset Network\nRestore the settings."
    )
    long_title = "Connect Your Samsung Smart TV To The Home Network"
    assert unwrap(f"{long_title}\nOpen Settings.") == f"{long_title}\nOpen Settings."


def test_every_markdown_bullet_reads_the_same() -> None:
    for mark in ("-", "*", "+", "1."):
        text = f"{mark} Open **Settings > Users**.\n{mark} Click **Invite user**."
        assert split_sentences(unwrap(text)) == [
            "Open **Settings > Users**.",
            "Click **Invite user**.",
        ], mark


def test_a_sentence_that_points_to_another_page_is_link_only() -> None:
    assert is_link_only("See [Cancel your plan](https://help.example/kb-2).")
    assert is_link_only(
        "See the [`css.PostCSS`](https://gohugo.io/functions/css/postcss/) function."
    )
    assert is_link_only("SEE ALSO: [hugo server](https://gohugo.io/commands/) - Start the server.")
    # a sentence with a link that says something itself is not
    assert not is_link_only("Refunds take 5-10 days; see [Refunds](https://help.example/kb-9).")
    assert not is_link_only("Seeing double charges? Open [Payments](https://help.example/pay).")
    assert not is_link_only("See your invoices under Payments.")  # no link: a plain instruction


def test_a_question_is_told_from_a_button_that_ends_in_a_question_mark() -> None:
    assert is_question("Set up automatic builds and deploys with GitHub?")
    assert is_question("How does Remote Support work? ")
    assert not is_question("Click **Forgot password?**.")
    assert not is_question("Click **Forgot password?**")
    assert not is_question("Reset links are valid for 60 minutes.")


def test_typographic_entities_read_as_characters_and_markup_ones_stay() -> None:
    assert plain_entities("an&nbsp;`index.md`&nbsp;file") == "an `index.md` file"
    assert plain_entities("Hugo&#8217;s server &mdash; fast") == "Hugo\u2019s server \u2014 fast"
    assert (
        plain_entities("Use &lt;div&gt; &amp; &quot;x&quot;")
        == "Use &lt;div&gt; &amp; &quot;x&quot;"
    )
    assert plain_entities("R&D and AT&T stay") == "R&D and AT&T stay"
