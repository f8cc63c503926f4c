"""Hand-worked examples for evals.metrics; the arithmetic is in the comments."""

from __future__ import annotations

import random

import pytest

from evals.metrics import (
    abstention_scores,
    citation_precision,
    hit_at_k,
    latency_summary,
    mean,
    mrr_at_k,
    ndcg_at_k,
    next_action_accuracy,
    normalize_answer,
    percentile,
    precision_at_k,
    recall_at_k,
    rouge_l,
    token_f1,
)

# log2 values used below: log2(2) = 1, log2(3) = 1.5849625, log2(4) = 2, log2(5) = 2.3219281
# so 1/log2(3) = 0.6309298, 2/log2(3) = 1.2618595, 3/log2(3) = 1.8927893, 1/log2(5) = 0.4306766

RETRIEVAL = [hit_at_k, recall_at_k, precision_at_k, mrr_at_k, ndcg_at_k]


# ------------------------------------------------------------------------- retrieval


def test_graded_example_all_metrics() -> None:
    ranked = ["d3", "d1", "d2"]
    relevant = {"d1": 2.0, "d2": 1.0}
    # k = 3
    # DCG  = 0/log2(2) + 2/log2(3) + 1/log2(4) = 0 + 1.2618595 + 0.5 = 1.7618595
    # IDCG = 2/log2(2) + 1/log2(3)             = 2 + 0.6309298       = 2.6309298
    # nDCG = 1.7618595 / 2.6309298 = 0.6696718
    assert ndcg_at_k(ranked, relevant, 3) == pytest.approx(0.6696718, abs=1e-6)
    assert hit_at_k(ranked, relevant, 3) == 1.0
    assert recall_at_k(ranked, relevant, 3) == pytest.approx(1.0)  # 2 of 2 relevant found
    assert precision_at_k(ranked, relevant, 3) == pytest.approx(2 / 3)  # 2 relevant in top 3
    assert mrr_at_k(ranked, relevant, 3) == pytest.approx(0.5)  # first relevant at rank 2
    # k = 2: top 2 = [d3, d1]
    # DCG  = 0 + 2/log2(3) = 1.2618595
    # IDCG = 2/log2(2) + 1/log2(3) = 2.6309298 (both relevant docs fit in k = 2)
    # nDCG = 1.2618595 / 2.6309298 = 0.4796249
    assert ndcg_at_k(ranked, relevant, 2) == pytest.approx(0.4796249, abs=1e-6)
    assert recall_at_k(ranked, relevant, 2) == pytest.approx(0.5)  # d1 of {d1, d2}
    assert precision_at_k(ranked, relevant, 2) == pytest.approx(0.5)  # d1 of [d3, d1]
    # k = 1: top 1 = [d3], nothing relevant
    assert ndcg_at_k(ranked, relevant, 1) == 0.0
    assert hit_at_k(ranked, relevant, 1) == 0.0
    assert mrr_at_k(ranked, relevant, 1) == 0.0
    assert precision_at_k(ranked, relevant, 1) == 0.0


def test_ndcg_ideal_is_truncated_at_k() -> None:
    relevant = {"a": 3, "b": 2, "c": 1}
    # ranked [b, a], k = 2
    # DCG  = 2/log2(2) + 3/log2(3) = 2 + 1.8927893 = 3.8927893
    # IDCG = top-2 sorted grades [3, 2] = 3/log2(2) + 2/log2(3) = 3 + 1.2618595 = 4.2618595
    #        (c's grade is NOT included: ideal list truncated at k)
    # nDCG = 3.8927893 / 4.2618595 = 0.9134016
    assert ndcg_at_k(["b", "a"], relevant, 2) == pytest.approx(0.9134016, abs=1e-6)
    # ranked [a], k = 1: DCG = 3/1 = 3, IDCG = 3/1 = 3 -> 1.0 even though b, c are missing
    assert ndcg_at_k(["a"], relevant, 1) == pytest.approx(1.0)
    # perfect ranking over all three at k = 3 -> 1.0
    assert ndcg_at_k(["a", "b", "c"], relevant, 3) == pytest.approx(1.0)


