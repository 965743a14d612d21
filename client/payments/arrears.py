"""费款缴纳-缴费 欠费信息 (manual §2.11, §3.9): fetched from the 征收子系统 when the page opens
and on 刷新, kept locally so the list pages, sorts and filters without the network."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from client.jobs import JobContext
from client.payments import wire
from client.payments.rules import PAYABLE, total
from client.payments.store import ARREARS, replace_arrears
from client.storage.listing import QueryListSource, equals, month_range
from client.sync.unit_service import UnitService

ORDER = ("period_start", "unit_number", "levy_item", "levy_category", "part", "line_id")


class Arrears(UnitService):
    PATH = "/collect/units/{unit_id}/arrears"

    def refresh(self, ctx: JobContext | None = None) -> int:
        """Fetch the unit's arrears and replace the local copy (a bad answer keeps it)."""
        ctx = ctx or JobContext()
        ctx.progress("获取欠费信息", 0, None)
        lines = wire.arrears(self.api.get_json(self.path))
        ctx.check_cancelled()
        with self.db.write() as conn:
            count = replace_arrears(conn, lines)
        ctx.progress("获取欠费信息", count, count)
        return count

    def lines(self) -> list[dict[str, Any]]:
        c = ARREARS.c
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(ARREARS).order_by(*(c[k] for k in ORDER))).all()
        return [dict(r._mapping) for r in rows]

    def rows(self, line_ids: Sequence[str]) -> list[dict[str, Any]]:
        wanted = set(line_ids)
        return [ln for ln in self.lines() if ln["line_id"] in wanted]

    def payable_total(self) -> tuple[int, Any]:
        payable = [ln for ln in self.lines() if ln["state"] in PAYABLE]
        return len(payable), total(ln["amount"] for ln in payable)

    def source(self) -> QueryListSource:
        c = ARREARS.c
        return QueryListSource(
            self.db.engine,
            select(ARREARS),
            key="line_id",
            filters=[
                equals("state", c.state),
                equals("levy_item", c.levy_item),
                equals("pay_type", c.pay_type),
                equals("unit_number", c.unit_number),
                month_range("period", c.period_start),
            ],
            default_sort=[(k, True) for k in ORDER],
        )
