"""The local journal of 社保费申报: every 提交申报 and 作废, who did it, when, what, the
totals and the result. Append-only (the database refuses to change or remove an entry), so
a clerk can always show what was sent from this computer."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from client.storage.fee_models import FeeJournalEntry
from client.storage.listing import QueryListSource, contains, date_range, equals
from client.storage.unit_db import UnitDatabase

SUBMIT, VOID, OUTCOME = "提交申报", "作废", "申报结果"
ACCEPTED, REFUSED, UNKNOWN = "已受理", "被拒绝", "结果未知"
JOURNAL = FeeJournalEntry.__table__


def current_operator() -> str:
    """Who is at the keyboard: the operating system's user name."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a service account, a container)
        return "未知用户"


class FeeJournal:
    def __init__(self, db: UnitDatabase, operator: str | None = None) -> None:
        self.db = db
        self.operator = operator or current_operator()

    def record(
        self,
        action: str,
        page: str,
        result: str,
        *,
        declaration_ids: Sequence[str] = (),
        item_count: int = 0,
        headcount: int = 0,
        amount: Decimal = Decimal("0.00"),
        detail: str = "",
    ) -> None:
        with self.db.write() as conn:
            conn.execute(
                JOURNAL.insert().values(
                    at=datetime.now().replace(microsecond=0),
                    operator=self.operator,
                    action=action,
                    page=page,
                    declaration_ids=",".join(declaration_ids),
                    item_count=item_count,
                    headcount=headcount,
                    amount=f"{amount:.2f}",
                    result=result,
                    detail=detail,
                )
            )

    def source(self) -> QueryListSource:
        c = JOURNAL.c
        return QueryListSource(
            self.db.engine,
            select(JOURNAL),
            key="id",
            filters=[
                equals("action", c.action),
                equals("result", c.result),
                contains("declaration_id", c.declaration_ids),
                date_range("at", c.at),
            ],
            default_sort=[("id", False)],
        )

    def entries(self) -> list[FeeJournalEntry]:
        with self.db.read() as session:
            return list(session.scalars(select(FeeJournalEntry).order_by(FeeJournalEntry.id)))