def test_ndcg_binary_relevance_from_a_set() -> None:
    # set -> grade 1 each; ranked [x, a, y, b], k = 4
    # DCG  = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616063
    # IDCG = 1/log2(2) + 1/log2(3) = 1 + 0.6309298         = 1.6309298
    # nDCG = 1.0616063 / 1.6309298 = 0.6509209
    assert ndcg_at_k(["x", "a", "y", "b"], {"a", "b"}, 4) == pytest.approx(0.6509209, abs=1e-6)


def test_graded_ordering_matters_for_ndcg_only() -> None:
    relevant = {"d1": 2, "d2": 1}
    good, bad = ["d1", "d2"], ["d2", "d1"]
    # bad: DCG = 1/1 + 2/log2(3) = 2.2618595; IDCG = 2.6309298; nDCG = 0.8597186
    assert ndcg_at_k(good, relevant, 2) == pytest.approx(1.0)
    assert ndcg_at_k(bad, relevant, 2) == pytest.approx(2.2618595 / 2.6309298, abs=1e-6)
    assert ndcg_at_k(bad, relevant, 2) == pytest.approx(0.8597186, abs=1e-6)
    # binary metrics cannot tell the two apart
    for metric in (hit_at_k, recall_at_k, precision_at_k, mrr_at_k):
        assert metric(good, relevant, 2) == metric(bad, relevant, 2)


def test_zero_and_negative_grades_are_not_relevant() -> None:
    relevant = {"d1": 0.0, "d2": -1.0, "d3": 1.0}
    ranked = ["d1", "d2", "d3"]
    # only d3 counts: rank 3
    assert mrr_at_k(ranked, relevant, 3) == pytest.approx(1 / 3)
    assert recall_at_k(ranked, relevant, 3) == pytest.approx(1.0)  # 1 of 1
    assert precision_at_k(ranked, relevant, 3) == pytest.approx(1 / 3)
    # DCG = 1/log2(4) = 0.5; IDCG = 1/log2(2) = 1 -> 0.5
    assert ndcg_at_k(ranked, relevant, 3) == pytest.approx(0.5)
    assert hit_at_k(ranked, relevant, 2) == 0.0


def test_duplicates_in_ranked_are_collapsed_to_first_occurrence() -> None:
    # three chunks of d1 then d2: de-duplicated list is [d1, d2, d3]
    ranked = ["d1", "d1", "d1", "d2", "d3", "d2"]
    relevant = {"d2"}
    # top 2 after de-dup = [d1, d2] (without de-dup it would be [d1, d1] and score 0)
    assert hit_at_k(ranked, relevant, 2) == 1.0
    assert mrr_at_k(ranked, relevant, 2) == pytest.approx(0.5)
    assert precision_at_k(ranked, relevant, 2) == pytest.approx(0.5)  # 1 of 2
    assert recall_at_k(ranked, relevant, 2) == pytest.approx(1.0)
    # DCG = 1/log2(3) = 0.6309298; IDCG = 1 -> 0.6309298
    assert ndcg_at_k(ranked, relevant, 2) == pytest.approx(0.6309298, abs=1e-6)
    # a relevant doc retrieved twice counts once: [d2, d2, d1, d4] -> [d2, d1, d4], P@3 = 1/3
    assert precision_at_k(["d2", "d2", "d1", "d4"], {"d2"}, 3) == pytest.approx(1 / 3)
    assert recall_at_k(["d2", "d2"], {"d2", "d5"}, 5) == pytest.approx(0.5)
    # nDCG can never exceed 1 because of repeats
    assert ndcg_at_k(["d2", "d2", "d2"], {"d2": 3}, 3) == pytest.approx(1.0)


def test_k_larger_than_list() -> None:
    ranked = ["d1", "d2"]
    relevant = {"d2", "d9"}
    assert hit_at_k(ranked, relevant, 10) == 1.0
    assert recall_at_k(ranked, relevant, 10) == pytest.approx(0.5)  # d2 of {d2, d9}
    assert precision_at_k(ranked, relevant, 10) == pytest.approx(0.1)  # 1 / k, k = 10
    assert mrr_at_k(ranked, relevant, 10) == pytest.approx(0.5)
    # DCG  = 1/log2(3) = 0.6309298
    # IDCG = 1/log2(2) + 1/log2(3) = 1.6309298 (both relevant docs, k = 10 truncates nothing)
    # nDCG = 0.6309298 / 1.6309298 = 0.3868528
    assert ndcg_at_k(ranked, relevant, 10) == pytest.approx(0.3868528, abs=1e-6)


