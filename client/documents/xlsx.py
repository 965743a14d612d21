"""Streaming Excel export of one table (openpyxl write-only mode, no Qt).

The workbook is written to a hidden temporary file beside the target and moved over it
only when complete, so a cancelled or failed export never leaves a half file under the
user's chosen name. Identity numbers and codes are written as text (never 1.1E+17);
amounts as numbers formatted '#,##0.00'.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from client.jobs import JobContext

TEXT = "text"  # written as str with the '@' (text) format
AMOUNT = "amount"  # number with '#,##0.00'
NUMBER = "number"  # plain number (counts, ages)

AMOUNT_FORMAT = "#,##0.00"
PROGRESS_EVERY = 1000
SAMPLE_ROWS = 200  # rows looked at to size the columns
MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row
MIN_WIDTH, MAX_WIDTH = 8, 60
EXPORT_PHASE = "正在导出"

ColumnFormats = Mapping[int, str | None] | Sequence[str | None] | None


class ExportError(Exception):
    """An export that could not be written; `message` is the sentence the user sees."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


FILE_IN_USE = "文件可能正在被Excel打开，请关闭后重试。"
FOLDER_DENIED = "没有权限在该文件夹中保存文件，请换一个位置后重试。"
TOO_MANY_ROWS = "导出的数据超过Excel单个工作表的最大行数（1,048,575行），请缩小查询范围后分批导出。"


def write_table(
    path: str | os.PathLike[str],
    sheet_title: str,
    headers: list[str],
    rows: Iterable[Sequence[Any]],
    ctx: JobContext | None = None,
    total: int | None = None,
    column_formats: ColumnFormats = None,
) -> int:
    """Write `headers` and `rows` as one sheet at `path`; return the number of data rows."""
    target = Path(path)
    formats = _formats(column_formats, len(headers))
    rows_iter = iter(rows)
    sample = list(itertools.islice(rows_iter, SAMPLE_ROWS))
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".~{target.stem}.", suffix=".xlsx.tmp", dir=target.parent
        )
    except PermissionError as exc:
        raise ExportError(FOLDER_DENIED) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        written = _write(tmp, sheet_title, headers, sample, rows_iter, ctx, total, formats)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise ExportError(FILE_IN_USE) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return written


def _write(
    tmp: Path,
    sheet_title: str,
    headers: list[str],
    sample: list[Sequence[Any]],
    rest: Iterable[Sequence[Any]],
    ctx: JobContext | None,
    total: int | None,
    formats: list[str | None],
) -> int:
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet(_sheet_title(sheet_title))
    for index, width in enumerate(_widths(headers, sample, formats), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    centered = Alignment(horizontal="center", vertical="center")
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=_clean(title))
        cell.font = bold
        cell.alignment = centered
        header_cells.append(cell)
    ws.append(header_cells)
    if ctx is not None:
        ctx.progress(EXPORT_PHASE, 0, total)
    written = 0
    try:
        for row in itertools.chain(sample, rest):
            if written >= MAX_ROWS:
                raise ExportError(TOO_MANY_ROWS)
            cells = [_cell(ws, value, formats[i]) for i, value in enumerate(row[: len(headers)])]
            ws.append(cells)
            written += 1
            if ctx is not None and written % PROGRESS_EVERY == 0:
                ctx.check_cancelled()
                ctx.progress(EXPORT_PHASE, written, total)
        if ctx is not None:
            ctx.check_cancelled()
    except BaseException:
        _discard(ws)
        raise
    try:
        wb.save(tmp)
    except PermissionError as exc:
        raise ExportError(FOLDER_DENIED) from exc
    if ctx is not None:
        ctx.progress(EXPORT_PHASE, written, total if total is not None else written)
    return written


def _discard(ws: WriteOnlyWorksheet) -> None:
    """Close an abandoned sheet and remove openpyxl's own temporary file for it."""
    with contextlib.suppress(Exception):
        ws.close()
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()


def _cell(ws: WriteOnlyWorksheet, value: Any, kind: str | None) -> Any:
    if value is None or value == "":
        return None
    if kind == AMOUNT:
        number = _number(value)
        if number is None:
            return _text_cell(ws, value)
        cell = WriteOnlyCell(ws, value=number)
        cell.number_format = AMOUNT_FORMAT
        return cell
    if kind == NUMBER:
        number = _number(value)
        return number if number is not None else _text_cell(ws, value)
    if kind == TEXT or isinstance(value, str):
        return _text_cell(ws, value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return value
    return _text_cell(ws, value)


def _text_cell(ws: WriteOnlyWorksheet, value: Any) -> str:
    # A str value is stored as a string cell: Excel shows it as text, never as 1.1E+17.
    text = str(value)
    return _clean(text) if _NEEDS_CLEANING(text) else text


def _number(value: Any) -> int | float | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value).strip().replace(",", "")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


_NEEDS_CLEANING = ILLEGAL_CHARACTERS_RE.search


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _formats(column_formats: ColumnFormats, count: int) -> list[str | None]:
    result: list[str | None] = [None] * count
    if column_formats is None:
        return result
    items = (
        column_formats.items() if isinstance(column_formats, Mapping) else enumerate(column_formats)
    )
    for index, kind in items:
        if kind not in (None, TEXT, AMOUNT, NUMBER):
            raise ValueError(f"unknown column format {kind!r}")
        if 0 <= index < count:
            result[index] = kind
    return result


def _display_width(text: str) -> int:
    """Width in Excel character units: CJK characters count as two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(
    headers: list[str], sample: list[Sequence[Any]], formats: list[str | None]
) -> list[int]:
    widths = []
    for index, title in enumerate(headers):
        longest = _display_width(title)
        for row in sample:
            if index < len(row) and row[index] is not None:
                value = row[index]
                if formats[index] == AMOUNT and (number := _number(value)) is not None:
                    text = f"{number:,.2f}"
                else:
                    text = str(value)
                longest = max(longest, _display_width(text))
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    clean = _SHEET_FORBIDDEN.sub("_", title).strip("'") or "Sheet1"
    return clean[:31]
