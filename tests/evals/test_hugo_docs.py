"""The real documentation site ../shared/realkb/hugo_docs (196 unmodified Hugo pages), read as it
comes: no failures, every page ingested or skipped with its reason, every citation URL the
page's real URL under https://gohugo.io/, tags where the front matter has them, and the gold set
evals/gold/hugo_docs.yaml asked against it. Skipped when the folder is not here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.settings import Settings
from evals.pipeline import gold_job
from evals.report import report_dict
from ingest.sources import SourceOptions, read_sources
from tests.conftest import REPO

HUGO_DOCS = REPO.parent / "shared" / "realkb" / "hugo_docs"
GOLD = REPO / "evals" / "gold" / "hugo_docs.yaml"
SITE = "https://gohugo.io/"
OPTIONS = SourceOptions(type="docs", base_url=SITE)

pytestmark = [pytest.mark.evaldata, pytest.mark.slow]


@pytest.fixture(scope="module")
def site() -> Path:
    if not HUGO_DOCS.is_dir():
        pytest.skip("../shared/realkb/hugo_docs is not here")
    return HUGO_DOCS


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text[4 : text.index("\n---", 4)]) or {}


def real_url(path: Path, root: Path) -> str:
    """The page's URL on gohugo.io, worked out here without kbassist's code."""
    fields = front_matter(path)
    if fields.get("url"):
        return SITE + str(fields["url"]).strip("/") + "/"
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("index", "_index"):
        parts.pop()
    if fields.get("slug"):
        parts[-1] = str(fields["slug"])
    return SITE + "".join(f"{part}/" for part in parts)


def test_every_page_is_read_or_skipped_with_a_reason(site: Path) -> None:
    pages = sorted(site.rglob("*.md"))
    result = read_sources([site], options=OPTIONS)
    assert result.issues == []
    assert len(result.documents) + result.skipped == len(pages) == 197
    assert [Path(s.source).name for s in result.skips] == ["LICENSE.md"]  # the repository's
    by_path = {Path(str(d.metadata["source_path"])): d for d in result.documents}
    for page in pages:
        if page.name == "LICENSE.md" and page.parent == site:
            continue
        doc = by_path[page.resolve()]
        fields = front_matter(page)
        assert doc.metadata["url"] == real_url(page, site), page
        assert doc.metadata["title"] == str(fields["title"]).strip()
        wanted = [*(fields.get("keywords") or []), *(fields.get("categories") or [])]
        assert set(doc.metadata["tags"]) == {str(tag) for tag in wanted}, page
        assert "{{<" not in doc.text.replace("{{< /", "").split("```")[0], page


def test_the_gold_set_against_the_site(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir = tmp_path_factory.mktemp("hugo")
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    job = gold_job(settings, GOLD, [site], source_options=OPTIONS)
    assert job.store.ingested is not None and job.store.ingested.failed == 0
    rows = job.store.services.store.collection.get(include=["metadatas"])
    urls = {str(m["doc_id"]): str(m["url"]) for m in rows["metadatas"] or []}
    assert len(urls) == 196
    for doc_id, url in urls.items():
        page = site / doc_id.split("/", 1)[1]
        assert url == real_url(page, site), doc_id
    report = report_dict(job.run())
    assert report["items"] >= 30 and report["forbidden_leaks"] == 0
    assert report["configs"]["hybrid"]["ndcg@10"] >= 0.6
