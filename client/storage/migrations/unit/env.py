"""Alembic environment for the unit database; the caller passes an open connection."""

from __future__ import annotations

from alembic import context

from client.storage.unit_models import UnitBase as Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
