"""The imports the hostile files are thrown at, on real databases (no pytest fixtures, so
the soak runner can build the same world in a child process).

`World(root)` makes an app database with the rule files the imports read and one unit
database holding employees, residents, an external resident and a group; `targets()`
lists each import as a `Target`: its spec, its own template, a row it accepts, and its
reader. `fingerprint()` is every row of every table of both databases, to show that a
refused or checked file changed nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import insert

from client.collector.external import read_external_import, write_external_template
from client.collector.external import template_spec as external_spec
from client.collector.self_template import (
    TemplateNames,
    read_self_import,
    write_self_template,
)
from client.collector.self_template import template_spec as self_spec
from client.documents.imports import ImportResult
from client.documents.templates import TemplateSpec
from client.domain.ids import identity_check_digit
from client.domain.wages import BY_EMPLOYEE, DAILY
from client.groups.imports import (
    GROUP_TREE_SPEC,
    assignment_spec,
    read_assignments,
    read_group_tree,
    write_assignment_template,
    write_group_tree_template,
)
from client.groups.service import GroupService
from client.roster.resident_import import INFO_SPEC, read_info_file, write_info_template
from client.storage.app_db import AppDatabase
from client.storage.paths import resolve_data_dir
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee, EmployeeItem, Resident, ResidentItem
from client.wages.imports import read_wage_import, wage_template_spec, write_wage_template

TODAY = date(2026, 11, 23)
MONTH = "2026-11"
PENSION = "102100001"


def id_number(serial: int, area: str = "110105") -> str:
    first17 = f"{area}19900101{serial:03d}"
    return first17 + identity_check_digit(first17)


def _rule(code: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "name": code, "version": "1", "content": content}


def _entries(table: dict[str, str]) -> dict[str, Any]:
    return {"entries": [{"code": c, "name": n} for c, n in table.items()]}


def _grades() -> dict[str, Any]:
    return {
        "entries": [
            {"year": 2026, "levy_item": "10210", "levy_category": PENSION, "grade": "01",
             "name": "第一档", "amount": "200.00"},
        ]
    }  # fmt: skip


@dataclass(frozen=True)
class Target:
    """One import: `read(path)` checks a file and applies nothing."""

    name: str
    spec: TemplateSpec
    write_template: Callable[[Path], object]
    good_row: list[Any]
    read: Callable[[Path], ImportResult]

    def filled(self, path: Path, rows: list[list[Any]] | None = None) -> Path:
        """The import's own template with `rows` (default: its good row) typed in."""
        self.write_template(path)
        book = load_workbook(path)
        sheet = book[self.spec.sheet_title]
        for row in [self.good_row] if rows is None else rows:
            sheet.append(row)
        book.save(path)
        return path


