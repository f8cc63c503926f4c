"""Latency percentiles from the database's 1%-wide log buckets stay within 1% of the exact
nearest-rank values, per group and in total."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from assistant.access import Audience
from assistant.analytics.params import scope
from assistant.analytics.queries import Analytics
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.analytics.sample import record


def nearest_rank(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[(len(ordered) * p + 99) // 100 - 1]


def test_percentiles_are_within_one_percent(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    latencies: dict[str, list[float]] = {"tier1": [], "tier2": []}
    for n in range(300):
        team = "tier1" if n % 3 else "tier2"
        latency = rng.lognormvariate(5.0, 0.8)
        latencies[team].append(latency)
        made = record(f"s{n}", "http", ["kb-a"], latency, age=timedelta(minutes=n))
        store.save(made, Audience.agent(team))
    report = Analytics(store).usage(scope("30d"), Audience.agent())
    everything = latencies["tier1"] + latencies["tier2"]
    checked = [(g.latency_ms_p50, g.latency_ms_p95, latencies[g.key]) for g in report.groups]
    checked.append((report.totals.latency_ms_p50, report.totals.latency_ms_p95, everything))
    for p50, p95, values in checked:
        assert p50 is not None and p95 is not None
        assert abs(p50 - nearest_rank(values, 50)) <= 0.011 * nearest_rank(values, 50)
        assert abs(p95 - nearest_rank(values, 95)) <= 0.011 * nearest_rank(values, 95)
        assert p50 >= nearest_rank(values, 50) - 0.05  # the bucket's largest: never below
