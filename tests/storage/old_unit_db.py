"""A unit database file written by an older revision, for the migration tests."""

from __future__ import annotations

from pathlib import Path


def unit_db_at(db_path: Path, revision: str, *statements: str) -> None:
    """Create `db_path` at unit `revision` and run `statements` in it (its rows of then)."""
    from alembic import command

    from client.storage.engine import make_engine
    from client.storage.migrate import UNIT_SCRIPTS, alembic_config

    engine = make_engine(db_path)
    cfg = alembic_config(UNIT_SCRIPTS)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()
