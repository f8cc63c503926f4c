"""Pipeline steps: a document's link is kept only when it is an http(s) link."""

from __future__ import annotations

import logging

import pytest
from llama_index.core.schema import Document

from ingest.steps import SafeLinks, is_web_link


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative/path",
        "https:no-host",
    ],
)
def test_a_link_that_is_not_http_is_dropped_with_a_warning(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    doc = Document(text="Body.", id_="kb-1", metadata={"url": url, "title": "T"})
    with caplog.at_level(logging.WARNING, logger="kbassist.ingest"):
        [kept] = SafeLinks()([doc])
    assert kept.metadata["url"] == ""
    assert "kb-1" in caplog.text and "not an http(s) link" in caplog.text


@pytest.mark.parametrize("url", ["https://help.example.com/a?b=1#c", "HTTP://x.example/"])
def test_a_web_link_is_kept(url: str) -> None:
    doc = Document(text="Body.", id_="kb-2", metadata={"url": url})
    assert SafeLinks()([doc])[0].metadata["url"] == url
    assert is_web_link(url)
