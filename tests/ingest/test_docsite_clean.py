"""Cleaning a docs-site page before chunking: what a reader of the rendered page would see."""

from __future__ import annotations

from llama_index.core.schema import Document

from ingest.chunking import StructureChunker
from ingest.sources.docsite_clean import clean_markdown, first_heading

PAGE = "https://gohugo.io/hosting/github/"


def test_hugo_shortcodes_are_reduced_to_their_text() -> None:
    text = clean_markdown(
        '{{% include "/_common/gitignore.md" %}}\n\n'
        "{{< new-in 0.140.0 />}}\n\n"
        '{{< figure src="a.png" alt="A diagram" caption="How it fits" >}}\n\n'
        "{{% note %}}\nKeep the *public* folder out of Git.\n{{% /note %}}\n\n"
        "{{< youtube 0RKpf3rK57I >}}\n"
    )
    assert "{{" not in text and "include" not in text and "youtube" not in text
    assert "New in v0.140.0." in text
    assert "A diagram How it fits" in text
    assert "Keep the *public* folder out of Git." in text


def test_code_shortcodes_become_fences_and_escaped_ones_read_as_rendered() -> None:
    text = clean_markdown(
        "{{< code-toggle file=hugo >}}\nbaseURL = 'https://example.org/'\n{{< /code-toggle >}}\n\n"
        '```md\n{{</* highlight go "linenos=true" */>}}\ncode\n{{</* /highlight */>}}\n```\n'
    )
    assert "```\nbaseURL = 'https://example.org/'\n```" in text
    assert '{{< highlight go "linenos=true" >}}' in text and "{{< /highlight >}}" in text


def test_liquid_mdx_and_html_comments_are_removed() -> None:
    text = clean_markdown(
        "import Tabs from '@theme/Tabs';\nexport const x = 1;\n\n"
        "<!-- editor note:\nremove later -->\n"
        '<Tabs>\n<TabItem value="npm" label="npm">\n\nRun the installer.\n\n</TabItem>\n</Tabs>\n'
        "{/* hidden */}\n{% raw %}Use {% include note.html %}the CLI.{% endraw %}\n"
        "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n"
    )
    for gone in ("import", "export", "editor note", "<Tabs", "TabItem", "hidden", "{%"):
        assert gone not in text
    assert "Run the installer." in text and "Use the CLI." in text
    assert "```ruby\nputs 1\n```" in text


def test_github_alerts_become_text() -> None:
    text = clean_markdown("> [!WARNING]\n> Back up first.\n> It cannot be undone.\n\nAfter.\n")
    assert text.startswith("Warning:\nBack up first.\nIt cannot be undone.")
    assert "[!" not in text and "\n> " not in text


def test_docusaurus_and_mkdocs_admonitions_become_text() -> None:
    text = clean_markdown(
        ":::tip Keep it short\nUse one sentence.\n:::\n\n"
        ":::warning[Back up first]\nIt cannot be undone.\n:::\n\n"
        '!!! note "Heads up"\n    The body is indented.\n\n    Two paragraphs.\n\nAfter.\n\n'
        "::::info\nNested fence.\n::::\n"
    )
    assert text.split("\n\n") == [
        "Tip: Keep it short.\nUse one sentence.",
        "Warning: Back up first.\nIt cannot be undone.",
        "Note: Heads up.\nThe body is indented.",
        "Two paragraphs.",
        "After.",
        "Info:\nNested fence.",
    ]
    assert ":::" not in text and "!!!" not in text
    tabs = clean_markdown('=== "Python"\n\n    pip install x\n\n=== "Node"\n\n    npm i x\n')
    assert tabs.split("\n\n") == ["Python:", "pip install x", "Node:", "npm i x"]


def test_reference_links_are_resolved_and_made_absolute() -> None:
    text = clean_markdown(
        "See [Install Hugo][] and the [guide][g], or [remote].\n\n"
        '[install hugo]: /installation/\n[g]: <https://example.org/g> "Guide"\n'
        "[remote]: ../remote/\n[source code]: <{{% eturl figure %}}>\n\nAlso [x](/x/).\n",
        base_url=PAGE,
    )
    assert "[Install Hugo](https://gohugo.io/installation/)" in text
    assert "[guide](https://example.org/g)" in text
    assert "[remote](https://gohugo.io/hosting/remote/)" in text
    assert "[x](https://gohugo.io/x/)" in text
    assert "]:" not in text


def test_code_is_left_as_written() -> None:
    code = "```go-html-template\n{{ range .Pages }}\n<!-- keep -->\n[a]: /b/\n{{ end }}\n```"
    text = clean_markdown(f"Loop:\n\n{code}\n\nUse `{{{{< ref >}}}}` inline.\n")
    assert code in text
    assert "`{{< ref >}}`" in text


def test_a_code_block_that_fits_stays_in_one_chunk() -> None:
    prose = " ".join(f"Sentence number {i} is here." for i in range(30))
    code = "\n".join(["```yaml", "a: 1", "", "b:", "", "  c: 2", "```"])
    body = clean_markdown(f"{prose}\n\n{code}\n\n{prose}\n")
    doc = Document(text=f"# Page\n\n{body}", metadata={"title": "Page", "source_type": "docs"})
    chunks = [c.text for c in StructureChunker(max_words=60, overlap_words=0).chunk(doc)]
    whole = "```yaml\na: 1\nb:\n  c: 2\n```"
    assert sum(whole in c for c in chunks) == 1
    assert not any("a: 1" in c and whole not in c for c in chunks)


def test_first_heading_ignores_code() -> None:
    assert first_heading("```sh\n# a comment\n```\n\n# Real title\n") == "Real title"
    assert first_heading("No heading.\n") == ""


def test_a_definition_is_joined_to_its_term() -> None:
    text = clean_markdown(
        "## Settings\n\n"
        "`buildDrafts`\n: (`bool`) Whether to include draft content. Default is `false`.\n\n"
        "baseURL\n: The absolute URL of the published site.\n: Used for absolute links.\n\n"
        ": A definition with no term.\n"
    )
    assert "`buildDrafts`: (`bool`) Whether to include draft content. Default is `false`." in text
    two = "baseURL: The absolute URL of the published site.\nbaseURL: Used for absolute links."
    assert two in text
    assert "\nA definition with no term." in text
    assert "## Settings" in text and "\n: " not in text
