"""The error workbook of an import: the rows that had errors, bad cells filled red, and a
错误原因 column. It is the same template (same `_template` sheet and header), so the user
can correct it and import it again; the reader ignores the 错误原因 column.

It is written with `client.documents.xlsx_writer` (about 1 s per 100,000 rows), framed
as `templates.build_workbook` frames a template: notes row, header, widths, text columns,
frozen panes and the very hidden `_template` sheet."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from client.documents.imports import ERROR_COLUMN, ImportResult, RowError
from client.documents.templates import (
    HEADER_FILL,
    META_SHEET,
    NOTES_FONT,
    REQUIRED_FONT,
    TEXT_FORMAT,
    TemplateSpec,
    template_meta,
)
from client.documents.xlsx import write_atomically
from client.documents.xlsx_writer import (
    DEFAULT,
    Column,
    SheetWriter,
    Style,
    XlsxWriter,
    column_letter,
)
from client.jobs import JobContext

ERROR_FILL_COLOR = "FFFFC7CE"
ERROR_FONT_COLOR = "FF9C0006"
REASON_SEPARATOR = "；"
PROGRESS_EVERY = 2000
WRITE_PHASE = "正在生成错误文件"
EXTRA_WIDTH = 40


def reasons_text(errors: list[RowError]) -> str:
    """One row's reasons as one sentence list: "姓名：必填，不能为空；分组：…。"."""
    parts = [f"{e.column}：{e.reason}" if e.column else e.reason for e in errors]
    return REASON_SEPARATOR.join(p.rstrip("。") for p in parts) + ("。" if parts else "")


def write_error_workbook(
    result: ImportResult, path: str | os.PathLike[str], ctx: JobContext | None = None
) -> int:
    """Write the rows of `result` that had errors to `path`; return how many."""
    return write_atomically(Path(path), lambda tmp: _write(result, tmp, ctx))


def _write(result: ImportResult, tmp: Path, ctx: JobContext | None) -> int:
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in result.errors:
        by_row[error.row].append(error)
    spec = result.spec
    count = len(spec.columns)
    total = len(by_row)
    with XlsxWriter(tmp) as book:
        text = book.add_style(Style(TEXT_FORMAT))
        bad = book.add_style(Style(font_color=ERROR_FONT_COLOR, fill_color=ERROR_FILL_COLOR))
        bad_text = book.add_style(
            Style(TEXT_FORMAT, font_color=ERROR_FONT_COLOR, fill_color=ERROR_FILL_COLOR)
        )
        reason = book.add_style(Style(font_color=ERROR_FONT_COLOR))
        sheet = _frame(book, spec, [ERROR_COLUMN])
        # A cell's style: '@' for text in a text column, general for anything else; red
        # (keeping its '@') when the cell is marked.
        text_columns = [i for i, c in enumerate(spec.columns) if c.number_format == TEXT_FORMAT]
        row_styles = [text if i in text_columns else DEFAULT for i in range(count)]
        written = 0
        for row_number in sorted(by_row):
            errors = by_row[row_number]
            raw = result.error_rows.get(row_number, [])
            values = [*raw[:count], *[None] * (count - len(raw))]
            styles = [*row_styles, reason]
            for index in text_columns:  # empty cells keep the column's '@'
                if values[index] is not None and type(values[index]) is not str:
                    styles[index] = DEFAULT
            for e in errors:
                if e.column_index is not None and e.column_index < count:
                    styles[e.column_index] = bad_text if styles[e.column_index] == text else bad
            sheet.write_row([*values, reasons_text(errors)], styles)
            written += 1
            if ctx is not None and written % PROGRESS_EVERY == 0:
                ctx.check_cancelled()
                ctx.progress(WRITE_PHASE, written, total)
        meta = book.add_sheet(META_SHEET, hidden="veryHidden")
        meta.write_rows([[key, value] for key, value in template_meta(spec).items()])
    return written


def _frame(book: XlsxWriter, spec: TemplateSpec, extra_headers: list[str]) -> SheetWriter:
    """The template's data sheet up to its header row, left open for the rows."""
    header_fill = HEADER_FILL.fgColor.rgb
    header = Style(bold=True, fill_color=header_fill, horizontal="center", vertical="center")
    required = book.add_style(
        Style(
            bold=True,
            font_color=REQUIRED_FONT.color.rgb,
            fill_color=header_fill,
            horizontal="center",
            vertical="center",
        )
    )
    plain = book.add_style(header)
    columns = [
        Column(c.width, book.add_style(Style(c.number_format)) if c.number_format else DEFAULT)
        for c in spec.columns
    ] + [Column(EXTRA_WIDTH) for _ in extra_headers]
    sheet = book.add_sheet(spec.sheet_title, columns, freeze_rows=spec.first_data_row - 1)
    if spec.notes:
        notes = book.add_style(Style(font_color=NOTES_FONT.color.rgb, vertical="top", wrap=True))
        sheet.merge(f"A1:{column_letter(len(spec.columns) - 1)}1")
        sheet.write_row([spec.notes], [notes], height=15 * (spec.notes.count("\n") + 2))
    sheet.write_row(
        [c.shown_header for c in spec.columns] + extra_headers,
        [required if c.required else plain for c in spec.columns] + [plain] * len(extra_headers),
    )
    return sheet
