"""The error workbook of an import: the rows that had errors, bad cells filled red, and a
错误原因 column. It is the same template (same `_template` sheet and header), so the user
can correct it and import it again; the reader ignores the 错误原因 column."""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from client.documents.imports import ERROR_COLUMN, ImportResult, RowError
from client.documents.templates import TEXT_FORMAT, build_workbook
from client.jobs import JobContext

ERROR_FILL = PatternFill("solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
ERROR_FONT = Font(color="FF9C0006")
REASON_SEPARATOR = "；"
PROGRESS_EVERY = 2000
WRITE_PHASE = "正在生成错误文件"


def reasons_text(errors: list[RowError]) -> str:
    """One row's reasons: "姓名：必填，不能为空。；分组：…"."""
    return REASON_SEPARATOR.join(
        f"{e.column}：{e.reason}" if e.column else e.reason for e in errors
    )


def write_error_workbook(
    result: ImportResult, path: str | os.PathLike[str], ctx: JobContext | None = None
) -> int:
    """Write the rows of `result` that had errors to `path`; return how many."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in result.errors:
        by_row[error.row].append(error)
    columns = result.spec.columns
    total = len(by_row)

    def fill(ws: WriteOnlyWorksheet) -> int:
        written = 0
        for row_number in sorted(by_row):
            errors = by_row[row_number]
            bad = {e.column_index for e in errors if e.column_index is not None}
            raw = result.error_rows.get(row_number, [])
            cells: list[Any] = []
            for index, column in enumerate(columns):
                value = raw[index] if index < len(raw) else None
                cell = WriteOnlyCell(ws, value=_value(value))
                if column.number_format == TEXT_FORMAT and isinstance(cell.value, str):
                    cell.number_format = TEXT_FORMAT
                if index in bad:
                    cell.fill = ERROR_FILL
                    cell.font = ERROR_FONT
                cells.append(cell)
            reason = WriteOnlyCell(ws, value=_value(reasons_text(errors)))
            reason.font = ERROR_FONT
            cells.append(reason)
            ws.append(cells)
            written += 1
            if ctx is not None and written % PROGRESS_EVERY == 0:
                ctx.check_cancelled()
                ctx.progress(WRITE_PHASE, written, total)
        return written

    return build_workbook(result.spec, path, fill, extra_headers=[ERROR_COLUMN])


def _value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
