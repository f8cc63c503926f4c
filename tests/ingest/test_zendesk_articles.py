"""Help Center articles from a List Articles response: fields, section path, drafts, visibility."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.zendesk_fixtures import by_id, copy_export, load, parse, save

EXPORT = "zendesk-article-360001234501-en-us"
TAX = "zendesk-article-360001234502-en-us"


def test_articles_keep_url_tags_date_and_section_path_and_skip_the_draft(
    tmp_path: Path,
) -> None:
    root = copy_export(tmp_path)
    result = parse(root / "help_center" / "articles.json")
    assert result.issues == [] and result.skipped == 1  # the draft
    docs = by_id(result)
    assert set(docs) == {EXPORT, TAX}
    meta = docs[EXPORT].metadata
    assert meta["url"] == (
        "https://ledgerly.zendesk.com/hc/en-us/articles/360001234501-Export-invoices-to-a-spreadsheet"
    )
    assert meta["title"] == "Export invoices to a spreadsheet"
    assert meta["tags"] == ["export", "invoices"]
    assert meta["updated_at"] == "2026-03-04"
    assert meta["source_type"] == "article"
    assert meta["breadcrumb"] == "Billing > Invoices"
    assert docs[TAX].metadata["breadcrumb"] == "Billing > Invoices > Tax settings"
    text = docs[EXPORT].text
    assert text.startswith("# Export invoices to a spreadsheet\n")
    assert "## Download the file" in text and "3. Click Export CSV" in text
    assert "<p>" not in text


def test_without_sections_the_path_is_empty_and_the_article_still_goes_in(tmp_path: Path) -> None:
    root = copy_export(tmp_path)
    (root / "help_center" / "sections.json").unlink()
    docs = by_id(parse(root / "help_center" / "articles.json"))
    assert docs[EXPORT].metadata["breadcrumb"] == ""


def test_user_segments_map_to_visibility_through_the_configuration(tmp_path: Path) -> None:
    plain = by_id(parse(copy_export(tmp_path / "a") / "help_center" / "articles.json"))
    assert plain[EXPORT].metadata["visibility"] == "public"  # no segment: everyone
    assert plain[TAX].metadata["visibility"] == "internal"  # a segment not configured
    config = "zendesk:\n  user_segments:\n    360000777001: team:tier2\n"
    mapped = by_id(parse(copy_export(tmp_path / "b", config) / "help_center" / "articles.json"))
    assert mapped[TAX].metadata["visibility"] == "team:tier2"
    assert mapped[EXPORT].metadata["visibility"] == "public"


def test_a_bad_configuration_names_its_file_line_and_key(tmp_path: Path) -> None:
    config = "zendesk:\n  user_segments:\n    360000777001: everyone\n"
    root = copy_export(tmp_path, config)
    result = parse(root / "help_center" / "articles.json")
    assert result.documents == []  # nothing is read with a visibility it was not meant to have
    (issue,) = result.issues
    assert issue.source.endswith("kbassist.yaml") and issue.line == 3
    assert issue.field == "zendesk.user_segments.360000777001"


def test_a_bad_article_fails_alone_naming_file_record_line_and_field(tmp_path: Path) -> None:
    root = copy_export(tmp_path)
    path = root / "help_center" / "articles.json"
    data = load(path)
    del data["articles"][1]["title"]
    save(path, data)
    result = parse(path)
    (issue,) = result.issues
    assert issue.source == str(path) and issue.field == "articles[1].title"
    assert "360001234502" in issue.message and issue.line is not None
    lines = path.read_text().splitlines()  # the line where the article's object opens
    assert lines[issue.line - 1].strip() == "{" and "360001234502" in lines[issue.line]
    assert set(by_id(result)) == {EXPORT} and result.skipped == 1


def test_an_article_listed_twice_is_read_once_from_its_latest_copy(tmp_path: Path) -> None:
    root = copy_export(tmp_path)
    path = root / "help_center" / "articles.json"
    newer = load(path)
    newer["articles"] = [dict(newer["articles"][0], updated_at="2026-05-01T00:00:00Z")]
    newer["articles"][0]["body"] = "<p>Exports now include credit notes.</p>"
    save(root / "help_center" / "articles-page2.json", newer)
    first, second = parse(path), parse(root / "help_center" / "articles-page2.json")
    assert EXPORT not in by_id(first) and first.skipped == 2  # the draft and the older copy
    assert "credit notes" in by_id(second)[EXPORT].text