@pytest.mark.parametrize("metric", RETRIEVAL)
@pytest.mark.parametrize("relevant", [set(), {}, {"d1": 0.0}], ids=["set", "dict", "zeros"])
def test_no_relevant_docs_scores_zero(metric, relevant) -> None:
    assert metric(["d1", "d2"], relevant, 5) == 0.0


@pytest.mark.parametrize("metric", RETRIEVAL)
def test_empty_ranking_scores_zero(metric) -> None:
    assert metric([], {"d1"}, 5) == 0.0


@pytest.mark.parametrize("metric", RETRIEVAL)
@pytest.mark.parametrize("k", [0, -1])
def test_k_must_be_positive(metric, k) -> None:
    with pytest.raises(ValueError):
        metric(["d1"], {"d1"}, k)


@pytest.mark.parametrize("metric", RETRIEVAL)
def test_relevant_as_bare_string_is_rejected(metric) -> None:
    with pytest.raises(TypeError):
        metric(["d1"], "d1", 1)


def test_relevant_accepts_list_and_frozenset() -> None:
    assert recall_at_k(["a", "b"], ["b", "c"], 2) == pytest.approx(0.5)
    assert recall_at_k(["a", "b"], frozenset({"b", "c"}), 2) == pytest.approx(0.5)


# -------------------------------------------------------------------- answer quality


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  The Quick, Brown fox!  ", "quick brown fox"),
        ("An apple a day", "apple day"),
        ("theater and another anthem", "theater and another anthem"),  # articles only as words
        ("Don't re-send the e-mail.", "dont resend email"),
        ("Tabs\tand\nnewlines", "tabs and newlines"),
        ("THE", ""),
        ("", ""),
        ("...!?", ""),
    ],
)
def test_normalize_answer(raw, expected) -> None:
    assert normalize_answer(raw) == expected


def test_token_f1_hand_worked() -> None:
    # pred "The cat sat on the mat."  -> [cat, sat, on, mat]          (4 tokens)
    # ref  "A cat sat on a red mat"   -> [cat, sat, on, red, mat]     (5 tokens)
    # common = 4; P = 4/4 = 1, R = 4/5 = 0.8; F1 = 2*1*0.8 / 1.8 = 0.8888889
    assert token_f1("The cat sat on the mat.", "A cat sat on a red mat") == pytest.approx(8 / 9)


def test_token_f1_counts_repeated_tokens_once_per_match() -> None:
    # pred [refund, refund, refund], ref [refund, policy]
    # common = min(3, 1) = 1; P = 1/3, R = 1/2; F1 = 2*(1/6) / (5/6) = 0.4
    assert token_f1("refund refund refund", "refund policy") == pytest.approx(0.4)


def test_token_f1_edge_cases() -> None:
    assert token_f1("Reset your password.", "reset YOUR password") == pytest.approx(1.0)
    assert token_f1("", "") == 1.0
    assert token_f1("The", "a") == 1.0  # both normalise to empty
    assert token_f1("", "reset password") == 0.0
    assert token_f1("reset password", "") == 0.0
    assert token_f1("completely different", "nothing shared") == 0.0


def test_rouge_l_order_matters_unlike_token_f1() -> None:
    pred = "reset the password from the settings page"
    ref = "open settings and reset password"
    # pred -> [reset, password, from, settings, page] (5); ref -> [open, settings, and, reset,
    # password] (5)
    # LCS = [reset, password] = 2; P = 2/5, R = 2/5; ROUGE-L F1 = 0.4
    assert rouge_l(pred, ref) == pytest.approx(0.4)
    # bag of words: common = {reset, password, settings} = 3; P = R = 3/5; F1 = 0.6
    assert token_f1(pred, ref) == pytest.approx(0.6)


