"""A registered, logged-in unit of a chosen region on the real backend, for 社保费申报."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from client.app_context import AppContext, UnitSession  # noqa: E402
from client.fees.declare import FeeDeclarations  # noqa: E402
from tests.employer.conftest import open_employer  # noqa: E402


@dataclass
class FeeUnit:
    app: AppContext
    session: UnitSession
    created: dict[str, Any]
    backend: Any

    @property
    def unit_id(self) -> str:
        return self.session.unit.unit_id

    def service(self, **kw: Any) -> FeeDeclarations:
        return FeeDeclarations(self.session.api, self.session.db, self.unit_id, **kw)


def open_unit(backend: Any, data_dir: Path, region: str = "440300", **kw: Any) -> FeeUnit:
    env = open_employer(backend, data_dir, region=region, **kw)
    return FeeUnit(env.app, env.session, env.created, backend)


@pytest.fixture
def fee_unit(backend: Any, tmp_path: Path) -> Iterator[Callable[..., FeeUnit]]:
    opened: list[FeeUnit] = []

    def make(region: str = "440300", employees: int = 8, **kw: Any) -> FeeUnit:
        unit = open_unit(backend, tmp_path / f"client{len(opened)}", region,
                         employees=employees, **kw)  # fmt: skip
        opened.append(unit)
        return unit

    yield make
    for unit in opened:
        unit.app.close()


def add_employee(
    unit: FeeUnit, name: str, items: list[tuple[str, str, str]], number: str, base: str = "6000.00"
) -> int:
    """An employee with the given (征收项目, 征品目, 子目) items on one 单位编号."""
    record = {
        "name": name, "id_type": "08", "id_number": f"E{abs(hash(name)) % 10**10:010d}",
        "gender": "女", "birth_date": "1990-05-01", "status": "1",
        "items": [
            {"unit_number": number, "person_number": "44001", "levy_item": levy,
             "levy_category": category, "levy_subcategory": sub, "base": base,
             "start_month": "2020-01", "end_month": None}
            for levy, category, sub in items
        ],
    }  # fmt: skip
    return int(unit.backend.add_record(unit.unit_id, "employees", record))


def with_both_pension_categories(unit: FeeUnit) -> str:
    """Make sure the unit's 养老 box has both 征收品目 (城镇职工 and 外来从业人员); returns the
    单位编号 of that box. This month's items are made again with them."""
    number = unit.created["units"][0]["unit_numbers"][0]
    add_employee(unit, "外来甲", [("10201", "102010002", "10201000201"),
                               ("10204", "102040001", "10204000101")], number)  # fmt: skip
    add_employee(unit, "城镇乙", [("10201", "102010001", "10201000101"),
                               ("10204", "102040001", "10204000101")], number)  # fmt: skip
    for category in ("102010001", "102010002", "102040001"):
        unit.backend.add_insurance(unit.unit_id, unit_number=number, levy_item=category[:5],
                                   levy_category=category, status="正常")  # fmt: skip
    unit.backend.generate_fee_items(unit.unit_id)
    FeeDeclarations(unit.session.api, unit.session.db, unit.unit_id).items.refresh(
        ("daily", "special", "project")
    )
    return number


def insured_normally(unit: FeeUnit, rows: list[dict[str, Any]]) -> None:
    """单位参保信息 正常 for the items' 单位编号 × 征收品目 (the seed suspends some secondary
    ones, and a declaration of a suspended one fails, as it should)."""
    for key in {(r["unit_number"], r["levy_item"], r["levy_category"]) for r in rows}:
        unit.backend.add_insurance(unit.unit_id, unit_number=key[0], levy_item=key[1],
                                   levy_category=key[2], status="正常")  # fmt: skip
