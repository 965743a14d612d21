"""The rules fee items are computed by, read from the region's rule files as stored on the server.

`levy_modes` says which 征收项目 are 税务自主 (01 items) and which 税务代征 (03 征集信息),
`base_limits` clamps the 缴费基数, `fee_rates` gives the rates, the 工程项目 rate and the
城乡居民医保 yearly amounts, and `levy_subcategories` names the 城乡居民养老 缴费档次
("第三档（400元）"). Content changed with the admin `rules/{code}/bump` applies at once.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from mock_backend.fee_money import ZERO_RATE, Rate, cents_of, rate_of
from mock_backend.region_rules import stored_rule
from mock_backend.seed.rules import SELF_COLLECTED

RESIDENT_RATE = rate_of("1.0000")  # 城乡居民 pay the whole amount themselves
RESIDENT_PENSION = "10210"
_TIER_AMOUNT = re.compile(r"（(\d+(?:\.\d{1,2})?)元）")

RatePair = tuple[Rate, Rate]  # (单位费率, 个人费率)


@dataclass(frozen=True)
class FeeRules:
    self_collected: frozenset[str]  # 征收项目 codes collected by the tax bureau itself
    levy_items: tuple[str, ...]  # every 征收项目 of `levy_modes`
    limits: dict[int, tuple[int, int]]  # year → (lower, upper) 缴费基数 in 分
    rates: dict[tuple[str, str | None], RatePair]
    project_rate: Rate
    resident_amounts: dict[str, int]  # 城乡居民医保 征收品目 → yearly amount in 分
    tier_amounts: dict[str, int]  # 城乡居民养老 征收子目 → yearly amount in 分
    category_names: dict[str, str]
    levy_item_names: dict[str, str]
    _pairs: dict[tuple[str, str | None], RatePair] = field(default_factory=dict, compare=False)

    @property
    def collected_for_others(self) -> tuple[str, ...]:
        """征收项目 whose 征集信息 come from the 社保/医保 departments (03)."""
        return tuple(code for code in self.levy_items if code not in self.self_collected)

    def limits_of(self, year: int) -> tuple[int, int]:
        """The year's (lower, upper) 缴费基数 in 分 (the nearest year's outside the table)."""
        if not self.limits:
            return 0, 10**15
        return self.limits[min(max(year, min(self.limits)), max(self.limits))]

    def clamp(self, cents: int, year: int) -> int:
        """The base within the year's limits."""
        lower, upper = self.limits_of(year)
        return lower if cents < lower else upper if cents > upper else cents

    def rates_of(self, category: str, subcategory: str | None) -> RatePair:
        """The 征收子目's entry, else the 征收品目's, else no rate at all (0, 0)."""
        key = (category, subcategory)
        pair = self._pairs.get(key)
        if pair is None:
            pair = self.rates.get(key) or self.rates.get((category, None)) or (ZERO_RATE,) * 2
            self._pairs[key] = pair
        return pair

    def resident_amount(self, levy_item: str, category: str, subcategory: str) -> int:
        """A 城乡居民's yearly amount: the pension 档次 named in the 征收子目, else the
        region's 医保 amount for the 征收品目 (0 when neither is known)."""
        if levy_item == RESIDENT_PENSION:
            return self.tier_amounts.get(subcategory, 0)
        return self.resident_amounts.get(category, 0)

    def category_name(self, category: str | None) -> str:
        return self.category_names.get(category or "", category or "")

    def levy_item_name(self, levy_item: str) -> str:
        return self.levy_item_names.get(levy_item, levy_item)


def load_fee_rules(raw: sqlite3.Connection, region: str) -> FeeRules:
    modes = stored_rule(raw, region, "levy_modes").get("entries", [])
    years = stored_rule(raw, region, "base_limits").get("years", [])
    rates = stored_rule(raw, region, "fee_rates")
    subcategories = stored_rule(raw, region, "levy_subcategories").get("entries", [])
    categories = stored_rule(raw, region, "levy_categories").get("entries", [])
    items = stored_rule(raw, region, "levy_items").get("entries", [])
    tiers = {}
    for entry in subcategories:
        found = _TIER_AMOUNT.search(str(entry.get("name", "")))
        if entry.get("parent") == "102100001" and found:
            tiers[str(entry["code"])] = cents_of(found.group(1))
    return FeeRules(
        self_collected=frozenset(e["code"] for e in modes if e.get("name") == SELF_COLLECTED),
        levy_items=tuple(str(e["code"]) for e in modes),
        limits={
            int(y["year"]): (cents_of(str(y["lower"])), cents_of(str(y["upper"]))) for y in years
        },
        rates={
            (str(e["levy_category"]), e.get("levy_subcategory")): (
                rate_of(str(e["unit_rate"])),
                rate_of(str(e["personal_rate"])),
            )
            for e in rates.get("entries", [])
        },
        project_rate=rate_of(str(rates.get("project_rate", "0"))),
        resident_amounts={
            str(e["levy_category"]): cents_of(str(e["amount"]))
            for e in rates.get("resident_amounts", [])
        },
        tier_amounts=tiers,
        category_names={str(e["code"]): str(e["name"]) for e in categories},
        levy_item_names={str(e["code"]): str(e["name"]) for e in items},
    )
