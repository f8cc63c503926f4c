"""Gold question sets: the project's own YAML/JSONL files and BEIR-style folders.

A gold item is one question (or ticket) with the documents that answer it, the documents the
asker must never be shown, the reference answer, the expected next-action kinds and whether the
knowledge base can answer it at all. Optional answer annotations: ``must_contain`` (facts a
correct answer states, e.g. "60 minutes"), ``top_citation`` (the documents an answer should cite
first; by default the relevant documents of the highest grade) and ``playbook`` (the playbook
whose next actions fit, or ``none`` when no playbook's actions should be suggested).

``load_gold`` reads the project's format; ``load_beir`` turns ``corpus.jsonl`` /
``queries.jsonl`` / ``qrels.tsv`` into the same items.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.access import Audience
from assistant.errors import ErrorCode, KbassistError, validation_problems
from assistant.suggestion import ActionKind, AskRequest, Ticket, Turn

Split = Literal["dev", "test"]
NO_PLAYBOOK = "none"  # ``playbook: none``: no playbook's actions fit this item


class GoldItem(BaseModel):
    """One gold question; ``relevant`` is always normalised to ``{doc_id: grade}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str | None = None
    ticket: Ticket | None = None
    history: list[str] = Field(default_factory=list)
    relevant: dict[str, float] = Field(default_factory=dict)
    forbidden: list[str] = Field(default_factory=list)
    answer: str = ""
    next_actions: list[ActionKind] = Field(default_factory=list)
    answerable: bool = True
    team: list[str] = Field(default_factory=list)
    split: Split = "test"  # an item not marked dev is never used for tuning
    tags: list[str] = Field(default_factory=list)
    must_contain: list[str] = Field(default_factory=list)
    top_citation: list[str] = Field(default_factory=list)
    playbook: str | None = None  # None: not annotated, so next actions are not scored

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("relevant", mode="before")
    @classmethod
    def _relevant_mapping(cls, value: object) -> object:
        if value is None:
            return {}
        if isinstance(value, list):
            return {doc: 1.0 for doc in value}
        return value

    @field_validator("relevant")
    @classmethod
    def _grades(cls, value: dict[str, float]) -> dict[str, float]:
        for doc, grade in value.items():
            if not doc.strip():
                raise ValueError("a document id is empty")
            if grade < 0:
                raise ValueError(f"grade of '{doc}' must be >= 0, got {grade}")
        return value

    @field_validator("must_contain")
    @classmethod
    def _facts(cls, value: list[str]) -> list[str]:
        if any(not fact.strip() for fact in value):
            raise ValueError("a fact is empty")
        return value

    @field_validator("team", "tags", "top_citation", mode="before")
    @classmethod
    def _string_or_list(cls, value: object) -> object:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> GoldItem:
        try:
            self.request()
        except ValidationError as exc:
            raise ValueError(_describe(exc)) from None
        if not self.text():
            raise ValueError("give a non-empty question, or a ticket with a subject or description")
        if self.question is not None and self.ticket is not None:
            raise ValueError("give a question or a ticket, not both")
        if not self.answerable and self.relevant_docs():
            raise ValueError("an unanswerable item must not list relevant documents")
        both = sorted(set(self.forbidden) & set(self.relevant_docs()))
        if both:
            raise ValueError(f"documents both relevant and forbidden: {', '.join(both)}")
        self._consistent_annotations()
        return self

    def _consistent_annotations(self) -> None:
        if not self.answerable and (self.must_contain or self.top_citation):
            raise ValueError("an unanswerable item has no facts or top citation to expect")
        stray = sorted(set(self.top_citation) - set(self.relevant_docs()))
        if stray:
            raise ValueError(f"top citation not among the relevant documents: {', '.join(stray)}")
        if self.playbook in self.forbidden:
            raise ValueError(f"playbook '{self.playbook}' is also forbidden")
        if self.playbook == NO_PLAYBOOK and self.next_actions:
            raise ValueError("next actions are expected, so the playbook cannot be 'none'")

    def expected_top(self) -> set[str]:
        """The documents an answer should cite first: ``top_citation``, else the relevant
        documents of the highest grade (empty when nothing is relevant)."""
        if self.top_citation:
            return set(self.top_citation)
        relevant = self.relevant_docs()
        best = max(relevant.values(), default=0.0)
        return {doc for doc, grade in relevant.items() if grade == best}

    def expected_playbook(self) -> str | None:
        """The playbook whose actions fit; None for ``playbook: none`` (or no annotation)."""
        return None if self.playbook in (None, NO_PLAYBOOK) else self.playbook

    def text(self) -> str:
        return self.request().text()

    def relevant_docs(self) -> dict[str, float]:
        """The documents with a grade > 0."""
        return {doc: grade for doc, grade in self.relevant.items() if grade > 0}

    def request(self) -> AskRequest:
        history = [Turn(role="user", text=turn) for turn in self.history]
        return AskRequest(question=self.question, ticket=self.ticket, history=history)

    def audience(self) -> Audience:
        return Audience.agent(*self.team)


class GoldSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    items: list[GoldItem]

    def split(self, split: Split) -> list[GoldItem]:
        return [item for item in self.items if item.split == split]


# --------------------------------------------------------------------------- load_gold


def _bad(path: Path, where: str, message: str) -> KbassistError:
    return KbassistError(ErrorCode.BAD_INPUT, f"{path}: {where}: {message}")


def _describe(exc: ValidationError) -> str:
    """``field 'relevant.kb-1': message`` for each error of one item."""
    return "; ".join(
        f"field '{'.'.join(loc)}': {message}" if loc else message
        for loc, message in validation_problems(exc.errors())
    )


