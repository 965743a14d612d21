"""城乡居民申报缴费状态查询（自主） (manual §3.5): 更新 downloads every resident × 征收品目 of one
缴费年度 from the 管理子系统 and keeps it as that year's snapshot; the page filters it locally
(乡镇街道, 社区村组, 征收项目, 品目, 申报状态, 缴费状态, 姓名/证件号码) and exports what the
conditions select, for 催收.

A download is staged page by page and replaces the year's snapshot in one transaction only
when it is complete and counted right; a cancelled, cut-off or malformed one leaves the
previous snapshot as it was. 100,000 residents are a few seconds: pages are fetched one ahead
while the last one is written with `executemany`, the garbage collector paused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError, InterfaceError, ProgrammingError

from client.collector import agent_wire
from client.collector.agent_wire import STATUS_FIELDS
from client.jobs import JobContext
from client.storage.external_models import ResidentStatus
from client.storage.listing import Filter, QueryListSource, equals
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.engine import gc_paused, prefetch
from client.sync.errors import MalformedResponseError, SyncIntegrityError
from client.sync.unit_service import UnitService

PAGE_SIZE = 5000  # rows per request (the contract allows up to 20,000)
PHASE = "正在更新申报缴费状态"
SLOW_WARNING = (
    "更新将从管理子系统下载本代收单位管辖范围内所有城乡居民{year}年度的申报缴费状态，"
    "数据量较大，耗时较长，不建议频繁更新。是否开始更新？"
)
COUNT_MISMATCH = (
    "下载的申报缴费状态条数与管理子系统不一致，本次更新未保存，原有数据保持不变，请稍后重新更新。"
)
DECLARE_STATES = agent_wire.DECLARE_STATES
PAY_STATES = agent_wire.PAY_STATES

TABLE = ResidentStatus.__table__
COLUMNS = ", ".join(["year", *STATUS_FIELDS])
INSERT_STAGING = f"INSERT INTO resident_statuses_staging ({COLUMNS}) VALUES ({', '.join('?' * 16)})"
REJECTED = (IntegrityError, InterfaceError, ProgrammingError)


def download_name(year: int) -> str:
    """The `downloads` row that says when a year was last downloaded and how many rows."""
    return f"resident_statuses:{year}"


@dataclass(frozen=True)
class StatusDownload:
    year: int
    count: int
    fetched_at: datetime


@dataclass(frozen=True)
class StatusCounts:
    """What the conditions select: rows, persons, and how many are declared and paid."""

    rows: int
    persons: int
    declared: int
    paid: int


class ResidentStatuses(UnitService):
    PATH = "/mgmt/units/{unit_id}/resident-statuses"

    def __init__(
        self, api: ApiClient, db: UnitDatabase, unit_id: str, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(api, db, unit_id)
        self.page_size = page_size

    # -- 更新 ---------------------------------------------------------------------------------
    def download(self, year: int, ctx: JobContext | None = None) -> StatusDownload:
        """Download the year's snapshot and replace the local one when it is complete."""
        ctx = ctx or JobContext()
        ctx.progress(PHASE, 0, None)
        self._clear_staging()

        def fetch(after: int) -> tuple[tuple[list[tuple[Any, ...]], int], Any]:
            payload = self.api.get_json(self.path, year=year, after_id=after,
                                        limit=self.page_size)  # fmt: skip
            rows, total, next_after = agent_wire.status_page(payload, year)
            return (rows, total), next_after

        done = 0
        total = 0
        complete = False
        try:
            with gc_paused():
                for rows, total in prefetch(fetch, 0, cancel=lambda: ctx.cancelled):
                    ctx.check_cancelled()
                    if rows:
                        self._stage(rows)
                    done += len(rows)
                    ctx.progress(PHASE, done, total or None)
            ctx.check_cancelled()
            if done != total:
                raise SyncIntegrityError(
                    COUNT_MISMATCH, technical=f"statuses {year}: {done}/{total}"
                )
            fetched_at = datetime.now()
            with self.db.write() as conn:
                conn.exec_driver_sql("DELETE FROM resident_statuses WHERE year = ?", (year,))
                conn.exec_driver_sql(
                    f"INSERT INTO resident_statuses ({COLUMNS}) SELECT {COLUMNS}"
                    " FROM resident_statuses_staging ORDER BY resident_id, levy_category"
                )
                conn.exec_driver_sql("DELETE FROM resident_statuses_staging")
                conn.exec_driver_sql(
                    "INSERT INTO downloads (name, fetched_at, count) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET fetched_at = excluded.fetched_at,"
                    " count = excluded.count",
                    (download_name(year), fetched_at, done),
                )
            complete = True
        finally:
            if not complete:  # cancelled, cut off or malformed: the previous snapshot stays
                self._clear_staging()
        ctx.progress(PHASE, done, done)
        return StatusDownload(year, done, fetched_at)

    def _stage(self, rows: list[tuple[Any, ...]]) -> None:
        try:
            with self.db.write() as conn:
                conn.exec_driver_sql(INSERT_STAGING, rows)
        except REJECTED as exc:  # a duplicate row or a missing required value
            raise MalformedResponseError(technical=f"statuses rejected: {exc}") from None

    def _clear_staging(self) -> None:
        with self.db.write() as conn:
            conn.exec_driver_sql("DELETE FROM resident_statuses_staging")

    def downloaded(self, year: int) -> StatusDownload | None:
        """When the year was last downloaded (None: never)."""
        with self.db.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT fetched_at, count FROM downloads WHERE name = ?", (download_name(year),)
            ).first()
        if row is None:
            return None
        fetched = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(str(row[0]))
        return StatusDownload(year, int(row[1]), fetched)

    # -- the list -------------------------------------------------------------------------------
    def source(self) -> QueryListSource:
        c = TABLE.c
        base = select(
            c.row_id, c.year, c.resident_id, c.name, c.id_type, c.id_number, c.township,
            c.village, c.levy_item, c.levy_category, c.declare_status, c.pay_status, c.grade,
            c.amount, c.declaration_id, c.declared_at, c.paid_at,
        )  # fmt: skip
        return QueryListSource(
            self.db.engine,
            base,
            key="row_id",
            filters=self.filters(),
            sortable=["row_id", "name", "id_number", "township", "village", "levy_item",
                      "levy_category", "declare_status", "pay_status", "declared_at"],
            default_sort=[("row_id", True)],
        )  # fmt: skip

    @staticmethod
    def filters() -> list[Filter]:
        c = TABLE.c

        def person(value: Any) -> Any:
            text = str(value).strip()
            return or_(c.name.contains(text, autoescape=True),
                       c.id_number.contains(text.upper(), autoescape=True))  # fmt: skip

        return [
            equals("year", c.year),
            equals("township", c.township),
            equals("village", c.village),
            equals("levy_item", c.levy_item),
            equals("levy_category", c.levy_category),
            equals("declare_status", c.declare_status),
            equals("pay_status", c.pay_status),
            Filter("person", person),
        ]

    def counts(self, filters: Mapping[str, Any]) -> StatusCounts:
        inner = self.source().filtered(filters).subquery()
        query = select(
            func.count(),
            func.count(func.distinct(inner.c.resident_id)),
            func.count(case((inner.c.declare_status == "已申报", 1))),
            func.count(case((inner.c.pay_status == "已缴费", 1))),
        )
        with self.db.engine.connect() as conn:
            rows, persons, declared, paid = conn.execute(query).one()
        return StatusCounts(int(rows), int(persons), int(declared), int(paid))

    # -- condition choices (what the year's snapshot holds) -------------------------------------
    def distinct(self, column: str, year: int | None, **where: Any) -> list[str]:
        if year is None:
            return []
        c = TABLE.c
        query = select(c[column]).where(c.year == year).distinct().order_by(c[column])
        for key, value in where.items():
            if value:
                query = query.where(c[key] == value)
        with self.db.engine.connect() as conn:
            return [v for v in conn.execute(query).scalars() if v]

    def years(self) -> list[int]:
        """The years with a downloaded snapshot, newest first."""
        prefix = download_name(0)[:-1]
        with self.db.engine.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT name FROM downloads WHERE name LIKE ?", (prefix + "%",)
            ).scalars()
            return sorted((int(n[len(prefix) :]) for n in names), reverse=True)
