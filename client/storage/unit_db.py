"""The database of one registered unit (its employees or residents and sync bookkeeping)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update

from client.storage import (  # noqa: F401  (their tables)
    external_models,
    fee_models,
    payment_models,
    refund_models,
    resident_draft_models,
    resident_local_models,
)
from client.storage.database import LocalDatabase
from client.storage.migrate import UNIT_SCRIPTS
from client.storage.unit_models import Message, Registration, SyncRun, SyncState, UnitBase


class UnitDatabase(LocalDatabase):
    def __init__(self, path: Path, backup_dir: Path) -> None:
        super().__init__(path, UNIT_SCRIPTS, backup_dir)

    def sync_state(self, feed: str) -> SyncState:
        with self.read() as session:
            state = session.get(SyncState, feed)
            return state if state is not None else SyncState(feed=feed, full_done=False)

    def registrations(self) -> list[Registration]:
        with self.read() as session:
            return list(session.scalars(select(Registration).order_by(Registration.row_id)))

    def replace_registrations(self, rows: list[dict[str, str]]) -> None:
        with self.write_session() as session:
            session.query(Registration).delete()
            session.add_all(Registration(**row) for row in rows)

    def last_run(self, feed: str) -> SyncRun | None:
        with self.read() as session:
            return session.scalars(
                select(SyncRun)
                .where(SyncRun.feed == feed, SyncRun.status == "done")
                .order_by(SyncRun.id.desc())
                .limit(1)
            ).first()

    def count(self, table_name: str) -> int:
        table = UnitBase.metadata.tables[table_name]
        with self.read() as session:
            return int(session.execute(select(func.count()).select_from(table)).scalar_one())

    # -- 消息中心 ---------------------------------------------------------------------------
    def add_message(self, category: str, title: str, body: str) -> None:
        with self.write_session() as session:
            session.add(
                Message(created_at=datetime.now(), category=category, title=title, body=body)
            )

    def messages(self, limit: int = 200) -> list[Message]:
        with self.read() as session:
            return list(session.scalars(select(Message).order_by(Message.id.desc()).limit(limit)))

    def unread_messages(self) -> int:
        with self.read() as session:
            return int(
                session.execute(
                    select(func.count()).select_from(Message).where(Message.read.is_(False))
                ).scalar_one()
            )

    def mark_messages_read(self, ids: list[int] | None = None) -> None:
        with self.write_session() as session:
            query = update(Message).values(read=True)
            if ids is not None:
                query = query.where(Message.id.in_(ids))
            session.execute(query)
