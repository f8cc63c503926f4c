"""An upload whose scratch copy finds no room (the temporary folder's disk full) is one clear
``store_unavailable`` error naming that folder, and leaves no scratch copy behind.

A per-process file-size limit (``RLIMIT_FSIZE``, SIGXFSZ ignored) stands in for the full disk:
the copy's write past the limit fails with EFBIG, as on a full disk with ENOSPC.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

_CHILD = textwrap.dedent(
    """
    import io, sys
    from assistant.errors import KbassistError
    from assistant.uploads import parse_upload
    from ingest.sources import Limits
    article = b"# Refunds\\n\\n" + b"A duplicate charge is refunded. " * 400
    try:
        parse_upload("refunds.md", io.BytesIO(article), Limits())
    except KbassistError as error:
        print(error.code.value, error.detail)
        sys.exit(error.exit_code)
    """
)


def _limited() -> None:  # in the child
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_an_upload_with_no_room_for_its_scratch_copy_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        preexec_fn=_limited,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 5, done.stdout + done.stderr
    assert done.stdout.startswith(
        f"store_unavailable no space left on the device holding {tmp_path} "
    )
    assert "nothing was ingested; free space and run it again" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the scratch copy is gone
