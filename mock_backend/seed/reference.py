"""Reference data of generated units (单位信息, 单位参保信息, 工程项目) and its bulk insertion."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mock_backend.reference_spec import INFO_DETAIL_FIELDS, INSURANCE_FIELDS, PROJECT_FIELDS
from mock_backend.seed.insurance import InsuranceRow, generate_insurance
from mock_backend.seed.projects import ProjectRow, generate_projects
from mock_backend.seed.taxpayers import UnitSpec
from mock_backend.seed.unit_info import generate_info

INFO_INSERT = (
    f"INSERT INTO unit_info (unit_id, {', '.join(INFO_DETAIL_FIELDS)})"
    f" VALUES (?{', ?' * len(INFO_DETAIL_FIELDS)})"
)
INSURANCE_INSERT = (
    f"INSERT INTO unit_insurance (unit_id, position, {', '.join(INSURANCE_FIELDS)})"
    f" VALUES (?, ?{', ?' * len(INSURANCE_FIELDS)})"
)
PROJECT_INSERT = (
    f"INSERT INTO projects (unit_id, {', '.join(PROJECT_FIELDS)})"
    f" VALUES (?{', ?' * len(PROJECT_FIELDS)})"
)


@dataclass
class UnitReference:
    info: dict[str, Any]
    insurance: list[InsuranceRow]
    projects: list[ProjectRow]


def generate_reference(
    specs: Iterable[UnitSpec],
    projects_per_unit: int | None = None,
    claim: Callable[[str], bool] | None = None,
) -> dict[str, UnitReference]:
    """Every unit's reference data, by unit id, in order (project numbers unique across them).

    `projects_per_unit` None lets the seed decide; `claim` reserves a project number against
    those already on the server (default: only unique among these units).
    """
    used: set[str] = set()

    def claim_number(number: str) -> bool:
        if number in used or (claim is not None and not claim(number)):
            return False
        used.add(number)
        return True

    return {
        spec.unit_id: UnitReference(
            generate_info(spec),
            generate_insurance(spec),
            generate_projects(spec, projects_per_unit, claim_number),
        )
        for spec in specs
    }


def insert_reference(raw: sqlite3.Connection, references: dict[str, UnitReference]) -> None:
    raw.executemany(
        INFO_INSERT,
        [(unit_id, *(r.info[f] for f in INFO_DETAIL_FIELDS)) for unit_id, r in references.items()],
    )
    raw.executemany(
        INSURANCE_INSERT,
        [
            (unit_id, position, *row)
            for unit_id, r in references.items()
            for position, row in enumerate(r.insurance)
        ],
    )
    raw.executemany(
        PROJECT_INSERT,
        [(unit_id, *row) for unit_id, r in references.items() for row in r.projects],
    )
