"""A progress bar on stderr for work that reports ``(done, total)``, as the Ingestor does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ingest.sync import Progress


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """Yields the callback to hand the work; the bar learns the total from its first call."""
    with click.progressbar(length=0, label=label, file=sys.stderr, show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        yield progress
