"""What changed since the last declared period, shown before 提交申报 so that a wrong wage is
caught before it becomes a fee: per tick box of 日常申报, the previous declared period's
缴费人数, 缴费基数合计 and 应缴金额 beside this one's, and the persons whose 缴费基数 moved by
more than 30 %."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from client.fees.items import FeeItems
from client.fees.rules import BATCH_LISTED, DAILY, DECLARED, total
from client.jobs import JobContext
from client.storage.chunks import chunked, marks

MOVE_THRESHOLD = Decimal("0.30")
SHOWN_MOVES = 50


@dataclass(frozen=True)
class MovedBase:
    name: str
    id_number: str
    previous: Decimal
    current: Decimal

    @property
    def change(self) -> Decimal:
        return (self.current - self.previous) / self.previous


@dataclass(frozen=True)
class BoxChange:
    """One tick box of this submission against the same box of the last declared period."""

    unit_number: str
    levy_item: str
    period: str
    previous_period: str | None
    headcount: tuple[int, int]
    base_total: tuple[Decimal, Decimal]
    amount: tuple[Decimal, Decimal]
    moved: tuple[MovedBase, ...]  # the biggest moves, at most SHOWN_MOVES
    moved_count: int
    joined: int  # persons in this period only
    left: int  # persons in the previous period only


def compare(items: FeeItems, chosen: Sequence[dict[str, Any]], ctx: JobContext) -> list[BoxChange]:
    """The changes of every 日常申报 box among the chosen items (other kinds are one-off
    payments with nothing to compare). Downloads the lines it needs (progress, cancel)."""
    boxes: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in chosen:
        if item["category"] == DAILY:
            boxes[(item["unit_number"], item["levy_item"], item["period_start"])].append(item)
    previous = {key: _previous_items(items, *key) for key in boxes}
    with_prev = [i for key, g in boxes.items() if previous[key] for i in g]
    # lines are only needed where there is something to compare with
    to_download = [i["item_id"] for i in with_prev] + [
        i["item_id"] for g in previous.values() for i in g
    ]
    if to_download:
        items.download_lines(to_download, ctx)
    changes = []
    for (unit_number, levy_item, period), group in sorted(boxes.items()):
        prev = previous[(unit_number, levy_item, period)]
        now_bases = _bases(items, [i["item_id"] for i in group]) if prev else {}
        old_bases = _bases(items, [i["item_id"] for i in prev]) if prev else {}
        moved = []
        for person, (name, id_number, base) in now_bases.items():
            old = old_bases.get(person)
            if old and old[2] > 0 and abs(base - old[2]) > MOVE_THRESHOLD * old[2]:
                moved.append(MovedBase(name, id_number, old[2], base))
        moved.sort(key=lambda m: abs(m.change), reverse=True)
        changes.append(
            BoxChange(
                unit_number=unit_number,
                levy_item=levy_item,
                period=period,
                previous_period=prev[0]["period_start"] if prev else None,
                headcount=(
                    sum(int(i["headcount"]) for i in prev),
                    sum(int(i["headcount"]) for i in group),
                ),
                base_total=(
                    total(i["base_total"] for i in prev),
                    total(i["base_total"] for i in group),
                ),
                amount=(total(i["amount"] for i in prev), total(i["amount"] for i in group)),
                moved=tuple(moved[:SHOWN_MOVES]),
                moved_count=len(moved),
                joined=len(now_bases.keys() - old_bases.keys()),
                left=len(old_bases.keys() - now_bases.keys()),
            )  # fmt: skip
        )
    return changes


def _previous_items(
    items: FeeItems, unit_number: str, levy_item: str, period: str
) -> list[dict[str, Any]]:
    """The items of the latest declared period before `period` of the same box."""
    with items.db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT MAX(period_start) FROM fee_items WHERE category = ? AND unit_number = ?"
            " AND levy_item = ? AND period_start < ? AND state IN (?, ?)",
            (DAILY, unit_number, levy_item, period, DECLARED, BATCH_LISTED),
        ).first()
        if row is None or row[0] is None:
            return []
        ids = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT item_id FROM fee_items WHERE category = ? AND unit_number = ?"
                " AND levy_item = ? AND period_start = ? AND state IN (?, ?)",
                (DAILY, unit_number, levy_item, row[0], DECLARED, BATCH_LISTED),
            )
        ]
    return items.rows(ids)


def _bases(items: FeeItems, item_ids: list[str]) -> dict[int, tuple[str, str, Decimal]]:
    """Each person's 缴费基数 in these items (summed over their lines)."""
    out: dict[int, tuple[str, str, Decimal]] = {}
    with items.db.engine.connect() as conn:
        for chunk in chunked(item_ids):
            for person, name, id_number, base in conn.exec_driver_sql(
                "SELECT person_id, name, id_number, base FROM fee_item_lines"
                f" WHERE item_id IN ({marks(len(chunk))})",
                tuple(chunk),
            ):
                seen = out.get(person)
                value = Decimal(base) + (seen[2] if seen else 0)
                out[person] = (name, id_number, value)
    return out
