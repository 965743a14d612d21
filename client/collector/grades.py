"""城乡居民缴费档次查询 (manual §3.4): the 档次 open to one resident in one 缴费年度, asked of
the 管理子系统 with the three facts; nothing is kept. A person who is not a resident of this
unit is answered with the server's sentence (404 PERSON_NOT_FOUND)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from client.collector import agent_wire
from client.collector.persons import PersonError
from client.collector.resident_queries import ResidentQueries

RULE_FILE = "resident_grades"
YEARS_BACK = 4  # the current year and the four before it (the rule file's span)
CURRENT_MARK = "当前档次"


@dataclass
class GradeQuery:
    """What one 查询 found: the resident as registered and their 档次 rows (`row_key` set)."""

    person: dict[str, Any]
    year: int
    rows: list[dict[str, Any]]

    @property
    def current(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["current"]]


def grade_years(rule_content: Mapping[str, Any] | None, today: date) -> list[int]:
    """The 缴费年度 to choose from, newest first: those of the `resident_grades` rule file,
    else this year and the four before it."""
    entries = (rule_content or {}).get("entries") or []
    years = {e.get("year") for e in entries if isinstance(e, dict)}
    years.discard(None)
    if not years:
        years = {today.year - n for n in range(YEARS_BACK + 1)}
    return sorted((int(y) for y in years), reverse=True)


def grade_names(rule_content: Mapping[str, Any] | None) -> dict[tuple[int, str, str], str]:
    """(年度, 征收品目, 档次编码) → the 档次's name (第三档), from the `resident_grades` rule file."""
    return {
        (int(e["year"]), str(e["levy_category"]), str(e["grade"])): str(e["name"])
        for e in (rule_content or {}).get("entries") or []
        if isinstance(e, dict) and {"year", "levy_category", "grade", "name"} <= e.keys()
    }


def with_grade_name(
    row: dict[str, Any], names: Mapping[tuple[int, str, str], str]
) -> dict[str, Any]:
    """A 申报缴费状态 row with its 缴费档次 by name (the code when the table does not know it)."""
    grade = row.get("grade")
    row["grade_name"] = names.get((row["year"], row["levy_category"], grade), grade or "")
    return row


def check_year(year: Any) -> int:
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        raise PersonError("请选择缴费年度。", "year") from None
    if not 2000 <= value <= 2100:
        raise PersonError("请选择缴费年度。", "year")
    return value


class ResidentGrades(ResidentQueries):
    PATH = "/mgmt/units/{unit_id}/resident-grades"

    def query(self, name: str, id_type: str, id_number: str, year: Any) -> GradeQuery:
        person = self.person(name, id_type, id_number)
        chosen = check_year(year)
        payload = self.api.get_json(self.path, **person.wire(), year=chosen)
        found, rows = agent_wire.grades(payload)
        for n, row in enumerate(rows):
            row["row_key"] = n
            row["current_mark"] = CURRENT_MARK if row["current"] else ""
        return GradeQuery(found, chosen, rows)
