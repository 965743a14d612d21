"""社保费代收代报（自主） 导入 (manual §3.6 二, 注意事项一): the client's own template end to end on a
real unit database (download, fill as a clerk would, import), the roster's 导出 按申报模板 read
back, and a corpus of broken files — each refused with its own sentence, none half-applied."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import insert

from client.collector import self_rules as rules
from client.collector import self_template as template
from client.collector.external import template_spec as external_spec
from client.collector.self_declare import SelfDrafts
from client.collector.self_import_check import DUPLICATE
from client.collector.self_rules import SelfDeclareError
from client.collector.self_template import (
    HAS_ERRORS,
    SHEET_TITLE,
    TITLE,
    TemplateNames,
    export_as_template,
    read_self_import,
    roster_rows,
    write_self_template,
)
from client.documents import template_checks as checks
from client.documents import workbook_checks as files
from client.documents.imports import (
    FORMULA,
    NO_DATA,
    TOO_MANY_ROWS,
    ImportRefused,
    write_error_workbook,
)
from client.documents.templates import META_SHEET, write_template
from client.domain.ids import identity_check_digit
from client.storage.app_db import AppDatabase
from client.storage.external_models import ExternalResident
from client.storage.paths import resolve_data_dir
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Resident, ResidentItem

TODAY = date(2026, 11, 23)
YEAR = 2026
PENSION, ADULT, CHILD = "102100001", "102110001", "102110002"
TIERS = ["200", "300", "400", "500", "600", "700", "800", "900", "1000", "1500", "2000"]
ORDINALS = "一二三四五六七八九十"
ITEM_NAMES = {"10210": "城乡居民基本养老保险费", "10211": "城乡居民基本医疗保险费"}
CATEGORY_NAMES = {PENSION: "城乡居民基本养老保险", ADULT: "城乡居民基本医疗保险（成年居民）",
                  CHILD: "城乡居民基本医疗保险（未成年人）"}  # fmt: skip


def id_number(serial: int) -> str:
    first17 = f"51010419800101{serial:03d}"
    return first17 + identity_check_digit(first17)


def grade_name(i: int) -> str:
    return "第十一档" if i == 10 else f"第{ORDINALS[i]}档"


def grades_rule() -> dict[str, Any]:
    entries = []
    for year in (2025, 2026):
        entries += [{"year": year, "levy_item": "10210", "levy_category": PENSION,
                     "grade": f"{i + 1:02d}", "name": grade_name(i), "amount": f"{tier}.00"}
                    for i, tier in enumerate(TIERS)]  # fmt: skip
        entries += [{"year": year, "levy_item": "10211", "levy_category": c, "grade": "01",
                     "name": "第一档", "amount": a} for c, a in ((ADULT, "380.00"),
                                                                (CHILD, "300.00"))]  # fmt: skip
    return {"entries": entries}


# id, name, id_type, 证件号码, items: (征收品目, 征收子目, start, end)
PEOPLE = [
    (1, "张三", "01", id_number(1), [(PENSION, "10210000103", "2020-01", None),
                                     (ADULT, "10211000101", "2020-01", None)]),
    (2, "李四", "01", id_number(2), [(PENSION, "10210000101", "2018-01", "2023-12")]),
    (3, "王五", "08", "E1234567", [(CHILD, "10211000201", "2021-01", None)]),
    (4, "赵六", "01", id_number(4), [(PENSION, "10210000105", "2016-01", None),
                                     (ADULT, "10211000101", "2016-01", None)]),
]  # fmt: skip
EXTERNAL = (id_number(7), "钱七")


@pytest.fixture
def app_db(tmp_path: Path) -> Iterator[AppDatabase]:
    database = AppDatabase(resolve_data_dir(str(tmp_path / "client")))

    def rule(code: str, content: dict[str, Any]) -> dict[str, Any]:
        return {"code": code, "name": code, "version": "1", "content": content}

    def entries(table: dict[str, str]) -> dict[str, Any]:
        return {"entries": [{"code": c, "name": n} for c, n in table.items()]}

    database.save_rule_files([
        rule("resident_grades", grades_rule()),
        rule("id_types", entries({"01": "居民身份证", "08": "外国护照"})),
        rule("levy_items", entries(ITEM_NAMES)),
        rule("levy_categories", entries(CATEGORY_NAMES)),
    ])  # fmt: skip
    yield database
    database.close()


@pytest.fixture
def unit_db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    common = {"seq": 1, "gender": "男", "status": "1", "updated_at": "2026-11-01 08:00:00",
              "township": "甲镇", "village": "一村"}  # fmt: skip
    residents, items = [], []
    for rid, name, id_type, number, held in PEOPLE:
        residents.append({"id": rid, "name": name, "id_type": id_type, "id_number": number,
                          **common})  # fmt: skip
        for category, sub, start, end in held:
            items.append({"resident_id": rid, "person_number": f"P{rid}", "levy_item": category[:5],
                          "levy_category": category, "levy_subcategory": sub,
                          "start_month": start, "end_month": end})  # fmt: skip
    now = datetime(2026, 11, 1)
    external_items = [{"person_number": "P7", "levy_item": "10210", "levy_category": PENSION,
                       "levy_subcategory": "10210000102", "start_month": "2019-01",
                       "end_month": None}]  # fmt: skip
    with database.write() as conn:
        conn.execute(insert(Resident), residents)
        conn.execute(insert(ResidentItem), items)
        conn.execute(insert(ExternalResident), [
            {"name": "钱七", "id_type": "01", "id_number": EXTERNAL[0], "status": "正常参保",
             "township": "乙镇", "village": "二村", "items": json.dumps(external_items),
             "added_at": now, "checked_at": now},
            {"name": "孙八", "id_type": "01", "id_number": id_number(8), "status": "未参保",
             "township": None, "village": None, "items": None, "added_at": now,
             "checked_at": now},
        ])  # fmt: skip
    yield database
    database.close()


@pytest.fixture
def drafts(app_db: AppDatabase, unit_db: UnitDatabase) -> SelfDrafts:
    return SelfDrafts(app_db, unit_db, TODAY)


def blank(tmp: Path, name: str = "模板.xlsx", app_db: AppDatabase | None = None) -> Path:
    path = tmp / name
    write_self_template(path, TemplateNames.of(app_db))
    return path


def fill(path: Path, rows: list[list[Any]]) -> Path:
    wb = load_workbook(path)
    for row in rows:
        wb[SHEET_TITLE].append(row)
    wb.save(path)
    return path


GOOD = [
    ["张三", "居民身份证", id_number(1), "城乡居民基本养老保险费", None, 2026, "第五档"],
    ["张三", "01", id_number(1), "10211", None, "2026", None],
    ["王五", "外国护照", "e1234567", "城乡居民基本医疗保险费", CATEGORY_NAMES[CHILD], 2026, "01"],
    ["钱七", "居民身份证", EXTERNAL[0], "城乡居民基本养老保险费", PENSION, 2025, 11],
]  # fmt: skip


def read(path: Path, unit_db: UnitDatabase, app_db: AppDatabase) -> template.SelfImportResult:
    return read_self_import(path, unit_db, app_db, TODAY)


# -- the template ---------------------------------------------------------------------------
def test_the_template_and_a_good_file(tmp_path: Path, unit_db: UnitDatabase, app_db: AppDatabase,
                                      drafts: SelfDrafts) -> None:  # fmt: skip
    path = blank(tmp_path, app_db=app_db)
    ws = load_workbook(path)[SHEET_TITLE]
    assert "填写说明" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["姓名*", "证件类型*", "证件号码*", "征收项目*", "征收品目",
                                        "缴费年度*", "缴费档次"]  # fmt: skip
    result = read(fill(path, GOOD), unit_db, app_db)
    assert (result.summary, result.errors, result.importable) == (
        "共4行，有效4行，错误0行",
        [],
        True,
    )
    assert drafts.add_imported(result) == 4
    rows = [(r["name"], r["id_type"], r["levy_category"], r["year"], r["grade"], r["amount"],
             r["township"], r["person_number"], r["source"], r["added_via"])
            for r in drafts.source().rows({}, [])]  # fmt: skip
    assert rows == [
        ("张三", "01", PENSION, 2026, "05", "600.00", "甲镇", "P1", "feed", "导入"),
        ("张三", "01", ADULT, 2026, "01", "380.00", "甲镇", "P1", "feed", "导入"),
        ("王五", "08", CHILD, 2026, "01", "300.00", "甲镇", "P3", "feed", "导入"),
        ("钱七", "01", PENSION, 2025, "11", "2000.00", "乙镇", "P7", "external", "导入"),
    ]
    # the same file again: every row is already listed, nothing added twice
    again = read(path, unit_db, app_db)
    assert {e.reason for e in again.errors} == {
        rules.ALREADY_LISTED.format(year=y, category=CATEGORY_NAMES[c])
        for c, y in ((PENSION, 2026), (ADULT, 2026), (CHILD, 2026), (PENSION, 2025))
    }
    with pytest.raises(SelfDeclareError):
        drafts.add_imported(again)
    assert drafts.count() == 4


def test_the_error_workbook_can_be_corrected_and_imported(tmp_path: Path, unit_db: UnitDatabase,
                                                          app_db: AppDatabase, drafts: SelfDrafts) -> None:  # fmt: skip
    path = fill(blank(tmp_path, app_db=app_db), [GOOD[0], [*GOOD[2][:6], "第九档"]])
    result = read(path, unit_db, app_db)
    assert not result.importable and result.refusal == HAS_ERRORS.format(count=1)
    out = tmp_path / "错误.xlsx"
    assert write_error_workbook(result, out) == 1
    wb = load_workbook(out)
    ws = wb[SHEET_TITLE]
    assert ws["G3"].fill.fgColor.rgb == "FFFFC7CE"
    assert (
        "缴费档次“第九档”不存在于2026年城乡居民基本医疗保险（未成年人）的档次中" in ws["H3"].value
    )
    ws["G3"] = None  # one 档次: may be left blank
    wb.save(out)
    fixed = read(out, unit_db, app_db)
    assert fixed.importable and drafts.add_imported(fixed) == 1
    assert [r["levy_category"] for r in drafts.source().rows({}, [])] == [CHILD]


def test_export_as_template_reads_back(tmp_path: Path, unit_db: UnitDatabase, app_db: AppDatabase,
                                       drafts: SelfDrafts) -> None:  # fmt: skip
    roster = [{"id": 1, "id_number": id_number(1)}, {"id": 2, "id_number": id_number(2)},
              {"id": 4, "id_number": id_number(4).lower()}]  # fmt: skip
    rows = list(roster_rows(unit_db, roster, drafts.grades, YEAR))
    assert [(r["name"], r["levy_category"], r["grade_name"]) for r in rows] == [
        ("张三", PENSION, "第三档"),
        ("张三", ADULT, "第一档"),
        ("赵六", PENSION, "第五档"),
        ("赵六", ADULT, "第一档"),
    ]  # fmt: skip  (李四 stopped paying in 2023)
    out = tmp_path / "按申报模板.xlsx"
    assert export_as_template(rows, out, TemplateNames.of(app_db)) == 4
    ws = load_workbook(out)[SHEET_TITLE]
    assert [c.value for c in ws[3]] == ["张三", "居民身份证", id_number(1), "城乡居民基本养老保险费",
                                        "城乡居民基本养老保险", "2026", "第三档"]  # fmt: skip
    result = read(out, unit_db, app_db)
    assert result.importable and drafts.add_imported(result) == 4
    assert drafts.totals().amount == Decimal("1760.00")  # 400 + 380 + 600 + 380


# -- broken files: each its own sentence, nothing added ----------------------------------
def big_file(base: Path, target: Path, rows: int) -> Path:
    """The template with `rows` rows written straight into its sheet XML."""
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>张三</t></is></c>'
        f'<c r="C{r}" t="inlineStr"><is><t>X{r}</t></is></c></row>'
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


def test_broken_files_each_with_its_own_message(tmp_path: Path, unit_db: UnitDatabase,
                                                app_db: AppDatabase, drafts: SelfDrafts) -> None:  # fmt: skip
    messages: dict[str, str] = {}
    made = iter(range(1000))

    def edited(change: Any, rows: list[list[Any]] = GOOD[:1]) -> Path:
        path = fill(blank(tmp_path, f"f{next(made)}.xlsx", app_db), rows)
        wb = load_workbook(path)
        change(wb)
        wb.save(path)
        return path

    def refused(path: Path) -> str:
        with pytest.raises(ImportRefused) as info:
            read(path, unit_db, app_db)
        return info.value.message

    def with_errors(rows: list[list[Any]]) -> str:
        result = read(fill(blank(tmp_path, f"f{next(made)}.xlsx", app_db), rows), unit_db, app_db)
        assert not result.importable and result.valid_count == len(rows) - result.error_count
        with pytest.raises(SelfDeclareError) as info:  # nothing half-applied
            drafts.add_imported(result)
        assert info.value.message == HAS_ERRORS.format(count=result.error_count)
        assert drafts.count() == 0
        return "；".join(e.reason for e in result.errors)

    # refused whole: not the template, or its layout changed
    csv = tmp_path / "名单.xlsx"
    csv.write_text("姓名,证件号码\n张三,1\n", encoding="utf-8")
    messages["renamed csv"] = refused(csv)
    (tmp_path / "名单.csv").write_text("姓名\n", encoding="utf-8")
    messages["csv"] = refused(tmp_path / "名单.csv")
    (tmp_path / "空.xlsx").write_bytes(b"")
    messages["empty file"] = refused(tmp_path / "空.xlsx")
    other = tmp_path / "外部.xlsx"
    write_template(external_spec(), other, [["张三", "居民身份证", id_number(1)]])
    messages["another template"] = refused(other)
    foreign = tmp_path / "自制.xlsx"
    wb = Workbook()
    wb.active.append(
        ["姓名", "证件类型", "证件号码", "征收项目", "征收品目", "缴费年度", "缴费档次"]
    )
    wb.active.append(GOOD[0])
    wb.save(foreign)
    messages["own workbook"] = refused(foreign)

    def old_version(wb: Any) -> None:
        wb[META_SHEET]["B2"] = "0"

    messages["old version"] = refused(edited(old_version))
    messages["missing column"] = refused(edited(lambda wb: wb[SHEET_TITLE].delete_cols(5)))

    def extra(wb: Any) -> None:
        wb[SHEET_TITLE]["H2"] = "金额"

    def renamed(wb: Any) -> None:
        wb[SHEET_TITLE]["G2"] = "档次"

    def swapped(wb: Any) -> None:
        ws = wb[SHEET_TITLE]
        ws["A2"], ws["B2"] = "证件类型*", "姓名*"

    def moved(wb: Any) -> None:
        wb[SHEET_TITLE].insert_rows(2)

    messages["extra column"] = refused(edited(extra))
    messages["renamed column"] = refused(edited(renamed))
    messages["columns swapped"] = refused(edited(swapped))
    messages["header moved"] = refused(edited(moved))
    messages["no rows"] = refused(blank(tmp_path, "空模板.xlsx", app_db))
    huge = big_file(blank(tmp_path, "base.xlsx", app_db), tmp_path / "huge.xlsx", 100_001)
    messages["too many rows"] = refused(huge)
    # a bad row among good ones: the whole file adds nothing
    messages["unknown person"] = with_errors([GOOD[0], ["路人", "居民身份证", id_number(99),
                                                        "10210", None, 2026, "01"]])  # fmt: skip
    wrong = id_number(99)[:17] + ("1" if id_number(99)[17] != "1" else "2")
    messages["bad check digit"] = with_errors([GOOD[0], ["路人", "居民身份证", wrong, "10210", None,
                                                         2026, "01"]])  # fmt: skip
    messages["name differs"] = with_errors([GOOD[0], ["张叁", *GOOD[1][1:]]])
    messages["not insured"] = with_errors([GOOD[0], ["李四", "01", id_number(2), "10210", None,
                                                     2026, "01"]])  # fmt: skip
    messages["not an agent's resident"] = with_errors([GOOD[0], ["孙八", "01", id_number(8),
                                                                 "10210", None, 2026, "01"]])  # fmt: skip
    messages["grade unknown"] = with_errors([GOOD[0], [*GOOD[3][:6], "12"]])
    messages["grade missing"] = with_errors([GOOD[1], [*GOOD[0][:6], None]])
    messages["year unknown"] = with_errors([GOOD[0], [*GOOD[1][:5], 2019, None]])
    messages["year format"] = with_errors([GOOD[0], [*GOOD[1][:5], "26年", None]])
    messages["category of another item"] = with_errors([GOOD[0], [*GOOD[1][:4], PENSION, 2026,
                                                                  None]])  # fmt: skip
    messages["unknown item"] = with_errors([GOOD[0], [*GOOD[1][:3], "职工养老", None, 2026, None]])
    messages["formula"] = with_errors([GOOD[0], [*GOOD[1][:5], "=2020+6", None]])
    messages["repeated"] = with_errors([GOOD[0], GOOD[1], [*GOOD[0][:6], "第二档"]])

    assert messages["renamed csv"] == files.RENAMED
    assert messages["csv"] == files.CSV_FILE
    assert messages["empty file"] == files.EMPTY_FILE
    assert messages["another template"] == checks.WRONG_KIND.format(other="外部参保城乡居民导入",
                                                                    title=TITLE)  # fmt: skip
    assert messages["own workbook"] == checks.NOT_TEMPLATE.format(title=TITLE)
    assert messages["old version"] == checks.WRONG_VERSION.format(title=TITLE)
    assert messages["missing column"] == checks.MISSING_COLUMNS.format(names="征收品目")
    assert messages["extra column"] == checks.EXTRA_COLUMNS.format(names="金额")
    assert "第7列的表头应为“缴费档次”，文件中为“档次”" in messages["renamed column"]
    assert messages["columns swapped"].startswith("模板中列的顺序被调整了")
    assert messages["header moved"] == checks.HEADER_MOVED.format(expected=2, actual=3)
    assert messages["no rows"] == NO_DATA.format(row=3)
    assert messages["too many rows"] == TOO_MANY_ROWS.format(count=100_001, limit=100_000)
    assert messages["unknown person"] == rules.UNKNOWN_NUMBER
    assert messages["bad check digit"] == "居民身份证号码校验位不正确，请核对后重新输入。"
    assert messages["name differs"] == rules.NAME_DIFFERS.format(given="张叁", actual="张三")
    assert messages["not insured"] == rules.NOT_INSURED_ITEM.format(year=2026,
                                                                    item=ITEM_NAMES["10210"])  # fmt: skip
    assert messages["not an agent's resident"] == rules.UNREGISTERED_EXTERNAL
    assert messages["grade unknown"] == rules.GRADE_UNKNOWN.format(
        grade="12", year=2025, category=CATEGORY_NAMES[PENSION])  # fmt: skip
    assert messages["grade missing"].startswith(
        "请填写缴费档次，2026年城乡居民基本养老保险可选的档次为第一档至第十一档"
    )
    assert messages["year unknown"] == rules.YEAR_UNKNOWN.format(year=2019, years="2025至2026")
    assert messages["year format"] == rules.YEAR_FORMAT.format(year=2026)
    assert messages["category of another item"] == rules.CATEGORY_NOT_OF_ITEM.format(
        category=CATEGORY_NAMES[PENSION], item=ITEM_NAMES["10211"])  # fmt: skip
    assert messages["unknown item"].startswith("征收项目“职工养老”不正确")
    assert messages["formula"] == FORMULA
    assert messages["repeated"] == "；".join(
        DUPLICATE.format(rows=r, year=2026, category=CATEGORY_NAMES[PENSION]) for r in (5, 3)
    )  # both rows of the pair: it is unclear which one is meant
    assert len(set(messages.values())) == len(messages) >= 12
    assert drafts.count() == 0
