"""Articles: Markdown with YAML front matter, and help-center HTML export pages."""

from __future__ import annotations

from pathlib import Path

from ingest.model import DOC_FIELDS, IngestIssue, ParseResult
from ingest.sources import Limits
from ingest.sources.articles import parse_html, parse_markdown
from ingest.sources.html_render import parse_html_document, render_markdown

FRONT = """---
id: kb-1001
title: Reset your password
url: https://help.example.com/articles/kb-1001
product: accounts
tags: [login, password]
owner: jane.doe
updated_at: 2026-03-01
review_by: 2027-03-01
visibility: public
---
"""
BODY = """# Reset your password

Intro paragraph.

## Steps

Click the link.
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def md(tmp_path: Path, text: str, limits: Limits | None = None) -> ParseResult:
    return parse_markdown(write(tmp_path, "kb-1001.md", text), limits or Limits())


def only_issue(result: ParseResult) -> IngestIssue:
    assert result.documents == []
    assert len(result.issues) == 1, result.issues
    return result.issues[0]


def test_markdown_front_matter_becomes_normalised_metadata(tmp_path: Path) -> None:
    result = md(tmp_path, FRONT + BODY)
    doc = result.documents[0]
    assert result.issues == []
    assert doc.id_ == "kb-1001"
    assert set(DOC_FIELDS) <= set(doc.metadata)
    assert doc.metadata["tags"] == ["login", "password"]
    assert doc.metadata["updated_at"] == "2026-03-01"
    assert doc.metadata["review_by"] == "2027-03-01"
    assert doc.metadata["source_type"] == "article"
    assert doc.metadata["source_path"] == str(tmp_path / "kb-1001.md")


def test_markdown_body_is_the_text_after_the_front_matter(tmp_path: Path) -> None:
    doc = md(tmp_path, FRONT + BODY).documents[0]
    assert doc.text == BODY.strip()


def test_markdown_body_without_h1_gets_the_title_as_heading(tmp_path: Path) -> None:
    doc = md(tmp_path, FRONT + "Intro.\n\n## Steps\n\nClick.\n").documents[0]
    assert doc.text.startswith("# Reset your password\n\nIntro.")


def test_markdown_visibility_defaults_to_public(tmp_path: Path) -> None:
    doc = md(tmp_path, "---\nid: a\ntitle: A\n---\nText.\n").documents[0]
    assert doc.metadata["visibility"] == "public"
    assert doc.metadata["tags"] == []
    assert doc.metadata["url"] == ""


def test_markdown_team_visibility_is_normalised(tmp_path: Path) -> None:
    doc = md(tmp_path, "---\nid: a\ntitle: A\nvisibility: team:Tier2, billing\n---\nX.\n")
    assert doc.documents[0].metadata["visibility"] == "team:billing,tier2"


def test_yaml_error_reports_the_line_in_the_file(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\ntags: [a, b\n---\nText.\n"))
    assert issue.source == str(tmp_path / "kb-1001.md")
    assert "invalid YAML" in issue.message
    assert issue.line is not None and issue.line >= 4


def test_yaml_error_line_is_offset_by_the_opening_fence(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\nowner: @jane\n---\nText.\n"))
    assert issue.line == 4


def test_missing_id_is_reported_by_field(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\ntitle: A\n---\nText.\n"))
    assert issue.field == "id"
    assert "required" in issue.message


def test_wrong_typed_tags_name_the_field_and_line(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\ntags: {a: 1}\n---\nText.\n"))
    assert str(issue).endswith("field 'tags': must be a list of strings, got a mapping")
    assert issue.line == 4


def test_invalid_date_is_reported_with_its_line(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\nupdated_at: 2026-13-45\n---\nX.\n"))
    assert issue.field == "updated_at"
    assert issue.line == 4
    assert "ISO date" in issue.message


def test_invalid_visibility_is_reported(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\nvisibility: secret\n---\nX.\n"))
    assert issue.field == "visibility"
    assert "secret" in issue.message


def test_missing_front_matter_is_reported_on_line_1(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "# Just a heading\n\nText.\n"))
    assert issue.line == 1
    assert "front matter" in issue.message


def test_unclosed_front_matter_is_reported(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\n\nText.\n"))
    assert "not closed" in issue.message


def test_front_matter_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\n- a\n- b\n---\nText.\n"))
    assert "mapping" in issue.message


def test_article_without_body_is_reported(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, "---\nid: a\ntitle: A\n---\n\n"))
    assert "no body" in issue.message


def test_empty_file_is_reported(tmp_path: Path) -> None:
    assert only_issue(md(tmp_path, "  \n")).message == "empty file"


def test_file_that_is_not_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", b"---\nid: a\ntitle: Caf\xe9\n---\nX.\n")
    issue = only_issue(parse_markdown(path, Limits()))
    assert issue.message == "not UTF-8 text"
    assert issue.line == 3


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    issue = only_issue(parse_markdown(tmp_path / "missing.md", Limits()))
    assert "cannot read file" in issue.message


def test_file_over_the_byte_limit_is_reported(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, FRONT + BODY, Limits(max_file_bytes=50)))
    assert "over the limit of 50" in issue.message


def test_document_over_the_character_limit_is_reported(tmp_path: Path) -> None:
    issue = only_issue(md(tmp_path, FRONT + BODY, Limits(max_document_chars=20)))
    assert "over the limit of 20" in issue.message


HTML = """<!doctype html>
<html><head>
  <title>Reset your password</title>
  <link rel="canonical" href="https://help.example.com/articles/kb-1001">
  <meta name="kb:id" content="kb-1001">
  <meta name="kb:product" content="accounts">
  <meta name="kb:tags" content="login, password">
  <meta name="kb:owner" content="jane.doe">
  <meta name="kb:updated_at" content="2026-03-01">
  <meta name="kb:review_by" content="2027-03-01">
  <meta name="kb:visibility" content="internal">
  <style>body { color: red }</style>
  <script>var tracking = 1;</script>
