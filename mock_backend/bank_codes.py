"""The code tables a 三方协议 is checked against: the region's 行政区划, 银行行别 and 开户网点 rule
files as stored on the server (so a bumped file applies), parsed once per version."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

from mock_backend.region_rules import stored_rule

CODES = ("admin_divisions", "banks", "bank_branches")


@dataclass(frozen=True)
class Bank:
    code: str
    name: str
    clearing_code: str


@dataclass(frozen=True)
class Branch:
    code: str
    name: str
    bank_code: str
    region_code: str


@dataclass(frozen=True)
class BankCodes:
    divisions: dict[str, str]
    banks: dict[str, Bank]
    branches: dict[str, Branch]

    def branches_of(self, bank_code: str, region_code: str) -> list[Branch]:
        return [
            b
            for b in self.branches.values()
            if b.bank_code == bank_code and b.region_code == region_code
        ]


_cache: dict[tuple[str, tuple[tuple[str, str], ...]], BankCodes] = {}
_lock = threading.Lock()


def bank_codes(raw: sqlite3.Connection, region: str) -> BankCodes:
    marks = ", ".join("?" * len(CODES))
    versions = tuple(
        sorted(
            raw.execute(
                f"SELECT code, version FROM rule_files WHERE region = ? AND code IN ({marks})",
                (region, *CODES),
            ).fetchall()
        )
    )
    key = (region, versions)
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    divisions = stored_rule(raw, region, "admin_divisions").get("entries", [])
    banks = stored_rule(raw, region, "banks").get("entries", [])
    branches = stored_rule(raw, region, "bank_branches").get("entries", [])
    codes = BankCodes(
        divisions={str(e["code"]): str(e["name"]) for e in divisions},
        banks={
            str(e["code"]): Bank(str(e["code"]), str(e["name"]), str(e["clearing_code"]))
            for e in banks
        },
        branches={
            str(e["code"]): Branch(
                str(e["code"]), str(e["name"]), str(e["bank_code"]), str(e["region_code"])
            )
            for e in branches
        },
    )
    with _lock:
        if len(_cache) > 32:
            _cache.clear()
        _cache[key] = codes
    return codes
