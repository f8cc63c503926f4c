"""Hand-worked examples for evals.answer_metrics; the arithmetic is in the comments."""

from __future__ import annotations

import random

import pytest

from assistant.answerers.reply import ReplyTemplate
from evals.answer_metrics import (
    Passage,
    agent_facing_first,
    citation_order,
    draft_body,
    expected_calibration_error,
    fact_recall,
    fact_tokens,
    next_actions_correct,
    reliability_bins,
    top_citation_correct,
    unsafe_draft_sentences,
    wrong_playbook,
)

# --------------------------------------------------------------------------- facts


def test_fact_tokens_fold_case_number_formats_and_plurals() -> None:
    assert fact_tokens("Refund **1,480.00 USD** within Five Days.") == [
        "refund",
        "1480",
        "usd",
        "within",
        "5",
        "day",
    ]
    assert fact_tokens("2.50") == ["2.5"] and fact_tokens("version 5.2.1") == ["version", "5.2.1"]
    assert fact_tokens("access") == ["access"]  # "ss" is not a plural
    assert fact_tokens("5 to 10 days") == fact_tokens("5-10 days") == ["5", "10", "day"]
    assert fact_tokens("up to 10") == ["up", "to", "10"]  # "to" goes only between numbers


def test_fact_recall_counts_facts_stated_as_a_run_of_words() -> None:
    answer = "Reset links are valid for 60 Minutes [1]; only the newest link works."
    # "60 minutes" yes (case), "newest link" yes, "once" no -> 2 of 3
    assert fact_recall(answer, ["60 minutes", "newest link", "once"]) == pytest.approx(2 / 3)
    # a fact must appear as consecutive words: "valid 60" is not in the answer
    assert fact_recall(answer, ["valid 60"]) == 0.0
    # number formats: 1480 stated as "1,480", 10 USD as "10.00 usd"
    assert fact_recall("Charged 1,480 twice; fee 10.00 usd.", ["1480", "10 USD"]) == 1.0
    # a number is a whole token: 500 is not found in 5000
    assert fact_recall("Up to 5000 USD.", ["500"]) == 0.0


def test_fact_recall_edge_cases() -> None:
    assert fact_recall("anything", []) is None  # nothing to check
    assert fact_recall("", ["60 minutes"]) == 0.0  # an abstention states nothing
    with pytest.raises(TypeError):
        fact_recall("60 minutes", "60 minutes")


# --------------------------------------------------------------------------- citations


def test_citation_order_follows_first_use() -> None:
    assert citation_order("B [2]. A [1][2]. C [3].") == [2, 1, 3]
    assert citation_order("no marks") == []


def test_top_citation_correct() -> None:
    assert top_citation_correct("kb-1", {"kb-1", "pb-x"}) == 1.0
    assert top_citation_correct("ticket-9", {"kb-1"}) == 0.0
    assert top_citation_correct(None, {"kb-1"}) == 0.0  # nothing cited
    assert top_citation_correct("kb-1", set()) is None  # nothing expected


def test_agent_facing_first_reads_the_first_mark() -> None:
    types = {1: "ticket", 2: "article", 3: "playbook"}
    assert agent_facing_first("From the article [2]. A ticket [1].", types) == 1.0
    assert agent_facing_first("Customer wrote this [1]. Article [2].", types) == 0.0
    assert agent_facing_first("Step 3 [3].", types) == 1.0
    assert agent_facing_first("Nothing cited.", types) == 0.0
    assert agent_facing_first("Unknown mark [9].", types) == 0.0
    assert agent_facing_first("  ", types) is None  # abstained: nothing to judge


# ------------------------------------------------------------------------ next actions


def test_wrong_playbook() -> None:
    assert not wrong_playbook("pb-a", ["pb-a"])
    assert wrong_playbook("pb-a", ["pb-a", "pb-b"])  # one stray playbook is enough
    assert not wrong_playbook(None, [])
    assert wrong_playbook(None, ["pb-a"])  # none fits, so any action is wrong
    assert not wrong_playbook("pb-a", [])  # no action is not a wrong one


def test_next_actions_correct() -> None:
    assert next_actions_correct("pb-a", ["refund"], ["pb-a"], ["refund", "macro"])
    assert not next_actions_correct("pb-a", ["refund"], ["pb-a"], ["macro"])  # kind missing
    assert not next_actions_correct("pb-a", [], ["pb-a", "pb-b"], ["link"])  # stray playbook
    assert not next_actions_correct("pb-a", [], [], [])  # a playbook fits but none shown
    assert next_actions_correct("pb-a", [], ["pb-a"], ["link"])
    assert next_actions_correct(None, [], [], [])
    assert not next_actions_correct(None, [], ["pb-b"], ["link"])


# ------------------------------------------------------------------------ reply drafts

