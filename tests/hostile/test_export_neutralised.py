"""Issue 15: exports neutralise text that Excel would take for a formula. A name such as
`=HYPERLINK(…)` or `=cmd|' /C calc'!A0`, synced from the backend or typed into an import,
comes back out as text in every writer — the streaming table export, the error workbook
and the openpyxl-written templates — with Excel's quotePrefix, its value unchanged. Each
file is read back with openpyxl (never a formula) and python-calamine (the same text)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from client.documents.cell_guard import FORMULA_TEXT
from client.documents.cells import text
from client.documents.imports import ImportRefused, read_import, write_error_workbook
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.documents.xlsx import TEXT, write_table
from client.documents.xlsx_writer import Style, XlsxWriter, looks_like_formula

RISKY = [
    '=HYPERLINK("http://evil.example/x","点我")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = ["张三", "a=b", "100", "E1234567"]


def calamine_rows(path: Path, sheet: str) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(sheet).to_python()
    finally:
        book.close()


def no_cr(rows: list[list[str]]) -> list[list[str]]:
    """python-calamine drops a carriage return (&#13;) that openpyxl reads back."""
    return [[v.replace("\r", "") if isinstance(v, str) else v for v in row] for row in rows]


def test_the_rule() -> None:
    assert all(looks_like_formula(v) for v in RISKY)
    assert not any(looks_like_formula(v) for v in PLAIN + [""])


def test_table_export_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "导出.xlsx"
    values = RISKY + PLAIN
    rows = [[v, v, i] for i, v in enumerate(values)]
    assert write_table(path, "名单", ["姓名", "证件号码", "序号"], rows, column_formats=[None, TEXT]) == len(rows)  # fmt: skip
    sheet = load_workbook(path)["名单"]
    for r, value in enumerate(values, start=2):
        for c in (1, 2):
            cell = sheet.cell(row=r, column=c)
            assert cell.data_type != "f" and cell.value == value, (r, c, cell.value)
            assert cell.quotePrefix is looks_like_formula(value), (r, c)
        assert sheet.cell(row=r, column=2).number_format == "@"  # the column's own format kept
    assert no_cr([row[:2] for row in calamine_rows(path, "名单")[1:]]) == no_cr(
        [[v, v] for v in values]
    )


def test_own_styles_and_the_general_path_are_quoted_too(tmp_path: Path) -> None:
    path = tmp_path / "样式.xlsx"
    with XlsxWriter(path) as book:
        red = book.add_style(Style(font_color="FF9C0006", fill_color="FFFFC7CE"))
        sheet = book.add_sheet("表")
        sheet.write_row(["=1+1", "普通", "=cmd|' /C calc'!A0"], [red, red, None])
        sheet.write_rows([["@x", 5, None]])
    ws = load_workbook(path)["表"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in ws[1]] == [
        ("=1+1", "s", True), ("普通", "s", False), ("=cmd|' /C calc'!A0", "s", True)]  # fmt: skip
    assert ws["A1"].fill.fgColor.rgb == "FFFFC7CE"  # quoted, still red
    assert (ws["A2"].value, ws["A2"].quotePrefix, ws["B2"].value) == ("@x", True, 5)


SPEC = TemplateSpec(
    kind="hostile.test",
    version=1,
    title="测试",
    sheet_title="名单",
    columns=(
        TemplateColumn("name", "姓名", required=True, parse=text(2000), number_format=None),
        TemplateColumn("remark", "备注", parse=text(2000)),
    ),
)


def test_prefilled_templates_written_by_openpyxl_hold_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(SPEC, path, [[v, v] for v in RISKY + PLAIN])
    sheet = load_workbook(path)["名单"]
    for r, value in enumerate(RISKY + PLAIN, start=2):
        for c in (1, 2):
            cell = sheet.cell(row=r, column=c)
            assert cell.data_type != "f" and cell.value == value, (r, c, cell.value)
            assert bool(cell.quotePrefix) is looks_like_formula(value), (r, c)
    assert no_cr([row[:2] for row in calamine_rows(path, "名单")[1:]]) == no_cr(
        [[v, v] for v in RISKY + PLAIN]
    )


def test_the_error_workbook_writes_the_payload_back_as_text(tmp_path: Path) -> None:
    path = tmp_path / "导入.xlsx"
    write_template(SPEC, path, [["张三", "=cmd|' /C calc'!A0"], ['=HYPERLINK("x")', "备注"]])
    result = read_import(SPEC, path)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "备注", FORMULA_TEXT.format(start="=")),
        (3, "姓名", FORMULA_TEXT.format(start="=")),
    ]
    errors = tmp_path / "错误.xlsx"
    assert write_error_workbook(result, errors) == 2
    sheet = load_workbook(errors)["名单"]
    assert (sheet["B2"].value, sheet["B2"].data_type, sheet["B2"].quotePrefix) == (
        "=cmd|' /C calc'!A0", "s", True)  # fmt: skip
    assert (sheet["A3"].value, sheet["A3"].data_type, sheet["A3"].quotePrefix) == (
        '=HYPERLINK("x")', "s", True)  # fmt: skip
    again = read_import(SPEC, errors)  # corrected nothing: the same reasons, nothing valid
    assert [(e.row, e.reason) for e in again.errors] == [(e.row, e.reason) for e in result.errors]
    assert again.valid_count == 0


def test_a_template_of_nothing_but_formulas_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from client.documents.row_checks import ONLY_FORMULAS
    from client.documents.templates import META_SHEET, template_meta

    book = Workbook()
    ws = book.active
    ws.title = "名单"
    ws.append(["姓名*", "备注"])
    ws.append(["=1+1", None])
    meta = book.create_sheet(META_SHEET)
    for key, value in template_meta(SPEC).items():
        meta.append([key, value])
    path = tmp_path / "公式.xlsx"
    book.save(path)
    try:
        read_import(SPEC, path)
    except ImportRefused as exc:
        assert exc.message == ONLY_FORMULAS
    else:
        raise AssertionError("not refused")
