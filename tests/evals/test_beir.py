"""load_beir on a tiny BEIR-style folder written to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import KbassistError
from evals.gold import load_beir, split_of
from tests.conftest import EVALDATA


def write_beir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    corpus = [
        {
            "id": "d1",
            "title": "Pairing",
            "text": "Press and hold Back and Play to pair the remote.",
        },
        {"id": "d2", "title": "Bixby", "text": "Press and hold the mic button to talk to Bixby."},
        {"id": "d3", "title": "Picture", "text": "Open Settings, then Picture, for picture modes."},
    ]
    queries = [
        {
            "id": "q1",
            "text": "How do I pair the remote?",
            "answer": "Hold Back and Play.",
            "question_type": "normal",
        },
        {
            "id": "q2",
            "text": "How do I talk to Bixby?",
            "answer": "Hold the mic button.",
            "question_type": ["Factoid", "Composite"],
        },
        {"id": "q3", "text": "What is the TV's weight?", "answer": ""},
        {
            "id": "q4",
            "text": "Can it make coffee?",
            "answer": "No.",
            "answerability": "UNANSWERABLE",
        },
    ]
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(c) for c in corpus) + "\n")
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries) + "\n")
    (folder / "qrels.tsv").write_text(
        "query_id\tdoc_id\tscore\nq1\td1\t1\nq2\td2\t2\nq2\td3\t1\nq2\td1\t0\nq4\td3\t1\n"
    )
    return folder


def test_load_beir(tmp_path: Path) -> None:
    gold = load_beir(write_beir(tmp_path / "tv_set"))
    assert gold.name == "tv_set"
    q1, q2, q3, q4 = gold.items
    assert q1.question == "How do I pair the remote?" and q1.answer == "Hold Back and Play."
    assert q1.relevant == {"d1": 1.0} and q1.answerable and q1.tags == ["normal"]
    assert q2.relevant == {"d2": 2.0, "d3": 1.0}  # the score-0 row is not relevant
    assert q2.tags == ["Factoid", "Composite"]
    assert not q3.answerable and q3.relevant == {}  # no relevant document
    assert not q4.answerable and q4.relevant == {}  # marked UNANSWERABLE, qrels ignored
    assert all(item.team == [] for item in gold.items)


def test_split_is_deterministic_and_follows_the_share(tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "s")
    first = [item.split for item in load_beir(folder).items]
    assert first == [item.split for item in load_beir(folder).items]
    assert first == [split_of(q) for q in ("q1", "q2", "q3", "q4")]
    shares = [split_of(f"id-{n}") for n in range(2000)]
    assert 0.26 < shares.count("dev") / len(shares) < 0.34
    assert {split_of(f"id-{n}", dev_share=0.0) for n in range(100)} == {"test"}
    assert {split_of(f"id-{n}", dev_share=1.0) for n in range(100)} == {"dev"}
    assert [split_of(f"id-{n}", seed=1) for n in range(50)] != shares[:50]


def test_missing_file_and_bad_rows(tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "s")
    (folder / "qrels.tsv").write_text("query_id\tdoc_id\tscore\nq1\td1\tlots\n")
    with pytest.raises(KbassistError, match=r"qrels.tsv: line 2: score 'lots' is not a number"):
        load_beir(folder)
    (folder / "qrels.tsv").unlink()
    with pytest.raises(KbassistError, match=r"no qrels\.tsv"):
        load_beir(folder)
    (folder / "qrels.tsv").write_text("q1\td1\t1\n")  # no header: fine
    (folder / "queries.jsonl").write_text('{"id": "q1", "text": "ok"}\n{"id": "q2"}\n')
    with pytest.raises(
        KbassistError, match=r"queries.jsonl: line 2: a query needs 'id' and 'text'"
    ):
        load_beir(folder)


@pytest.mark.evaldata
def test_shared_sets_load() -> None:
    folder = EVALDATA / "emanual_tv"
    if not folder.is_dir():
        pytest.skip("../shared/evaldata is not here")
    gold = load_beir(folder)
    assert len(gold.items) == 684 and all(item.relevant_docs() for item in gold.items)
    assert 0.2 < len(gold.split("dev")) / len(gold.items) < 0.4
