"""Import templates the client hands out: their description and the .xlsx written from it.

A `TemplateSpec` names the template (kind + version), its sheet and its columns. The
written workbook carries a very hidden sheet `_template` with the kind, version and title,
so an import can tell its own template from another template or any other workbook and
refuse those whole. Required headers end with "*"; text columns are formatted as text so
identity numbers keep every digit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from client.documents.cells import CellParser, text
from client.documents.xlsx import FOLDER_DENIED, ExportError, write_atomically
from client.documents.xlsx_writer import looks_like_formula
from client.jobs import JobContext

META_SHEET = "_template"
ERROR_COLUMN = "错误原因"  # the error workbook's last column, ignored on import
REQUIRED_MARK = "*"
TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
REQUIRED_FONT = Font(bold=True, color="FFC00000")
HEADER_FONT = Font(bold=True)
NOTES_FONT = Font(color="FF595959")
PROGRESS_EVERY = 2000
WRITE_PHASE = "正在生成文件"


@dataclass(frozen=True)
class TemplateColumn:
    """One column: `key` names the parsed value, `header` is what the user sees."""

    key: str
    header: str
    required: bool = False
    parse: CellParser = field(default_factory=text)
    width: int = 16
    number_format: str | None = TEXT_FORMAT  # None for number and date columns

    @property
    def shown_header(self) -> str:
        return self.header + REQUIRED_MARK if self.required else self.header


@dataclass(frozen=True)
class TemplateSpec:
    """A template: `kind` + `version` identify it; `title` names it in messages
    (《title》模板); `unique_key` lists the column keys that must not repeat in a file;
    `notes` (optional) is a line of filling instructions written above the header;
    `max_rows` (optional) refuses a file with more filled rows than that."""

    kind: str
    version: int
    title: str
    sheet_title: str
    columns: tuple[TemplateColumn, ...]
    unique_key: tuple[str, ...] = ()
    notes: str = ""
    max_rows: int | None = None

    @property
    def header_row(self) -> int:
        """Excel row number of the header (1-based)."""
        return 2 if self.notes else 1

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def file_name(self) -> str:
        return f"{self.title}模板.xlsx"

    def column(self, key: str) -> TemplateColumn:
        return next(c for c in self.columns if c.key == key)


def write_template(
    spec: TemplateSpec,
    path: str | os.PathLike[str],
    rows: Iterable[Sequence[Any]] = (),
    ctx: JobContext | None = None,
    total: int | None = None,
) -> int:
    """Write the template (optionally pre-filled with `rows`); return the rows written."""

    def fill(ws: WriteOnlyWorksheet) -> int:
        written = 0
        for row in rows:
            ws.append(
                [_plain_cell(ws, value, c) for value, c in zip(row, spec.columns, strict=False)]
            )
            written += 1
            if ctx is not None and written % PROGRESS_EVERY == 0:
                ctx.check_cancelled()
                ctx.progress(WRITE_PHASE, written, total)
        return written

    return build_workbook(spec, path, fill)


def build_workbook(
    spec: TemplateSpec,
    path: str | os.PathLike[str],
    fill: Callable[[WriteOnlyWorksheet], int],
    extra_headers: Sequence[str] = (),
) -> int:
    """The template's frame (notes, header, widths, the `_template` sheet) around rows
    appended by `fill`; saved to a temporary file and moved over `path` when complete."""
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet(spec.sheet_title)
    for index, column in enumerate(spec.columns, start=1):
        dims = ws.column_dimensions[get_column_letter(index)]
        dims.width = column.width
        if column.number_format:
            dims.number_format = column.number_format
    for offset, _ in enumerate(extra_headers, start=len(spec.columns) + 1):
        ws.column_dimensions[get_column_letter(offset)].width = 40
    ws.freeze_panes = f"A{spec.first_data_row}"
    if spec.notes:
        note = WriteOnlyCell(ws, value=spec.notes)
        note.font = NOTES_FONT
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[1].height = 15 * (spec.notes.count("\n") + 2)
        ws.merged_cells.ranges.add(f"A1:{get_column_letter(len(spec.columns))}1")
        ws.append([note])
    ws.append(
        [_header_cell(ws, c.shown_header, c.required) for c in spec.columns]
        + [_header_cell(ws, h, False) for h in extra_headers]
    )
    written = fill(ws)
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    for key, value in template_meta(spec).items():
        meta.append([key, value])
    save_atomically(wb, Path(path))
    return written


def template_meta(spec: TemplateSpec) -> dict[str, str]:
    return {
        "kind": spec.kind,
        "version": str(spec.version),
        "title": spec.title,
        "sheet": spec.sheet_title,
    }


def save_atomically(wb: Workbook, target: Path) -> None:
    """Save through a hidden temporary file beside `target`, so a failure never leaves a
    half-written file under the user's chosen name."""

    def save(tmp: Path) -> None:
        try:
            wb.save(tmp)
        except PermissionError as exc:
            raise ExportError(FOLDER_DENIED) from exc

    write_atomically(target, save)


def _header_cell(ws: WriteOnlyWorksheet, title: str, required: bool) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=title)
    cell.font = REQUIRED_FONT if required else HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _plain_cell(ws: WriteOnlyWorksheet, value: Any, column: TemplateColumn | None) -> Any:
    """A value as the user would have typed it: in text columns whole numbers and dates
    become text cells; anything else keeps its type (an error workbook shows the user's
    own values)."""
    if value is None or value == "":
        return None
    text_column = column is not None and column.number_format == TEXT_FORMAT
    if text_column and not isinstance(value, str | bool):
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, int) or (
            isinstance(value, float) and value.is_integer() and abs(value) < 1e15
        ):
            value = str(int(value))
    if isinstance(value, str) and looks_like_formula(value):
        # openpyxl would write "=…" as a formula: kept as text, quoted as Excel does.
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        if text_column:
            cell.number_format = TEXT_FORMAT
        return cell
    if isinstance(value, str) and text_column:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = TEXT_FORMAT
        return cell
    return value
