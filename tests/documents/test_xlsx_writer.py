"""xlsx_writer: the files it writes, read back by openpyxl and python-calamine, checked as
zip and XML; escaping, text that must stay text, numbers, dates, wide and long sheets."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psutil
import pytest
from lxml import etree
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from client.documents import xlsx_writer
from client.documents.xlsx_writer import (
    AMOUNT,
    DATE,
    HEADER,
    TEXT,
    Column,
    Style,
    XlsxLimitError,
    XlsxWriter,
    column_letter,
)


def write(path: Path, rows: list[list[Any]], columns: list[Column] | None = None) -> Path:
    with XlsxWriter(path) as book:
        sheet = book.add_sheet("数据", columns or [], freeze_rows=1)
        sheet.write_rows(rows)
    return path


def calamine_rows(path: Path, sheet: int = 0) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(sheet).to_python()


def check_package(path: Path) -> zipfile.ZipFile:
    """A valid zip whose every part is well-formed XML, each listed in the content types."""
    archive = zipfile.ZipFile(path)
    assert archive.testzip() is None
    for name in archive.namelist():
        etree.fromstring(archive.read(name))
    types = etree.fromstring(archive.read("[Content_Types].xml"))
    listed = {e.get("PartName") for e in types if e.get("PartName")}
    for name in archive.namelist():
        if not name.endswith(".rels") and name != "[Content_Types].xml":
            assert "/" + name in listed
    return archive


def test_round_trip_through_openpyxl_and_calamine(tmp_path: Path) -> None:
    path = tmp_path / "表.xlsx"
    columns = [Column(12), Column(22.5, TEXT, as_text=True), Column(14, AMOUNT), Column(11, DATE)]
    with XlsxWriter(path) as book:
        sheet = book.add_sheet("职工参保信息", columns, freeze_rows=1, autofilter=True)
        sheet.write_row(["姓名", "证件号码", "缴费基数", "参保日期"], styles=[HEADER] * 4)
        sheet.write_rows(
            [
                ["张三", "440300199001011234", Decimal("10033.33"), date(2019, 11, 1)],
                ["李四", 440300199001011235, 7002.2, datetime(2020, 1, 2, 3, 4, 5)],
                ["王五", "007", 12, None],
            ]
        )
    check_package(path)
    ws = load_workbook(path).active
    assert ws.title == "职工参保信息"
    assert [c.value for c in ws[1]] == ["姓名", "证件号码", "缴费基数", "参保日期"]
    assert all(c.font.b for c in ws[1]) and not ws["A2"].font.b
    assert ws["A1"].alignment.horizontal == "center"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D4"
    assert ws.column_dimensions["A"].width == 12 and ws.column_dimensions["B"].width == 22.5
    assert [c.value for c in ws[2]] == [
        "张三",
        "440300199001011234",
        10033.33,
        datetime(2019, 11, 1),
    ]
    assert ws["B3"].value == "440300199001011235" and ws["B3"].data_type == "s"
    assert ws["B2"].number_format == "@" and ws["B4"].value == "007"
    assert ws["C2"].data_type == "n" and ws["C2"].number_format == "#,##0.00"
    assert ws["C4"].value == 12 and ws["C4"].number_format == "#,##0.00"
    assert ws["D2"].number_format == "yyyy-mm-dd" and ws["D2"].is_date
    assert ws["D3"].value == datetime(2020, 1, 2, 3, 4, 5)
    assert ws["D3"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["D4"].value is None
    assert calamine_rows(path) == [
        ["姓名", "证件号码", "缴费基数", "参保日期"],
        ["张三", "440300199001011234", 10033.33, date(2019, 11, 1)],
        ["李四", "440300199001011235", 7002.2, datetime(2020, 1, 2, 3, 4, 5)],
        ["王五", "007", 12.0, ""],
    ]


def test_escaping_and_characters_xml_forbids(tmp_path: Path) -> None:
    texts = [
        "a&b<c>d\"e'f",
        "]]> &amp; <![CDATA[x]]>",
        "ctl\x00\x01\x08\x0b\x0c\x0e\x1f\x7fend",
        "tab\tnew\nline\rcr",
        "  leading and trailing  ",
        "\n",
        "lone \ud800 surrogate \udfff and \ufffe\uffff",
        "emoji 😀 and 中文",
    ]
    path = write(tmp_path / "esc.xlsx", [[t] for t in texts])
    check_package(path)
    expected = [
        "a&b<c>d\"e'f",
        "]]> &amp; <![CDATA[x]]>",
        "ctl\x7fend",  # DEL is allowed by XML 1.0
        "tab\tnew\nline\rcr",
        "  leading and trailing  ",
        "\n",
        "lone  surrogate  and ",
        "emoji 😀 and 中文",
    ]
    ws = load_workbook(path).active
    assert [ws.cell(row=i, column=1).value for i in range(1, len(texts) + 1)] == expected
    assert [r[0] for r in calamine_rows(path)] == expected


def test_text_of_only_forbidden_characters_is_no_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.xlsx", [["\x01\x02", "x"], ["", None]])
    ws = load_workbook(path).active
    assert [[c.value for c in r] for r in ws.iter_rows()] == [[None, "x"]]


def test_excel_escape_codes_in_text_are_kept_literally(tmp_path: Path) -> None:
    # Excel decodes "_x0041_" in cell text as "A"; the writer protects such text.
    path = write(tmp_path / "codes.xlsx", [["_x0041_", "a_x000D_b", "plain_x_text"]])
    assert calamine_rows(path) == [["_x0041_", "a_x000D_b", "plain_x_text"]]
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "_x005F_x0041_" in sheet and "plain_x_text" in sheet


def test_numbers_booleans_and_values_excel_cannot_hold(tmp_path: Path) -> None:
    row = [
        1,
        -2.5,
        Decimal("1234.50"),
        Decimal("1E+3"),
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        10**15,
        True,
        False,
        999_999_999_999_999,
    ]
    path = write(tmp_path / "n.xlsx", [row])
    ws = load_workbook(path).active
    values = [c.value for c in ws[1]]
    assert values[:4] == [1, -2.5, 1234.5, 1000]
    assert values[4:7] == [None, None, None]
    assert values[7] == "1000000000000000" and ws["H1"].data_type == "s"
    assert values[8:10] == [True, False] and ws["I1"].data_type == "b"
    assert values[10] == 999_999_999_999_999
    cal = calamine_rows(path)[0]
    assert cal[:4] == [1.0, -2.5, 1234.5, 1000.0] and cal[8:10] == [True, False]


def test_dates_and_times_are_serials_with_a_date_format(tmp_path: Path) -> None:
    row = [
        date(1900, 1, 1),
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2024, 2, 29),
        datetime(2024, 5, 6, 7, 8, 9),
        datetime(2024, 5, 6, 12, tzinfo=UTC),
        date(1899, 12, 31),
        time(13, 30),
        timedelta(hours=30),
    ]
    path = write(tmp_path / "d.xlsx", [row])
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>1</v>" in sheet and "<v>59</v>" in sheet and "<v>61</v>" in sheet
    ws = load_workbook(path).active
    values = [c.value for c in ws[1]]
    assert values[:6] == [
        datetime(1900, 1, 1),
        datetime(1900, 2, 28),
        datetime(1900, 3, 1),
        datetime(2024, 2, 29),
        datetime(2024, 5, 6, 7, 8, 9),
        datetime(2024, 5, 6, 12),
    ]
    assert values[6] == "1899-12-31"  # before Excel's first day: text
    assert values[7] == time(13, 30) and values[8] == timedelta(hours=30)
    assert ws["A1"].number_format == "yyyy-mm-dd"
    assert calamine_rows(path)[0][:5] == [
        date(1900, 1, 1),
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2024, 2, 29),
        datetime(2024, 5, 6, 7, 8, 9),
    ]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_wide_sheets_beyond_z_and_zz(tmp_path: Path) -> None:
    width = 800
    path = write(
        tmp_path / "wide.xlsx",
        [[f"h{i}" for i in range(width)], list(range(width))],
        [Column(9) for _ in range(30)],
    )
    check_package(path)
    ws = load_workbook(path).active
    assert ws["Z2"].value == 25 and ws["AA2"].value == 26 and ws["ZZ2"].value == 701
    assert ws["AAA1"].value == "h702" and ws["AAA2"].value == 702
    assert ws["ADT2"].value == width - 1 and ws.max_column == width
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="AAA2"><v>702</v></c>' in sheet
    assert calamine_rows(path)[1] == [float(i) for i in range(width)]


def test_header_only_and_empty_workbooks(tmp_path: Path) -> None:
    path = write(tmp_path / "header.xlsx", [["姓名", "证件号码"]])
    check_package(path)
    assert [list(r) for r in load_workbook(path).active.values] == [["姓名", "证件号码"]]
    assert calamine_rows(path) == [["姓名", "证件号码"]]

    empty = tmp_path / "empty.xlsx"
    XlsxWriter(empty).close()
    check_package(empty)
    assert load_workbook(empty).active.max_row == 1  # openpyxl's empty sheet
    assert calamine_rows(empty) == []


def test_sheets_styles_merges_and_hidden_sheets(tmp_path: Path) -> None:
    path = tmp_path / "multi.xlsx"
    with XlsxWriter(path) as book:
        red = book.add_style(Style(font_color="9C0006", fill_color="FFFFC7CE"))
        notes = book.add_style(Style(vertical="top", wrap=True, font_color="FF595959"))
        first = book.add_sheet("人员", [Column(10, TEXT), Column(10)], freeze_rows=2)
        first.merge("A1:B1")
        first.write_row(["第一行说明\n第二行"], [notes], height=45)
        first.write_row(["a", "b"], [HEADER, HEADER])
        first.write_row([None, "x"], [red, None])  # an empty cell with a style of its own
        book.add_sheet("_template", hidden="veryHidden").write_rows([["kind", "test"]])
        book.add_sheet("Sheet 'three' x").write_rows([["c"]])
    check_package(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["人员", "_template", "Sheet 'three' x"]
    ws = wb["人员"]
    assert wb["_template"].sheet_state == "veryHidden" and wb.active.title == "人员"
    assert ws.freeze_panes == "A3" and "A1:B1" in ws.merged_cells
    assert ws.row_dimensions[1].height == 45 and ws["A1"].alignment.wrap_text
    assert ws["A1"].font.color.rgb == "FF595959"
    assert ws["A3"].value is None and ws["A3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["A3"].font.color.rgb == "FF9C0006"
    assert ws["B3"].fill.fgColor.rgb == "00000000"
    assert ws.column_dimensions["A"].number_format == "@"  # typing later keeps text
    assert calamine_rows(path, 1) == [["kind", "test"]]


def test_bad_sheet_names_are_refused(tmp_path: Path) -> None:
    book = XlsxWriter(io.BytesIO())
    for name in ["", "a" * 32, "a/b", "a\\b", "a[b]", "a:b", "a*b", "a?b", "'ab", "ab'", "History"]:
        with pytest.raises(XlsxLimitError) as caught:
            book.add_sheet(name)
        assert "工作表名称" in caught.value.message
    book.add_sheet("a" * 31)
    book.add_sheet("数据")
    with pytest.raises(XlsxLimitError):
        book.add_sheet("数据")
    book.close()


def test_too_many_rows_and_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_writer, "MAX_ROWS", 3)
    book = XlsxWriter(io.BytesIO())
    sheet = book.add_sheet("s")
    assert sheet.write_rows([[1], [2], [3]]) == 3
    with pytest.raises(XlsxLimitError) as caught:
        sheet.write_rows([[4]])
    assert "最大行数" in caught.value.message
    book.abort()
    with pytest.raises(XlsxLimitError) as caught, XlsxWriter(io.BytesIO()) as wide:
        wide.add_sheet("s").write_rows([[0] * 16_385])
    assert "最大列数" in caught.value.message


def test_abort_closes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "partial.xlsx"
    book = XlsxWriter(path)
    book.add_sheet("s").write_rows([["a"]] * 10)
    book.abort()
    path.unlink()  # nothing holds it open
    with pytest.raises(RuntimeError), XlsxWriter(tmp_path / "x.xlsx") as failing:
        failing.add_sheet("s").write_rows([["a"]])
        raise RuntimeError
    assert failing._closed


def many_rows(count: int) -> Iterator[list[Any]]:
    for i in range(count):
        yield [
            f"职工{i}",
            f"44030019900101{i % 10000:04d}",
            Decimal(i) / 100,
            4000.5 + i,
            date(2024, 1, 1),
            i,
            "2019-11",
        ]


def test_a_hundred_thousand_rows_in_flat_memory(tmp_path: Path) -> None:
    """Peak RSS growth while writing, sampled from a thread (tracemalloc would make the
    write several times slower); the sheet's XML alone is over 30 MB."""
    path = tmp_path / "big.xlsx"
    process = psutil.Process()
    base = process.memory_info().rss
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with XlsxWriter(path) as book:
            sheet = book.add_sheet("big", [Column(12), Column(20, TEXT, as_text=True)], 1)
            sheet.write_row(["姓名", "证件号码", "金额", "工资", "日期", "序号", "月份"])
            assert sheet.write_rows(many_rows(100_000)) == 100_000
    finally:
        done.set()
        sampler.join()
    assert peak - base < 40 * 1024 * 1024, f"RSS grew {(peak - base) / 1e6:.1f} MB"
    archive = check_package(path)
    assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 30_000_000
    rows = calamine_rows(path)
    assert len(rows) == 100_001
    assert rows[-1] == ["职工99999", "440300199001019999", 999.99, 103999.5, date(2024, 1, 1),
                        99999.0, "2019-11"]  # fmt: skip
