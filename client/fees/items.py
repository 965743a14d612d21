"""社保费预处理信息 / 征集信息 / 特殊缴费 / 工程项目 items (manual §2.8, §2.9, §2.21, §2.23,
§2.27): fetching the unit's latest items, the lists the pages show, the merged tick boxes,
and downloading an item's 预处理明细 (person lines) once, after which it is shown offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, literal, select

from client.fees import wire
from client.fees.rules import INITIAL, DeclarationPage, FeeRuleError, amount, check_selection
from client.fees.store import INSERT_LINES, clear_lines, replace_items
from client.jobs import JobContext
from client.storage.chunks import chunked, marks
from client.storage.fee_models import FeeItem, FeeItemLine
from client.storage.listing import QueryListSource, contains, date_range, equals, month_range
from client.sync.engine import gc_paused, prefetch
from client.sync.errors import MalformedResponseError
from client.sync.unit_service import UnitService

LINE_PAGE = 10_000
ITEMS = FeeItem.__table__
LINES = FeeItemLine.__table__


def line_columns() -> list[Any]:
    """What a list of person lines shows: the line, a key, and its item's 单位编号 and 征收项目/
    品目 (the caller joins `fee_items`)."""
    c = LINES.c
    i = ITEMS.c
    return [
        func.printf("%s:%d", c.item_id, c.position).label("line_key"),
        c.item_id, c.position, c.person_number, c.name, c.id_type, c.id_number, c.period,
        c.wage, c.base, c.unit_rate, c.personal_rate, c.unit_amount, c.personal_amount,
        c.amount, i.unit_number, i.levy_item, i.levy_category,
    ]  # fmt: skip


class LinesMismatchError(MalformedResponseError):
    default_message = (
        "下载的缴费明细与该笔信息的缴费人数或应缴金额不一致，本次下载未保存，请稍后重新下载。"
    )


@dataclass(frozen=True)
class Boxes:
    """The merged tick boxes of a list: key → item ids, and item id → key."""

    members: dict[str, list[str]]
    box_of: dict[str, str]

    def check(self, ticked: Iterable[str]) -> list[str]:
        unknown = [i for i in ticked if i not in self.box_of]
        if unknown:
            raise FeeRuleError(
                "所勾选的数据已不是待申报状态（可能已在其他渠道申报），请点击【刷新】后重新勾选。"
            )
        return check_selection(ticked, self.members, self.box_of)


class FeeItems(UnitService):
    PATH = "/mgmt/units/{unit_id}/fee-items"

    # -- 刷新 ----------------------------------------------------------------------------
    def refresh(self, categories: Sequence[str]) -> int:
        """Fetch every item of these categories (all states) and make the local mirror of
        them exactly that; returns how many are waiting to be declared (初始)."""
        payload = self.api.get_json(self.path, category=list(categories))
        rows = wire.items(payload)
        if any(r["category"] not in categories for r in rows):
            raise MalformedResponseError(technical="fee items of another category")
        with self.db.write() as conn:
            replace_items(conn, categories, rows, datetime.now())
        return sum(1 for r in rows if r["state"] == INITIAL)

    # -- lists ---------------------------------------------------------------------------
    def declarable(self, page: DeclarationPage) -> Select[Any]:
        """The items a declaration page lists: its categories and sources, still 初始."""
        c = ITEMS.c
        return select(ITEMS).where(
            c.category.in_(page.categories), c.data_source.in_(page.sources), c.state == INITIAL
        )

    def source(self, page: DeclarationPage) -> QueryListSource:
        c = ITEMS.c
        return QueryListSource(
            self.db.engine,
            self.declarable(page),
            key="item_id",
            filters=[
                equals("unit_number", c.unit_number),
                equals("levy_item", c.levy_item),
                equals("data_source", c.data_source),
                equals("agency", c.agency),
                equals("project_number", c.project_number),
                contains("collection_serial", c.collection_serial),
                month_range("period", c.period_start),
                equals("special_type", c.special_type),
            ],
            # rows of one tick box stay together whatever the column sorted by
            default_sort=[("period_start", True), ("merge_key", True), ("levy_category", True)],
        )

    def items_source(self, item_ids: Collection[str]) -> QueryListSource:
        """Some items by id (the items of a declaration)."""
        c = ITEMS.c
        return QueryListSource(
            self.db.engine,
            select(ITEMS).where(c.item_id.in_(sorted(item_ids)) if item_ids else literal(False)),
            key="item_id",
            default_sort=[("period_start", True), ("levy_category", True)],
        )

    def dues_source(self) -> QueryListSource:
        """社保费应缴信息查询 (§2.21): every item with its 申报处理状态."""
        c = ITEMS.c
        return QueryListSource(
            self.db.engine,
            select(ITEMS),
            key="item_id",
            filters=[
                equals("state", c.state),
                equals("data_source", c.data_source),
                equals("category", c.category),
                equals("levy_item", c.levy_item),
                equals("unit_number", c.unit_number),
                month_range("period", c.period_start),
                date_range("created", c.created_at),
            ],
            default_sort=[("created_at", False), ("period_start", False)],
        )

    def options(self, page: DeclarationPage, column: str) -> list[str]:
        """The distinct values of a column among the page's items (query drop-downs)."""
        inner = self.declarable(page).subquery()
        col = inner.c[column]
        with self.db.engine.connect() as conn:
            return [
                v
                for (v,) in conn.execute(
                    select(col).where(col.is_not(None)).distinct().order_by(col)
                )
            ]

    def boxes(self, page: DeclarationPage) -> Boxes:
        members: dict[str, list[str]] = defaultdict(list)
        box_of: dict[str, str] = {}
        inner = self.declarable(page).subquery()
        with self.db.engine.connect() as conn:
            for item_id, key in conn.execute(
                select(inner.c.item_id, inner.c.merge_key).order_by(inner.c.item_id)
            ):
                members[key].append(item_id)
                box_of[item_id] = key
        return Boxes(dict(members), box_of)

    def box_members(self, key: str) -> list[str]:
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT item_id FROM fee_items WHERE merge_key = ? AND state = ?",
                    (key, INITIAL),
                )
            ]

    def rows(self, item_ids: Collection[str]) -> list[dict[str, Any]]:
        """Items by id as dicts (in id order)."""
        out: list[dict[str, Any]] = []
        ids = sorted(item_ids)
        with self.db.engine.connect() as conn:
            for chunk in chunked(ids):
                result = conn.exec_driver_sql(
                    f"SELECT * FROM fee_items WHERE item_id IN ({marks(len(chunk))})"
                    " ORDER BY item_id",
                    tuple(chunk),
                )
                out.extend(dict(r._mapping) for r in result)
        return out

    # -- 预处理明细 -------------------------------------------------------------------------
    def missing_lines(self, item_ids: Collection[str]) -> list[str]:
        """Items among these with person lines not downloaded yet (project items have none)."""
        return [
            r["item_id"] for r in self.rows(item_ids) if not r["lines_fetched"] and r["headcount"]
        ]

    def download_lines(self, item_ids: Sequence[str], ctx: JobContext | None = None) -> int:
        """Download the person lines of every item not downloaded yet; returns the lines
        written. One item's lines count only when complete and consistent with the item."""
        ctx = ctx or JobContext()
        todo = self.missing_lines(item_ids)
        expected = {r["item_id"]: r for r in self.rows(todo)}
        total = sum(int(r["headcount"]) for r in expected.values()) or None
        written = 0
        ctx.progress("下载缴费明细", 0, total)
        with gc_paused():
            for item_id in todo:
                written += self._download_item(expected[item_id], ctx, written, total)
        ctx.progress("下载缴费明细", written, written)
        return written

    def _download_item(
        self, item: dict[str, Any], ctx: JobContext, before: int, total: int | None
    ) -> int:
        item_id = item["item_id"]

        def fetch(after: int) -> tuple[tuple[list[tuple[Any, ...]], int], Any]:
            payload = self.api.get_json(
                f"{self.path}/{item_id}/details", after=after, limit=LINE_PAGE
            )
            records, count, next_after = wire.lines(payload, item_id)
            return (records, count), next_after

        done = 0
        server_total = 0
        sum_amount = Decimal("0.00")
        complete = False
        with self.db.write() as conn:
            clear_lines(conn, item_id)
        try:
            for records, count in prefetch(fetch, 0, cancel=lambda: ctx.cancelled):
                ctx.check_cancelled()
                server_total = count
                sum_amount += sum((Decimal(r[13]) for r in records), Decimal("0.00"))
                with self.db.write() as conn:
                    conn.exec_driver_sql(INSERT_LINES, [(item_id, *r) for r in records])
                done += len(records)
                ctx.progress("下载缴费明细", before + done, total)
            persons = self._persons(item_id)
            if done != server_total or persons != int(item["headcount"]):
                raise LinesMismatchError(technical=f"{item_id}: {done}/{server_total} lines")
            if sum_amount != amount(item["amount"]):
                raise LinesMismatchError(technical=f"{item_id}: {sum_amount} != {item['amount']}")
            with self.db.write() as conn:
                conn.exec_driver_sql(
                    "UPDATE fee_items SET lines_fetched = 1 WHERE item_id = ?", (item_id,)
                )
            complete = True
        finally:
            if not complete:  # cancelled, cut off or inconsistent: keep nothing of it
                with self.db.write() as conn:
                    clear_lines(conn, item_id)
        return done

    def _persons(self, item_id: str) -> int:
        with self.db.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT COUNT(DISTINCT person_id) FROM fee_item_lines WHERE item_id = ?",
                    (item_id,),
                ).scalar()
                or 0
            )

    def lines_source(self, item_ids: Collection[str]) -> QueryListSource:
        """The person lines of some items (查看预处理明细, 申报明细)."""
        c = LINES.c
        i = ITEMS.c
        base = (
            select(*line_columns())
            .join(ITEMS, i.item_id == c.item_id)
            .where(c.item_id.in_(sorted(item_ids)) if item_ids else literal(False))
        )
        return QueryListSource(
            self.db.engine,
            base,
            key="line_key",
            filters=[
                contains("name", c.name),
                contains("id_number", c.id_number),
                equals("levy_category", i.levy_category),
            ],
            sortable=["item_id", "position", "name", "id_number", "period", "base", "amount"],
            default_sort=[("item_id", True), ("position", True)],
        )

    def lines_total(self, item_ids: Collection[str]) -> tuple[int, Decimal]:
        """(persons, amount) of the downloaded lines of some items, summed exactly."""
        persons: set[int] = set()
        money = Decimal("0.00")
        with self.db.engine.connect() as conn:
            for chunk in chunked(sorted(item_ids)):
                for person_id, value in conn.exec_driver_sql(
                    "SELECT person_id, amount FROM fee_item_lines"
                    f" WHERE item_id IN ({marks(len(chunk))})",
                    tuple(chunk),
                ):
                    persons.add(person_id)
                    money += Decimal(value)
        return len(persons), money
