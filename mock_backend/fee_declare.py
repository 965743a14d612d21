"""Declaring fee items: one declaration per merged tick box, the request checked as a whole.

Boxes (manual §2.8.3, §2.23.3): 01 and project items of the same 单位编号, 费款所属期 and
征收项目 go together; 02/03 征集信息 of the same 单位编号 and 征集通知流水号 go together.
Nothing is created unless every item is known, 初始, and every box complete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import DECLARING, FROM_TAX, INITIAL, PROJECT
from mock_backend.fee_money import text_of
from mock_backend.fee_rules import FeeRules
from mock_backend.fee_store import item_not_found

CLIENT = "客户端"
CHANNELS = (CLIENT, "电子税务局", "办税服务厅")

_COLUMNS = (
    "item_id", "category", "data_source", "unit_number", "period_start", "period_end",
    "levy_item", "collection_serial", "project_number", "tax_authority", "amount", "state",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Item:
    item_id: str
    category: str
    data_source: str
    unit_number: str
    period_start: str
    period_end: str
    levy_item: str
    collection_serial: str | None
    project_number: str | None
    tax_authority: str
    amount: int
    state: str

    @property
    def box(self) -> tuple[str | None, ...]:
        if self.data_source == FROM_TAX or self.category == PROJECT:
            return (self.category, self.unit_number, self.period_start, self.period_end,
                    self.levy_item)  # fmt: skip
        return (self.category, self.data_source, self.unit_number, self.collection_serial)


def parse_item_ids(body: bytes) -> list[str]:
    """The `item_ids` of a request body, in order, without repeats (422 when malformed)."""
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    ids = data.get("item_ids", []) if isinstance(data, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "申报请求的格式不正确，item_ids应为应缴信息编号的列表，请更新客户端后重试。",
        )
    if not ids:
        raise ApiError(422, "NOTHING_SELECTED", "请先勾选需要申报的数据。")
    return list(dict.fromkeys(ids))


def _load(raw: sqlite3.Connection, unit_id: str, where: str, params: Sequence[Any]) -> list[_Item]:
    return [
        _Item(*row)
        for row in raw.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM fee_items WHERE unit_id = ? AND {where}"
            " ORDER BY period_start, unit_number, levy_item, levy_category, item_id",
            (unit_id, *params),
        )
    ]


def _split_message(box: list[_Item], rules: FeeRules) -> str:
    first = box[0]
    if first.data_source == FROM_TAX or first.category == PROJECT:
        what = "工程项目预处理信息" if first.category == PROJECT else "预处理信息"
        return (
            f"单位编号{first.unit_number} 费款所属期{first.period_start}至{first.period_end} "
            f"的{rules.levy_item_name(first.levy_item)}有{len(box)}条{what}必须一起申报，"
            "请全部勾选后再提交。"
        )
    return (
        f"单位编号{first.unit_number} 征集通知流水号{first.collection_serial} "
        f"有{len(box)}条征集信息必须一起申报，请全部勾选后再提交。"
    )


def boxes_of(
    raw: sqlite3.Connection, unit_id: str, item_ids: list[str], rules: FeeRules
) -> list[list[_Item]]:
    """The requested items as complete boxes, or the refusal of the whole request."""
    chosen = _load(
        raw,
        unit_id,
        # `self` items are made by 代收代报（自主） requests, never declared by item id
        "item_id IN (SELECT value FROM json_each(?)) AND category != 'self'",
        (orjson.dumps(item_ids).decode(),),
    )
    known = {item.item_id for item in chosen}
    missing = [i for i in item_ids if i not in known]
    if missing:
        raise item_not_found(missing)
    declared = [item.item_id for item in chosen if item.state != INITIAL]
    if declared:
        shown = "、".join(declared[:5]) + ("等" if len(declared) > 5 else "")
        raise ApiError(
            409,
            "ALREADY_DECLARED",
            f"应缴信息{shown}已申报或已作废，不能再次申报，请刷新后重新勾选。",
            {"item_ids": declared},
        )
    boxes: dict[tuple[str | None, ...], list[_Item]] = {}
    for item in chosen:
        boxes.setdefault(item.box, []).append(item)
    for box, members in boxes.items():
        everyone = [
            item
            for item in _load(
                raw, unit_id, "state = ? AND unit_number = ?", (INITIAL, members[0].unit_number)
            )
            if item.box == box
        ]
        left_out = [item.item_id for item in everyone if item.item_id not in known]
        if left_out:
            raise ApiError(
                422,
                "MERGE_SPLIT",
                _split_message(everyone, rules),
                {"missing": left_out, "item_ids": [i.item_id for i in members]},
            )
    return list(boxes.values())


def next_declaration_ids(raw: sqlite3.Connection, now: datetime, count: int) -> list[str]:
    """SB + yyyymmdd + a serial of at least 4 digits counting the server's day."""
    prefix = f"SB{now:%Y%m%d}"
    taken = raw.execute(
        "SELECT COUNT(*) FROM fee_declarations WHERE declaration_id >= ? AND declaration_id < ?",
        (prefix, prefix + ":"),
    ).fetchone()[0]
    return [f"{prefix}{taken + n:04d}" for n in range(1, count + 1)]


def _only(values: Sequence[str | None]) -> str | None:
    return values[0] if len(set(values)) == 1 else None


def create_declarations(
    raw: sqlite3.Connection,
    unit_id: str,
    boxes: list[list[_Item]],
    now: datetime,
    due_at: float,
    channel: str = CLIENT,
) -> list[dict[str, Any]]:
    """Store one 申报中 declaration per box and put its items 申报中; returns their summaries."""
    submitted_at = format_datetime(now)
    answers = []
    for declaration_id, box in zip(next_declaration_ids(raw, now, len(boxes)), boxes, strict=True):
        item_ids = [item.item_id for item in box]
        id_list = orjson.dumps(item_ids).decode()
        headcount = raw.execute(
            "SELECT COUNT(DISTINCT person_id) FROM fee_item_lines"
            " WHERE item_id IN (SELECT value FROM json_each(?))",
            (id_list,),
        ).fetchone()[0]
        amount = sum(item.amount for item in box)
        first = box[0]
        raw.execute(
            "INSERT INTO fee_declarations (declaration_id, unit_id, category, data_source,"
            " channel, submitted_at, due_at, status, amount, headcount, tax_authority,"
            " unit_number, period_start, period_end, project_number, collection_serial)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                declaration_id,
                unit_id,
                first.category,
                first.data_source,
                channel,
                submitted_at,
                due_at,
                DECLARING,
                amount,
                headcount,
                first.tax_authority,
                first.unit_number,
                min(i.period_start for i in box),
                max(i.period_end for i in box),
                _only([i.project_number for i in box]),
                _only([i.collection_serial for i in box]),
            ),  # fmt: skip
        )
        raw.executemany(
            "INSERT INTO fee_declaration_items (declaration_id, position, item_id)"
            " VALUES (?, ?, ?)",
            [(declaration_id, position, item_id) for position, item_id in enumerate(item_ids)],
        )
        raw.executemany(
            "UPDATE fee_items SET state = ?, declaration_id = ?, reason = NULL"
            " WHERE unit_id = ? AND item_id = ?",
            [(DECLARING, declaration_id, unit_id, item_id) for item_id in item_ids],
        )
        answers.append(
            {
                "declaration_id": declaration_id,
                "item_ids": item_ids,
                "headcount": headcount,
                "amount": text_of(amount),
                "status": DECLARING,
            }
        )
    return answers
