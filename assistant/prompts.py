"""Versioned prompt files: ``prompts/<name>.v<version>.txt``, loaded and checked on every call.

A prompt file is a small header, a ``---`` line, then a system part and a user part::

    name: answer
    version: 1
    variables: question, passages
    description: optional free text
    ---
    === system ===
    Static instructions (placeholders allowed, but the LLM answerer refuses them here).
    === user ===
    Question: $question
    Passages: $passages

Placeholders are ``$name`` or ``${name}`` (``string.Template``); ``$$`` is a literal ``$``.
Rendering is a single pass, so braces, ``$`` or placeholder look-alikes inside the *values* are
inserted as they are and never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Literal

from assistant.errors import ErrorCode, KbassistError

SYSTEM_MARKER = "=== system ==="
USER_MARKER = "=== user ==="
HEADER_END = "---"
_HEADER_KEYS = frozenset({"name", "version", "variables", "description"})
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def default_prompts_dir() -> Path:
    """The repository's ``prompts/`` folder, next to the ``assistant`` package."""
    return Path(__file__).resolve().parent.parent / "prompts"


def prompt_path(name: str, version: int, directory: Path | None = None) -> Path:
    return (directory or default_prompts_dir()) / f"{name}.v{version}.txt"


@dataclass(frozen=True)
class RenderedPrompt:
    system: str
    user: str


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: int
    variables: tuple[str, ...]
    system: str
    user: str
    path: Path
    description: str = ""

    def placeholders(self, part: Literal["system", "user"]) -> set[str]:
        """The placeholders used in ``part`` ("system" or "user")."""
        text = self.system if part == "system" else self.user
        return set(Template(text).get_identifiers())

    def render(self, values: Mapping[str, str]) -> RenderedPrompt:
        """Both parts with every declared variable substituted (exactly those must be given)."""
        given, declared = set(values), set(self.variables)
        if given != declared:
            missing = ", ".join(sorted(declared - given)) or "none"
            extra = ", ".join(sorted(given - declared)) or "none"
            problem = f"render needs exactly its variables (missing: {missing}; unknown: {extra})"
            raise _error(self.path, problem)
        return RenderedPrompt(
            system=Template(self.system).substitute(values),
            user=Template(self.user).substitute(values),
        )


def load_prompt(name: str, version: int, directory: Path | None = None) -> PromptTemplate:
    """Read and validate ``<directory>/<name>.v<version>.txt``; ``KbassistError(CONFIG)`` if bad."""
    path = prompt_path(name, version, directory)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise _error(path, f"cannot be read ({type(err).__name__})") from None
    return parse_prompt(text, path, name=name, version=version)


def parse_prompt(text: str, path: Path, *, name: str, version: int) -> PromptTemplate:
    """Validate the text of a prompt file that should be ``name`` version ``version``."""
    lines = text.splitlines()
    if HEADER_END not in (line.strip() for line in lines):
        raise _error(path, f"no '{HEADER_END}' line ends the header")
    end = [line.strip() for line in lines].index(HEADER_END)
    header = _parse_header(lines[:end], path)
    for key in ("name", "version", "variables"):
        if not header.get(key):
            raise _error(path, f"header has no '{key}:' line")
    if header["name"] != name:
        raise _error(path, f"header name '{header['name']}' does not match the file name '{name}'")
    if not header["version"].isdigit() or int(header["version"]) != version:
        raise _error(
            path, f"header version '{header['version']}' does not match the file name's v{version}"
        )
    variables = _parse_variables(header["variables"], path)
    system, user = _split_parts(lines[end + 1 :], path)
    used: set[str] = set()
    for part, body in (("system", system), ("user", user)):
        template = Template(body)
        if not template.is_valid():
            raise _error(path, f"the {part} part has a malformed '$' placeholder (write $$ for $)")
        used.update(template.get_identifiers())
    if undeclared := used - set(variables):
        names = ", ".join(sorted(undeclared))
        raise _error(path, f"placeholders not declared in 'variables': {names}")
    if unused := set(variables) - used:
        raise _error(path, f"declared variables never used: {', '.join(sorted(unused))}")
    return PromptTemplate(
        name=name,
        version=version,
        variables=variables,
        system=system,
        user=user,
        path=path,
        description=header.get("description", ""),
    )


def _parse_header(lines: list[str], path: Path) -> dict[str, str]:
    header: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in _HEADER_KEYS:
            known = ", ".join(sorted(_HEADER_KEYS))
            raise _error(path, f"header line {number} is not 'key: value' with a key of {known}")
        if key in header:
            raise _error(path, f"header line {number} repeats '{key}'")
        header[key] = value.strip()
    return header


def _parse_variables(value: str, path: Path) -> tuple[str, ...]:
    names = [v.strip() for v in value.split(",")]
    bad = [n for n in names if not _IDENTIFIER.match(n)]
    if bad:
        raise _error(path, f"'variables' has invalid names: {', '.join(repr(b) for b in bad)}")
    if len(set(names)) != len(names):
        raise _error(path, "'variables' names a variable twice")
    return tuple(names)


def _split_parts(lines: list[str], path: Path) -> tuple[str, str]:
    stripped = [line.strip() for line in lines]
    for marker in (SYSTEM_MARKER, USER_MARKER):
        if (found := stripped.count(marker)) != 1:
            raise _error(path, f"needs exactly one '{marker}' line (found {found})")
    start, middle = stripped.index(SYSTEM_MARKER), stripped.index(USER_MARKER)
    if middle < start:
        raise _error(path, f"'{SYSTEM_MARKER}' must come before '{USER_MARKER}'")
    if any(stripped[:start]):
        raise _error(path, f"text between '{HEADER_END}' and '{SYSTEM_MARKER}'")
    system = "\n".join(lines[start + 1 : middle]).strip()
    user = "\n".join(lines[middle + 1 :]).strip()
    for part, body in (("system", system), ("user", user)):
        if not body:
            raise _error(path, f"the {part} part is empty")
    return system, user


def _error(path: Path, problem: str) -> KbassistError:
    return KbassistError(ErrorCode.CONFIG, f"prompt file {path}: {problem}")
