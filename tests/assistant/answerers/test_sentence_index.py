"""Sentence vectors computed at ingest: with answers weighing meaning, every quotable sentence is
embedded when the store changes, an answer then embeds none of them, and it reads the same as
one whose sentences were embedded while the agent waited."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.answerers.selection import weighable
from assistant.answerers.sentence_index import SentenceIndex
from assistant.compose import SENTENCE_FILE, Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.sentence_vectors import SentenceVectors
from assistant.embedding.similarity import SentenceSimilarity
from assistant.settings import Settings
from assistant.store import ChunkHit
from assistant.suggestion import AskRequest
from tests.fakes.counting_embedder import Counting

QUESTION = "A customer was charged twice for one invoice, what do I do?"
TIER1 = Audience.agent("tier1")


def services(data_dir: Path, embedder: Counting, meaning: bool = True) -> Services:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=data_dir, answerer="extractive", sentence_meaning=meaning, _env_file=None
    )
    built = Services(settings)
    built.embedder = embedder  # type: ignore[assignment]
    return built


def stored_sentences(built: Services) -> list[str]:
    cut = built.sentences.max_chars  # sentences are stored as they are asked for
    return [
        s[:cut]
        for chunk_id, text, metadata in built.store.iter_rows()
        for s in weighable(ChunkHit(chunk_id, text, metadata, 0.0).retrieved())
    ]


def test_ingest_embeds_every_quotable_sentence_once_and_a_resync_none(
    tiny_kb: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    counting = Counting(embedder)
    built = services(tmp_path / "data", counting)
    assert built.ingestor.sync([tiny_kb]).ok
    sentences = stored_sentences(built)
    assert sentences, "the tiny KB has quotable sentences"
    known = built.sentences.known
    assert known is not None and set(known.get(sentences)) == set(sentences)
    assert known.count() == len(set(sentences))
    before = len(counting.embedded)
    again = services(tmp_path / "data", counting)
    again.ingestor.sync([tiny_kb])
    again.ingestor.refresh_indexes()
    assert len(counting.embedded) == before  # nothing changed: nothing embedded


def test_the_rebuild_reports_its_progress_through_every_chunk(
    tiny_kb: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    built = services(tmp_path / "data", Counting(embedder))
    built.ingestor.indexes = []
    assert built.ingestor.sync([tiny_kb]).ok
    heard: list[tuple[int, int]] = []
    index = SentenceIndex(built.sentences, built.settings.data_dir)
    assert index.rebuild(built.store, lambda done, total: heard.append((done, total))) > 0
    chunks = built.store.count()
    assert heard[0] == (0, chunks) and heard[-1] == (chunks, chunks)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)


def test_an_edited_document_gets_its_new_sentences_embedded(
    tiny_kb: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    counting = Counting(embedder)
    built = services(tmp_path / "data", counting)
    built.ingestor.sync([tiny_kb])
    article = next((tiny_kb / "articles").glob("*.md"))
    added = "Refunds for duplicate charges reach the card within ten business days."
    article.write_text(article.read_text() + f"\n{added}\n")
    count = len(counting.embedded)
    built.ingestor.sync([tiny_kb])
    new = counting.embedded[count:]
    assert any(added in s for s in new)
    known = built.sentences.known
    assert known is not None and set(known.get(stored_sentences(built))) == set(
        stored_sentences(built)
    )


def test_an_answer_after_ingest_embeds_no_sentence_and_reads_as_if_embedded_live(
    tiny_kb: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    built = services(tmp_path / "data", Counting(embedder))
    built.ingestor.sync([tiny_kb])
    asking = Counting(embedder)
    built.sentences.embedder = asking  # from here on, what the answer embeds is counted
    precomputed = built.assistant.suggest(AskRequest(question=QUESTION), TIER1).suggestion
    assert asking.embedded == []
    assert precomputed.answer and not precomputed.abstained
    # the same store, each sentence embedded as the question is asked
    live = services(tmp_path / "data", Counting(embedder))
    live.sentences.known = None
    fresh = live.assistant.suggest(AskRequest(question=QUESTION), TIER1).suggestion
    assert fresh.answer == precomputed.answer


def test_without_meaning_no_sentence_is_embedded_at_ingest(
    tiny_kb: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    counting = Counting(embedder)
    built = services(tmp_path / "data", counting, meaning=False)
    built.ingestor.sync([tiny_kb])
    chunks = built.store.count()
    assert len(counting.embedded) == chunks  # the chunks only
    assert not (tmp_path / "data" / SENTENCE_FILE).exists()


def test_a_missing_vector_is_embedded_when_asked_and_another_models_are_not_used(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    known = SentenceVectors(tmp_path / "vectors.db", embedder.model_id)
    counting = Counting(embedder)
    similarity = SentenceSimilarity(counting, known=known)
    assert similarity.prepare(["Refund the second charge."]) == 1
    counting.embedded.clear()
    scores = similarity("refund a duplicate charge", ["Refund the second charge.", "Open it."])
    assert counting.embedded == ["refund a duplicate charge", "Open it."]
    plain = SentenceSimilarity(embedder)
    assert scores == pytest.approx(
        plain("refund a duplicate charge", ["Refund the second charge.", "Open it."]), abs=1e-5
    )
    other = SentenceVectors(tmp_path / "vectors.db", "another-model")
    assert other.get(["Refund the second charge."]) == {}
