"""Sentences' similarity in meaning to a question, with the real embedding model: a sentence on
the question's topic outranks one that only shares its words, and the cache stays bounded."""

from __future__ import annotations

from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.similarity import SentenceSimilarity
from tests.fakes.counting_embedder import Counting


def test_the_sentence_on_the_topic_scores_higher(embedder: SentenceTransformerEmbedder) -> None:
    similarity = SentenceSimilarity(embedder)
    on_topic = "Reset links expire 60 minutes after they are sent."
    shares_words = "Links in the invoice e-mail open the client portal."
    scores = similarity("how long is a password reset link valid?", [on_topic, shares_words])
    assert scores[0] > scores[1] + 0.2
    assert all(-1.0 <= s <= 1.0 for s in scores)


def test_known_sentences_are_not_embedded_again_and_the_cache_is_bounded(
    embedder: SentenceTransformerEmbedder,
) -> None:
    counting = Counting(embedder)
    similarity = SentenceSimilarity(counting, size=3)
    first = similarity("refund a duplicate charge", ["Refund the second charge.", "Open Payments."])
    assert len(counting.embedded) == 3
    again = similarity("refund a duplicate charge", ["Refund the second charge.", "Open Payments."])
    assert again == first and len(counting.embedded) == 3  # all from the cache
    similarity("who can delete invoices?", ["Only owners delete invoices."])
    assert len(similarity._cache) == 3  # the least recently used was let go
    assert similarity("anything", []) == []


def test_a_given_query_vector_is_used_and_the_question_not_embedded_again(
    embedder: SentenceTransformerEmbedder,
) -> None:
    counting = Counting(embedder)
    asked: list[str] = []

    def query(text: str) -> list[float]:
        asked.append(text)
        return embedder.embed_query(text)

    reused = SentenceSimilarity(counting, query=query)
    sentences = ["Refund the second charge.", "Open Payments."]
    scores = reused("refund a duplicate charge", sentences)
    assert asked == ["refund a duplicate charge"]
    assert counting.embedded == sentences  # the sentences only
    plain = SentenceSimilarity(embedder)("refund a duplicate charge", sentences)
    assert all(abs(a - b) < 1e-5 for a, b in zip(scores, plain, strict=True))
