"""The requester's names, and everyday words that are also their names."""

from __future__ import annotations

import pytest

from ingest.redact import redact

REQUESTER = ["Maria Lopez"]


def redacted(text: str, names: list[str] | None = None) -> str:
    return redact(text, names or []).text


# --- names ------------------------------------------------------------------------------------


def test_full_name_is_replaced_once() -> None:
    result = redact("Ticket from Maria Lopez about billing", REQUESTER)
    assert (result.text, result.counts["name"]) == ("Ticket from [NAME] about billing", 1)


def test_first_name_alone_is_replaced() -> None:
    assert redacted("Thanks, Maria", REQUESTER) == "Thanks, [NAME]"


def test_last_name_alone_is_replaced() -> None:
    assert redacted("Ms Lopez called", REQUESTER) == "Ms [NAME] called"


def test_name_in_capitals_is_replaced() -> None:
    assert redacted("MARIA LOPEZ wrote", REQUESTER) == "[NAME] wrote"


def test_name_in_lower_case_is_replaced() -> None:
    assert redacted("signed: maria", REQUESTER) == "signed: [NAME]"


def test_name_inside_a_longer_word_is_kept() -> None:
    text = "The Mariachi band played in Lopezville"
    assert redacted(text, REQUESTER) == text


def test_possessive_name_is_replaced() -> None:
    assert redacted("Maria's card", REQUESTER) == "[NAME]'s card"


def test_name_written_without_its_accents_is_replaced() -> None:
    assert redacted("Hola Jose Garcia", ["José García"]) == "Hola [NAME]"


def test_name_part_shorter_than_three_letters_is_kept_alone() -> None:
    assert redacted("Wei Li asked; Li is a common word here", ["Wei Li"]) == (
        "[NAME] asked; Li is a common word here"
    )


def test_hyphenated_name_and_its_parts_are_replaced() -> None:
    assert redacted("Jean-Luc Martin, Jean, Luc", ["Jean-Luc Martin"]) == "[NAME], [NAME], [NAME]"


def test_name_split_over_a_line_break_is_replaced_once() -> None:
    result = redact("Maria\nLopez", REQUESTER)
    assert (result.text, result.counts["name"]) == ("[NAME]", 1)


def test_other_people_are_kept() -> None:
    assert redacted("Agent Tom Reed replied", REQUESTER) == "Agent Tom Reed replied"


def test_no_names_given_replaces_no_names() -> None:
    assert redacted("Maria Lopez") == "Maria Lopez"


BILL = ["Bill Turner"]


def test_the_bill_is_not_the_requester_bill() -> None:
    text = "Bill here: the bill for INV-2291 is wrong, my bill says more. Thanks, Bill"
    assert redacted(text, BILL) == (
        "[NAME] here: the bill for INV-2291 is wrong, my bill says more. Thanks, [NAME]"
    )


@pytest.mark.parametrize("text", ["THE BILL IS DUE", "Invoice BILL-2291 is open", "pay your Bill"])
def test_everyday_word_after_an_article_or_in_a_code_is_kept(text: str) -> None:
    assert redacted(text, BILL) == text


@pytest.mark.parametrize("text", ["bill turner wrote", "BILL TURNER wrote", "Bill Turner wrote"])
def test_full_name_of_an_everyday_word_is_replaced_in_any_case(text: str) -> None:
    assert redacted(text, BILL) == "[NAME] wrote"


def test_lower_case_everyday_word_is_the_word() -> None:
    assert (
        redacted("a grace period; Grace asked", ["Grace Banks"]) == "a grace period; [NAME] asked"
    )
