"""Schema migrations of the suggestion database (Alembic), applied on first use of a store.

``upgrade(connection)`` brings any database, new or made by an earlier version, to the newest
schema, inside the caller's transaction. New migrations go in ``versions/``, one file each, named
after their revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

HERE = Path(__file__).resolve().parent


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(connection: Connection) -> None:
    """Apply every migration the database has not had yet."""
    command.upgrade(config(connection), "head")
