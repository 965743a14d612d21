"""城乡居民缴费档次, read from the region's `resident_grades` rule file as stored on the server
(so content changed with the admin `rules/{code}/bump` applies at once).

The table agrees with the amounts 核定 items are made with: 养老 档次 are the ones named in the
征收子目 (第三档（400元）), 医保 the region's `resident_amounts`; both come from the same seed
constants (`seed.rules`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from mock_backend.fee_money import cents_of, text_of
from mock_backend.region_rules import stored_rule
from mock_backend.resident_directory import Person, items_in_force, person_items


@dataclass(frozen=True, slots=True)
class Grade:
    code: str  # "01"
    name: str  # 第一档
    amount: int  # 分


@dataclass(frozen=True)
class GradeTable:
    grades: dict[tuple[int, str], tuple[Grade, ...]]  # (year, 征收品目) → 档次 in table order
    levy_items: dict[str, str]  # 征收品目 → 征收项目
    category_names: dict[str, str]
    levy_item_names: dict[str, str]  # the table's 征收项目 → name, in code order

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({year for year, _ in self.grades}))

    def of(self, year: int, levy_category: str) -> tuple[Grade, ...]:
        return self.grades.get((year, levy_category), ())

    def find(self, year: int, levy_category: str, code: str) -> Grade | None:
        return next((g for g in self.of(year, levy_category) if g.code == code), None)

    def code_of_amount(self, year: int, levy_category: str, amount: int) -> str | None:
        """The 档次 whose amount this is (a 核定 line knows its amount only)."""
        return next((g.code for g in self.of(year, levy_category) if g.amount == amount), None)

    def category_name(self, levy_category: str) -> str:
        return self.category_names.get(levy_category, levy_category)

    def years_text(self) -> str:
        years = self.years
        if not years:
            return "无"
        return f"{years[0]}至{years[-1]}" if len(years) > 1 else str(years[0])


def load_grades(raw: sqlite3.Connection, region: str) -> GradeTable:
    grades: dict[tuple[int, str], list[Grade]] = {}
    levy_items: dict[str, str] = {}
    for entry in stored_rule(raw, region, "resident_grades").get("entries", []):
        key = (int(entry["year"]), str(entry["levy_category"]))
        grades.setdefault(key, []).append(
            Grade(str(entry["grade"]), str(entry["name"]), cents_of(str(entry["amount"])))
        )
        levy_items[key[1]] = str(entry["levy_item"])
    names = {
        str(e["code"]): str(e["name"])
        for e in stored_rule(raw, region, "levy_categories").get("entries", [])
    }
    item_names = {
        str(e["code"]): str(e["name"])
        for e in stored_rule(raw, region, "levy_items").get("entries", [])
    }
    items = {code: item_names.get(code, code) for code in sorted(set(levy_items.values()))}
    return GradeTable({k: tuple(v) for k, v in grades.items()}, levy_items, names, items)


GRADE_FIELDS = ["levy_item", "levy_category", "grade", "name", "amount", "current"]


def person_grades(
    raw: sqlite3.Connection, unit_id: str, region: str, person: Person, year: int
) -> dict[str, Any]:
    """§3.4: the 档次 open to a resident for each 征收品目 insured that year, `current` marking
    the one of their 申报成功 declaration (the latest, either kind)."""
    all_items = person_items(raw, person)
    items = items_in_force(all_items, year)
    table = load_grades(raw, region)
    declared = {
        category: grade
        for category, grade in raw.execute(
            "SELECT r.levy_category, r.grade FROM resident_declared r JOIN fee_declarations d"
            " ON d.declaration_id = r.declaration_id AND d.status = '申报成功'"
            " WHERE r.unit_id = ? AND r.year = ? AND r.person_id = ?"
            " ORDER BY r.declared_at, r.declaration_id",
            (unit_id, year, person.person_id),
        )
    }
    records = [
        [table.levy_items.get(category, category[:5]), category, grade.code, grade.name,
         text_of(grade.amount), declared.get(category) == grade.code]
        for category in sorted({item[2] for item in items})
        for grade in table.of(year, category)
    ]  # fmt: skip
    return {
        "person": {
            "name": person.name,
            "id_type": person.id_type,
            "id_number": person.id_number,
            "person_number": (items or all_items or [(None,)])[0][0],
            "township": person.township,
            "village": person.village,
        },
        "fields": GRADE_FIELDS,
        "records": records,
    }