INTERNAL = Passage("Agents may refund duplicates up to 500 USD without approval.", public=False)
STALE = Passage("You can request a full refund within 14 days of the charge.", True, stale=True)
FRESH = Passage("You can request a full refund within 30 days of the charge.", public=True)


def test_unsafe_draft_sentences_attribute_each_sentence_to_its_source() -> None:
    draft = (
        "Hi Maria,\n"
        "You can request a full refund within 14 days of the charge. "
        "You can request a full refund within 30 days of the charge.\n"
        "Agents may refund duplicates up to 500 USD!\n"
        "Best regards"
    )
    # sentence 2: all 11 word pairs in STALE, 9 of 11 in FRESH -> STALE is the source
    # sentence 3: all in FRESH (safe); sentence 4: all 7 word pairs in INTERNAL
    # "Hi Maria," and "Best regards" are under 5 words: not attributed
    assert unsafe_draft_sentences(draft, [INTERNAL, STALE, FRESH]) == [
        "You can request a full refund within 14 days of the charge.",
        "Agents may refund duplicates up to 500 USD!",
    ]


def test_a_sentence_a_safe_passage_also_states_is_safe() -> None:
    copy = Passage(INTERNAL.text, public=True)
    assert unsafe_draft_sentences(INTERNAL.text, [INTERNAL, copy]) == []
    assert unsafe_draft_sentences(INTERNAL.text, [copy, INTERNAL]) == []


def test_a_sentence_loosely_like_a_passage_is_not_attributed_to_it() -> None:
    # 2 of 10 word pairs shared with INTERNAL (agents may, may refund: 0.2 < 0.7)
    draft = "Agents may refund this payment to the card it came from."
    assert unsafe_draft_sentences(draft, [INTERNAL]) == []
    assert unsafe_draft_sentences("", [INTERNAL]) == []


# ------------------------------------------------------------------------ calibration


def test_reliability_bins_and_ece_by_hand() -> None:
    pairs = [(0.95, True), (0.9, True), (0.85, False), (0.55, True), (0.5, False), (0.1, False)]
    bins = reliability_bins(pairs)
    # (0.9, 1.0]: 0.95 -> conf 0.95, acc 1; (0.8, 0.9]: 0.9, 0.85 -> conf 0.875, acc 1/2
    # (0.5, 0.6]: 0.55 -> acc 1; (0.4, 0.5]: 0.5 -> acc 0; [0, 0.1]: 0.1 -> acc 0
    assert [(b["lower"], b["count"]) for b in bins] == [
        (0.0, 1),
        (0.4, 1),
        (0.5, 1),
        (0.8, 2),
        (0.9, 1),
    ]
    assert bins[3]["confidence"] == pytest.approx(0.875) and bins[3]["accuracy"] == 0.5
    # ECE = (1*0.1 + 1*0.5 + 1*0.45 + 2*0.375 + 1*0.05) / 6 = 1.85 / 6
    assert expected_calibration_error(pairs) == pytest.approx(1.85 / 6)


def test_ece_extremes_and_errors() -> None:
    assert expected_calibration_error([(1.0, True), (0.0, False)]) == 0.0
    assert expected_calibration_error([(1.0, False)]) == 1.0
    assert expected_calibration_error([]) is None
    with pytest.raises(ValueError, match="confidence"):
        reliability_bins([(1.2, True)])
    with pytest.raises(ValueError, match="bins"):
        reliability_bins([(0.5, True)], bins=0)


def test_bins_agree_with_sklearn_calibration_curve() -> None:
    calibration = pytest.importorskip("sklearn.calibration")
    rng = random.Random(7)
    pairs = [(round(rng.random(), 2), rng.random() < 0.6) for _ in range(300)]
    pairs += [(0.3, True), (0.6, False), (0.0, False), (1.0, True)]  # on bin edges
    ours = reliability_bins(pairs)
    accuracy, confidence = calibration.calibration_curve(
        [ok for _, ok in pairs], [c for c, _ in pairs], n_bins=10, strategy="uniform"
    )
    assert [b["accuracy"] for b in ours] == pytest.approx(list(accuracy))
    assert [b["confidence"] for b in ours] == pytest.approx(list(confidence))


# --------------------------------------------------------------------------- reply drafts


def test_draft_body_keeps_what_the_customer_is_told() -> None:
    draft = (
        "Hi,\n\nThanks for reaching out.\n\nReset links are valid for 60 minutes.\n\n"
        "More details: https://help.example/kb-1\n\nLet me know if anything is unclear.\n\n"
        "Best regards,"
    )
    assert draft_body(draft) == "Reset links are valid for 60 minutes."
    assert draft_body("") == ""
    # a draft from another template keeps its own frame unless that template is given
    frame = ReplyTemplate(opening="Hello!", closing="Cheers,")
    assert draft_body("Hello!\n\nUse the sync log.\n\nCheers,", frame) == "Use the sync log."
