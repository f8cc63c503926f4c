"""The knowledge-gap report and the demo traffic that feeds it.

``report``: the questions agents keep asking that nothing answers well, clustered by meaning and
ranked by impact (``GapReporter``, built once in ``assistant.compose.Services.gaps``).
``traffic`` and ``replay``: a labelled question log run through the real assistant, with the
decisions an agent would take, recorded on channel ``replay``.
"""

from __future__ import annotations

from assistant.gaps.models import GapCluster, GapDocument, GapQuestion, GapReport, Trend
from assistant.gaps.report import GapConfig, GapReporter

__all__ = [
    "GapCluster",
    "GapConfig",
    "GapDocument",
    "GapQuestion",
    "GapReport",
    "GapReporter",
    "Trend",
]
