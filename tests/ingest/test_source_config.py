"""Per-source settings: kbassist.yaml at a source root, options given by hand, and the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import SourceOptions, read_sources
from ingest.sources.source_config import (
    SourceConfigError,
    find_root,
    load_options,
    options_from,
)
from tests.ingest.zendesk_fixtures import copy_export

PAGE = "---\ntitle: {title}\n---\nText of {title}.\n"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_kbassist_yaml_makes_a_docs_site_with_its_defaults(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(
        site,
        "kbassist.yaml",
        "type: docs\nname: hugo\nbase_url: https://gohugo.io/\nvisibility: internal\n"
        "owner: docs-team\nproduct: hugo\nexclude: ['drafts/*']\n",
    )
    write(site, "guide/a.md", PAGE.format(title="A"))
    write(site, "drafts/b.md", PAGE.format(title="B"))
    result = read_sources([site])
    assert result.issues == []  # kbassist.yaml itself is not read as a playbook
    (doc,) = result.documents
    meta = doc.metadata
    assert doc.id_ == "hugo/guide/a.md"
    assert (meta["url"], meta["visibility"], meta["owner"], meta["product"]) == (
        "https://gohugo.io/guide/a/",
        "internal",
        "docs-team",
        "hugo",
    )


def test_options_given_by_hand_win_over_the_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "kbassist.yaml", "type: docs\nbase_url: https://old.example/\nowner: a\n")
    write(site, "a.md", PAGE.format(title="A"))
    given = SourceOptions(base_url="https://new.example/docs/")
    (doc,) = read_sources([site], options=given).documents
    assert (doc.metadata["url"], doc.metadata["owner"]) == ("https://new.example/docs/a/", "a")


def test_a_subfolder_ingested_alone_keeps_the_ids_of_the_whole_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "kbassist.yaml", "type: docs\n")
    write(site, "guide/a.md", PAGE.format(title="A"))
    whole = [d.id_ for d in read_sources([site]).documents]
    part = [d.id_ for d in read_sources([site / "guide"]).documents]
    one = [d.id_ for d in read_sources([site / "guide" / "a.md"]).documents]
    assert whole == part == one == ["site/guide/a.md"]
    assert find_root(site / "guide").path == site.resolve()


def test_include_and_exclude_globs_apply_to_any_root(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "kbassist.yaml", "include: ['notes/*']\nexclude: ['*/old-*']\n")
    write(kb, "notes/keep.txt", "Kept.\n")
    write(kb, "notes/old-one.txt", "Old.\n")
    write(kb, "other/skip.txt", "Elsewhere.\n")
    assert [d.id_ for d in read_sources([kb]).documents] == ["text-keep"]


def test_owner_and_product_defaults_fill_documents_of_any_type(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "kbassist.yaml", "owner: support-ops\nproduct: billing\n")
    write(kb, "a.md", "---\nid: kb-1\ntitle: A\nproduct: accounts\n---\nText.\n")
    (doc,) = read_sources([kb]).documents
    assert (doc.metadata["owner"], doc.metadata["product"]) == ("support-ops", "accounts")


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("type: docs\nbase_url: gohugo.io\n", "base_url", 2),
        ("type: wiki\n", "type", 1),
        ("visibility: everyone\n", "visibility", 1),
        ("owner: a\nbase-url: https://x/\n", "base-url", 2),
    ],
)
def test_a_bad_setting_names_the_file_field_and_line(
    tmp_path: Path, text: str, field: str, line: int
) -> None:
    config = write(tmp_path / "kb", "kbassist.yaml", text)
    write(tmp_path / "kb", "a.txt", "Text.\n")
    with pytest.raises(SourceConfigError) as caught:
        load_options(tmp_path / "kb")
    issue = caught.value.issue
    assert (issue.source, issue.field, issue.line) == (str(config), field, line)
    result = read_sources([tmp_path / "kb"])
    assert result.documents == [] and result.issues == [issue]


def test_a_root_without_kbassist_yaml_reads_as_before(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", "---\nid: kb-1\ntitle: A\n---\nText.\n")
    (doc,) = read_sources([kb]).documents
    assert (doc.id_, doc.metadata["source_type"], doc.metadata["url"]) == ("kb-1", "article", "")


def test_a_zendesk_block_is_left_to_the_zendesk_reader() -> None:
    options = options_from({"base_url": "https://docs.example.com/", "zendesk": {"x": 1}})
    assert options.base_url == "https://docs.example.com/"


def test_a_zendesk_block_in_kbassist_yaml_maps_segments_when_a_folder_is_read(
    tmp_path: Path,
) -> None:
    config = "zendesk:\n  user_segments:\n    360000777001: team:tier2\n"
    root = copy_export(tmp_path, config)
    result = read_sources([root / "help_center"])
    assert result.issues == []
    visibility = {doc.metadata["visibility"] for doc in result.documents}
    assert "team:tier2" in visibility  # the segmented article, from the root's kbassist.yaml