class World:
    def __init__(self, root: Path, fresh: bool = True) -> None:
        """A new world at `root`, or (`fresh=False`) the one a `World` left there."""
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.app_db = AppDatabase(resolve_data_dir(str(root / "client")))
        self.db_path = root / "unit.sqlite3"
        if not fresh:
            self.unit_db = UnitDatabase(self.db_path, root / "backups")
            return
        self.app_db.save_rule_files([
            _rule("levy_modes", _entries({"10201": "税务自主"})),
            _rule("levy_items", _entries({"10201": "企业职工基本养老保险费",
                                          "10210": "城乡居民基本养老保险费"})),
            _rule("levy_categories", _entries({PENSION: "城乡居民基本养老保险"})),
            _rule("id_types", _entries({"01": "居民身份证", "08": "外国护照"})),
            _rule("wage_rules", {"annual_effective_month": "07",
                                 "declaration_start_month": "2015-01"}),
            _rule("resident_grades", _grades()),
        ])  # fmt: skip
        self.unit_db = UnitDatabase(self.db_path, root / "backups")
        common = {"seq": 1, "gender": "男", "status": "1", "updated_at": "2026-11-01 08:00:00"}
        with self.unit_db.write() as conn:
            conn.execute(insert(Employee), [
                {"id": 1, "name": "张三", "id_type": "01", "id_number": id_number(1), **common},
                {"id": 2, "name": "李四", "id_type": "01", "id_number": id_number(2), **common},
            ])  # fmt: skip
            conn.execute(insert(EmployeeItem), [
                {"employee_id": e, "unit_number": "41770965", "person_number": f"P{e}",
                 "levy_item": "10201", "levy_category": "102010001",
                 "levy_subcategory": "10201000101", "base": "5000.00",
                 "start_month": "2020-01", "end_month": None}
                for e in (1, 2)
            ])  # fmt: skip
            conn.execute(insert(Resident), [
                {"id": 1, "name": "王五", "id_type": "01", "id_number": id_number(5, "440304"),
                 "township": "甲镇", "village": "一村", **common},
            ])  # fmt: skip
            conn.execute(insert(ResidentItem), [
                {"resident_id": 1, "person_number": "R1", "levy_item": "10210",
                 "levy_category": PENSION, "levy_subcategory": "10210000101",
                 "start_month": "2020-01", "end_month": None},
            ])  # fmt: skip
            conn.exec_driver_sql(
                "INSERT INTO external_residents (name, id_type, id_number, status, added_at,"
                " checked_at) VALUES (?, '01', ?, '未参保', ?, ?)",
                ("孙八", id_number(8, "440304"), datetime(2026, 1, 1), datetime(2026, 1, 1)),
            )
        GroupService(self.unit_db).ensure_paths([("一组",)])

    def close(self) -> None:
        self.unit_db.close()
        self.app_db.close()

    def fingerprint(self) -> str:
        """A digest of every row of every table of both databases."""
        digest = hashlib.sha256()
        for path in (self.db_path, self.app_db_path):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]  # fmt: skip
                for table in tables:
                    digest.update(table.encode())
                    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                        digest.update(repr(row).encode())
            finally:
                conn.close()
        return digest.hexdigest()

    @property
    def app_db_path(self) -> Path:
        return Path(str(self.app_db.engine.url.database))

    def targets(self) -> dict[str, Target]:
        db, app = self.unit_db, self.app_db
        names = TemplateNames.of(app)
        wage = wage_template_spec(DAILY, BY_EMPLOYEE)
        found = [
            Target(
                "工资导入",
                wage,
                lambda p: write_wage_template(p, DAILY, BY_EMPLOYEE, db, app),
                ["张三", None, id_number(1), 6000, MONTH],
                lambda p: read_wage_import(p, DAILY, BY_EMPLOYEE, db, app, TODAY),
            ),
            Target(
                "外部参保城乡居民导入",
                external_spec(app.code_table("id_types")),
                lambda p: write_external_template(p, app.code_table("id_types")),
                ["赵九", "居民身份证", id_number(9, "440304")],
                lambda p: read_external_import(db, p, app.code_table("id_types")),
            ),
            Target(
                "分组导入",
                GROUP_TREE_SPEC,
                write_group_tree_template,
                ["二组", "甲", None],
                read_group_tree,
            ),
            Target(
                "批量编辑分组",
                assignment_spec("employees"),
                lambda p: write_assignment_template(p, "employees"),
                ["张三", None, id_number(1), "一组"],
                lambda p: read_assignments(db, p, "employees"),
            ),
            Target(
                "城乡居民信息维护",
                INFO_SPEC,
                lambda p: write_info_template(db, p),
                [id_number(5, "440304"), "王五", "一组", "13800000000", "备注"],
                lambda p: read_info_file(db, p),
            ),
            Target(
                "社保费代收代报（自主）",
                self_spec(names),
                lambda p: write_self_template(p, names),
                [
                    "王五",
                    "居民身份证",
                    id_number(5, "440304"),
                    "城乡居民基本养老保险费",
                    None,
                    2026,
                    "第一档",
                ],  # fmt: skip
                lambda p: read_self_import(p, db, app, TODAY),
            ),
        ]
        return {t.name: t for t in found}
