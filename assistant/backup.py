"""A consistent snapshot of the data directory, taken while servers run, and its restore.

What a backup holds: every file of the data directory (the embedded Chroma store, the docstore,
the BM25 indexes, the generation, the suggestion database when it is SQLite under the data
directory, published drafts), and ``manifest.json`` with each file's SHA-256.

How it stays consistent while the server runs:
- the ingest lock is held for the whole copy, so no ingest (CLI or upload) writes Chroma, the
  docstore or the indexes meanwhile; queries only read;
- every SQLite database (Chroma's, the suggestion database) is copied with SQLite's online backup
  API, which gives one transaction's view even while decisions are being written;
- the copy is written beside the destination and renamed into place when complete.

A PostgreSQL suggestion database or a Chroma server holds its data elsewhere: the manifest says
so, and they are backed up with their own tools (pg_dump; the server's ``--path``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from assistant.errors import ErrorCode, KbassistError, no_room, no_room_error
from assistant.settings import Settings
from assistant.store import read_generation

MANIFEST = "manifest.json"
FORMAT = 1
_LOCK = "ingest.lock"  # the lock every ingest of this data directory holds (ingest.sync)
_SKIPPED_SUFFIXES = (".tmp", ".lock", "-wal", "-shm", "-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class BackupReport:
    path: Path
    files: int
    bytes: int
    generation: str
    left_out: list[str] = field(default_factory=list)  # what lives elsewhere, and why


@contextmanager
def _ingest_lock(data_dir: Path) -> Iterator[None]:
    with (data_dir / _LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def _copy_sqlite(source: Path, target: Path) -> None:
    """One consistent view of a live database (SQLite's online backup API)."""
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(_SKIPPED_SUFFIXES) and p.name != "ingest.journal"
    )


def _left_out(settings: Settings) -> list[str]:
    notes = []
    if settings.chroma_url:
        notes.append(
            f"chunks: on the Chroma server {settings.chroma_url}; back up its --path folder"
        )
    url = make_url(settings.sqlite_url)
    database = Path(url.database or "")
    if url.get_backend_name() != "sqlite":
        notes.append(f"suggestion database: {url.get_backend_name()}; back it up with its tools")
    elif not database.resolve().is_relative_to(settings.data_dir.resolve()):
        notes.append(f"suggestion database: {database} is outside the data directory")
    return notes


def backup(settings: Settings, dest: Path) -> BackupReport:
    """Snapshot the data directory into ``dest`` (which must not exist yet)."""
    data_dir = settings.data_dir
    if not (data_dir / "docstore.json").exists() and not settings.chroma_path.exists():
        raise KbassistError(ErrorCode.NOT_FOUND, f"{data_dir}: no kbassist data directory here")
    if dest.exists():
        raise KbassistError(ErrorCode.CONFLICT, f"{dest}: already exists; name a new folder")
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        with _ingest_lock(data_dir):
            generation = read_generation(data_dir)
            hashes: dict[str, str] = {}
            for source in _files(data_dir):
                relative = source.relative_to(data_dir)
                target = partial / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                if _is_sqlite(source):
                    _copy_sqlite(source, target)
                else:
                    shutil.copy2(source, target)
                hashes[relative.as_posix()] = _sha256(target)
        left_out = _left_out(settings)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "generation": generation,
            "files": hashes,
            "left_out": left_out,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1))
        os.replace(partial, dest)
    except (OSError, sqlite3.Error) as exc:  # (SQLite's: a database copied to a full disk)
        _discard(partial, exc, f"the backup was not written and {dest} was not created")
        reason = exc.strerror if isinstance(exc, OSError) else "a database could not be copied"
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE, f"{dest}: the backup could not be written ({reason})"
        ) from None
    size = sum((dest / name).stat().st_size for name in hashes)
    return BackupReport(dest, len(hashes), size, generation, left_out)


def _discard(partial: Path, exc: Exception, outcome: str) -> None:
    """Remove a partial copy; a copy that found no room is the no-room error (once removed)."""
    full = no_room(exc, partial if partial.exists() else partial.parent)
    shutil.rmtree(partial, ignore_errors=True)
    if full:
        raise no_room_error(partial.parent, outcome) from exc


def _manifest(src: Path) -> dict[str, object]:
    path = src / MANIFEST
    if not path.is_file():
        raise KbassistError(ErrorCode.BAD_INPUT, f"{src}: not a kbassist backup (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: unknown backup format")
    return manifest


def verify(src: Path) -> dict[str, object]:
    """The backup's manifest, after checking that every file is present and unchanged."""
    manifest = _manifest(src)
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise KbassistError(ErrorCode.BAD_INPUT, f"{src / MANIFEST}: files: missing")
    for name, digest in files.items():
        path = src / name
        if not path.is_file() or _sha256(path) != digest:
            raise KbassistError(ErrorCode.BAD_INPUT, f"{path}: missing or changed since the backup")
    return manifest


def restore(settings: Settings, src: Path) -> BackupReport:
    """Restore a verified backup into the data directory, which must be absent or empty."""
    data_dir = settings.data_dir
    if data_dir.exists() and any(data_dir.iterdir()):
        raise KbassistError(
            ErrorCode.CONFLICT, f"{data_dir}: not empty; restore into a new data directory"
        )
    manifest = verify(src)
    files: dict[str, str] = manifest["files"]  # type: ignore[assignment]
    partial = data_dir.with_name(data_dir.name + ".restoring")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        for name in files:
            target = partial / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, target)
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(partial, data_dir)
    except OSError as exc:
        _discard(partial, exc, f"nothing was restored and {data_dir} was left as it was")
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE,
            f"{data_dir}: the restore could not be written ({exc.strerror})",
        ) from None
    size = sum((data_dir / name).stat().st_size for name in files)
    notes = manifest.get("left_out")
    left_out = [str(note) for note in notes] if isinstance(notes, list) else []
    return BackupReport(data_dir, len(files), size, str(manifest.get("generation", "")), left_out)
