"""缴费工资申报 外部文件导入 (manual §2.3–§2.6): the four templates end to end on a real unit
database (download, fill as a user would, import), and a corpus of bad files, each with
its own message and nothing taken from it."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from client.documents import imports as framework
from client.documents.cells import CellError
from client.documents.error_workbook import reasons_text
from client.documents.imports import ImportRefused, write_error_workbook
from client.documents.template_checks import WRONG_KIND
from client.documents.workbook_checks import RENAMED
from client.domain.ids import identity_check_digit
from client.domain.wages import ANNUAL, BY_EMPLOYEE, BY_ITEM, DAILY, WageRuleError, money
from client.jobs import CancelToken, JobCancelled, JobContext
from client.storage.app_db import AppDatabase
from client.storage.paths import resolve_data_dir
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee, EmployeeItem
from client.wages import imports as wages
from client.wages.imports import (
    SHEET_TITLE,
    DeclaredItem,
    WageImportResult,
    read_wage_import,
    template_title,
    wage_template_spec,
    write_wage_template,
)

TODAY = date(2026, 11, 23)
VARIANTS = [(DAILY, BY_EMPLOYEE), (ANNUAL, BY_EMPLOYEE), (DAILY, BY_ITEM), (ANNUAL, BY_ITEM)]
LEVY_MODES = {"10201": "税务自主", "10202": "税务自主", "10203": "税务代征", "10204": "税务自主",
              "10205": "税务代征"}  # fmt: skip
LEVY_NAMES = {"10201": "企业职工基本养老保险费", "10202": "失业保险费", "10203": "职工基本医疗保险费",
              "10204": "工伤保险费", "10205": "生育保险费"}  # fmt: skip
CATEGORY = {"10201": "102010001", "10202": "102020001", "10203": "102030001",
            "10204": "102040001", "10205": "102050001"}  # fmt: skip
ID_TYPES = {"01": "居民身份证", "08": "外国护照"}


def id_number(serial: int) -> str:
    first17 = f"11010519900101{serial:03d}"
    return first17 + identity_check_digit(first17)


# id, name, id_type, 证件号码, items: (unit_number, levy_item, base, end_month)
PEOPLE: list[tuple[int, str, str, str, list[tuple[str, str, str, str | None]]]] = [
    (1, "张三", "01", id_number(1),
     [("41770965", "10201", "5000.00", None), ("41770965", "10202", "5000.00", None),
      ("88000001", "10203", "5000.00", None)]),
    (2, "李四", "01", id_number(2),  # stopped paying in 2025-06
     [("41770965", "10201", "6000.00", "2025-06"), ("41770965", "10204", "6000.00", "2025-06")]),
    (3, "王五", "08", "E12345678", [("41770965", "10201", "7000.00", None)]),
    (4, "赵六", "01", id_number(4),  # 税务代征 items only
     [("88000001", "10203", "3000.00", None), ("88000001", "10205", "3000.00", None)]),
    (5, "钱七", "01", id_number(5),  # two 单位编号 for 养老
     [("41770965", "10201", "4000.00", None), ("41770966", "10201", "4100.00", None),
      ("41770965", "10204", "4000.00", None)]),
]  # fmt: skip


def rule_file(code: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "name": code, "version": "1", "content": content}


def entries(table: dict[str, str]) -> dict[str, Any]:
    return {"entries": [{"code": c, "name": n} for c, n in table.items()]}


@pytest.fixture
def app_db(tmp_path: Path) -> Iterator[AppDatabase]:
    database = AppDatabase(resolve_data_dir(str(tmp_path / "client")))
    database.save_rule_files(
        [
            rule_file("levy_modes", entries(LEVY_MODES)),
            rule_file("levy_items", entries(LEVY_NAMES)),
            rule_file("id_types", entries(ID_TYPES)),
            rule_file("wage_rules", {"annual_effective_month": "07",
                                     "declaration_start_month": "2015-01"}),
        ]
    )  # fmt: skip
    yield database
    database.close()


@pytest.fixture
def unit_db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    common = {"seq": 1, "gender": "男", "status": "1", "updated_at": "2026-11-01 08:00:00"}
    employees, items = [], []
    for eid, name, id_type, number, held in PEOPLE:
        employees.append({"id": eid, "name": name, "id_type": id_type, "id_number": number,
                          **common})  # fmt: skip
        for unit, levy, base, end in held:
            items.append({"employee_id": eid, "unit_number": unit, "person_number": f"P{eid}",
                          "levy_item": levy, "levy_category": CATEGORY[levy],
                          "levy_subcategory": CATEGORY[levy] + "01", "base": base,
                          "start_month": "2020-01", "end_month": end})  # fmt: skip
    with database.write() as conn:
        conn.execute(insert(Employee), employees)
        conn.execute(insert(EmployeeItem), items)
    yield database
    database.close()


def template(tmp: Path, variant: tuple[str, str], unit_db: UnitDatabase, app_db: AppDatabase) -> Path:  # fmt: skip
    path = tmp / f"{variant[0]}-{variant[1]}.xlsx"
    write_wage_template(path, *variant, unit_db, app_db)
    return path


def fill(path: Path, rows: list[list[Any]]) -> Path:
    """Rows typed into the template below its header, as in Excel."""
    wb = load_workbook(path)
    for row in rows:
        wb[SHEET_TITLE].append(row)
    wb.save(path)
    return path


def read(path: Path, variant: tuple[str, str], unit_db: UnitDatabase, app_db: AppDatabase,
         ctx: JobContext | None = None) -> WageImportResult:  # fmt: skip
    return read_wage_import(path, *variant, unit_db, app_db, TODAY, ctx)


def nothing_added(unit_db: UnitDatabase) -> bool:
    return unit_db.count("wage_drafts") == 0


# -- the templates -----------------------------------------------------------------------
def test_each_variant_has_its_own_template(tmp_path: Path, unit_db: UnitDatabase,
                                           app_db: AppDatabase) -> None:  # fmt: skip
    headers = {}
    for variant in VARIANTS:
        wb = load_workbook(template(tmp_path, variant, unit_db, app_db))
        ws = wb[SHEET_TITLE]
        assert "填写说明" in ws["A1"].value
        headers[variant] = [c.value for c in ws[2]]
    items = [
        "企业职工基本养老保险费-新缴费工资(元)",
        "失业保险费-新缴费工资(元)",
        "工伤保险费-新缴费工资(元)",
    ]  # fmt: skip  (税务代征 10203/10205 left out)
    assert headers[(DAILY, BY_EMPLOYEE)] == ["姓名*", "证件类型", "证件号码*", "新缴费工资(元)*",
                                             "生效年月*"]  # fmt: skip
    assert headers[(ANNUAL, BY_EMPLOYEE)] == ["姓名*", "证件类型", "证件号码*", "新缴费工资(元)*"]
    assert headers[(DAILY, BY_ITEM)] == ["姓名*", "证件类型", "证件号码*", *items, "生效年月*"]
    assert headers[(ANNUAL, BY_ITEM)] == ["姓名*", "证件类型", "证件号码*", *items]
    assert len({wage_template_spec(*v).kind for v in VARIANTS}) == 4
    assert template_title(ANNUAL, BY_ITEM) == "年度缴费工资申报-按险种申报"


# -- round trips ---------------------------------------------------------------------------
def test_daily_by_employee_round_trip(tmp_path: Path, unit_db: UnitDatabase,
                                      app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", None, id_number(1), 6000, "2026-11"],
        ["王五", "外国护照", "e12345678", "7,500.5", "2026/12"],
        ["钱七", "居民身份证", id_number(5), 5200.25, "2026-10"],
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert (result.summary, result.errors) == ("共3行，有效3行，错误0行", [])
    assert [r.values for r in result.valid] == [
        {"name": "张三", "id_type": "01", "id_number": id_number(1), "new_wage": "6000.00",
         "effective_month": "2026-11", "employee_id": 1, "old_wage": "5000.00",
         "stop_month": None},
        {"name": "王五", "id_type": "08", "id_number": "E12345678", "new_wage": "7500.50",
         "effective_month": "2026-12", "employee_id": 3, "old_wage": "7000.00",
         "stop_month": None},
        {"name": "钱七", "id_type": "01", "id_number": id_number(5), "new_wage": "5200.25",
         "effective_month": "2026-10", "employee_id": 5, "old_wage": "4000.00",
         "stop_month": None},
    ]  # fmt: skip
    assert result.earlier_count == 1
    assert result.earlier_notice == "1行生效年月早于当前年月2026-11，将产生补缴信息。"
    assert result.draft_rows()[0] == {
        "employee_id": 1, "name": "张三", "id_type": "01", "id_number": id_number(1),
        "effective_month": "2026-11", "old_wage": "5000.00", "new_wage": "6000.00",
        "stop_month": None,
    }  # fmt: skip
    assert nothing_added(unit_db)


def test_annual_by_employee_round_trip(tmp_path: Path, unit_db: UnitDatabase,
                                       app_db: AppDatabase) -> None:  # fmt: skip
    variant = (ANNUAL, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", "居民身份证", id_number(1), 8000.1],
        ["李四", None, id_number(2), "9000"],
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert result.summary == "共2行，有效2行，错误0行"
    first, second = (r.values for r in result.valid)
    assert (first["new_wage"], first["old_wage"], first["effective_month"]) == (
        "8000.10", "5000.00", None)  # fmt: skip
    # 年度: no 生效年月, so a stopped employee's row is fine; the stop month is carried.
    assert (second["employee_id"], second["stop_month"]) == (2, "2025-06")
    assert result.earlier_count == 0 and result.earlier_notice is None


def test_daily_by_item_round_trip(tmp_path: Path, unit_db: UnitDatabase,
                                  app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_ITEM)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", None, id_number(1), 6000, None, None, "2026-11"],
        ["钱七", None, id_number(5), 4500.5, None, "4600", "2026-12"],
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert (result.summary, result.errors) == ("共2行，有效2行，错误0行", [])
    assert result.item_columns == (("10201", "企业职工基本养老保险费"), ("10202", "失业保险费"),
                                   ("10204", "工伤保险费"))  # fmt: skip
    zhang, qian = (r.values for r in result.valid)
    assert zhang["items"] == [DeclaredItem("41770965", "10201", "102010001", "5000.00",
                                           "6000.00", None)]  # fmt: skip
    assert (zhang["wage_10201"], zhang["wage_10202"], zhang["employee_id"]) == ("6000.00", None, 1)
    assert qian["items"] == [
        DeclaredItem("41770965", "10201", "102010001", "4000.00", "4500.50", None),
        DeclaredItem("41770966", "10201", "102010001", "4100.00", "4500.50", None),
        DeclaredItem("41770965", "10204", "102040001", "4000.00", "4600.00", None),
    ]
    rows = result.draft_rows()
    assert len(rows) == 4 and rows[-1] == {
        "employee_id": 5, "name": "钱七", "id_type": "01", "id_number": id_number(5),
        "effective_month": "2026-12", "unit_number": "41770965", "levy_item": "10204",
        "levy_category": "102040001", "old_wage": "4000.00", "new_wage": "4600.00",
        "stop_month": None,
    }  # fmt: skip


def test_annual_by_item_round_trip(tmp_path: Path, unit_db: UnitDatabase,
                                   app_db: AppDatabase) -> None:  # fmt: skip
    variant = (ANNUAL, BY_ITEM)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["李四", "居民身份证", id_number(2), 6100, None, 6200.75],
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert result.summary == "共1行，有效1行，错误0行"
    values = result.valid[0].values
    assert values["effective_month"] is None and values["stop_month"] == "2025-06"
    assert [(i.levy_item, i.old_wage, i.new_wage, i.stop_month) for i in values["items"]] == [
        ("10201", "6000.00", "6100.00", "2025-06"), ("10204", "6000.00", "6200.75", "2025-06")]  # fmt: skip


def test_without_levy_modes_every_item_counts(tmp_path: Path, unit_db: UnitDatabase,
                                              app_db: AppDatabase) -> None:  # fmt: skip
    with app_db.write() as conn:
        conn.exec_driver_sql("DELETE FROM rule_files WHERE code = 'levy_modes'")
    spec = write_wage_template(tmp_path / "t.xlsx", DAILY, BY_ITEM, unit_db, app_db)
    assert [c.key for c in spec.columns if c.key.startswith("wage_")] == [
        "wage_10201", "wage_10202", "wage_10203", "wage_10204", "wage_10205"]  # fmt: skip
    path = fill(tmp_path / "t.xlsx", [["赵六", None, id_number(4), None, None, 3100, None, None,
                                       "2026-11"]])  # fmt: skip
    assert read(path, (DAILY, BY_ITEM), unit_db, app_db).valid_count == 1


# -- rows with errors ---------------------------------------------------------------------
def test_row_errors_name_the_cell_and_the_reason(tmp_path: Path, unit_db: UnitDatabase,
                                                 app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", None, id_number(1), "六千", "2026-11"],  # 3 text in a number cell
        ["王五", None, "E12345678", -100, "2026-11"],  # 4 negative pay
        ["钱七", None, id_number(5)[:-1] + "0", 5000, "2026-11"],  # 5 bad check digit
        ["孙八", None, id_number(9), 5000, "2026-11"],  # 6 unknown person
        ["张叁", None, id_number(1).lower()[:-1] + id_number(1)[-1], 5000, "2026-11"],  # 7 dup
        ["赵六", None, id_number(4), 5000, "2026-11"],  # 8 税务代征 only
        ["李四", None, id_number(2), 5000, "2026-11"],  # 9 after the stop month
        ["王五", "居民身份证", "E12345678", 5000, "2026-11"],  # 10 another 证件类型
        ["钱七", None, id_number(5), 5000.123, "2014-12"],  # 11 decimals, before 2015-01
        [None, "军官证", None, None, "2026-13"],  # 12 required cells, bad type, bad month
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert result.valid == [] and nothing_added(unit_db)
    by_cell = {(e.row, e.column): e.reason for e in result.errors}
    assert "不是有效的金额" in by_cell[(3, "新缴费工资(元)")]
    assert by_cell[(4, "新缴费工资(元)")] == "缴费工资必须大于0。"
    assert "校验位不正确" in by_cell[(5, "证件号码")]
    assert by_cell[(6, "证件号码")] == wages.UNKNOWN_PERSON
    assert (
        by_cell[(7, "姓名")]
        == "姓名“张叁”与系统中该证件号码的职工姓名“张三”不一致，请核对姓名或证件号码。"
    )
    assert by_cell[(8, "")] == wages.NO_SELF_ITEM
    assert "晚于该职工的停止缴费年月2025-06" in by_cell[(9, "生效年月")]
    assert (
        by_cell[(10, "证件类型")]
        == "证件类型“居民身份证”与系统中该职工的证件类型“外国护照”不一致。"
    )
    assert by_cell[(11, "新缴费工资(元)")] == wages.TOO_MANY_DECIMALS
    assert by_cell[(12, "姓名")] == framework.REQUIRED
    assert by_cell[(12, "证件号码")] == framework.REQUIRED
    assert "不是有效的年月" in by_cell[(12, "生效年月")]
    assert result.summary == "共10行，有效0行，错误10行"


def test_every_error_of_a_row_shows_at_once(tmp_path: Path, unit_db: UnitDatabase,
                                            app_db: AppDatabase) -> None:  # fmt: skip
    """A bad amount does not hide a wrong check digit, a name that differs or a month after
    the stop month: the clerk fixes the row once, not once per error."""
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["钱七", None, id_number(5)[:-1] + "0", "abc", "2014-12"],  # 3 digit, amount, month
        ["张叁", None, id_number(1), -5, "2026-11"],  # 4 name differs, amount
        ["李四", None, id_number(2), "六千", "2026-07"],  # 5 amount, after the stop month
        [None, None, id_number(2), "六千", "2026-07"],  # 6 no name: not identified, no month
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert result.valid == [] and nothing_added(unit_db)
    by_row: dict[int, list[str]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e.column)
    assert by_row[3] == ["证件号码", "新缴费工资(元)", "生效年月"]
    assert by_row[4] == ["姓名", "新缴费工资(元)"]
    assert by_row[5] == ["新缴费工资(元)", "生效年月"]
    assert by_row[6] == ["姓名", "新缴费工资(元)"]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert "校验位不正确" in reasons[(3, "证件号码")]
    assert "早于本地区允许申报的最早年月2015-01" in reasons[(3, "生效年月")]
    assert "晚于该职工的停止缴费年月2025-06" in reasons[(5, "生效年月")]
    text = reasons_text([e for e in result.errors if e.row == 3])
    assert "。；" not in text and text.count("；") == 2 and text.endswith("。")


def test_month_rules_and_duplicates(tmp_path: Path, unit_db: UnitDatabase,
                                    app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["李四", None, id_number(2), 5000, "2025-06"],  # 3 the stop month itself: fine
        ["钱七", None, id_number(5), 5000, "2014-12"],  # 4 before 2015-01
        ["张三", None, id_number(1), 5000, "2026-11"],  # 5 } the same 证件号码
        ["张三", None, id_number(1), 5100, "2026-12"],  # 6 }
        ["王五", "外国护照", "E12345678", 5000, "2027-02"],  # 7 a later month: fine
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert [r.row for r in result.valid] == [3, 7]
    assert result.earlier_count == 1  # 李四's 2025-06 creates 补缴
    reasons = {e.row: e.reason for e in result.errors}
    assert reasons[4] == "生效年月2014-12早于本地区允许申报的最早年月2015-01，请重新填写。"
    assert reasons[5] == "与第6行重复（证件号码相同）。"
    assert reasons[6] == "与第5行重复（证件号码相同）。"


def test_by_item_row_errors(tmp_path: Path, unit_db: UnitDatabase, app_db: AppDatabase) -> None:
    variant = (DAILY, BY_ITEM)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", None, id_number(1), 6000, None, 6000, "2026-11"],  # 3 no 工伤保险 item
        ["钱七", None, id_number(5), None, None, None, "2026-11"],  # 4 no wage at all
        ["赵六", None, id_number(4), 3000, None, None, "2026-11"],  # 5 税务代征 only
        ["李四", None, id_number(2), 6000, None, None, "2026-07"],  # 6 after the stop month
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert result.valid == []
    by_cell = {(e.row, e.column): e.reason for e in result.errors}
    assert by_cell[(3, "工伤保险费-新缴费工资(元)")] == (
        "该职工没有参保工伤保险费（税务自主），不能申报该险种的缴费工资，请清空该单元格。")  # fmt: skip
    assert by_cell[(4, "")] == wages.NO_ITEM_WAGE
    assert by_cell[(5, "")] == wages.NO_SELF_ITEM
    assert "晚于该职工的停止缴费年月2025-06" in by_cell[(6, "生效年月")]


def test_error_workbook_marks_cells_and_imports_again(tmp_path: Path, unit_db: UnitDatabase,
                                                      app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", None, id_number(1), 6000, "2026-11"],
        ["王五", None, "E12345678", -1, "2026-11"],
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    out = tmp_path / "错误.xlsx"
    assert write_error_workbook(result, out) == 1
    wb = load_workbook(out)
    ws = wb[SHEET_TITLE]
    assert ws["D3"].fill.fgColor.rgb == "FFFFC7CE" and ws["F3"].value.startswith("新缴费工资(元)")
    ws["D3"] = 7100
    wb.save(out)
    again = read(out, variant, unit_db, app_db)
    assert [(r.values["employee_id"], r.values["new_wage"]) for r in again.valid] == [
        (3, "7100.00")
    ]


def test_wage_column_fast_path_matches_the_cell_rule() -> None:
    values: list[Any] = [0.01, 1, 6000, 6000.5, 1234.56, 9999999.99, 4492.1, 30000.07, 0.1 + 0.2]
    fine = values[:-1]
    assert wages._wage_column(fine, {float, int}) == [wages._wage(v) for v in fine]
    assert [wages._wage(v) for v in fine] == [f"{money(v)}" for v in fine]
    for bad in ([*fine, 0.30000000000000004], [1.0, -2.0], [1.0, 10_000_000.0], [True]):
        assert wages._wage_column(bad, set(map(type, bad))) is None
    with pytest.raises(CellError):
        wages._wage(0.30000000000000004)


# -- files refused whole ------------------------------------------------------------------
def refused(path: Path, variant: tuple[str, str], unit_db: UnitDatabase,
            app_db: AppDatabase) -> str:  # fmt: skip
    with pytest.raises(ImportRefused) as info:
        read(path, variant, unit_db, app_db)
    return info.value.message


def big_file(base: Path, target: Path, rows: int) -> Path:
    """The 按职工 日常 template with `rows` rows written straight into its sheet XML
    (openpyxl would take many seconds)."""
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>职工{r}</t></is></c>'
        f'<c r="C{r}" t="inlineStr"><is><t>E{r:08d}</t></is></c>'
        f'<c r="D{r}"><v>{5000 + r % 100}</v></c>'
        f'<c r="E{r}" t="inlineStr"><is><t>2026-11</t></is></c></row>'
        for r in range(3, rows + 3)
    )
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r"<dimension[^>]*/>", "", data.decode())
                data = text.replace("</sheetData>", cells + "</sheetData>").encode()
            dst.writestr(item, data)
    return target


def test_bad_files_each_with_its_own_message(tmp_path: Path, unit_db: UnitDatabase,
                                             app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    good = [["张三", None, id_number(1), 6000, "2026-11"]]
    messages: dict[str, str] = {}

    def edited(name: str, change: Any, rows: list[list[Any]] = good) -> Path:
        path = template(tmp_path, variant, unit_db, app_db).rename(tmp_path / f"{name}.xlsx")
        fill(path, rows)
        wb = load_workbook(path)
        change(wb[SHEET_TITLE])
        wb.save(path)
        return path

    other = template(tmp_path, (ANNUAL, BY_ITEM), unit_db, app_db)
    messages["wrong variant"] = refused(fill(other, [["张三", None, id_number(1), 6000]]),
                                        variant, unit_db, app_db)  # fmt: skip
    messages["missing column"] = refused(edited("missing", lambda ws: ws.delete_cols(2)),
                                         variant, unit_db, app_db)  # fmt: skip

    def extra(ws: Any) -> None:
        ws["F2"] = "备注"

    def renamed(ws: Any) -> None:
        ws["D2"] = "缴费工资"

    def emptied(ws: Any) -> None:
        ws.delete_rows(1, 10)

    messages["extra column"] = refused(edited("extra", extra), variant, unit_db, app_db)
    messages["renamed column"] = refused(edited("renamed", renamed), variant, unit_db, app_db)
    messages["empty sheet"] = refused(edited("emptied", emptied, []), variant, unit_db, app_db)
    messages["no rows"] = refused(template(tmp_path, variant, unit_db, app_db), variant, unit_db,
                                  app_db)  # fmt: skip
    base = template(tmp_path, variant, unit_db, app_db)
    huge = big_file(base, tmp_path / "huge.xlsx", wages.MAX_ROWS + 1)
    messages["huge file"] = refused(huge, variant, unit_db, app_db)
    (tmp_path / "renamed.xlsx").write_text("姓名,证件号码\n张三,1\n", encoding="utf-8")
    messages["not xlsx"] = refused(tmp_path / "renamed.xlsx", variant, unit_db, app_db)

    assert messages["wrong variant"] == WRONG_KIND.format(
        other="年度缴费工资申报-按险种申报", title="日常缴费工资申报-按职工申报")  # fmt: skip
    assert "模板缺少列：证件类型" in messages["missing column"]
    assert "模板中多了列：备注" in messages["extra column"]
    assert "第4列的表头应为“新缴费工资(元)”，文件中为“缴费工资”" in messages["renamed column"]
    assert "工作表“缴费工资申报”是空的" in messages["empty sheet"]
    assert "没有填写数据，请从第3行开始填写" in messages["no rows"]
    assert messages["huge file"] == framework.TOO_MANY_ROWS.format(count=100_001, limit=100_000)
    assert messages["not xlsx"] == RENAMED
    assert len(set(messages.values())) == len(messages)
    assert nothing_added(unit_db)


def test_formulas_and_merged_cells_are_row_errors(tmp_path: Path, unit_db: UnitDatabase,
                                                  app_db: AppDatabase) -> None:  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["张三", None, id_number(1), "=5000+1000", "2026-11"],
        ["王五", "外国护照", "E12345678", 7000, "2026-11"],
        ["钱七", None, id_number(5), 5000, "2026-11"],
        [None, None, id_number(2), 5000, "2026-11"],
    ])  # fmt: skip
    wb = load_workbook(path)
    wb[SHEET_TITLE].merge_cells("A5:A6")
    wb.save(path)
    result = read(path, variant, unit_db, app_db)
    assert [r.row for r in result.valid] == [4]
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "新缴费工资(元)", framework.FORMULA),
        (5, "姓名", framework.MERGED.format(ref="A5:A6")),
        (6, "姓名", framework.MERGED.format(ref="A5:A6")),
    ]


def test_by_item_template_of_other_items_is_refused(tmp_path: Path, unit_db: UnitDatabase,
                                                    app_db: AppDatabase) -> None:  # fmt: skip
    path = template(tmp_path, (DAILY, BY_ITEM), unit_db, app_db)
    fill(path, [["张三", None, id_number(1), 6000, None, None, "2026-11"]])
    app_db.save_rule_files([rule_file("levy_modes", entries({**LEVY_MODES, "10202": "税务代征"}))])
    message = refused(path, (DAILY, BY_ITEM), unit_db, app_db)
    assert (
        message
        == "模板中多了列：失业保险费-新缴费工资(元)。请不要在模板中增加列，重新下载模板后填写。"
    )


def test_cancel_while_checking(tmp_path: Path, unit_db: UnitDatabase, app_db: AppDatabase) -> None:
    variant = (DAILY, BY_EMPLOYEE)
    path = big_file(template(tmp_path, variant, unit_db, app_db), tmp_path / "big.xlsx", 6000)
    token = CancelToken()
    seen: list[Any] = []

    def progress(p: Any) -> None:
        seen.append(p)
        if p.phase == framework.CHECK_PHASE and p.done >= 2000:
            token.cancel()

    with pytest.raises(JobCancelled):
        read(path, variant, unit_db, app_db, JobContext(progress, token))
    assert seen[0].phase == wages.LOAD_PHASE and nothing_added(unit_db)
    result = read(path, variant, unit_db, app_db)  # the same file, not cancelled
    assert (result.total, result.valid_count) == (6000, 0)
    assert {e.reason for e in result.errors} == {wages.UNKNOWN_PERSON}


def test_shared_identity_number_and_no_self_items(tmp_path: Path, unit_db: UnitDatabase,
                                                  app_db: AppDatabase) -> None:  # fmt: skip
    """Two employees holding one 证件号码 are told apart by name; a unit without 税务自主
    items has no 按险种 template."""
    common = {"seq": 1, "gender": "女", "status": "1", "updated_at": "2026-11-01 08:00:00"}
    with unit_db.write() as conn:
        conn.execute(insert(Employee), [{"id": 6, "name": "周九", "id_type": "01",
                                         "id_number": id_number(1), **common}])  # fmt: skip
        conn.execute(insert(EmployeeItem), [{
            "employee_id": 6, "unit_number": "41770965", "person_number": "P6",
            "levy_item": "10201", "levy_category": "102010001", "levy_subcategory": "x",
            "base": "3300.00", "start_month": "2020-01", "end_month": None}])  # fmt: skip
    variant = (DAILY, BY_EMPLOYEE)
    path = fill(template(tmp_path, variant, unit_db, app_db), [
        ["周九", None, id_number(1), 3500, "2026-11"],
        ["张三", None, id_number(9), 3500, "2026-11"],
    ])  # fmt: skip
    result = read(path, variant, unit_db, app_db)
    assert [(r.values["employee_id"], r.values["old_wage"]) for r in result.valid] == [
        (6, "3300.00")
    ]
    assert [e.reason for e in result.errors] == [wages.UNKNOWN_PERSON]

    with unit_db.write() as conn:
        conn.exec_driver_sql(
            "DELETE FROM employee_items WHERE levy_item IN ('10201', '10202', '10204')"
        )
    with pytest.raises(WageRuleError) as info:
        write_wage_template(tmp_path / "none.xlsx", DAILY, BY_ITEM, unit_db, app_db)
    assert info.value.message == wages.NO_SELF_ITEMS
    assert refused(path, (DAILY, BY_ITEM), unit_db, app_db) == wages.NO_SELF_ITEMS
