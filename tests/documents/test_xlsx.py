"""write_table: round trip through openpyxl and calamine, text identity numbers, numeric
amounts, cancel, limits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet._writer import ALL_TEMP_FILES
from python_calamine import CalamineWorkbook

from client.documents import xlsx, xlsx_writer
from client.documents.xlsx import AMOUNT, NUMBER, TEXT, ExportError, write_table
from client.errors import user_message
from client.jobs import CancelToken, JobCancelled, JobContext, Progress

HEADERS = ["姓名", "证件号码", "缴费基数（元）", "人数", "开始缴费月份"]
FORMATS = [None, TEXT, AMOUNT, NUMBER, None]


def make_rows(n: int) -> list[list[Any]]:
    return [
        [f"职工{i}", f"4403001990010{i % 100_000:05d}", Decimal("1234.5") + i, i, "2019-11"]
        for i in range(n)
    ]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_round_trip_keeps_text_and_numbers(tmp_path: Path) -> None:
    target = tmp_path / "职工.xlsx"
    rows = [
        ["张三", "440300199001011234", Decimal("10033.33"), 2, "2019-11"],
        ["李四", "44030019900101123X", "7,002.2", 0, None],
        ["王五", 440300199001011235, None, "", "长期"],
    ]
    written = write_table(target, "职工参保信息", HEADERS, rows, column_formats=FORMATS)
    assert written == 3
    ws = load_workbook(target).active
    assert ws.title == "职工参保信息"
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    assert ws["A1"].font.bold
    assert values[1] == ("张三", "440300199001011234", 10033.33, 2, "2019-11")
    assert values[2] == ("李四", "44030019900101123X", 7002.2, 0, None)
    # an identity number given as an int still lands as text, never 4.403E+17
    assert values[3][1] == "440300199001011235"
    assert ws["B4"].data_type == "s"
    assert ws["C2"].data_type == "n" and ws["C2"].number_format == "#,##0.00"
    assert ws["C4"].value is None
    assert ws.column_dimensions["B"].width >= 18  # wide enough for an identity number
    assert leftovers(tmp_path) == ["职工.xlsx"]


def test_progress_every_thousand_rows(tmp_path: Path) -> None:
    seen: list[Progress] = []
    ctx = JobContext(seen.append)
    write_table(tmp_path / "big.xlsx", "big", HEADERS, iter(make_rows(3500)), ctx, 3500, FORMATS)
    done = [p.done for p in seen]
    assert done[0] == 0 and done[-1] == 3500
    assert {1000, 2000, 3000} <= set(done)
    assert all(p.total == 3500 for p in seen)
    wb = load_workbook(tmp_path / "big.xlsx", read_only=True)
    assert sum(1 for _ in wb.active.iter_rows(values_only=True)) == 3501
    wb.close()


def test_cancel_removes_the_partial_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "导出.xlsx"
    target.write_bytes(b"previous export")
    token = CancelToken()

    def on_progress(p: Progress) -> None:
        if p.done >= 1000:
            token.cancel()

    ctx = JobContext(on_progress, token)
    scratch_before = list(ALL_TEMP_FILES)
    with pytest.raises(JobCancelled):
        write_table(target, "导出", HEADERS, iter(make_rows(5000)), ctx, 5000, FORMATS)
    assert list(ALL_TEMP_FILES) == scratch_before  # openpyxl's own scratch file is gone too
    assert target.read_bytes() == b"previous export"
    assert leftovers(tmp_path) == ["导出.xlsx"]
    assert ctx.last is not None and ctx.last.done < 5000


def test_cancel_without_previous_file_leaves_nothing(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        write_table(tmp_path / "x.xlsx", "x", HEADERS, make_rows(10), JobContext(None, token))
    assert leftovers(tmp_path) == []


def test_file_open_in_excel_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(xlsx.os, "replace", locked)
    with pytest.raises(ExportError) as caught:
        write_table(tmp_path / "open.xlsx", "s", HEADERS, make_rows(5))
    assert "文件可能正在被Excel打开，请关闭后重试" in user_message(caught.value)
    assert leftovers(tmp_path) == []


def test_failure_while_reading_rows_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Any:
        yield ["a", "1", 1, 1, "2019-01"]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_table(tmp_path / "broken.xlsx", "s", HEADERS, broken())
    assert leftovers(tmp_path) == []


def test_sheet_title_and_illegal_characters_are_cleaned(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    write_table(target, "a/b:c*d?" + "长" * 40, ["列"], [["bad\x01text"]])
    ws = load_workbook(target).active
    assert ws.title == ("a_b_c_d_" + "长" * 40)[:31]
    assert ws["A2"].value == "badtext"


def test_unknown_column_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_table(tmp_path / "f.xlsx", "s", ["a"], [[1]], column_formats={0: "percent"})


def test_plain_columns_write_dates_as_text_and_booleans_as_yes_no(tmp_path: Path) -> None:
    target = tmp_path / "plain.xlsx"
    rows = [
        [date(2019, 11, 1), datetime(2019, 11, 1, 9, 30), True, False, Decimal("1.5"), "x"],
        [None, "", 3, 2.25, float("nan"), "  spaced  "],
    ]
    write_table(target, "s", ["a", "b", "c", "d", "e", "f"], rows)
    ws = load_workbook(target).active
    assert [c.value for c in ws[2]] == ["2019-11-01", "2019-11-01 09:30:00", "是", "否", 1.5, "x"]
    assert [c.value for c in ws[3]] == [None, None, 3, 2.25, None, "  spaced  "]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws["A1"].alignment.horizontal == "center"
    assert CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()[1] == [
        "2019-11-01",
        "2019-11-01 09:30:00",
        "是",
        "否",
        1.5,
        "x",
    ]


def test_text_and_amount_columns_read_back_by_calamine(tmp_path: Path) -> None:
    target = tmp_path / "c.xlsx"
    rows = [["张三", 440300199001011235, "7,002.2", "12", "2019-11"], ["李四", "007", True, 1.5, 7]]
    write_table(target, "s", HEADERS, rows, column_formats=FORMATS)
    values = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert values[1] == ["张三", "440300199001011235", 7002.2, 12.0, "2019-11"]
    assert values[2] == ["李四", "007", "True", 1.5, 7.0]
    ws = load_workbook(target).active
    assert ws["B2"].number_format == "@" and ws["C3"].data_type == "s"


def test_more_rows_than_a_sheet_holds_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_writer, "MAX_ROWS", 11)  # the header and 10 rows
    assert write_table(tmp_path / "ok.xlsx", "s", HEADERS, make_rows(10)) == 10
    with pytest.raises(ExportError) as caught:
        write_table(tmp_path / "big.xlsx", "s", HEADERS, make_rows(11))
    assert user_message(caught.value) == xlsx.TOO_MANY_ROWS
    assert leftovers(tmp_path) == ["ok.xlsx"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("a" * 30 + "'b", "a" * 30), ("History", "History_"), ("'''", "Sheet1"), ("x\x01y", "xy")],
)
def test_sheet_titles_excel_would_refuse_are_mended(
    tmp_path: Path, title: str, expected: str
) -> None:
    write_table(tmp_path / "t.xlsx", title, ["列"], [["v"]])
    assert load_workbook(tmp_path / "t.xlsx").active.title == expected


def test_a_saved_workbook_gets_the_usual_file_mode(tmp_path: Path) -> None:
    """Made with open("xb") beside the target, not mkstemp: the umask decides, as for any file
    the clerk saves (a mkstemp file kept 0600 after the rename)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        write_table(tmp_path / "shared.xlsx", "s", HEADERS, make_rows(3))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.xlsx").stat().st_mode) == 0o644


def test_a_folder_gone_gives_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        write_table(tmp_path / "gone" / "x.xlsx", "s", HEADERS, make_rows(3))
    assert user_message(caught.value) == "保存文件的文件夹不存在，请换一个位置后重试。"


def test_a_full_disk_while_writing_is_said_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = xlsx_writer.XlsxWriter.close

    def full(self: Any) -> None:
        real(self)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_writer.XlsxWriter, "close", full)
    with pytest.raises(OSError) as caught:
        write_table(tmp_path / "full.xlsx", "s", HEADERS, make_rows(3))
    assert user_message(caught.value) == "磁盘空间不足，请清理磁盘后重试。"
    assert leftovers(tmp_path) == []