def _item(path: Path, raw: object, where: str) -> GoldItem:
    if not isinstance(raw, dict):
        raise _bad(path, where, f"an item must be a mapping, got {type(raw).__name__}")
    label = f"{where} (id {raw['id']})" if raw.get("id") not in (None, "") else where
    try:
        return GoldItem.model_validate(raw)
    except ValidationError as exc:
        raise _bad(path, label, _describe(exc)) from None


def _yaml_items(path: Path, text: str) -> tuple[dict[str, Any], Iterator[tuple[str, object]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise _bad(path, where, f"invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise _bad(path, "file", "the top level must be a mapping with 'items'")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _bad(path, "field 'items'", "must be a non-empty list")
    header = {key: value for key, value in data.items() if key != "items"}
    header.setdefault("name", path.stem)
    return header, ((f"item {n}", raw) for n, raw in enumerate(raw_items, 1))


def _jsonl_items(path: Path, text: str) -> Iterator[tuple[str, object]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(path, f"line {number}", f"invalid JSON ({exc.msg})") from None


def load_gold(path: Path) -> GoldSet:
    """Read a gold set from YAML (``version``, ``name``, ``items``) or JSONL (one item a line).

    Raises ``KbassistError(BAD_INPUT)`` naming the file, the item (number or line, and id) and
    the field for any malformed input, and for duplicate item ids.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: no such gold set file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: cannot be read ({exc})") from None
    if path.suffix.lower() == ".jsonl":
        header: dict[str, Any] = {"name": path.stem}
        raw_items: Iterator[tuple[str, object]] = _jsonl_items(path, text)
    else:
        header, raw_items = _yaml_items(path, text)
    items: list[GoldItem] = []
    first: dict[str, str] = {}
    for where, raw in raw_items:
        item = _item(path, raw, where)
        if item.id in first:
            raise _bad(path, f"{where} (id {item.id})", f"duplicate id, also {first[item.id]}")
        first[item.id] = where
        items.append(item)
    if not items:
        raise _bad(path, "file", "no items")
    try:
        return GoldSet.model_validate({**header, "items": items})
    except ValidationError as exc:
        raise _bad(path, "header", _describe(exc)) from None


# --------------------------------------------------------------------------- load_beir


def split_of(query_id: str, seed: int = 13, dev_share: float = 0.3) -> Split:
    """A deterministic dev/test split from the hash of the query id (stable across runs)."""
    digest = hashlib.sha256(f"{seed}:{query_id}".encode()).digest()
    return "dev" if int.from_bytes(digest[:8], "big") / 2**64 < dev_share else "test"


def _beir_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise KbassistError(ErrorCode.BAD_INPUT, f"{folder}: no {name} (not a BEIR-style folder)")
    return path


def read_qrels(path: Path) -> dict[str, dict[str, float]]:
    """``{query_id: {doc_id: score}}`` for rows with a score > 0; the header row is skipped."""
    qrels: dict[str, dict[str, float]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.rstrip("\n").split("\t")
        if not line.strip():
            continue
        if len(fields) < 3:
            raise _bad(
                path, f"line {number}", "expected query_id, doc_id and score (tab-separated)"
            )
        try:
            score = float(fields[-1])
        except ValueError:
            if number == 1:
                continue  # header
            raise _bad(path, f"line {number}", f"score '{fields[-1]}' is not a number") from None
        if score > 0:
            qrels.setdefault(fields[0], {})[fields[1]] = score
    return qrels


def _beir_item(
    path: Path, number: int, record: object, qrels: dict[str, dict[str, float]], split: Split
) -> GoldItem:
    if not isinstance(record, dict) or not record.get("id") or not record.get("text"):
        raise _bad(path, f"line {number}", "a query needs 'id' and 'text'")
    query_id = str(record["id"])
    relevant = qrels.get(query_id, {})
    unanswerable = str(record.get("answerability", "")).upper() == "UNANSWERABLE"
    kind = record.get("question_type")
    tags = [str(t) for t in kind] if isinstance(kind, list) else [str(kind)] if kind else []
    try:
        return GoldItem(
            id=query_id,
            question=str(record["text"]),
            relevant={} if unanswerable else relevant,
            answer=str(record.get("answer") or ""),
            answerable=bool(relevant) and not unanswerable,
            split=split,
            tags=tags,
        )
    except ValidationError as exc:
        raise _bad(path, f"line {number} (id {query_id})", _describe(exc)) from None


def load_beir(folder: Path, split_seed: int = 13, dev_share: float = 0.3) -> GoldSet:
    """A BEIR-style folder as a gold set named after the folder.

    question = ``text``, reference answer = ``answer``, relevant = qrels rows with score > 0;
    ``answerable`` is false for ``answerability == "UNANSWERABLE"`` or no relevant document.
    """
    folder = Path(folder)
    _beir_file(folder, "corpus.jsonl")
    queries = _beir_file(folder, "queries.jsonl")
    qrels = read_qrels(_beir_file(folder, "qrels.tsv"))
    items: list[GoldItem] = []
    for where, record in _jsonl_items(queries, queries.read_text(encoding="utf-8")):
        number = int(where.split()[1])
        query_id = str(record.get("id", "")) if isinstance(record, dict) else ""
        split = split_of(query_id, split_seed, dev_share)
        items.append(_beir_item(queries, number, record, qrels, split))
    if not items:
        raise _bad(queries, "file", "no queries")
    return GoldSet(name=folder.resolve().name, items=items)
