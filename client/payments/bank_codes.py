"""行政区划, 银行行别 and 开户网点 of the region (rule files `admin_divisions`, `banks`,
`bank_branches`, synced at login), as the 三方协议 form needs them: the cascade 行政区划 →
银行行别 → 开户网点, and fuzzy search on 行政区划 and 网点 names (manual §2.18 温馨提示 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Protocol

from client.payments.branch_search import BranchIndex

REGIONS, BANKS, BRANCHES = "admin_divisions", "banks", "bank_branches"
SEARCH_LIMIT = 200
MISSING_TABLES = (
    "行政区划、银行行别或开户网点代码表尚未下载，无法签订三方协议。请到【系统设置-规则文件更新】中"
    "点击【更新】后重新打开本窗口。"
)

Entry = Mapping[str, Any]


class RuleFiles(Protocol):
    def rule_file(self, code: str) -> dict[str, Any] | None: ...


def _entries(content: Mapping[str, Any] | None, *keys: str) -> list[dict[str, str]]:
    """The well-formed entries of a code table (an entry missing a key is skipped)."""
    raw = (content or {}).get("entries")
    if not isinstance(raw, list):
        return []
    return [
        {k: str(e[k]) for k in keys}
        for e in raw
        if isinstance(e, Mapping) and all(isinstance(e.get(k), str) and e[k] for k in keys)
    ]


class BankCodes:
    """The three code tables, read once; lists are sorted by code (the tables' order)."""

    def __init__(
        self, regions: Iterable[Entry], banks: Iterable[Entry], branches: Iterable[Entry]
    ) -> None:
        self.regions: list[Entry] = sorted(regions, key=lambda e: e["code"])
        self.banks: list[Entry] = sorted(banks, key=lambda e: e["code"])
        self.branches: list[Entry] = sorted(branches, key=lambda e: e["code"])
        self._region = {e["code"]: e for e in self.regions}
        self._bank = {e["code"]: e for e in self.banks}
        self._branch = {e["code"]: e for e in self.branches}
        self._banks_of_region: dict[str, set[str]] = defaultdict(set)
        for b in self.branches:
            self._banks_of_region[b["region_code"]].add(b["bank_code"])

    @classmethod
    def load(cls, rules: RuleFiles) -> BankCodes:
        return cls(
            _entries(rules.rule_file(REGIONS), "code", "name"),
            _entries(rules.rule_file(BANKS), "code", "name"),
            _entries(rules.rule_file(BRANCHES), "code", "name", "bank_code", "region_code"),
        )

    @property
    def complete(self) -> bool:
        """All three tables are there (else the form cannot be filled in)."""
        return bool(self.regions and self.banks and self.branches)

    # -- lookups ---------------------------------------------------------------------------
    def region(self, code: str | None) -> Entry | None:
        return self._region.get(code or "")

    def bank(self, code: str | None) -> Entry | None:
        return self._bank.get(code or "")

    def branch(self, code: str | None) -> Entry | None:
        return self._branch.get(code or "")

    # -- the cascade -----------------------------------------------------------------------
    def banks_in(self, region_code: str | None) -> list[Entry]:
        """银行行别 with at least one 网点 in the 行政区划 (all banks with none chosen)."""
        if not region_code:
            return list(self.banks)
        codes = self._banks_of_region.get(region_code, set())
        return [b for b in self.banks if b["code"] in codes]

    def branch_fits(self, branch_code: str, region_code: str, bank_code: str) -> bool:
        branch = self.branch(branch_code)
        return branch is not None and (branch["region_code"], branch["bank_code"]) == (
            region_code,
            bank_code,
        )

    # -- fuzzy search ----------------------------------------------------------------------
    @cached_property
    def branch_index(self) -> BranchIndex:
        return BranchIndex(self.branches)

    def search_branches(
        self,
        query: str,
        *,
        region_code: str | None = None,
        bank_code: str | None = None,
        limit: int = SEARCH_LIMIT,
    ) -> list[Mapping[str, Any]]:
        """网点 whose name matches `query` loosely (best first), within the chosen 行政区划 and
        银行行别 (each optional); an empty query lists them all in name order."""
        return self.branch_index.search(
            query, bank_code=bank_code or None, region_code=region_code or None, limit=limit
        )

    def search_regions(self, query: str) -> list[Entry]:
        """行政区划 whose name holds the typed characters in order (宝安 → 宝安区, 深宝 →
        深圳市宝安区) or whose code starts with the typed digits; whole substrings first."""
        text = "".join(query.split())
        if not text:
            return list(self.regions)
        found = [
            e
            for e in self.regions
            if _loosely(text, self.full_name(e)) or e["code"].startswith(text)
        ]
        return sorted(found, key=lambda e: text not in e["name"])  # substrings first

    def full_name(self, region: Entry) -> str:
        """A district with its city before it (宝安区 → 深圳市宝安区), as a clerk may type it."""
        city = self._region.get(region["code"][:4] + "00")
        if city is None or city is region:
            return region["name"]
        return city["name"] + region["name"]


def _loosely(text: str, name: str) -> bool:
    """`text`'s characters appear in `name` in the same order (a subsequence)."""
    rest = iter(name)
    return all(ch in rest for ch in text)
