"""Plain text and reStructuredText: ids from the file name, titles, sections, paragraph chunks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import StructureChunker
from ingest.model import DOC_FIELDS, ParseResult
from ingest.sources import Limits, parse_file, read_sources
from ingest.sources.plaintext import parse_rst, parse_txt

RST = """\
=================
 Getting started
=================

Welcome to Ledgerly.

Install
=======

Run the installer.

Linux
-----
Use the package from the download page.

----

Configure
=========

Set the key::

    Example
    =======

Short
~~~
Not a title: the underline is too short.
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def sections(result: ParseResult) -> list[str]:
    (doc,) = result.documents
    return [c.metadata["section"] for c in StructureChunker()([doc])]


def test_rst_title_id_and_metadata(tmp_path: Path) -> None:
    result = parse_rst(write(tmp_path, "Getting Started.rst", RST), Limits())
    assert result.issues == []
    (doc,) = result.documents
    assert doc.id_ == doc.metadata["doc_id"] == "text-getting-started"
    assert doc.metadata["title"] == "Getting started"
    assert doc.metadata["source_type"] == "text"
    assert doc.metadata["visibility"] == "internal"
    assert set(DOC_FIELDS) <= set(doc.metadata)


def test_rst_is_chunked_by_section_title(tmp_path: Path) -> None:
    result = parse_rst(write(tmp_path, "start.rst", RST), Limits())
    assert sections(result) == [
        "Getting started",
        "Getting started > Install",
        "Getting started > Install > Linux",
        "Getting started > Configure",
    ]
    (doc,) = result.documents
    configure = StructureChunker()([doc])[-1].text
    assert "    Example\n    =======" in configure  # an indented literal block is no title
    assert "Short\n~~~\nNot a title" in configure  # nor is a too-short underline
    assert "----" not in doc.text  # the transition is dropped


@pytest.mark.parametrize("char", list("=-`:.'\"~^_*+#<>!$%&(),/;?@[\\]{|}"))
def test_every_adornment_character_makes_a_title(tmp_path: Path, char: str) -> None:
    text = f"=====\nGuide\n=====\n\nIntro.\n\nBilling\n{char * 7}\n\nPay the invoice.\n"
    result = parse_rst(write(tmp_path, "guide.rst", text), Limits())
    assert sections(result) == ["Guide", "Guide > Billing"]


def test_overlined_and_underlined_styles_are_different_levels(tmp_path: Path) -> None:
    text = "=====\nGuide\n=====\n\nIntro.\n\nPart\n=====\n\nText.\n\nSub\n---\n\nMore.\n"
    result = parse_rst(write(tmp_path, "guide.rst", text), Limits())
    assert sections(result) == ["Guide", "Guide > Part", "Guide > Part > Sub"]


def test_rst_without_a_title_is_titled_by_its_file_name(tmp_path: Path) -> None:
    result = parse_rst(write(tmp_path, "refund-policy.rst", "Refunds take 5 days.\n"), Limits())
    (doc,) = result.documents
    assert doc.metadata["title"] == "refund-policy"
    assert sections(result) == ["refund-policy"]


def test_txt_is_titled_by_its_file_name_and_hash_lines_are_text(tmp_path: Path) -> None:
    text = "# Not a heading\n\nCall the bank.\n## Nor this\n"
    result = parse_txt(write(tmp_path, "Bank Calls.txt", text), Limits())
    (doc,) = result.documents
    assert (doc.id_, doc.metadata["title"]) == ("text-bank-calls", "Bank Calls")
    assert sections(result) == ["Bank Calls"]
    assert "Not a heading" in doc.text and "Nor this" in doc.text


def test_txt_is_chunked_by_whole_paragraphs(tmp_path: Path) -> None:
    paragraphs = [" ".join(f"p{n}w{i}." for i in range(70)) for n in range(4)]
    long = " ".join(f"long{i} word." for i in range(150))  # 300 words: cut at sentences
    text = "\n\n".join([*paragraphs, long])
    result = parse_txt(write(tmp_path, "notes.txt", text), Limits())
    chunks = [c.text for c in StructureChunker()(result.documents)]
    assert chunks[:2] == ["\n\n".join(paragraphs[:2]), "\n\n".join(paragraphs[2:])]
    assert len(chunks) > 3 and all(len(c.split()) <= 180 for c in chunks)
    assert all(c.startswith("long") for c in chunks[2:])


def test_binary_and_non_utf8_files_give_a_clear_issue(tmp_path: Path) -> None:
    binary = write(tmp_path, "image.txt", b"ok\n\x00\x01\x02PNG")
    (issue,) = parse_txt(binary, Limits()).issues
    assert (issue.source, issue.line) == (str(binary), 2)
    assert issue.message == "binary data (NUL bytes), not text"
    latin = write(tmp_path, "latin.rst", "Title\n=====\n\ncaf\xe9\n".encode("latin-1"))
    (issue,) = parse_rst(latin, Limits()).issues
    assert (issue.source, issue.line, issue.message) == (str(latin), 4, "not UTF-8 text")


def test_empty_titles_only_and_unnamed_files_give_issues(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.txt", "\n  \n")
    assert parse_txt(empty, Limits()).issues[0].message == "empty file"
    titles = write(tmp_path, "titles.rst", "Title\n=====\n\nSub\n---\n")
    assert "no text" in parse_rst(titles, Limits()).issues[0].message
    (issue,) = parse_txt(write(tmp_path, "---.txt", "Some text."), Limits()).issues
    assert issue.field == "id" and "'---.txt'" in issue.message


def test_limits_apply(tmp_path: Path) -> None:
    path = write(tmp_path, "long.txt", "word " * 50)
    (issue,) = parse_txt(path, Limits(max_document_chars=100)).issues
    assert "over the limit of 100" in issue.message


def test_read_by_extension_and_readme_like_names_still_skipped(tmp_path: Path) -> None:
    write(tmp_path, "kb/intro.rst", "Intro\n=====\n\nHello.\n")
    write(tmp_path, "kb/faq.TXT", "Question and answer.\n")
    for name in ("README.txt", "LICENSE.rst", "readme.rst", ".draft.txt", "_wip.rst"):
        write(tmp_path, f"kb/{name}", "not a source\n")
    result = read_sources([tmp_path / "kb"])
    assert result.issues == []
    assert sorted(d.id_ for d in result.documents) == ["text-faq", "text-intro"]


def test_the_same_name_in_two_folders_is_one_id_reported_twice(tmp_path: Path) -> None:
    write(tmp_path, "a/intro.txt", "One.\n")
    write(tmp_path, "b/intro.txt", "Two.\n")
    result = read_sources([tmp_path])
    assert result.documents == []
    assert "duplicate id 'text-intro'" in result.issues[0].message


def test_an_uploaded_copy_gets_the_id_of_the_ingested_file(tmp_path: Path) -> None:
    ingested = read_sources([write(tmp_path, "kb/Refunds.rst", RST)]).documents
    uploaded = parse_file(write(tmp_path, "upload-123/Refunds.rst", RST), Limits()).documents
    assert [d.id_ for d in uploaded] == [d.id_ for d in ingested] == ["text-refunds"]
