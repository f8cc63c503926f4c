"""Measured: the demo traffic replayed through the real assistant on the sample knowledge base,
then the gap report's clusters against the topics the log is labelled with.

On examples/traffic/ledgerly.yaml the clusters reach a purity of at least 0.8 (each cluster's
share of its most common topic, over the questions clustered) and at least 90% of the uncovered
topics are the main topic of one of the top clusters (as many as there are uncovered topics).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.gaps.replay import Replayer
from assistant.gaps.traffic import load_traffic
from assistant.types import Audience
from tests.assistant.gaps.test_traffic import LEDGERLY

pytestmark = pytest.mark.slow


@pytest.fixture
def replayed(sample_services: Services, tmp_path: Path) -> Services:
    """The ingested sample KB, with a suggestion store of its own holding the replayed log."""
    url = f"sqlite:///{tmp_path / 'replayed.db'}"
    services = Services(sample_services.settings.model_copy(update={"database_url": url}))
    for part in ("embedder", "store", "lexical", "window_lexical", "assistant", "dense"):
        setattr(services, part, getattr(sample_services, part))
    Replayer(services.service, services.suggestion_store).replay(load_traffic(LEDGERLY))
    return services


def test_gap_clusters_are_pure_and_find_the_uncovered_topics(replayed: Services) -> None:
    traffic = load_traffic(LEDGERLY)
    topic_of = {q: t.id for t in traffic.topics for q in t.questions}
    uncovered = {t.id for t in traffic.topics if not t.covered}
    teams = {team for teams in traffic.agents.values() for team in teams}
    report = replayed.gaps.report(Audience.agent(*teams), min_size=2, limit=50)

    majority, clustered, top = 0, 0, set()
    for cluster in report.clusters:
        topics = Counter(topic_of[q.text] for q in cluster.questions)
        assert sum(topics.values()) == cluster.size  # the reader sees every question
        main, count = topics.most_common(1)[0]
        majority, clustered = majority + count, clustered + cluster.size
        if cluster.rank <= len(uncovered):
            top.add(main)
    purity = majority / clustered
    found = len(uncovered & top) / len(uncovered)
    print(f"purity {purity:.3f}, uncovered topics in the top {len(uncovered)}: {found:.2f}")
    assert purity >= 0.8
    assert found >= 0.9
    # every uncovered question was overridden, so each uncovered topic is poorly served
    assert report.poorly_served >= sum(len(t.questions) for t in traffic.topics if not t.covered)
