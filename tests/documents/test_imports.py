"""The import framework: a template round trip, a corpus of bad files each refused with its
own message, row errors, the error workbook, cancel, and 100,000 rows."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from client.documents import imports, workbook_checks
from client.documents.cells import choice, date_value, decimal, integer, month_value, text
from client.documents.imports import ImportRefused, read_import, write_error_workbook
from client.documents.templates import META_SHEET, TemplateColumn, TemplateSpec, write_template
from client.errors import user_message
from client.jobs import CancelToken, JobCancelled, JobContext

SPEC = TemplateSpec(
    kind="test.people",
    version=2,
    title="测试人员",
    sheet_title="人员",
    columns=(
        TemplateColumn("name", "姓名", required=True, parse=text(10)),
        TemplateColumn("id_number", "证件号码", required=True, parse=text(40, upper=True)),
        TemplateColumn("kind", "人员类别", parse=choice({"1": "在职", "2": "退休"}, "人员类别")),
        TemplateColumn("count", "人数", parse=integer(0, 100), number_format=None),
        TemplateColumn("amount", "缴费工资", parse=decimal(2, 0), number_format=None),
        TemplateColumn("born", "出生日期", parse=date_value(), number_format=None),
        TemplateColumn("month", "所属期", parse=month_value()),
    ),
    unique_key=("id_number",),
    notes="填写说明：姓名和证件号码必填。",
)
HEADERS = ["姓名*", "证件号码*", "人员类别", "人数", "缴费工资", "出生日期", "所属期"]
GOOD = ["张三", "11010519491231002x", "在职", 3, 5000.5, date(1990, 1, 2), "2024-01"]


def filled(tmp_path: Path, rows: list[list[Any]], name: str = "filled.xlsx") -> Path:
    """The client's template filled in with openpyxl, as a user would in Excel."""
    path = tmp_path / name
    write_template(SPEC, path)
    wb = load_workbook(path)
    ws = wb[SPEC.sheet_title]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def edited(
    tmp_path: Path, change: Callable[[Any], None], rows: list[list[Any]] | None = None
) -> Path:
    path = filled(tmp_path, rows if rows is not None else [GOOD])
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def refused(path: Path, spec: TemplateSpec = SPEC) -> str:
    with pytest.raises(ImportRefused) as info:
        read_import(spec, path)
    assert user_message(info.value) == info.value.message
    return info.value.message


