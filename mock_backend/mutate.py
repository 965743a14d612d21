"""Deterministic random changes to a unit's feed (admin `mutate`): add, change, remove records.

The same seed on the same feed state gives the same changes. A change always alters at least
one field or item, takes a new seq and a new updated_at; a removal leaves a tombstone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from mock_backend.db import driver, take_sequence
from mock_backend.feed_spec import FeedSpec
from mock_backend.provisioning import unit_factory
from mock_backend.records import load_records, remove_records, write_records
from mock_backend.seed.loader import insert_generated, next_record_id
from mock_backend.seed.people import EmployeeFactory, ResidentFactory, amount_text, month_text

Record = list[Any]
Op = Callable[[Record], bool]


class _Mutator:
    """Change operations on loaded records ([core..., items]); each returns True if it applied."""

    def __init__(
        self,
        spec: FeedSpec,
        rng: random.Random,
        factory: EmployeeFactory | ResidentFactory,
        month: int,
    ) -> None:
        self.spec = spec
        self.rng = rng
        self.factory = factory
        self.this_month = month_text(month)
        self.last_month = month_text(month - 1)
        self.col = {c: i for i, c in enumerate(spec.core_columns)}
        self.item = {c: i for i, c in enumerate(spec.item_columns)}

    def open_items(self, record: Record) -> list[list[Any]]:
        end = self.item["end_month"]
        return [it for it in record[-1] if it[end] is None]

    # -- shared operations -------------------------------------------------------------
    def rename(self, record: Record) -> bool:
        col = self.col
        old = record[col["name"]]
        while record[col["name"]] == old:
            record[col["name"]] = self.factory.names.full(record[col["gender"]])
        return True

    def stop(self, record: Record) -> bool:
        status = self.col["status"]
        opened = self.open_items(record)
        if record[status] != "1" or not opened:
            return False
        record[status] = "3" if self.rng.random() < 0.7 else "2"
        start, end = self.item["start_month"], self.item["end_month"]
        for it in opened:
            it[end] = max(self.last_month, it[start])
        return True

    def resume(self, record: Record) -> bool:
        status = self.col["status"]
        if record[status] == "1" or not record[-1] or self.open_items(record):
            return False
        record[status] = "1"
        start, end, levy = self.item["start_month"], self.item["end_month"], self.item["levy_item"]
        latest: dict[str, list[Any]] = {}
        for it in record[-1]:
            latest[it[levy]] = it
        for it in latest.values():
            fresh = list(it)
            fresh[start], fresh[end] = self.this_month, None
            record[-1].append(fresh)
        return True

    def end_item(self, record: Record) -> bool:
        opened = self.open_items(record)
        if len(opened) < 2:
            return False
        it = self.rng.choice(opened)
        it[self.item["end_month"]] = max(self.last_month, it[self.item["start_month"]])
        return True

    # -- employees -----------------------------------------------------------------------
    def new_base(self, record: Record) -> bool:
        opened = self.open_items(record)
        if not opened:
            return False
        assert isinstance(self.factory, EmployeeFactory)
        base = self.item["base"]
        old = opened[0][base]
        value = old
        while value == old:
            value = amount_text(self.factory.base_cents(int(self.this_month[:4])))
        for it in opened:
            it[base] = value
        return True

    def add_employee_item(self, record: Record) -> bool:
        opened = self.open_items(record)
        i = self.item
        present = {it[i["levy_item"]] for it in opened}
        missing = [code for code in ("10202", "10205") if code not in present]
        if not opened or not missing:
            return False
        template = list(opened[0])
        code = self.rng.choice(missing)
        category, sub = (
            ("102020001", "10202000101") if code == "10202" else ("102050001", "10205000101")
        )
        template[i["levy_item"]], template[i["levy_category"]] = code, category
        template[i["levy_subcategory"]] = sub
        if code == "10205":
            template[i["special_category"]] = "20"
        template[i["start_month"]], template[i["end_month"]] = self.this_month, None
        record[-1].append(template)
        return True

    # -- residents -----------------------------------------------------------------------
    def new_phone(self, record: Record) -> bool:
        phone = self.col["phone"]
        old = record[phone]
        while record[phone] == old:
            record[phone] = self.factory.phone()
        return True

    def move_group(self, record: Record) -> bool:
        village = self.col["village"]
        old = record[village]
        base = old.rsplit("第", 1)[0]
        while record[village] == old:
            record[village] = f"{base}第{self.rng.randint(1, 12)}组"
        return True

    def change_tier(self, record: Record) -> bool:
        i = self.item
        pension = [it for it in self.open_items(record) if it[i["levy_item"]] == "10210"]
        if not pension:
            return False
        it = pension[0]
        old = it[i["levy_subcategory"]]
        while it[i["levy_subcategory"]] == old:
            it[i["levy_subcategory"]] = f"102100001{self.rng.randint(1, 11):02d}"
        return True

    def add_pension(self, record: Record) -> bool:
        i = self.item
        if not record[-1] or any(it[i["levy_item"]] == "10210" for it in record[-1]):
            return False
        person = record[-1][0][i["person_number"]]
        tier = f"102100001{self.rng.randint(1, 4):02d}"
        record[-1].append([person, "10210", "102100001", tier, self.this_month, None])
        return True

    def operations(self) -> list[tuple[Op, int]]:
        if self.spec.name == "employees":
            return [(self.new_base, 35), (self.end_item, 15), (self.add_employee_item, 10),
                    (self.stop, 15), (self.resume, 15), (self.rename, 10)]  # fmt: skip
        return [(self.new_phone, 25), (self.move_group, 15), (self.change_tier, 15),
                (self.add_pension, 10), (self.stop, 10), (self.resume, 15), (self.rename, 10)]  # fmt: skip

    def change(self, record: Record) -> None:
        ops = self.operations()
        funcs = [op for op, _ in ops]
        weights = [w for _, w in ops]
        for _ in range(6):
            if self.rng.choices(funcs, weights=weights)[0](record):
                return
        self.rename(record)


def mutate(
    conn: Connection,
    spec: FeedSpec,
    unit_id: str,
    *,
    add: int,
    change: int,
    remove: int,
    seed: int,
    now_text: str,
) -> dict[str, list[int]]:
    raw = driver(conn)
    live_ids = [
        r[0]
        for r in raw.execute(
            f"SELECT id FROM {spec.table} WHERE unit_id = ? AND deleted = 0 ORDER BY id", (unit_id,)
        )
    ]
    history = raw.execute(
        f"SELECT COUNT(*) FROM {spec.table} WHERE unit_id = ?", (unit_id,)
    ).fetchone()[0]
    rng = random.Random(f"mutate:{spec.name}:{seed}:{len(live_ids)}:{history}")
    picked = rng.sample(live_ids, min(change + remove, len(live_ids)))
    removed = sorted(picked[:remove])
    changed = sorted(picked[remove:])

    factory = unit_factory(raw, unit_id, random.Random(rng.random()))
    month = int(now_text[:4]) * 12 + int(now_text[5:7]) - 1
    added: list[int] = []
    if add > 0:
        first_seq = take_sequence(conn, add)
        added = insert_generated(
            raw, spec, unit_id, factory, add, next_record_id(raw, spec), first_seq, now_text
        )
    if changed:
        records = load_records(raw, spec, changed)
        mutator = _Mutator(spec, rng, factory, month)
        updated = spec.core_columns.index("updated_at")
        for record_id in changed:
            record = records[record_id]
            mutator.change(record)
            record[updated] = now_text
        write_records(raw, spec, records, take_sequence(conn, len(records)))
    remove_records(conn, spec, unit_id, removed, now_text)
    return {"added": added, "changed": changed, "removed": removed}
