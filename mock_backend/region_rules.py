"""The rules a wage declaration is processed by, read from the region's rule files.

Reading the rule files themselves (not the seed code) means what the client downloads is
what the server applies, including content changed with the admin `rules/{code}/bump`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from mock_backend.errors import ApiError
from mock_backend.seed.geography import REGION_BY_CODE
from mock_backend.seed.rules import SELF_COLLECTED, rule_contents

CENT = Decimal("0.01")


@dataclass(frozen=True)
class WageRules:
    self_collected: frozenset[str]  # 征收项目 codes whose 征缴模式 is 税务自主
    annual_effective_month: str  # "07"
    declaration_start_month: str  # "2015-01"
    max_months_ahead: int  # a 生效年月 at most this many months after the current one
    limits: dict[int, tuple[Decimal, Decimal]]  # year → (lower, upper) 缴费基数

    def annual_month(self, today: date) -> str:
        """年度申报's 生效年月: this year's month unless it has passed, else next year's."""
        month = int(self.annual_effective_month)
        year = today.year if today.month <= month else today.year + 1
        return f"{year:04d}-{month:02d}"

    def base_of(self, wage: Decimal, year: int) -> Decimal:
        """The wage clamped to the year's limits (the nearest year's outside the table)."""
        if not self.limits:
            return wage.quantize(CENT)
        known = min(max(year, min(self.limits)), max(self.limits))
        lower, upper = self.limits[known]
        return min(max(wage, lower), upper).quantize(CENT)


def stored_rule(raw: sqlite3.Connection, region: str, code: str) -> dict[str, Any]:
    """A rule file's content as stored for the region (the seed's content if it is missing)."""
    row = raw.execute(
        "SELECT content FROM rule_files WHERE region = ? AND code = ?", (region, code)
    ).fetchone()
    if row is not None:
        content = orjson.loads(row[0])
        if isinstance(content, dict):
            return content
    return rule_contents(REGION_BY_CODE[region])[code]


def collection_mode(raw: sqlite3.Connection, region: str) -> str:
    row = raw.execute("SELECT collection_mode FROM regions WHERE code = ?", (region,)).fetchone()
    return str(row[0]) if row else SELF_COLLECTED


def require_self_collected(raw: sqlite3.Connection, region: str, kind: str) -> None:
    """409 unless the unit is an employer of a 税务自主 region (only those declare wages)."""
    if collection_mode(raw, region) != SELF_COLLECTED:
        raise ApiError(
            409,
            "NOT_SELF_COLLECTED",
            "本地区为税务代征模式，无需申报缴费工资。",
            {"region": region},
        )
    if kind != "employer":
        raise ApiError(
            409,
            "NOT_EMPLOYER",
            "代收单位没有职工，无需申报缴费工资，请使用用人单位登录。",
            {"kind": kind},
        )


def load_wage_rules(raw: sqlite3.Connection, region: str) -> WageRules:
    modes = stored_rule(raw, region, "levy_modes").get("entries", [])
    wage = stored_rule(raw, region, "wage_rules")
    years = stored_rule(raw, region, "base_limits").get("years", [])
    return WageRules(
        self_collected=frozenset(e["code"] for e in modes if e.get("name") == SELF_COLLECTED),
        annual_effective_month=str(wage.get("annual_effective_month", "07")),
        declaration_start_month=str(wage.get("declaration_start_month", "2015-01")),
        max_months_ahead=int(wage.get("max_months_ahead", 12)),
        limits={
            int(y["year"]): (Decimal(str(y["lower"])), Decimal(str(y["upper"]))) for y in years
        },
    )
