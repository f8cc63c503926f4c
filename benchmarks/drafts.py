"""Drafts from resolved tickets, measured: on a generated set (16 topics, 8 covered by an article,
8 not; ``--tickets`` tickets spread over them) how many uncovered topics got a draft, how many
drafts duplicate an article, and how long ``generate`` takes; ``--sample`` does the same on the
sample KB's planted group.

    .venv/bin/python -m benchmarks.drafts --tickets 5000
    .venv/bin/python -m benchmarks.drafts --sample
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from assistant.compose import Services
from assistant.settings import Settings
from assistant.types import Audience
from benchmarks.drafts_topics import COVERED, EXTRAS, OPENERS, TOPICS

SAMPLE_KB = Path(__file__).resolve().parents[1] / "examples" / "kb"
PLANTED = {"ticket-48201", "ticket-48202", "ticket-48203", "ticket-48204"}


def write_kb(root: Path, tickets: int, seed: int = 7) -> dict[str, str]:
    """The articles of the covered topics and ``tickets`` tickets; returns ticket -> topic."""
    rng = random.Random(seed)
    (root / "articles").mkdir(parents=True)
    (root / "tickets").mkdir()
    for number, (_slug, title, problems, causes, fixes) in enumerate(TOPICS[:COVERED], 1):
        steps = "\n".join(f"{i}. {fix}" for i, fix in enumerate(fixes, 1))
        cause = f"\n\n## Why it happens\n\n{causes[0]}" if causes else ""
        (root / "articles" / f"kb-{number}.md").write_text(
            f"---\nid: kb-{number}\ntitle: {title}\nvisibility: internal\n---\n# {title}\n\n"
            f"{problems[0]} {problems[1]}{cause}\n\n## Steps\n\n{steps}\n"
        )
    topic_of: dict[str, str] = {}
    lines = []
    for n in range(tickets):
        slug, title, problems, causes, fixes = TOPICS[n % len(TOPICS)]
        ticket_id = 100000 + n
        description = " ".join(
            p for p in (rng.choice(OPENERS), rng.choice(problems), rng.choice(EXTRAS)) if p
        )
        resolution = " ".join([*(causes[:1] if causes and rng.random() < 0.7 else []), *fixes])
        lines.append(
            json.dumps(
                {
                    "id": ticket_id,
                    "subject": rng.choice(problems).rstrip("."),
                    "description": description,
                    "status": "solved",
                    "product": slug.split("-")[0],
                    "tags": [slug],
                    "owner": rng.choice(["tier1", "tier1", "tier2"]),
                    "solved_at": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                    "resolution": resolution,
                }
            )
        )
        topic_of[f"ticket-{ticket_id}"] = slug
    (root / "tickets" / "generated.jsonl").write_text("\n".join(lines) + "\n")
    return topic_of


def topics_of(kb: Path) -> dict[str, str]:
    """ticket -> topic of a set written earlier (its tag)."""
    lines = (kb / "tickets" / "generated.jsonl").read_text().splitlines()
    return {f"ticket-{t['id']}": t["tags"][0] for t in map(json.loads, lines)}


def score(services: Services, topic_of: dict[str, str]) -> dict[str, object]:
    covered = {t[0] for t in TOPICS[:COVERED]}
    uncovered = {t[0] for t in TOPICS[COVERED:]}
    drafted: Counter[str] = Counter()
    duplicates = 0
    for draft in services.drafts.list(Audience.agent()):
        topics = Counter(topic_of.get(s.id, "?") for s in draft.sources)
        topic = topics.most_common(1)[0][0]
        drafted[topic] += 1
        duplicates += topic in covered
    return {
        "uncovered_topics": len(uncovered),
        "uncovered_drafted": sum(1 for t in uncovered if drafted[t]),
        "drafts": sum(drafted.values()),
        "drafts_duplicating_an_article": duplicates,
        "drafts_per_topic": dict(drafted),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--sample", action="store_true", help="the sample KB's planted group")
    parser.add_argument("--keep", type=Path, help="data dir to keep (default: a temporary one)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="kbassist-drafts-"))
    services = Services(Settings(data_dir=root / "data", _env_file=None))  # type: ignore[call-arg]
    if args.sample:
        kb, topic_of = SAMPLE_KB, {t: "planted" for t in PLANTED}
    else:
        kb = root / "kb"
        topic_of = write_kb(kb, args.tickets) if not kb.exists() else topics_of(kb)
    start = time.perf_counter()
    report = services.ingestor.sync([kb])
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    generated = services.drafts.generate(min_tickets=3)
    generate_s = time.perf_counter() - start
    result: dict[str, object] = {
        "tickets": args.tickets if not args.sample else "sample KB",
        "ingest_s": round(ingest_s, 1),
        "chunks": report.counts(),
        "generate_s": round(generate_s, 2),
        "groups": generated.groups,
        "covered_groups": len(generated.covered),
        "created": len(generated.created),
        "extended": len(generated.extended),
    }
    if args.sample:
        drafts = services.drafts.list(Audience.agent())
        result["planted_drafted"] = any({s.id for s in d.sources} >= PLANTED for d in drafts)
        result["drafts_duplicating_an_article"] = sum(
            1 for d in drafts if not {s.id for s in d.sources} & PLANTED
        )
    else:
        result.update(score(services, topic_of))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
