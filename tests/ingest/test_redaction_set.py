"""Measures the redactor on the seeded synthetic ticket set: recall and precision per kind.

Recall: the share of planted values none of whose letters or digits is left in the output (a
placeholder of some kind replaced each of them). Precision: the share of placeholders of a kind
whose replaced text overlaps a planted value of that kind. Every distractor must come through
unchanged.
"""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.redact import KINDS, PLACEHOLDERS, PiiSpan, find_pii, redact
from tests.ingest.redaction_set import Case, Planted, make_cases

SEED = 1234
N_CASES = 300
EXACT_RECALL = ("email", "card", "iban", "ip", "name")
MIN_PHONE_RECALL = 0.98
MIN_PRECISION = 0.98


def _leaked(planted: Planted, text: str, spans: list[PiiSpan]) -> bool:
    """Whether any letter or digit of the planted value is outside every placeholder's span."""
    return any(
        text[index].isalnum() and not any(span.start <= index < span.end for span in spans)
        for index in range(planted.start, planted.end)
    )


def _overlaps(span: PiiSpan, start: int, end: int) -> bool:
    return span.start < end and start < span.end


def _covers(span: PiiSpan, planted: Planted) -> bool:
    """Whether one placeholder of the right kind replaced the whole planted value."""
    return span.kind == planted.kind and span.start <= planted.start and planted.end <= span.end


class _Tally:
    """Counts over the whole set, filled case by case."""

    def __init__(self) -> None:
        self.planted: Counter[str] = Counter()
        self.gone: Counter[str] = Counter()
        self.typed: Counter[str] = Counter()
        self.placeholders: Counter[str] = Counter()
        self.correct: Counter[str] = Counter()
        self.distractors = 0
        self.survived = 0
        self.misses: list[str] = []
        self.false_hits: list[str] = []

    def add(self, case: Case) -> None:
        spans = find_pii(case.text, case.names)
        for planted in case.pii:
            self.planted[planted.kind] += 1
            if not _leaked(planted, case.text, spans):
                self.gone[planted.kind] += 1
            else:
                self.misses.append(f"{planted.kind}: {planted.value!r}")
            if any(_covers(span, planted) for span in spans):
                self.typed[planted.kind] += 1
        for span in spans:
            self.placeholders[span.kind] += 1
            if any(
                planted.kind == span.kind and _overlaps(span, planted.start, planted.end)
                for planted in case.pii
            ):
                self.correct[span.kind] += 1
            else:
                self.false_hits.append(f"{span.kind}: {case.text[span.start : span.end]!r}")
        for distractor in case.distractors:
            self.distractors += 1
            if not any(_overlaps(span, distractor.start, distractor.end) for span in spans):
                self.survived += 1
            else:
                self.false_hits.append(f"distractor {distractor.kind}: {distractor.value!r}")

    def recall(self, kind: str) -> float:
        return self.gone[kind] / self.planted[kind]

    def precision(self, kind: str) -> float:
        return self.correct[kind] / self.placeholders[kind] if self.placeholders[kind] else 1.0

    def table(self) -> str:
        lines = [
            f"redaction set: seed={SEED}, n={N_CASES}",
            f"{'kind':<6} {'planted':>7} {'recall':>7} {'typed':>7} {'placed':>7} {'precision':>9}",
        ]
        for kind in KINDS:
            lines.append(
                f"{kind:<6} {self.planted[kind]:>7} {self.recall(kind):>7.3f} "
                f"{self.typed[kind] / self.planted[kind]:>7.3f} {self.placeholders[kind]:>7} "
                f"{self.precision(kind):>9.3f}"
            )
        lines.append(f"distractors surviving: {self.survived}/{self.distractors}")
        return "\n".join(lines)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return make_cases(SEED, N_CASES)


@pytest.fixture(scope="module")
def tally(cases: list[Case]) -> _Tally:
    tally = _Tally()
    for case in cases:
        tally.add(case)
    print("\n" + tally.table())
    return tally


def test_set_is_seeded_and_repeatable() -> None:
    assert make_cases(SEED, 20) == make_cases(SEED, 20)
    assert make_cases(SEED, 20) != make_cases(SEED + 1, 20)


def test_set_plants_every_kind(cases: list[Case]) -> None:
    kinds = Counter(planted.kind for case in cases for planted in case.pii)
    assert all(kinds[kind] >= 100 for kind in KINDS), kinds


def test_set_plants_the_formats_that_slipped_through(cases: list[Case]) -> None:
    values = [(planted.kind, planted.value) for case in cases for planted in case.pii]
    looks = [(d.kind, d.value) for case in cases for d in case.distractors]
    wanted = {
        "quoted e-mail": lambda kind, value: kind == "email" and value.startswith('"'),
        "e-mail at an address literal": lambda kind, value: kind == "email" and "@[" in value,
        "phone with a slash": lambda kind, value: kind == "phone" and "/" in value,
        "card grouped with dots": lambda kind, value: kind == "card" and "." in value,
        "four-part version": lambda kind, value: kind in ("version4", "vversion"),
        "the bill": lambda kind, value: kind == "word" and value.lower().endswith(" bill"),
    }
    found = {
        label: sum(test(*item) for item in (*values, *looks)) for label, test in wanted.items()
    }
    assert all(count >= 5 for count in found.values()), found


def test_planted_spans_hold_their_values(cases: list[Case]) -> None:
    for case in cases:
        for planted in (*case.pii, *case.distractors):
            assert case.text[planted.start : planted.end] == planted.value


def test_spans_reproduce_the_redacted_text(cases: list[Case]) -> None:
    for case in cases:
        result = redact(case.text, case.names)
        spans = find_pii(case.text, case.names)
        rebuilt, position = "", 0
        for span in spans:
            rebuilt += case.text[position : span.start] + PLACEHOLDERS[span.kind]
            position = span.end
        assert rebuilt + case.text[position:] == result.text
        assert result.counts == {kind: sum(s.kind == kind for s in spans) for kind in KINDS}


@pytest.mark.parametrize("kind", EXACT_RECALL)
def test_recall_is_complete(tally: _Tally, kind: str) -> None:
    assert tally.recall(kind) == 1.0, [miss for miss in tally.misses if miss.startswith(kind)]


def test_phone_recall(tally: _Tally) -> None:
    assert tally.recall("phone") >= MIN_PHONE_RECALL, [
        miss for miss in tally.misses if miss.startswith("phone")
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_precision(tally: _Tally, kind: str) -> None:
    assert tally.precision(kind) >= MIN_PRECISION, [
        hit for hit in tally.false_hits if hit.startswith(kind)
    ]


def test_distractors_survive(tally: _Tally) -> None:
    assert tally.survived == tally.distractors, [
        hit for hit in tally.false_hits if hit.startswith("distractor")
    ]


def test_redacting_the_set_twice_changes_nothing(cases: list[Case]) -> None:
    for case in cases:
        once = redact(case.text, case.names).text
        assert redact(once, case.names).text == once