# -- the good path ---------------------------------------------------------------------
def test_template_shape(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(SPEC, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["人员", META_SHEET]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    ws = wb["人员"]
    assert ws["A1"].value == SPEC.notes
    assert [c.value for c in ws[2]] == HEADERS
    assert ws["A2"].font.b and ws["A2"].font.color.rgb == "FFC00000"  # required: red, bold
    assert ws.column_dimensions["B"].number_format == "@"
    assert ws.freeze_panes == "A3"


def test_round_trip(tmp_path: Path) -> None:
    path = filled(
        tmp_path,
        [
            GOOD,
            ["李四", "110105194912310021", "2", "7", "1,234.50", "2001/2/3", date(2024, 3, 1)],
            [None, None, None, None, None, None, None],  # blank rows are skipped
            ["  ", " ", None, None, None, None, None],
            ["王五", "X1", None, None, None, "19990101", "202402"],
        ],
    )
    result = read_import(SPEC, path)
    assert result.summary == "共3行，有效3行，错误0行"
    assert result.errors == []
    first, second, third = result.valid
    assert first.row == 3
    assert first.values == {
        "name": "张三",
        "id_number": "11010519491231002X",
        "kind": "1",
        "count": 3,
        "amount": Decimal("5000.5"),
        "born": date(1990, 1, 2),
        "month": "2024-01",
    }
    assert second.values["amount"] == Decimal("1234.50")
    assert second.values["born"] == date(2001, 2, 3)
    assert second.values["month"] == "2024-03"
    assert (third.row, third.values["born"], third.values["month"]) == (
        7,
        date(1999, 1, 1),
        "2024-02",
    )
    assert third.values["kind"] is None and third.values["count"] is None


def test_row_errors_with_columns_and_reasons(tmp_path: Path) -> None:
    path = filled(
        tmp_path,
        [
            ["张三", None, "临时", "三个", "12.345", "明天", "2024-13"],
            ["名字太长了超过十个字的人", 110105194912310021, None, 101, -1, None, None],
            ["李四", "A1", None, 1.5, "abc", None, None],
        ],
    )
    result = read_import(SPEC, path)
    assert (result.total, result.valid_count, result.error_count) == (3, 0, 3)
    by_cell = {(e.row, e.column): e.reason for e in result.errors}
    assert by_cell[(3, "证件号码")] == imports.REQUIRED
    assert "人员类别“临时”不正确" in by_cell[(3, "人员类别")]
    assert "应填写整数" in by_cell[(3, "人数")]
    assert "最多保留2位小数" in by_cell[(3, "缴费工资")]
    assert "应填写日期" in by_cell[(3, "出生日期")]
    assert "应填写年月" in by_cell[(3, "所属期")]
    assert "不能超过10个字" in by_cell[(4, "姓名")]
    assert "15位" in by_cell[(4, "证件号码")]  # an identity number Excel stored as a number
    assert "不能大于100" in by_cell[(4, "人数")]
    assert "不能小于0" in by_cell[(4, "缴费工资")]
    assert "应填写整数" in by_cell[(5, "人数")]
    assert "应填写数字" in by_cell[(5, "缴费工资")]
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_duplicates_mark_every_row_of_the_set(tmp_path: Path) -> None:
    rows: list[list[Any]] = [GOOD, ["李四", "B2"], ["王五", "11010519491231002X"], ["赵六", "b2"]]
    result = read_import(SPEC, filled(tmp_path, rows))
    assert result.valid == []
    reasons = {e.row: e.reason for e in result.errors}
    assert reasons[3] == "与第5行重复（证件号码相同）。"
    assert reasons[5] == "与第3行重复（证件号码相同）。"
    assert reasons[4] == "与第6行重复（证件号码相同）。"


def test_caller_check_and_derived_values(tmp_path: Path) -> None:
    def check(values: dict[str, Any]) -> list[tuple[str | None, str]]:
        if values["name"] == "李四":
            return [("name", "本单位没有该职工。"), (None, "整行有误。")]
        values["record_id"] = 42
        return []

    result = read_import(SPEC, filled(tmp_path, [GOOD, ["李四", "B"]]), check=check)
    assert [r.values["record_id"] for r in result.valid] == [42]
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "姓名", "本单位没有该职工。"),
        (4, "", "整行有误。"),
    ]


def test_formulas_are_row_errors(tmp_path: Path) -> None:
    rows: list[list[Any]] = [GOOD, ["李四", "B1", None, "=1+2"], ['="王"&"五"', "B2"]]
    result = read_import(SPEC, filled(tmp_path, rows))
    assert result.valid_count == 1
    # Only the formula is reported, not what its (missing) cached value would break.
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "人数", imports.FORMULA),
        (5, "姓名", imports.FORMULA),
    ]


def test_merged_cells_are_errors_of_every_covered_row(tmp_path: Path) -> None:
    def merge(wb: Any) -> None:
        wb["人员"].merge_cells("A4:A6")

    rows: list[list[Any]] = [GOOD, ["合并", "B1"], [None, "B2"], [None, None]]
    result = read_import(SPEC, edited(tmp_path, merge, rows))
    assert [r.row for r in result.valid] == [3]
    # Only the merge is reported: the empty cells under it follow from it.
    assert [(e.row, e.column) for e in result.errors] == [
        (4, "姓名"),
        (5, "姓名"),
        (6, "姓名"),
    ]
    assert "A4:A6" in result.errors[0].reason


