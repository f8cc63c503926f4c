"""The answerability features and classifier, on hand-made passages and term statistics."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.answerers.answerability import (
    CANDIDATE_FILE,
    FEATURES,
    MODEL_FILE,
    V1_FEATURES,
    AnswerabilityModel,
    features,
    question_terms,
)
from assistant.errors import KbassistError
from assistant.retrieval import RetrievedChunk


class Stats:
    """Document frequencies by stemmed term, in a corpus of ``n`` chunks."""

    def __init__(self, df: dict[str, int], n: int = 100) -> None:
        self.df, self.n = df, n

    def corpus_size(self) -> int:
        return self.n

    def document_frequency(self, terms: Sequence[str]) -> list[int]:
        return [self.df.get(t, 0) for t in terms]


def chunk(doc: str, text: str, dense: float = 0.0, bm25: float = 0.0) -> RetrievedChunk:
    signals = {"dense": dense, "bm25": bm25}
    return RetrievedChunk(f"{doc}#0", doc, text, {"title": doc}, 1.0, signals=signals)


def test_question_terms_are_stemmed_content_words_like_the_bm25_index() -> None:
    assert question_terms("How do the refunds get refunded?") == ["refund", "get"]


def test_coverage_weighs_a_rare_word_more_than_a_common_one() -> None:
    stats = Stats({"refund": 2, "invoic": 60, "custom": 60})
    question = "customer invoice refund"
    rare = features(question, [chunk("a", "A refund is possible.")], stats)
    common = features(question, [chunk("a", "The customer gets an invoice.")], stats)
    assert rare["coverage"] > 0.5 > common["coverage"] > 0.0


def test_a_key_word_found_nowhere_in_the_kb_is_flagged() -> None:
    stats = Stats({"invoic": 40, "pay": 30})
    passages = [chunk("a", "Invoices can be paid by card.", dense=0.6)]
    unknown = features("pay invoices in bitcoin", passages, stats)
    known = features("pay invoices by card", passages, Stats({"invoic": 40, "pay": 30, "card": 5}))
    assert unknown["key_unknown"] == 1.0 and unknown["unknown_share"] > 0.4
    assert known["key_unknown"] == 0.0 and known["unknown_share"] == 0.0


def test_scores_and_margins_are_between_documents_not_chunks_of_one() -> None:
    passages = [
        chunk("a", "x", dense=0.8, bm25=6.0),
        chunk("a", "y", dense=0.79, bm25=5.9),  # a second chunk of the same document
        chunk("b", "z", dense=0.5, bm25=2.0),
    ]
    got = features("refund window", passages, Stats({"refund": 5, "window": 5}))
    assert got["dense_top"] == 0.8
    assert got["dense_margin"] == pytest.approx(0.3)
    assert got["bm25_margin"] == pytest.approx(got["bm25_top"] * 4 / 6)


def _model(**changes: object) -> AnswerabilityModel:
    n = len(V1_FEATURES)
    data: dict[str, object] = {
        "version": 1,
        "features": list(V1_FEATURES),
        "coefficients": [2.0, 0, 0, 0, 1.0, -1.0, 0][:n],
        "intercept": 0.0,
        "mean": [0.5] * n,
        "scale": [0.1] * n,
        "threshold": 0.4,
        **changes,
    }
    return AnswerabilityModel.from_dict(data)


def test_the_probability_follows_the_coefficients_and_platt_scaling() -> None:
    model = _model(platt=[1.0, 0.0])
    strong = {"dense_top": 0.8, "coverage": 0.9, "unknown_share": 0.0}
    weak = {"dense_top": 0.3, "coverage": 0.2, "unknown_share": 0.6}
    assert model.probability(strong) > 0.99 and model.probability(weak) < 0.01
    flatter = _model(platt=[0.1, 0.0])
    assert 0.5 < flatter.probability(strong) < model.probability(strong)
    assert model.abstains(model.probability(weak)) and not model.abstains(0.4)


def test_the_model_round_trips_through_its_json() -> None:
    model = _model(platt=[0.7, -0.2], meta={"fitted_on": {"x": 3}})
    again = AnswerabilityModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model and again.meta == {"fitted_on": {"x": 3}}


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"version": 3}, "version"),
        ({"features": ["dense_top", "shoe_size"]}, "shoe_size"),
        ({"coefficients": [1.0]}, "one value per feature"),
        ({"platt": [1.0]}, "platt"),
    ],
)
def test_a_bad_model_file_is_a_config_error_naming_the_field(
    changes: dict[str, object], named: str
) -> None:
    with pytest.raises(KbassistError) as caught:
        _model(**changes)
    assert named in caught.value.detail


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"version": 1, "features": ["dense_top"]}))
    with pytest.raises(KbassistError) as caught:
        AnswerabilityModel.load(path)
    assert str(path) in caught.value.detail and "coefficients" in caught.value.detail


def test_the_shipped_model_answers_a_covered_question_and_abstains_on_an_unknown_one() -> None:
    model = AnswerabilityModel.load(MODEL_FILE)
    assert model.meta.get("fitted_on"), "the model file says what it was fitted on"
    stats = Stats({"refund": 4, "annual": 6, "plan": 30, "day": 20, "window": 3})
    covered = [
        chunk("kb-1", "Annual plans can be refunded within 30 days: the refund window.", 0.82, 9),
        chunk("kb-2", "Plans and billing.", 0.55, 2),
    ]
    unknown = [chunk("kb-2", "Plans and billing.", 0.41, 1), chunk("kb-3", "Export.", 0.39, 0.5)]
    shipped = model.with_stats(stats)
    good = shipped.score("refund window for annual plans", covered)
    bad = shipped.score("payroll module for bitcoin wages", unknown)
    assert not shipped.abstains(good)
    assert shipped.abstains(bad) and bad < good
    assert shipped.score("anything", []) == 0.0


def test_a_clearly_matching_playbook_raises_answerability_and_no_evidence_is_neutral() -> None:
    names = list(FEATURES)
    weights = [1.0 if n == "playbook_lead" else 0.0 for n in names]
    model = _model(
        version=2,
        features=names,
        coefficients=weights,
        mean=[0.1] * len(names),
        scale=[0.1] * len(names),
        platt=[1.0, 0.0],
    )
    passages = [chunk("a", "Duplicate charges are refunded.", dense=0.5)]
    question = "customer charged twice"
    clear = model.score(question, passages, playbook=(0.62, 0.25))
    crowded = model.score(question, passages, playbook=(0.62, 0.01))
    unknown = model.score(question, passages)  # no evidence: the feature counts as its mean
    assert clear > unknown == 0.5 > crowded
    assert features(question, passages, None, playbook=(0.62, 0.25))["playbook_lead"] == 0.25
    assert "playbook_lead" not in features(question, passages, None)


def test_a_version_1_file_cannot_name_the_playbook_features() -> None:
    names = list(FEATURES)
    with pytest.raises(KbassistError) as caught:
        _model(features=names, coefficients=[0.0] * len(names))
    assert "playbook_score" in caught.value.detail


def test_the_candidate_model_is_version_2_with_the_playbook_features() -> None:
    model = AnswerabilityModel.load(CANDIDATE_FILE)
    assert {"playbook_score", "playbook_lead"} <= set(model.features)
    assert model.to_dict()["version"] == 2 and model.meta.get("fitted_on")
