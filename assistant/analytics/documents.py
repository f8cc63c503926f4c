"""The per-document report: the database's counts per document joined to the knowledge base's
documents as they are now, with what the viewer may not see counted under ``restricted``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.analytics.catalog import DocumentInfo
from assistant.analytics.params import Scope
from assistant.types import Audience
from assistant.writes import sees

COUNTS = (
    "retrieved",
    "cited",
    "cited_accepted",
    "cited_overridden",
    "rated_helpful",
    "rated_wrong",
    "stale_cited",
)


@dataclass
class DocumentStats:
    doc_id: str
    title: str = ""
    source_type: str = ""
    owner: str = ""
    review_by: str = ""
    in_kb: bool = True  # False: gone from the knowledge base since
    retrieved: int = 0
    cited: int = 0
    cited_accepted: int = 0
    cited_overridden: int = 0
    rated_helpful: int = 0
    rated_wrong: int = 0
    stale_cited: int = 0


@dataclass
class DocumentReport:
    scope: Scope
    documents: list[DocumentStats] = field(default_factory=list)  # every visible one with counts
    restricted: dict[str, int] = field(default_factory=dict)  # documents and counts, summed
    never_cited: list[DocumentInfo] = field(default_factory=list)
    never_cited_restricted: int = 0
    hidden: list[DocumentStats] = field(default_factory=list)  # the restricted ones (not shown)

    def to_dict(self) -> dict[str, Any]:
        limit = self.scope.limit
        top = sorted(self.documents, key=lambda d: (-d.cited, -d.retrieved, d.doc_id))
        stale = [d for d in top if d.stale_cited]
        return {
            "rows": [asdict(d) for d in top[:limit]],
            "total": len(top),
            "restricted": self.restricted,
            "stale_cited": [asdict(d) for d in stale[:limit]],
            "never_cited": [asdict(d) for d in self.never_cited[:limit]],
            "never_cited_total": len(self.never_cited),
            "never_cited_restricted": self.never_cited_restricted,
        }


def document_report(
    counts: Mapping[str, Mapping[str, Any]],
    catalog: Mapping[str, DocumentInfo],
    viewer: Audience,
    scope: Scope,
) -> DocumentReport:
    """Each counted document, named when ``viewer`` may see it now (as the knowledge base holds
    it, or as last recorded when it has gone); the knowledge base's documents never cited."""
    report = DocumentReport(scope, restricted={"documents": 0, **{k: 0 for k in COUNTS}})
    for doc_id, row in counts.items():
        info = catalog.get(doc_id)
        visibility = info.visibility if info else str(row.get("visibility") or "")
        numbers = {k: int(row.get(k) or 0) for k in COUNTS}
        stats = DocumentStats(doc_id)
        for name, value in numbers.items():
            setattr(stats, name, value)
        if not visibility or not sees(viewer, visibility):
            report.restricted["documents"] += 1
            for name, value in numbers.items():
                report.restricted[name] += value
            report.hidden.append(stats)
            continue
        if info:
            stats.title, stats.source_type, stats.owner = info.title, info.source_type, info.owner
            stats.review_by = info.review_by
        else:
            stats.in_kb = False
            stats.source_type = str(row.get("source_type") or "")
            stats.owner = str(row.get("owner") or "")
        report.documents.append(stats)
    for doc_id in sorted(catalog):
        info = catalog[doc_id]
        if int((counts.get(doc_id) or {}).get("cited") or 0):
            continue
        if sees(viewer, info.visibility):
            report.never_cited.append(info)
        else:
            report.never_cited_restricted += 1
    return report