def test_error_workbook_marks_cells_and_can_be_imported_again(tmp_path: Path) -> None:
    path = filled(tmp_path, [GOOD, ["李四", None, "临时"], ["王五", "C3", None, "x"]])
    result = read_import(SPEC, path)
    out = tmp_path / "错误.xlsx"
    assert write_error_workbook(result, out) == 2
    wb = load_workbook(out)
    ws = wb["人员"]
    assert [c.value for c in ws[2]] == [*HEADERS, "错误原因"]
    assert ws["A3"].value == "李四" and ws["A3"].fill.fgColor.rgb == "00000000"
    assert ws["B3"].fill.fgColor.rgb == "FFFFC7CE" and ws["C3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["H3"].value.startswith("证件号码：必填，不能为空；人员类别：")
    assert ws["D4"].value == "x" and ws["D4"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws.max_row == 4
    # Corrected, the error workbook is the template again (its 错误原因 column ignored).
    ws["B3"], ws["C3"], ws["D4"] = "B2", "退休", 4
    wb.save(out)
    again = read_import(SPEC, out)
    assert again.summary == "共2行，有效2行，错误0行"


# -- files refused whole, each with its own message ------------------------------------
def test_refused_files_corpus(tmp_path: Path) -> None:
    messages: dict[str, str] = {}

    other = TemplateSpec("test.other", 1, "其他模板", "人员", SPEC.columns, notes=SPEC.notes)
    write_template(other, tmp_path / "other.xlsx")
    messages["wrong kind"] = refused(tmp_path / "other.xlsx")

    old = TemplateSpec("test.people", 1, "测试人员", "人员", SPEC.columns, notes=SPEC.notes)
    write_template(old, tmp_path / "old.xlsx")
    messages["old version"] = refused(tmp_path / "old.xlsx")

    plain = Workbook()
    plain.active.append(HEADERS)
    plain.active.append(GOOD)
    plain.save(tmp_path / "plain.xlsx")
    messages["not ours"] = refused(tmp_path / "plain.xlsx")

    Workbook().save(tmp_path / "empty.xlsx")
    messages["empty workbook"] = refused(tmp_path / "empty.xlsx")

    write_template(SPEC, tmp_path / "header_only.xlsx")
    messages["header only"] = refused(tmp_path / "header_only.xlsx")

    def clear(wb: Any) -> None:
        wb["人员"].delete_rows(1, 10)

    messages["emptied sheet"] = refused(edited(tmp_path, clear, []))

    def rename_sheet(wb: Any) -> None:
        wb["人员"].title = "Sheet1"

    messages["renamed sheet"] = refused(edited(tmp_path, rename_sheet))

    def drop_column(wb: Any) -> None:
        wb["人员"].delete_cols(3)

    messages["missing column"] = refused(edited(tmp_path, drop_column))

    def rename_column(wb: Any) -> None:
        wb["人员"]["D2"] = "数量"

    messages["renamed column"] = refused(edited(tmp_path, rename_column))

    def add_column(wb: Any) -> None:
        wb["人员"]["H2"] = "备注"

    messages["extra column"] = refused(edited(tmp_path, add_column))

    def swap_columns(wb: Any) -> None:
        ws = wb["人员"]
        ws["A2"], ws["B2"] = "证件号码*", "姓名*"

    messages["moved column"] = refused(edited(tmp_path, swap_columns))

    def insert_row(wb: Any) -> None:
        wb["人员"].insert_rows(1)

    messages["row above header"] = refused(edited(tmp_path, insert_row))

    def merge_header(wb: Any) -> None:
        wb["人员"].merge_cells("A2:B2")

    messages["merged header"] = refused(edited(tmp_path, merge_header))

    (tmp_path / "text.xlsx").write_text("姓名,证件号码\n张三,1\n", encoding="utf-8")
    messages["text renamed .xlsx"] = refused(tmp_path / "text.xlsx")
    (tmp_path / "people.csv").write_text("姓名,证件号码\n张三,1\n", encoding="utf-8")
    messages["csv"] = refused(tmp_path / "people.csv")
    (tmp_path / "old.xls").write_bytes(workbook_checks.OLE_MAGIC + b"\0" * 600)
    messages["xls"] = refused(tmp_path / "old.xls")
    (tmp_path / "locked.xlsx").write_bytes(
        workbook_checks.OLE_MAGIC + b"\0" * 64 + workbook_checks.ENCRYPTED_STREAM
    )
    messages["password"] = refused(tmp_path / "locked.xlsx")
    with zipfile.ZipFile(tmp_path / "doc.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    messages["zip renamed .xlsx"] = refused(tmp_path / "doc.xlsx")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    messages["txt"] = refused(tmp_path / "notes.txt")
    good = filled(tmp_path, [GOOD])
    (tmp_path / "cut.xlsx").write_bytes(good.read_bytes()[:2000])
    messages["truncated"] = refused(tmp_path / "cut.xlsx")
    (tmp_path / "zero.xlsx").write_bytes(b"")
    messages["zero bytes"] = refused(tmp_path / "zero.xlsx")
    messages["missing"] = refused(tmp_path / "nowhere.xlsx")

    expected = {
        "wrong kind": "所选文件是《其他模板》模板，不是《测试人员》模板",
        "old version": "其他版本的《测试人员》模板",
        "not ours": "所选文件不是《测试人员》模板",
        "empty workbook": "没有任何内容",
        "header only": "没有填写数据，请从第3行开始填写",
        "emptied sheet": "工作表“人员”是空的",
        "renamed sheet": "找不到工作表“人员”",
        "missing column": "模板缺少列：人员类别",
        "renamed column": "第4列的表头应为“人数”，文件中为“数量”",
        "extra column": "模板中多了列：备注",
        "moved column": "列的顺序被调整了",
        "row above header": "表头应在第2行，文件中在第3行",
        "merged header": "表头中有合并单元格（A2:B2）",
        "text renamed .xlsx": "扩展名是.xlsx，但内容不是Excel工作簿",
        "csv": "CSV文本文件",
        "xls": "旧版Excel格式（.xls）",
        "password": "设置了打开密码",
        "zip renamed .xlsx": "扩展名是.xlsx，但内容不是Excel工作簿",
        "txt": "不是Excel工作簿（.xlsx）",
        "truncated": "已损坏",
        "zero bytes": "空文件",
        "missing": "找不到所选文件",
    }
    for case, words in expected.items():
        assert words in messages[case], (case, messages[case])
    # Each kind of fault has a message of its own (the renamed zip and text share one).
    assert len(set(messages.values())) == len(messages) - 1


# -- progress, cancel, size ------------------------------------------------------------
def big_template(tmp_path: Path, rows: int, bad_every: int = 0) -> Path:
    """The template with `rows` rows, its sheet XML written directly (openpyxl would need
    ten seconds for what the test wants to read)."""
    base = tmp_path / "base.xlsx"
    write_template(SPEC, base)
    parts: list[str] = []
    for i in range(rows):
        r = i + 3
        name = "" if bad_every and i % bad_every == 0 else f"职工{i}"
        parts.append(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{name}</t></is></c>'
            f'<c r="B{r}" t="inlineStr"><is><t>{110105190000000000 + i}</t></is></c>'
            f'<c r="C{r}" t="inlineStr"><is><t>在职</t></is></c>'
            f'<c r="D{r}"><v>{i % 100}</v></c><c r="E{r}"><v>{i}.5</v></c>'
            f'<c r="G{r}" t="inlineStr"><is><t>2024-01</t></is></c></row>'
        )
    target = tmp_path / "big.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text_ = data.decode()
                text_ = re.sub(r"<dimension[^>]*/>", "", text_)
                text_ = text_.replace("</sheetData>", "".join(parts) + "</sheetData>")
                data = text_.encode()
            dst.writestr(item, data)
    return target


def test_progress_and_cancel(tmp_path: Path) -> None:
    path = big_template(tmp_path, 5000)
    seen: list[Any] = []
    result = read_import(SPEC, path, JobContext(seen.append))
    assert result.valid_count == 5000
    assert seen[-1].phase == imports.CHECK_PHASE and seen[-1].done == seen[-1].total
    assert any(0 < p.done < p.total for p in seen if p.total)

    token = CancelToken()

    def cancel_midway(p: Any) -> None:
        if p.done >= 2000:
            token.cancel()

    with pytest.raises(JobCancelled):
        read_import(SPEC, path, JobContext(cancel_midway, token))


def test_hundred_thousand_rows_near_bare_calamine_speed(tmp_path: Path) -> None:
    path = big_template(tmp_path, 100_000, bad_every=1000)
    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    bare_rows = sum(1 for _ in book.get_sheet_by_name(SPEC.sheet_title).iter_rows())
    book.close()
    bare = time.perf_counter() - start

    start = time.perf_counter()
    result = read_import(SPEC, path)
    full = time.perf_counter() - start

    assert bare_rows == 100_002
    assert (result.total, result.valid_count, result.error_count) == (100_000, 99_900, 100)
    assert result.errors[0].row == 3 and result.errors[0].column == "姓名"
    print(f"\n100,000 rows: calamine {bare:.2f} s, read_import {full:.2f} s ({full / bare:.1f}x)")
    assert full < 6 * bare + 1.0
