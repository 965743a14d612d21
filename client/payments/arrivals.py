"""社保费到账信息查询 (manual §2.22): the unit's paid lines once 入库, with whether the 社保/医保
department has them (到账), fetched from the 管理子系统 when the page opens and kept in
`pay_arrivals`; the list with its conditions and the exact total of 缴费金额."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.sql.elements import ColumnElement

from client.jobs import JobContext
from client.storage.listing import QueryListSource, custom, equals, is_empty
from client.storage.payment_models import Arrival
from client.sync.errors import MalformedResponseError
from client.sync.unit_service import UnitService

ARRIVALS = Arrival.__table__
STORED, ARRIVED = "已入库", "已到账"
STATES = (STORED, ARRIVED)
PARTS = ("单位缴纳", "个人缴纳")
FIELDS = [
    "line_id", "voucher_number", "unit_number", "levy_item", "levy_category", "part",
    "period_start", "period_end", "amount", "channel", "paid_at", "stored_on", "arrived_on",
    "state",
]  # fmt: skip
_REQUIRED = ("line_id", "voucher_number", "unit_number", "levy_item", "levy_category", "part",
             "period_start", "period_end", "amount", "channel", "paid_at", "state")  # fmt: skip
_MONTH = re.compile(r"\d{4}-\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"-?\d+\.\d{2}")


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"arrivals {what}")


def parse(payload: Any) -> list[dict[str, Any]]:
    """The list answer as rows of `pay_arrivals`, every record checked."""
    if not isinstance(payload, dict) or payload.get("fields") != FIELDS:
        raise _fail("layout")
    records = payload.get("records")
    if not isinstance(records, list):
        raise _fail("records")
    rows = [_row(n, r) for n, r in enumerate(records)]
    if len({r["line_id"] for r in rows}) != len(rows):
        raise _fail("line_id repeats")
    return rows


def _row(number: int, record: Any) -> dict[str, Any]:
    if not isinstance(record, list) or len(record) != len(FIELDS):
        raise _fail(f"record {number} is not a list of {len(FIELDS)} values")
    row = dict(zip(FIELDS, record, strict=True))
    for key in FIELDS:
        value = row[key]
        if value is None and key not in _REQUIRED:
            continue
        if not isinstance(value, str) or not value.strip():
            raise _fail(f"record {number}: {key} {value!r}")
    problems = [
        not _MONTH.fullmatch(row["period_start"]) or not _MONTH.fullmatch(row["period_end"]),
        not _AMOUNT.fullmatch(row["amount"]),
        row["state"] not in STATES,
        row["stored_on"] is not None and not _DAY.fullmatch(row["stored_on"]),
        row["arrived_on"] is not None and not _DAY.fullmatch(row["arrived_on"]),
        row["state"] == ARRIVED and row["arrived_on"] is None,
    ]
    if any(problems):
        raise _fail(f"record {number}: {row!r}")
    return row


def periods_overlap(value: Any) -> ColumnElement[bool] | None:
    """费款所属期起止: lines whose 所属期起..止 overlaps the chosen months (either may be open)."""
    start, end = (None if is_empty(v) else str(v)[:7] for v in value)
    c = ARRIVALS.c
    clauses = []
    if start is not None:
        clauses.append(c.period_end >= start)
    if end is not None:
        clauses.append(c.period_start <= end)
    return and_(*clauses) if clauses else None


class Arrivals(UnitService):
    PATH = "/mgmt/units/{unit_id}/arrivals"

    def refresh(self, ctx: JobContext | None = None) -> int:
        """页面初始化: fetch every 入库 line of the unit and make the local list exactly that."""
        ctx = ctx or JobContext()
        ctx.progress("arrivals", 0, 2)
        rows = parse(self.api.get_json(self.path))
        ctx.check_cancelled()
        ctx.progress("arrivals", 1, 2)
        now = datetime.now()
        with self.db.write() as conn:
            conn.execute(delete(ARRIVALS))
            if rows:
                conn.execute(insert(ARRIVALS), [{**r, "fetched_at": now} for r in rows])
        ctx.progress("arrivals", 2, 2)
        return len(rows)

    def source(self) -> QueryListSource:
        c = ARRIVALS.c
        return QueryListSource(
            self.db.engine,
            select(ARRIVALS),
            key="line_id",
            filters=[
                custom("period", periods_overlap),
                equals("levy_item", c.levy_item),
                equals("state", c.state),
            ],
            default_sort=[
                ("period_start", True),
                ("unit_number", True),
                ("levy_item", True),
                ("levy_category", True),
                ("part", True),
            ],  # fmt: skip
        )

    def total(self, filters: Mapping[str, Any]) -> Decimal:
        """缴费金额 合计 of the lines matching the conditions: the exact sum of the amounts."""
        query = self.source().filtered(filters).with_only_columns(ARRIVALS.c.amount)
        with self.db.engine.connect() as conn:
            return sum((_amount(a) for a in conn.execute(query).scalars()), Decimal("0.00"))


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("0.00")  # never kept: parse() refuses such a record
