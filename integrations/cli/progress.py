"""Progress bars on stderr for work that reports ``(done, total)``, as the Ingestor does: one
for the documents, then one for each stage after them (each derived index it rebuilds)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import click

from ingest.sync import Progress, Stages


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """Yields the callback to hand the work; the bar learns the total from its first call."""
    with click.progressbar(length=0, label=label, file=sys.stderr, show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        yield progress


@contextmanager
def stage_bars() -> Iterator[Stages]:
    """Yields the callback that gives each stage its bar; a stage's bar ends when the next
    stage begins, or with the block."""
    with ExitStack() as stack:

        def stage(label: str) -> Progress:
            stack.close()  # the previous stage's bar
            return stack.enter_context(progress_bar(label))

        yield stage
