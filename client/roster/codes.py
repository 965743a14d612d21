"""Names for the codes a synced record carries, from the region's rule files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from client.storage.app_db import AppDatabase

TABLES = (
    "id_types",
    "insured_status",
    "levy_items",
    "levy_categories",
    "levy_subcategories",
    "special_categories",
)


@dataclass(frozen=True)
class CodeTables:
    id_types: Mapping[str, str]
    insured_status: Mapping[str, str]
    levy_items: Mapping[str, str]
    levy_categories: Mapping[str, str]
    levy_subcategories: Mapping[str, str]
    special_categories: Mapping[str, str]

    @classmethod
    def load(cls, app_db: AppDatabase) -> CodeTables:
        return cls(*(app_db.code_table(code) for code in TABLES))

    @staticmethod
    def name(table: Mapping[str, str], code: Any) -> str:
        """The name of a code; the code itself when the rule file lacks it (manual §2.19.3:
        a missing name means the rule files are not right)."""
        if code is None:
            return ""
        return table.get(str(code), str(code))
