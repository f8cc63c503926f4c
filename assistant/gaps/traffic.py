"""A labelled question log (``examples/traffic/``): topics, their paraphrased questions, who
asked them and the decision an agent took. Loaded and checked before anything is replayed; a
bad file is an error naming the file and the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from assistant.errors import ErrorCode, KbassistError, validation_problems

Action = Literal["accept", "edit", "override"]


class Topic(BaseModel):
    id: str = Field(min_length=1, max_length=100)
    covered: bool
    decision: Action
    askers: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1, max_length=20000)
    reason: str | None = None
    questions: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _override_has_reason(self) -> Topic:
        if self.decision == "override" and not (self.reason or "").strip():
            raise ValueError("an override needs a reason")
        return self


class Traffic(BaseModel):
    agents: dict[str, list[str]] = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)

    @model_validator(mode="after")
    def _askers_known(self) -> Traffic:
        for topic in self.topics:
            unknown = [a for a in topic.askers if a not in self.agents]
            if unknown:
                raise ValueError(f"topic '{topic.id}': asker '{unknown[0]}' is not in agents")
        ids = [t.id for t in self.topics]
        if len(set(ids)) != len(ids):
            raise ValueError("topic ids must be unique")
        return self

    def items(self) -> Iterator[Asked]:
        """Every question in file order, with its asker (the topic's askers take turns)."""
        for topic in self.topics:
            for i, question in enumerate(topic.questions):
                asker = topic.askers[i % len(topic.askers)]
                yield Asked(topic, question, asker, tuple(self.agents[asker]))

    def __len__(self) -> int:
        return sum(len(t.questions) for t in self.topics)


@dataclass(frozen=True)
class Asked:
    topic: Topic
    question: str
    asker: str
    teams: tuple[str, ...]


def load_traffic(path: Path) -> Traffic:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: cannot be read") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: is not valid YAML{where}") from exc
    try:
        return Traffic.model_validate(data)
    except ValidationError as exc:
        loc, message = validation_problems(exc.errors())[0]
        field = ".".join(loc)
        raise KbassistError(
            ErrorCode.BAD_INPUT, f"{path}: {field + ': ' if field else ''}{message}"
        ) from exc