def test_rouge_l_hand_worked_subsequence() -> None:
    # pred [w, x, y, z] (4), ref [w, y, z] (3); LCS = [w, y, z] = 3
    # P = 3/4, R = 3/3 = 1; F1 = 2*0.75*1 / 1.75 = 0.8571429
    assert rouge_l("w x y z", "w y z") == pytest.approx(6 / 7)
    # symmetric for beta = 1
    assert rouge_l("w y z", "w x y z") == pytest.approx(6 / 7)


def test_rouge_l_edge_cases() -> None:
    assert rouge_l("Open the ticket!", "open ticket") == pytest.approx(1.0)
    assert rouge_l("", "") == 1.0
    assert rouge_l("", "open ticket") == 0.0
    assert rouge_l("open ticket", "") == 0.0
    assert rouge_l("alpha beta", "gamma delta") == 0.0


# ------------------------------------------------------------------------- citations


def test_citation_precision_distinct_cited() -> None:
    # distinct cited = [d1, d2, d9]; relevant (grade > 0) = {d1}; 1/3
    cited = ["d1", "d2", "d1", "d9"]
    assert citation_precision(cited, {"d1": 2, "d2": 0}) == pytest.approx(1 / 3)
    # distinct cited = [d1, d2]; both relevant in the set form -> 2/2
    assert citation_precision(["d1", "d2", "d2"], {"d1", "d2", "d3"}) == pytest.approx(1.0)
    assert citation_precision(["d7"], {"d1"}) == 0.0


def test_citation_precision_nothing_cited_is_none() -> None:
    assert citation_precision([], {"d1"}) is None
    assert citation_precision([], set()) is None


# ------------------------------------------------------------------------ abstention


def test_abstention_scores_hand_worked() -> None:
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    # tp = 2 (rows 1, 5), fn = 1 (row 2), fp = 1 (row 3), tn = 1 (row 4)
    # P = 2/(2+1) = 2/3, R = 2/(2+1) = 2/3, F1 = 2/3
    s = abstention_scores(pairs)
    assert (s["tp"], s["fp"], s["fn"], s["tn"]) == (2, 1, 1, 1)
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["recall"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(2 / 3)


def test_abstention_scores_unequal_precision_recall() -> None:
    pairs = [(True, True), (False, True), (False, True), (True, True), (True, False)]
    # tp = 2, fp = 2, fn = 1, tn = 0; P = 2/4 = 0.5, R = 2/3; F1 = 2*0.5*(2/3) / (7/6) = 4/7
    s = abstention_scores(iter(pairs))  # any iterable, e.g. a generator
    assert (s["tp"], s["fp"], s["fn"], s["tn"]) == (2, 2, 1, 0)
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(4 / 7)


def test_abstention_scores_undefined_cases() -> None:
    # no abstentions made: precision undefined; recall = 0/1 = 0
    s = abstention_scores([(True, False), (False, False)])
    assert s["precision"] is None
    assert s["recall"] == 0.0
    assert s["f1"] is None
    # nothing should have been abstained on: recall undefined; precision = 0/1
    s = abstention_scores([(False, True), (False, False)])
    assert s["precision"] == 0.0
    assert s["recall"] is None
    assert s["f1"] is None
    # both defined and both zero -> f1 = 0.0, not None
    s = abstention_scores([(True, False), (False, True)])
    assert (s["precision"], s["recall"], s["f1"]) == (0.0, 0.0, 0.0)
    # no pairs at all
    s = abstention_scores([])
    assert s == {
        "precision": None,
        "recall": None,
        "f1": None,
        "tp": 0,
        "fp": 0,
        "fn": 0,
        "tn": 0,
    }


# ---------------------------------------------------------------------- next actions


def test_next_action_accuracy() -> None:
    assert next_action_accuracy({"escalate"}, {"escalate", "reply"}) == 1.0  # extras are fine
    assert next_action_accuracy(["escalate", "refund"], ["escalate"]) == 0.0  # refund missing
    assert next_action_accuracy(["refund", "refund"], ["refund"]) == 1.0  # duplicates ignored
    assert next_action_accuracy(["escalate"], []) == 0.0


def test_next_action_accuracy_not_applicable_when_nothing_expected() -> None:
    assert next_action_accuracy([], []) is None
    assert next_action_accuracy(set(), {"escalate"}) is None


# --------------------------------------------------------------------------- latency


def test_percentile_hand_worked() -> None:
    data = [40, 15, 50, 35, 20]  # sorted: [15, 20, 35, 40, 50], n = 5
    # p = 40: pos = (5-1)*0.40 = 1.6 -> 20 + 0.6*(35-20) = 29
    assert percentile(data, 40) == pytest.approx(29.0)
    # p = 95: pos = 4*0.95 = 3.8 -> 40 + 0.8*(50-40) = 48
    assert percentile(data, 95) == pytest.approx(48.0)
    # p = 50: pos = 2 -> exactly the middle element 35
    assert percentile(data, 50) == pytest.approx(35.0)
    assert percentile(data, 0) == 15.0
    assert percentile(data, 100) == 50.0
    # single value: every percentile is that value
    assert percentile([7.0], 95) == 7.0
    # two values [1, 2], p = 25: pos = 0.25 -> 1.25
    assert percentile([2, 1], 25) == pytest.approx(1.25)


NUMPY_CASES = [
    [1.0],
    [3.0, 1.0],
    [15.0, 20.0, 35.0, 40.0, 50.0],
    [5.0, 5.0, 5.0, 100.0],
    [120.5, 80.25, 99.0, 310.0, 87.75, 101.0, 95.5, 2000.0],
    [random.Random(seed).uniform(1, 5000) for seed in range(37)],
    [-3.0, 0.0, 2.5, -1.5, 7.0, 4.0],
]


@pytest.mark.parametrize("values", NUMPY_CASES, ids=[f"case{i}" for i in range(len(NUMPY_CASES))])
@pytest.mark.parametrize("p", [0, 1, 10, 25, 33.3, 50, 66.6, 90, 95, 99, 99.9, 100])
def test_percentile_matches_numpy_linear(values, p) -> None:
    np = pytest.importorskip("numpy")
    assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)), rel=1e-12)


