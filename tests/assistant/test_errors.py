"""A write that failed for want of room (full disk, quota, file-size limit) becomes one clear
``store_unavailable`` error naming the folder; every other failure passes unchanged."""

from __future__ import annotations

import errno
import resource
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy

from assistant.errors import ErrorCode, KbassistError, no_room, room_checked


def _fill(database: Path) -> None:
    """Write to a SQLite database capped at its current size (SQLite's own SQLITE_FULL)."""
    db = sqlite3.connect(database)
    try:
        db.execute("CREATE TABLE t (x TEXT)")
        db.execute("PRAGMA max_page_count = 2")
        for _ in range(100):
            db.execute("INSERT INTO t VALUES (?)", ("x" * 1000,))
        db.commit()
    finally:
        db.close()


def test_a_full_database_is_one_clear_error_naming_the_folder(tmp_path: Path) -> None:
    with pytest.raises(KbassistError) as raised, room_checked(tmp_path, "nothing was changed"):
        _fill(tmp_path / "full.db")
    error = raised.value
    assert (error.code, error.http_status, error.exit_code) == (ErrorCode.STORE_UNAVAILABLE, 503, 5)
    assert error.detail.startswith(f"no space left on the device holding {tmp_path} ")
    assert "nothing was changed; free space and run it again" in error.detail
    assert "database or disk is full" not in error.detail  # SQLite's words stay in the log


def test_a_full_database_behind_sqlalchemy_is_recognised(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x TEXT)")
    with pytest.raises(sqlalchemy.exc.OperationalError) as raised, engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA max_page_count = 2")
        for _ in range(100):
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", ("x" * 1000,))
    engine.dispose()
    assert no_room(raised.value, tmp_path)


@pytest.mark.parametrize(
    "failure",
    [ValueError("bad"), PermissionError(errno.EACCES, "denied"), OSError(errno.EIO, "I/O")],
)
def test_other_failures_pass_unchanged(tmp_path: Path, failure: Exception) -> None:
    with pytest.raises(type(failure)) as raised, room_checked(tmp_path, "nothing was changed"):
        raise failure
    assert raised.value is failure


# SQLite keeps no errno: a write failing with EFBIG or EDQUOT is only "disk I/O error"
_SQLITE_WRITE_FAILED = sqlite3.OperationalError("disk I/O error")


def test_a_failed_write_with_room_to_spare_is_not_called_a_full_disk(tmp_path: Path) -> None:
    (tmp_path / "store.db").write_bytes(b"\0" * 4096)
    assert not no_room(_SQLITE_WRITE_FAILED, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["store.db"]  # the probe left nothing


def test_a_failed_write_under_a_file_size_limit_is_called_a_full_disk(tmp_path: Path) -> None:
    (tmp_path / "store.db").write_bytes(b"\0" * 4096)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    script = textwrap.dedent(
        f"""
        import sqlite3, sys
        from pathlib import Path
        from assistant.errors import no_room
        failed = sqlite3.OperationalError("disk I/O error")
        sys.exit(0 if no_room(failed, Path({str(tmp_path)!r})) else 1)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], preexec_fn=limit, capture_output=True)
    assert done.returncode == 0, done.stderr