</head><body>
<header>Help Center</header>
<nav><a href="/">Home</a></nav>
<article>
  <h1>Reset your password</h1>
  <p>Intro   paragraph with <a href="/x">a link</a>.</p>
  <h2>Steps</h2>
  <ol><li>Open the page.</li><li>Click <b>Reset</b>.</li></ol>
  <h3>Email not received</h3>
  <ul><li>Check spam</li><li>Wait<ul><li>five minutes</li></ul></li></ul>
  <h4>Limits</h4>
  <table><tr><th>Plan</th><th>Resets</th></tr><tr><td>Free</td><td>3</td></tr></table>
  <script>alert(1)</script>
</article>
<footer>Copyright</footer>
</body></html>
"""


def html(tmp_path: Path, text: str) -> ParseResult:
    return parse_html(write(tmp_path, "kb-1001.html", text), Limits())


def test_html_metadata_comes_from_meta_link_and_title(tmp_path: Path) -> None:
    doc = html(tmp_path, HTML).documents[0]
    assert doc.id_ == "kb-1001"
    assert doc.metadata["title"] == "Reset your password"
    assert doc.metadata["url"] == "https://help.example.com/articles/kb-1001"
    assert doc.metadata["tags"] == ["login", "password"]
    assert doc.metadata["visibility"] == "internal"
    assert doc.metadata["updated_at"] == "2026-03-01"
    assert doc.metadata["source_type"] == "article"


def test_html_body_renders_as_markdown(tmp_path: Path) -> None:
    doc = html(tmp_path, HTML).documents[0]
    assert doc.text == (
        "# Reset your password\n\n"
        "Intro paragraph with a link.\n\n"
        "## Steps\n\n"
        "1. Open the page.\n2. Click Reset.\n\n"
        "### Email not received\n\n"
        "- Check spam\n- Wait\n  - five minutes\n\n"
        "#### Limits\n\n"
        "Plan | Resets\n--- | ---\nFree | 3"
    )


def test_an_html_definition_list_reads_term_by_definition() -> None:
    page = parse_html_document(
        "<p>Intro</p><dl><dt>Plan</dt><dd>Growth gives 120 requests a minute.</dd>"
        "<dt>Seats</dt><dd>Up to 10.</dd><dd>More on request.</dd></dl><p>After</p>"
    )
    assert render_markdown(page) == (
        "Intro\n\nPlan: Growth gives 120 requests a minute.\nSeats: Up to 10.\n"
        "Seats: More on request.\n\nAfter"
    )


def test_html_drops_scripts_styles_navigation_header_and_footer(tmp_path: Path) -> None:
    text = html(tmp_path, HTML).documents[0].text
    for dropped in ("alert", "tracking", "color", "Help Center", "Home", "Copyright"):
        assert dropped not in text


def test_html_without_article_uses_the_body(tmp_path: Path) -> None:
    page = '<html><head><title>T</title><meta name="kb:id" content="x"></head>'
    page += "<body><nav>menu</nav><p>Only text.</p></body></html>"
    doc = html(tmp_path, page).documents[0]
    assert doc.text == "# T\n\nOnly text."


def test_html_paragraph_starting_with_hash_is_not_a_heading(tmp_path: Path) -> None:
    page = '<title>T</title><meta name="kb:id" content="x"><p># of seats</p>'
    assert html(tmp_path, page).documents[0].text == "# T\n\n\\# of seats"


def test_html_bad_meta_value_names_the_field_and_its_line(tmp_path: Path) -> None:
    page = '<html><head><title>T</title>\n<meta name="kb:id" content="x">\n'
    page += '<meta name="kb:review_by" content="soon">\n</head><body>X</body></html>'
    issue = only_issue(html(tmp_path, page))
    assert issue.field == "review_by"
    assert issue.line == 3


def test_html_without_id_is_reported(tmp_path: Path) -> None:
    issue = only_issue(html(tmp_path, "<title>T</title><p>Text</p>"))
    assert issue.field == "id"
