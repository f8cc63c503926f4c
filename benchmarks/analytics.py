"""Analytics on a large suggestion store: 200,000 synthetic suggestions and 100,000 decisions in
SQLite, then the analytics queries timed.

    .venv/bin/python -m benchmarks.analytics                       # 200k / 100k, 5 runs each
    .venv/bin/python -m benchmarks.analytics --suggestions 20000 --decisions 10000 --runs 3

The rows are written straight into the migrated schema in bulk (what ``SqlSuggestionStore.save``
and ``insert_decision`` write, without a transaction per row): 90 days of traffic by 6 teams on 5
channels over 400 documents, 8% abstained, 2.5% LLM fallbacks; decisions are 60% outcomes on
distinct suggestions (accept 60%, edit 25%, override 15%) and 40% citation ratings. Prints the
p50 and p95 of the main query (usage by team over 30 days) and of the other shapes, then the time
of the knowledge-gap report over the same store (``--gap-runs 0`` skips it: it loads the model).
Target: main query p50 <= 1 s on SQLite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from assistant.analytics.catalog import DocumentInfo
from assistant.analytics.params import scope
from assistant.analytics.queries import Analytics
from assistant.suggestion_db import (
    DECISIONS,
    SUGGESTION_DOCUMENTS,
    SUGGESTIONS,
    SqlSuggestionStore,
)
from assistant.types import Audience

TEAMS = ["tier1", "tier2", "billing", "tier1,tier2", "", "enterprise"]
CHANNELS = ["http", "slack", "sidebar", "zendesk", "cli"]
TYPES = ["article", "playbook", "ticket"]
VISIBILITIES = ["public", "internal", "team:tier2", "team:billing"]
BATCH = 5000
TOPICS = [
    "a refund for a duplicate charge",
    "the QuickBooks sync",
    "SAML single sign-on",
    "the API rate limit",
    "a password reset link",
    "webhook retries",
    "the iOS app crash",
    "exporting invoices to CSV",
    "changing the billing currency",
    "deleting a workspace",
    "two-factor authentication",
    "adding a seat",
    "the annual plan discount",
    "VAT numbers",
    "payroll in Germany",
    "paying with Bitcoin",
    "a Stripe payout",
    "receipt scanning",
    "multi-entity accounting",
    "audit logs",
    "an expired card",
    "bank feeds from Chase",
    "the Android widget",
    "custom invoice fields",
    "data residency in the EU",
]
ASKS = [
    "How do I fix",
    "What should I tell a customer about",
    "Can we help with",
    "Where is the setting for",
    "Why is there a problem with",
    "Is there a workaround for",
    "Who handles",
    "What is our policy on",
]
WHEN = [
    "",
    "today",
    "after the update",
    "on the mobile app",
    "for an enterprise customer",
    "in the trial",
    "again",
    "since yesterday",
    "for the second time",
    "on a shared account",
    "before month end",
    "with an old browser",
    "in Safari",
    "on Windows",
    "for a reseller",
    "during onboarding",
    "after a plan change",
    "for a nonprofit",
    "from the EU",
    "urgently",
]


def fill(store: SqlSuggestionStore, suggestions: int, decisions: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    docs = [f"doc-{i:04d}" for i in range(400)]
    ids = [f"{i:032x}" for i in range(suggestions)]
    suggestion = {"answer": "Refund the duplicate charge [1].", "confidence": 0.7}
    with store.engine.begin() as conn:
        for start in range(0, suggestions, BATCH):
            rows, documents = [], []
            for sid in ids[start : start + BATCH]:
                lead = rng.choice(docs)
                abstained = rng.random() < 0.08
                rows.append(
                    {
                        "id": sid,
                        "channel": rng.choice(CHANNELS),
                        "asker": f"agent{rng.randrange(60)}",
                        "audience": {"teams": [], "customer_facing": False},
                        "request": {"question": _question(rng)},
                        "retrieved": [],
                        "suggestion": suggestion,
                        "latency_ms": rng.lognormvariate(5.5, 0.5),
                        "created_at": now - timedelta(seconds=rng.uniform(0, 90 * 86400)),
                        "team": rng.choice(TEAMS),
                        "abstained": abstained,
                        "confidence": rng.random(),
                        "llm_fallback": rng.random() < 0.025,
                        "answerer": "extractive",
                        "lead_doc_id": lead,
                        "source_type": TYPES[hash(lead) % 3],
                        "product": rng.choice(["payments", "mobile", "api", ""]),
                        "lead_visibility": VISIBILITIES[int(lead[4:]) % 4],
                    }
                )
                for rank, doc in enumerate([lead, *rng.sample(docs, 4)], start=1):
                    if doc == lead and rank > 1:
                        continue
                    row = _document(sid, doc, rank, rank == 1 and not abstained, rng)
                    documents.append(row | {k: rows[-1][k] for k in ("created_at", "team")})
            conn.execute(insert(SUGGESTIONS), rows)
            conn.execute(insert(SUGGESTION_DOCUMENTS), documents)
        _decide(conn, rng, ids, decisions, now)


def _question(rng: random.Random) -> str:
    """One of 4,000 distinct questions (25 topics, 8 ways of asking, 20 contexts)."""
    topic = rng.choice(TOPICS)
    return f"{rng.choice(ASKS)} {topic} {rng.choice(WHEN)}?"


def _document(sid: str, doc: str, rank: int, cited: bool, rng: random.Random) -> dict[str, Any]:
    return {
        "suggestion_id": sid,
        "doc_id": doc,
        "rank": rank,
        "cited": cited,
        "stale": cited and rng.random() < 0.05,
        "lead": rank == 1,
        "source_type": "article",
        "product": "",
        "owner": f"owner{int(doc[4:]) % 12}",
        "visibility": VISIBILITIES[int(doc[4:]) % 4],
        "outcome": None,
    }


def _decide(conn: Any, rng: random.Random, ids: list[str], n: int, now: datetime) -> None:
    outcomes = int(n * 0.6)
    decided = rng.sample(ids, min(outcomes, len(ids)))
    rows = []
    for seq in range(n):
        sid = decided[seq] if seq < len(decided) else rng.choice(ids)
        action = (
            rng.choices(["accept", "edit", "override"], [60, 25, 15])[0]
            if seq < len(decided)
            else "rate_citation"
        )
        rows.append(
            {
                "id": f"d{seq:031x}",
                "suggestion_id": sid,
                "action": action,
                "agent": "agent",
                "request_key": f"k{seq}",
                "created_at": now,
                "rating": rng.choice(["helpful", "wrong"]) if action == "rate_citation" else None,
                "citation_index": 1 if action == "rate_citation" else None,
                "edit_share": rng.random() if action == "edit" else None,
                "doc_id": None,
            }
        )
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(DECISIONS), rows[start : start + BATCH])
    # the suggestions' outcome, edit share and rating counts, as insert_decision keeps them
    latest = (
        "(SELECT d.{} FROM decisions d WHERE d.suggestion_id = suggestions.id "
        "AND d.action IN ('accept', 'edit', 'override') ORDER BY d.seq DESC LIMIT 1)"
    )
    rated = (
        "(SELECT count(*) FROM decisions d "
        "WHERE d.suggestion_id = suggestions.id AND d.rating = '{}')"
    )
    conn.exec_driver_sql(
        f"UPDATE suggestions SET outcome = {latest.format('action')}, "
        f"edit_share = {latest.format('edit_share')}, "
        f"rated_helpful = {rated.format('helpful')}, rated_wrong = {rated.format('wrong')}"
    )
    conn.exec_driver_sql(
        "UPDATE suggestion_documents SET outcome = (SELECT s.outcome FROM suggestions s "
        "WHERE s.id = suggestion_documents.suggestion_id)"
    )
    conn.exec_driver_sql("ANALYZE")


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return statistics.median(seconds), seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=200_000)
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--gap-runs", type=int, default=1, help="0: skip the gap report")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlSuggestionStore(f"sqlite:///{Path(tmp) / 'kbassist.db'}")
        store.ping()  # migrated
        start = time.perf_counter()
        fill(store, args.suggestions, args.decisions)
        print(
            f"filled {args.suggestions} suggestions, {args.decisions} decisions "
            f"in {time.perf_counter() - start:.1f}s"
        )
        catalog = {
            f"doc-{i:04d}": DocumentInfo(
                f"doc-{i:04d}", "", "article", "", "", VISIBILITIES[i % 4], ""
            )
            for i in range(450)
        }
        analytics = Analytics(store, lambda: catalog)
        admin = Audience.agent("tier2")
        shapes: dict[str, Callable[[], object]] = {
            "main: usage by team, 30d": lambda: analytics.usage(scope("30d"), admin),
            "usage by day, 90d": lambda: analytics.usage(scope("90d", group_by="day"), admin),
            "usage by document, 30d": lambda: analytics.usage(
                scope("30d", group_by="document"), admin
            ),
            "usage of one team by channel, 30d": lambda: analytics.usage(
                scope("30d", team="tier1", group_by="channel"), admin
            ),
            "per document, 30d": lambda: analytics.documents(scope("30d"), admin),
            "whole report (GET /v1/analytics), 30d": lambda: analytics.report(scope("30d"), admin),
            "flags, 30d": lambda: analytics.flags(scope("30d"), admin),
        }
        for name, run in shapes.items():
            p50, p95 = timed(run, args.runs)
            print(f"{name:<42} p50 {p50 * 1000:8.0f} ms   p95 {p95 * 1000:8.0f} ms")
        if args.gap_runs:
            gaps(store, Path(tmp), args.gap_runs)


def gaps(store: SqlSuggestionStore, tmp: Path, runs: int) -> None:
    """The knowledge-gap report over the same store (the model embeds the poorly served
    questions, at most GapConfig.max_questions of them; closest documents from an empty KB)."""
    from assistant.compose import Services
    from assistant.gaps.report import GapReporter
    from assistant.settings import Settings

    services = Services(Settings(data_dir=tmp / "data", _env_file=None))  # type: ignore[call-arg]
    reporter = GapReporter(store, services.embedder, services.dense)
    since = datetime.now(UTC) - timedelta(days=30)
    found: list[object] = []
    p50, _ = timed(lambda: found.append(reporter.report(Audience.agent(), since=since)), runs)
    report = found[-1]
    print(
        f"{'gap report, 30d':<42} {p50:8.1f} s   ({getattr(report, 'poorly_served', 0)} "
        f"poorly served questions, {len(getattr(report, 'clusters', []))} clusters shown)"
    )


if __name__ == "__main__":
    main()
