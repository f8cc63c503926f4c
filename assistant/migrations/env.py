"""Alembic's environment: migrations run on the connection the suggestion store hands in."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through assistant.migrations.upgrade(connection)")
context.configure(connection=connection, render_as_batch=True)
context.run_migrations()
