"""Documentation-site pages (Hugo, Jekyll, MkDocs, Docusaurus conventions) read from a docs root."""

from __future__ import annotations

from pathlib import Path

from llama_index.core.schema import Document

from ingest.chunking import StructureChunker
from ingest.sources import SourceOptions, SourceResult, read_sources

DOCS = SourceOptions(type="docs", base_url="https://docs.example.com/")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def read(root: Path, options: SourceOptions | None = DOCS) -> SourceResult:
    return read_sources([root], options=options)


def by_id(result: SourceResult) -> dict[str, Document]:
    return {doc.id_: doc for doc in result.documents}


def test_a_hugo_page_needs_no_id_and_keeps_its_front_matter(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(
        site,
        "host/github-pages/index.md",
        "---\ntitle: Host on GitHub Pages\ndescription: Deploy with GitHub Actions.\n"
        "keywords: [deploy, github]\ncategories: [hosting]\ntags: [ci, deploy]\n"
        "aliases: [/hosting/github/, /gh/]\ndate: 2024-01-02\nlastmod: 2025-03-04T10:00:00Z\n"
        "weight: 10\nlinkTitle: GitHub\nparams: {x: 1}\n---\n\nUse a workflow.\n",
    )
    result = read(site)
    assert result.issues == [] and result.skipped == 0
    doc = by_id(result)["site/host/github-pages/index.md"]
    meta = doc.metadata
    assert meta["title"] == "Host on GitHub Pages"
    assert meta["url"] == "https://docs.example.com/host/github-pages/"
    assert meta["tags"] == ["deploy", "github", "ci", "hosting"]
    assert meta["updated_at"] == "2025-03-04"
    assert meta["aliases"] == "/hosting/github/,/gh/"
    assert meta["source_type"] == "docs" and meta["visibility"] == "public"
    first = StructureChunker().chunk(doc)[0]
    assert "Deploy with GitHub Actions." in first.text and "Use a workflow." in first.text


def test_section_pages_and_bundles_get_their_folder_url(tmp_path: Path) -> None:
    site = tmp_path / "docs"
    write(site, "_index.md", "---\ntitle: Home\n---\nWelcome.\n")
    write(site, "guides/_index.md", "---\ntitle: Guides\n---\nAll guides.\n")
    write(site, "guides/setup.md", "---\ntitle: Setup\n---\nInstall it.\n")
    write(site, "guides/_partial.md", "Included elsewhere.\n")
    write(site, "guides/logo.png", "not text")
    urls = {d.id_: d.metadata["url"] for d in read(site).documents}
    assert urls == {
        "docs/_index.md": "https://docs.example.com/",
        "docs/guides/_index.md": "https://docs.example.com/guides/",
        "docs/guides/setup.md": "https://docs.example.com/guides/setup/",
    }


def test_url_permalink_and_slug_win_over_the_path(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "a.md", "---\ntitle: A\nurl: /commands/a/\n---\nText.\n")
    write(site, "b.md", "---\ntitle: B\npermalink: https://other.example.org/b.html\n---\nT.\n")
    write(site, "c/d.md", "---\ntitle: D\nslug: dee\n---\nText.\n")
    urls = {d.id_: d.metadata["url"] for d in read(site).documents}
    assert urls == {
        "s/a.md": "https://docs.example.com/commands/a/",
        "s/b.md": "https://other.example.org/b.html",
        "s/c/d.md": "https://docs.example.com/c/dee/",
    }


def test_title_from_first_heading_then_file_name(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "one.md", "# Getting started\n\nHello.\n")  # no front matter at all
    write(site, "install-on-linux.md", "---\ndescription: How.\n---\nSteps here.\n")
    write(site, "bundle/index.md", "Body only.\n")
    titles = {d.id_: d.metadata["title"] for d in read(site).documents}
    assert titles == {
        "s/one.md": "Getting started",
        "s/install-on-linux.md": "Install on linux",
        "s/bundle/index.md": "Bundle",
    }


def test_toml_front_matter_is_read(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "t.md", '+++\ntitle = "Toml page"\ntags = ["x"]\ndate = 2024-05-06\n+++\nText.\n')
    (doc,) = read(site).documents
    assert (doc.metadata["title"], doc.metadata["tags"]) == ("Toml page", ["x"])
    assert doc.metadata["updated_at"] == "2024-05-06"


def test_a_draft_is_skipped_and_counted_with_the_reason(tmp_path: Path) -> None:
    site = tmp_path / "s"
    draft = write(site, "wip.md", "---\ntitle: WIP\ndraft: true\n---\nNot yet.\n")
    write(site, "done.md", "---\ntitle: Done\ndraft: false\n---\nReady.\n")
    result = read(site)
    assert [d.id_ for d in result.documents] == ["s/done.md"]
    assert result.skipped == 1 and result.issues == []
    assert [(s.source, s.message) for s in result.skips] == [(str(draft), "skipped: draft: true")]


def test_an_explicit_id_and_page_fields_win_over_source_defaults(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "a.md", "---\nid: kb-9\ntitle: A\nvisibility: internal\nowner: ann\n---\nT.\n")
    write(site, "b.md", "---\ntitle: B\n---\nT.\n")
    options = SourceOptions(type="docs", visibility="team:tier2", owner="docs", product="p")
    docs = by_id(read(site, options))
    assert (docs["kb-9"].metadata["visibility"], docs["kb-9"].metadata["owner"]) == (
        "internal",
        "ann",
    )
    b = docs["s/b.md"].metadata
    assert (b["visibility"], b["owner"], b["product"], b["url"]) == ("team:tier2", "docs", "p", "")


def test_a_bad_field_names_the_file_field_and_line(tmp_path: Path) -> None:
    site = tmp_path / "s"
    bad = write(site, "bad.md", "---\ntitle: Bad\nlastmod: yesterday\n---\nText.\n")
    write(site, "good.md", "---\ntitle: Good\n---\nText.\n")
    result = read(site)
    assert [d.id_ for d in result.documents] == ["s/good.md"]
    (issue,) = result.issues
    assert (issue.source, issue.field, issue.line) == (str(bad), "lastmod", 3)


def test_readme_like_names_are_pages_below_the_top_and_counted_at_it(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "LICENSE.md", "Apache 2.0\n")
    write(site, "about/license.md", "---\ntitle: License\n---\nThe docs are Apache 2.0.\n")
    result = read(site)
    assert [d.id_ for d in result.documents] == ["s/about/license.md"]
    assert result.skipped == 1 and "not a page" in result.skips[0].message


def test_without_docs_options_markdown_still_needs_an_id(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "a.md", "---\ntitle: A\n---\nText.\n")
    result = read(site, options=None)
    assert result.documents == [] and result.issues[0].field == "id"


def test_a_base_url_alone_makes_a_root_a_docs_site(tmp_path: Path) -> None:
    site = tmp_path / "s"
    write(site, "a.md", "---\ntitle: A\n---\nText.\n")
    (doc,) = read(site, SourceOptions(base_url="https://x.example/")).documents
    assert doc.metadata["url"] == "https://x.example/a/"
