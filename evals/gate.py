"""The quality gate: a report's figures against a thresholds file.

Thresholds file (YAML)::

    configs: {hybrid: {ndcg@10: 0.70, recall@10: 0.80}}
    answers: {token_f1: 0.30}
    abstention: {f1: 0.50}
    forbidden_leaks: 0

Every figure is a minimum, except latencies (names ending in ``_ms``), ``forbidden_leaks``,
``wrong_playbook_rate``, ``ece`` and ``unsafe_reply_drafts`` (anywhere), which are maximums.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ErrorCode, KbassistError

SECTIONS = ("answers", "abstention", "answer_quality")
# Figures where lower is better: gated as maximums.
MAXIMUMS = frozenset({"forbidden_leaks", "wrong_playbook_rate", "ece", "unsafe_reply_drafts"})


def load_thresholds(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: no such thresholds file") from None
    except yaml.YAMLError as exc:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: invalid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: the top level must be a mapping")
    unknown = sorted(set(data) - {"configs", "forbidden_leaks", *SECTIONS})
    if unknown:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: unknown key(s) {', '.join(unknown)}")
    return data


def _is_max(metric: str) -> bool:
    return metric.endswith("_ms") or metric in MAXIMUMS


def _check(where: str, measured: Any, limit: float) -> str | None:
    if not isinstance(measured, int | float):
        return f"{where}: not measured (threshold {limit})"
    metric = where.rsplit(".", 1)[-1]
    if _is_max(metric) and measured > limit:
        return f"{where}: {measured:.4g} > {limit} (maximum)"
    if not _is_max(metric) and measured < limit:
        return f"{where}: {measured:.4g} < {limit}"
    return None


def check_thresholds(report: Mapping[str, Any], thresholds: Mapping[str, Any]) -> list[str]:
    """One line per figure of ``report`` (report.json's content) that misses its threshold."""
    problems: list[str | None] = []
    for config, limits in (thresholds.get("configs") or {}).items():
        measured = (report.get("configs") or {}).get(config)
        if measured is None:
            problems.append(f"configs.{config}: configuration not in the report")
            continue
        for metric, limit in limits.items():
            problems.append(_check(f"configs.{config}.{metric}", measured.get(metric), limit))
    for section in SECTIONS:
        for metric, limit in (thresholds.get(section) or {}).items():
            measured = (report.get(section) or {}).get(metric)
            problems.append(_check(f"{section}.{metric}", measured, limit))
    if "forbidden_leaks" in thresholds:
        problems.append(
            _check("forbidden_leaks", report.get("forbidden_leaks"), thresholds["forbidden_leaks"])
        )
    return [p for p in problems if p]
