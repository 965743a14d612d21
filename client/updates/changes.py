"""The records a sync run changed (sync_changes), listed and described for 更新数据明细."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from client.domain.insured import LONG_TERM
from client.storage.listing import QueryListSource, contains, equals
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import SyncChange, SyncRun

CHANGES = SyncChange.__table__
KIND_TITLES = {"added": "新增", "changed": "变更", "removed": "删除"}
FIELD_TITLES = {
    "name": "姓名",
    "gender": "性别",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "birth_date": "出生日期",
    "status": "参保状态",
    "phone": "手机号码",
    "township": "乡镇街道",
    "village": "社区村组",
}
ITEM_TITLES = {
    "person_number": "人员编号",
    "levy_category": "征收品目",
    "levy_subcategory": "征收子目",
    "special_category": "参保人员特殊类别",
    "base": "缴费基数",
    "start_month": "开始缴费月份",
    "end_month": "终止缴费月份",
}
# Fields whose values are codes of a rule file.
FIELD_CODES = {"id_type": "id_types", "status": "insured_status"}
ITEM_CODES = {
    "levy_item": "levy_items",
    "levy_category": "levy_categories",
    "levy_subcategory": "levy_subcategories",
    "special_category": "special_categories",
}

Codes = Mapping[str, Mapping[str, str]]


def _name(codes: Codes, table: str | None, value: Any) -> str:
    if value is None:
        return "空"
    if table is None:
        return str(value)
    return codes.get(table, {}).get(str(value), str(value))


def _item_value(codes: Codes, field: str, value: Any) -> str:
    if field == "end_month" and value is None:
        return LONG_TERM
    if field == "base" and value is not None:
        try:
            return f"{float(value):,.2f}"
        except ValueError:
            return str(value)
    return _name(codes, ITEM_CODES.get(field), value)


def _item_label(codes: Codes, item: Mapping[str, Any]) -> str:
    label = _name(codes, "levy_items", item.get("levy_item"))
    number = item.get("unit_number")
    return f"{label}（单位编号{number}）" if number else label


def describe(kind: str, detail: str | None, codes: Codes) -> str:
    """One line saying what changed, e.g. "参保状态：参保缴费 → 终止参保；…缴费基数：…"."""
    if kind == "added":
        return "新增参保登记信息"
    if kind == "removed":
        return "已不在本单位的参保登记信息中"
    if not detail:
        return "信息有变更"
    data = json.loads(detail)
    parts = [
        f"{FIELD_TITLES.get(field, field)}：{_name(codes, FIELD_CODES.get(field), old)} → "
        f"{_name(codes, FIELD_CODES.get(field), new)}"
        for field, (old, new) in data.get("fields", {}).items()
    ]
    items = data.get("items") or {}
    added = list(items.get("added", []))
    removed = list(items.get("removed", []))

    def key(item: Mapping[str, Any]) -> tuple[Any, ...]:
        return (item.get("unit_number"), item.get("levy_item"), item.get("levy_category"))

    removed_by_key = {key(i): i for i in removed}
    for new in added:
        old = removed_by_key.pop(key(new), None)
        if old is None:
            parts.append(f"新增参保险种：{_item_label(codes, new)}")
            continue
        for field, title in ITEM_TITLES.items():
            if old.get(field) != new.get(field):
                parts.append(
                    f"{_item_label(codes, new)}{title}：{_item_value(codes, field, old.get(field))}"
                    f" → {_item_value(codes, field, new.get(field))}"
                )
    parts.extend(f"减少参保险种：{_item_label(codes, old)}" for old in removed_by_key.values())
    return "；".join(parts) or "信息有变更"


class ChangeList:
    """The change records of one sync run as a list-page source."""

    def __init__(self, db: UnitDatabase, run_id: int, codes: Codes) -> None:
        self.db = db
        self.run_id = run_id
        self.codes = codes

    def run(self) -> SyncRun | None:
        with self.db.read() as session:
            return session.get(SyncRun, self.run_id)

    def source(self) -> QueryListSource:
        c = CHANGES.c
        base = select(c.id, c.kind, c.name, c.id_number, c.detail, c.record_id).where(
            c.run_id == self.run_id
        )
        return QueryListSource(
            self.db.engine,
            base,
            key="id",
            filters=[
                equals("kind", c.kind),
                contains("name", c.name),
                contains("id_number", c.id_number),
            ],
            sortable={"kind": c.kind, "name": c.name, "id_number": c.id_number, "id": c.id},
            default_sort=[("id", True)],
        )

    def counts(self) -> dict[str, int]:
        run = self.run()
        if run is None:
            return {"added": 0, "changed": 0, "removed": 0}
        return {"added": run.added, "changed": run.changed, "removed": run.removed}
