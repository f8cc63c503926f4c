"""Publishing an approved article: checked, written atomically, then ingested at once.

The Markdown goes to a temporary file in the publish folder, is parsed there by the same parser
``kbassist ingest`` uses (so bad front matter is an error naming the field and line), and only
then renamed into place. If anything fails, the temporary file is removed and nothing else has
changed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import yaml
from llama_index.core.schema import Document

from assistant.drafts.model import Draft
from assistant.errors import ErrorCode, KbassistError
from ingest.sources.articles import parse_markdown
from ingest.sources.files import Limits
from ingest.sync import DocStoreFile, Ingestor


class Publisher:
    def __init__(
        self,
        folder: Path,
        ingestor: Ingestor,
        limits: Limits | None = None,
        writable: tuple[Path, ...] = (),
    ) -> None:
        self.folder = folder
        self.ingestor = ingestor
        self.limits = limits or Limits()
        self.writable = tuple(p.resolve() for p in writable)

    def front_matter(self, markdown: str, name: str) -> dict[str, object]:
        """The front matter's own keys, once the whole article has been checked."""
        fields = self.check(markdown, name)
        raw = yaml.safe_load(markdown.split("\n---", 1)[0].removeprefix("---")) or {}
        return {**raw, "id": fields.get("doc_id")}

    def apply_fix(self, draft: Draft, replacement: str) -> Path:
        """Put ``replacement`` in place of the passage a fix proposal targets, in the
        document's own Markdown file (which must lie under a writable KB folder), then ingest
        that file again."""
        target = draft.target or {}
        source = self.source_of(str(target.get("doc_id", "")))
        current = str((draft.details or {}).get("current", ""))
        if source.suffix != ".md" or not any(source.is_relative_to(w) for w in self.writable):
            raise KbassistError(
                ErrorCode.CONFLICT,
                f"{target.get('doc_id')} is not a Markdown article under a writable KB folder "
                "(KBASSIST_WRITABLE_KB_DIRS); apply the fix by hand",
            )
        text = source.read_text(encoding="utf-8")
        if not current or current not in text:
            raise KbassistError(
                ErrorCode.CONFLICT,
                f"{source.name} no longer holds the passage this proposal replaces",
            )
        updated = text.replace(current, replacement.strip(), 1)
        self._parse_text(updated, source.stem)
        handle, temp_name = tempfile.mkstemp(dir=source.parent, prefix=".fix-", suffix=".tmp")
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(updated)
            os.replace(temp, source)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        try:
            report = self.ingestor.sync([source])
            if not report.ok:
                raise KbassistError(ErrorCode.BAD_INPUT, f"{source} could not be ingested")
        except BaseException:
            source.write_text(text, encoding="utf-8")  # the article as it was
            raise
        return source

    def source_of(self, doc_id: str) -> Path:
        """The file a stored document was ingested from (as the ingest docstore records it)."""
        path = self.ingestor.data_dir / "docstore.json"
        docs = DocStoreFile(path).docstore.docs if path.exists() else {}
        node = docs.get(doc_id)
        source = str(node.metadata.get("source_path", "")) if node is not None else ""
        return Path(source).resolve() if source and not source.startswith("upload:") else Path()

    def _parse_text(self, markdown: str, name: str) -> None:
        self.check(markdown, name)

    def check(self, markdown: str, name: str) -> dict[str, object]:
        """The article's fields if ``markdown`` parses as an article (BAD_INPUT otherwise)."""
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / f"{name}.md"
            path.write_text(markdown, encoding="utf-8")
            return self._parse(path, name)

    def publish(self, markdown: str, doc_id: str) -> Path:
        """Write ``markdown`` as ``<doc_id>.md`` in the publish folder and ingest it."""
        final = self.folder / f"{doc_id}.md"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(dir=self.folder, prefix=".draft-", suffix=".tmp")
        except OSError as exc:
            raise KbassistError(
                ErrorCode.CONFIG,
                f"the publish folder {self.folder} is not writable (KBASSIST_PUBLISH_DIR)",
            ) from exc
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(markdown)
                out.flush()
                os.fsync(out.fileno())
            self._parse(temp, doc_id)
            if final.exists():
                raise KbassistError(
                    ErrorCode.CONFLICT, f"{final} already exists; the article is published"
                )
            os.replace(temp, final)
        except OSError as exc:
            raise KbassistError(
                ErrorCode.CONFIG, f"cannot write {final} (KBASSIST_PUBLISH_DIR)"
            ) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        try:
            report = self.ingestor.ingest_documents(self._documents(final))
            if not report.ok:
                raise KbassistError(
                    ErrorCode.BAD_INPUT, f"{final} could not be ingested: {report.issues[0]}"
                )
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                final.unlink()
            raise
        return final

    def _documents(self, path: Path) -> list[Document]:
        return parse_markdown(path, self.limits).documents

    def _parse(self, path: Path, name: str) -> dict[str, object]:
        result = parse_markdown(path, self.limits)
        if result.issues:
            issue = result.issues[0]
            where = f" (field {issue.field})" if issue.field else ""
            line = f", line {issue.line}" if issue.line else ""
            raise KbassistError(ErrorCode.BAD_INPUT, f"draft {name}: {issue.message}{where}{line}")
        return dict(result.documents[0].metadata)
