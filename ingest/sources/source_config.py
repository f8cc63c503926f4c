"""Per-source settings: a ``kbassist.yaml`` at a source root, or the same options given by hand.

A source root is a folder given to ``read_sources`` (a file given alone has its folder as root),
unless a folder above it holds a ``kbassist.yaml``: then that folder is the root, so a page
keeps one identity whichever part of the tree is ingested. A root without a ``kbassist.yaml``
and without options is read as it always was (every document needs its own id).

``kbassist.yaml`` (every key optional)::

    type: docs                     # docs: a documentation site's Markdown (no ids needed)
    name: hugo                     # the prefix of the page ids (default: the root folder's name)
    base_url: https://gohugo.io/   # page URL = base URL + path, unless the page names its own
    visibility: public             # default visibility (a page's own field wins)
    owner: docs-team               # default owner and product
    product: hugo
    include: ["**/*.md"]           # globs relative to the root (* also crosses folders)
    exclude: ["drafts/*"]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from ingest.model import IngestIssue
from ingest.sources.fields import FieldError, as_tags, as_text, as_visibility
from ingest.sources.yamlio import YamlError, load_yaml, locate

CONFIG_NAME = "kbassist.yaml"
SourceKindName = Literal["auto", "docs"]
SOURCE_KINDS: tuple[str, ...] = ("auto", "docs")


class SourceConfigError(Exception):
    """A ``kbassist.yaml`` that cannot be used; carries the issue naming the file and field."""

    def __init__(self, issue: IngestIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue


@dataclass(frozen=True)
class SourceOptions:
    """Settings of one source root; None (or empty) means "not set here"."""

    type: str | None = None  # "auto" (today's formats) or "docs"; a base URL implies docs
    name: str | None = None
    base_url: str | None = None
    visibility: str | None = None
    owner: str | None = None
    product: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def over(self, base: SourceOptions) -> SourceOptions:
        """These options, with ``base`` filling in what is not set here."""
        changes = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}
        return replace(base, **changes)

    @property
    def docs(self) -> bool:
        """Read as a documentation site: type docs, or a base URL given without a type."""
        return self.type == "docs" or (self.type is None and bool(self.base_url))

    def wants(self, relative: str) -> bool:
        """Whether a file at ``relative`` (POSIX, under the root) passes include and exclude."""
        if self.include and not any(fnmatchcase(relative, g) for g in self.include):
            return False
        return not any(fnmatchcase(relative, g) for g in self.exclude)


# Blocks of kbassist.yaml that other readers take (ingest/sources/zendesk_config.py)
READ_ELSEWHERE = frozenset({"zendesk"})


def options_from(raw: Mapping[str, Any]) -> SourceOptions:
    """Options from a mapping (a ``kbassist.yaml`` or CLI values); raises FieldError."""
    known = {f.name for f in fields(SourceOptions)}
    unknown = sorted(str(key) for key in raw if key not in known | READ_ELSEWHERE)
    if unknown:
        raise FieldError(unknown[0], f"is not a setting (known: {', '.join(sorted(known))})")
    kind = as_text(raw.get("type"), "type") or None
    if kind is not None and kind not in SOURCE_KINDS:
        raise FieldError("type", f"'{kind}' is not one of {', '.join(SOURCE_KINDS)}")
    base_url = as_text(raw.get("base_url"), "base_url") or None
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise FieldError("base_url", f"'{base_url}' must start with http:// or https://")
    visibility = raw.get("visibility")
    return SourceOptions(
        type=kind,
        name=as_text(raw.get("name"), "name") or None,
        base_url=base_url,
        visibility=as_visibility(visibility, "public") if visibility else None,
        owner=as_text(raw.get("owner"), "owner") or None,
        product=as_text(raw.get("product"), "product") or None,
        include=tuple(as_tags(raw.get("include"), "include")),
        exclude=tuple(as_tags(raw.get("exclude"), "exclude")),
    )


def load_options(root: Path) -> SourceOptions:
    """The options in ``root/kbassist.yaml`` (none when it is absent); raises SourceConfigError."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return SourceOptions()
    try:
        text = path.read_text(encoding="utf-8")
        raw = load_yaml(text) or {}
        if not isinstance(raw, dict):
            raise SourceConfigError(IngestIssue(str(path), "must be a mapping of settings"))
        return options_from(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceConfigError(IngestIssue(str(path), f"cannot read: {exc}")) from exc
    except YamlError as exc:
        raise SourceConfigError(IngestIssue(str(path), exc.message, exc.line)) from exc
    except FieldError as exc:
        line = locate(text, exc.field)
        raise SourceConfigError(IngestIssue(str(path), exc.message, line, exc.field)) from exc


@dataclass(frozen=True)
class SourceRoot:
    """A resolved source root with its options; documents are identified relative to it."""

    path: Path  # resolved
    options: SourceOptions

    @property
    def name(self) -> str:
        return self.options.name or self.path.name or "root"

    def relative(self, file: Path) -> str:
        """The POSIX path of ``file`` under this root (``file`` as spelled or resolved)."""
        return resolved_path(file).relative_to(self.path).as_posix()


def resolved_path(file: Path) -> Path:
    """``file`` with its folder resolved (``kb``, ``./kb``, ``/abs/kb`` and ``.`` inside it name
    one folder); a symlinked file keeps its own name."""
    absolute = Path(file).absolute()
    return absolute.parent.resolve() / absolute.name


def find_root(path: Path, given: SourceOptions | None = None) -> SourceRoot:
    """The source root of a given file or folder, with its options (``given`` over the file's).

    Raises SourceConfigError for a ``kbassist.yaml`` that cannot be used.
    """
    resolved = Path(path).resolve()
    start = resolved if resolved.is_dir() else resolved.parent
    root = next((d for d in (start, *start.parents) if (d / CONFIG_NAME).is_file()), start)
    options = load_options(root)
    return SourceRoot(root, (given or SourceOptions()).over(options))