def test_percentile_accepts_any_iterable() -> None:
    assert percentile((v for v in [1, 2, 3]), 50) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("values", "p"),
    [([], 50), ([1.0, 2.0], -1), ([1.0, 2.0], 100.5), ([1.0, float("nan")], 50)],
)
def test_percentile_invalid_input(values, p) -> None:
    with pytest.raises(ValueError):
        percentile(values, p)


def test_latency_summary_hand_worked() -> None:
    ms = [120, 80, 100, 300, 90]  # sorted: [80, 90, 100, 120, 300], n = 5
    # p50: pos = 4*0.5 = 2 -> 100
    # p95: pos = 4*0.95 = 3.8 -> 120 + 0.8*(300-120) = 264
    # mean = (120+80+100+300+90)/5 = 690/5 = 138
    s = latency_summary(ms)
    assert s["p50"] == pytest.approx(100.0)
    assert s["p95"] == pytest.approx(264.0)
    assert s["mean"] == pytest.approx(138.0)
    assert s["max"] == 300.0
    assert s["n"] == 5


def test_latency_summary_empty_raises() -> None:
    with pytest.raises(ValueError):
        latency_summary([])


# --------------------------------------------------------------------------- average


def test_mean_ignores_none() -> None:
    # (1.0 + 0.0 + 0.5) / 3 = 0.5 ; the None is skipped, not counted as 0
    assert mean([1.0, None, 0.0, 0.5]) == pytest.approx(0.5)
    assert mean([2, 4]) == pytest.approx(3.0)
    assert mean(x for x in [None, 1.0]) == pytest.approx(1.0)


def test_mean_of_nothing_is_none() -> None:
    assert mean([]) is None
    assert mean([None, None]) is None


def test_mean_composes_with_optional_metrics() -> None:
    # per-question citation precision: [1/2, None (nothing cited), 1/1] -> mean of 0.5, 1.0 = 0.75
    per_question = [
        citation_precision(["d1", "d2"], {"d1"}),
        citation_precision([], {"d1"}),
        citation_precision(["d3"], {"d3"}),
    ]
    assert mean(per_question) == pytest.approx(0.75)
