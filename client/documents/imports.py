"""Reading a filled-in import template: refuse what is not the template, check every row.

`read_import(spec, path, ctx, check)` never changes anything; it returns an
`ImportResult` with the valid rows and every row's errors, and the caller applies the valid
rows only when the user confirms. The rules:

- Refused whole (`ImportRefused`, one sentence each): not an .xlsx (whatever the name
  says), unreadable, no content, not this template (no `_template` sheet, another kind or
  version), missing/extra/renamed/moved columns, a merged header, no data rows.
- Errors of a row (`RowError`, with Excel's row number and the column's header): empty
  required cells, values their column cannot parse, formulas (the value must be typed, not
  computed), merged cells (every row the merge covers), duplicates of `spec.unique_key`
  (every row of a duplicate set, since it is unclear which one is meant) and whatever the
  caller's `check` returns (cross references such as "the employee exists").

Blank rows are skipped. A trailing 错误原因 column (the error workbook's) is ignored, so a
corrected error workbook can be imported again. Values come from python-calamine; the
sheet's XML is scanned once for formulas.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from client.documents.cells import CellError
from client.documents.template_checks import check_header, merged_rows, template_sheet
from client.documents.templates import ERROR_COLUMN, TemplateSpec
from client.documents.workbook_checks import CORRUPT, ImportRefused, check_file, formula_cells
from client.jobs import JobContext

__all__ = [
    "ERROR_COLUMN",
    "ImportRefused",
    "ImportResult",
    "ImportRow",
    "RowCheck",
    "RowError",
    "read_import",
    "write_error_workbook",
]

READ_PHASE = "正在读取文件"
CHECK_PHASE = "正在检查导入数据"
PROGRESS_EVERY = 2000

NO_DATA = "模板中没有填写数据，请从第{row}行开始填写后再导入。"

REQUIRED = "必填，不能为空。"
FORMULA = "单元格中是公式，请直接填写内容（可复制后“选择性粘贴—数值”）。"
MERGED = "单元格被合并（{ref}），请取消合并，并在每一行分别填写。"
DUPLICATE = "与第{rows}行重复（{columns}相同）。"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row: Excel's row number, the column's header ("" for the row as
    a whole) and the reason."""

    row: int
    column: str
    reason: str
    column_index: int | None = None  # 0-based, for marking the cell


@dataclass(slots=True)
class ImportRow:
    row: int  # Excel's row number
    values: dict[str, Any]
    raw: list[Any] = field(repr=False, default_factory=list)


# A caller's check of a row whose cells all parsed: (column key or None, reason) pairs.
# It may add derived values to the dict (e.g. the record id it looked up).
RowCheck = Callable[[dict[str, Any]], Iterable[tuple[str | None, str]] | None]


@dataclass
class ImportResult:
    spec: TemplateSpec
    source: Path
    total: int  # data rows that are not blank
    valid: list[ImportRow]
    errors: list[RowError]  # ordered by row
    error_rows: dict[int, list[Any]]  # Excel row number → the row's original values

    @property
    def valid_count(self) -> int:
        return len(self.valid)

    @property
    def error_count(self) -> int:
        return len(self.error_rows)

    @property
    def summary(self) -> str:
        return f"共{self.total}行，有效{self.valid_count}行，错误{self.error_count}行"


def read_import(
    spec: TemplateSpec,
    path: str | os.PathLike[str],
    ctx: JobContext | None = None,
    check: RowCheck | None = None,
) -> ImportResult:
    """Read and check every row of a filled-in `spec` template at `path` (nothing applied)."""
    source = Path(path)
    ctx = ctx or JobContext()
    ctx.progress(READ_PHASE, 0, None)
    check_file(source)
    try:
        book = CalamineWorkbook.from_path(str(source))
    except (CalamineError, OSError, ValueError):
        raise ImportRefused(CORRUPT) from None
    try:
        sheet = template_sheet(spec, book)
        ctx.check_cancelled()
        formulas = formula_cells(source, spec.sheet_title)
        return _Reader(spec, source, sheet, formulas, ctx, check).run()
    finally:
        book.close()


class _Reader:
    """One pass over a template sheet's rows."""

    def __init__(
        self,
        spec: TemplateSpec,
        source: Path,
        sheet: CalamineSheet,
        formulas: dict[int, list[int]],
        ctx: JobContext,
        check: RowCheck | None,
    ) -> None:
        self.spec = spec
        self.source = source
        self.sheet = sheet
        self.formulas = formulas
        self.ctx = ctx
        self.check = check
        self.headers = [c.header for c in spec.columns]
        self.errors: list[RowError] = []
        self.error_rows: dict[int, list[Any]] = {}

    def run(self) -> ImportResult:
        spec = self.spec
        # The whole grid from A1 (calamine's iter_rows pads rows but not columns when the
        # used range does not start at A1), so an index is the 0-based Excel row.
        grid = self.sheet.to_python(skip_empty_area=False)
        rows = enumerate(grid)
        header_index = spec.header_row - 1
        head = list(itertools.islice(rows, header_index + 1))
        merged = merged_rows(spec, self.sheet)  # a merged header is refused first
        check_header(spec, head, rows)
        return self._check_rows(rows, merged, header_index + 1, len(grid) - 1)

    # -- the rows ------------------------------------------------------------------------
    def _check_rows(
        self,
        rows: Iterator[tuple[int, list[Any]]],
        merged: dict[int, tuple[int, str]],
        first_index: int,
        last_index: int,
    ) -> ImportResult:
        spec, ctx, check, formulas = self.spec, self.ctx, self.check, self.formulas
        columns = [(i, c.key, c.required, c.parse) for i, c in enumerate(spec.columns)]
        width = len(columns)
        key_columns = [i for i, c in enumerate(spec.columns) if c.key in spec.unique_key]
        seen: dict[tuple[Any, ...], int] = {}
        duplicates: dict[int, list[int]] = {}
        valid: list[ImportRow] = []
        total = 0
        todo = max(last_index - first_index + 1, 0)
        ctx.progress(CHECK_PHASE, 0, todo)
        errors: list[tuple[int | None, str]] = []
        for done, (index, cells) in enumerate(rows, start=1):
            if done % PROGRESS_EVERY == 0:
                ctx.check_cancelled()
                ctx.progress(CHECK_PHASE, done, todo)
            if len(cells) != width:
                cells = (cells + [""] * width)[:width]
            if cells.count("") == width and not (merged and index in merged):
                continue
            values: dict[str, Any] = {}
            errors.clear()
            filled = False
            for i, key, required, parse in columns:
                value = cells[i]
                if value.__class__ is str:
                    value = value.strip()
                    if not value:
                        values[key] = None
                        if required:
                            errors.append((i, REQUIRED))
                        continue
                elif value is None:
                    values[key] = None
                    if required:
                        errors.append((i, REQUIRED))
                    continue
                filled = True
                try:
                    values[key] = parse(value)
                except CellError as exc:
                    errors.append((i, exc.reason))
            if not filled and not (merged and index in merged):
                continue  # only spaces
            total += 1
            if formulas and index in formulas:  # the formula is the error, not its value
                computed = [c for c in formulas[index] if c < width]
                errors[:] = [e for e in errors if e[0] not in computed]
                errors.extend((c, FORMULA) for c in computed)
            if merged and index in merged:  # empty cells under a merge follow from it
                col, ref = merged.pop(index)
                errors[:] = [e for e in errors if e[1] != REQUIRED]
                errors.append((col, MERGED.format(ref=ref)))
            if not errors:
                if key_columns:
                    unique = tuple(values[spec.columns[i].key] for i in key_columns)
                    first = seen.setdefault(unique, index)
                    if first != index:
                        duplicates.setdefault(first, []).append(index)
                if check is not None:
                    for key_name, reason in check(values) or ():
                        errors.append((self._column_index(key_name), reason))
            row_number = index + 1
            if errors:
                self._add(row_number, cells, errors)
            else:
                valid.append(ImportRow(row_number, values, cells))
        for index, (col, ref) in sorted(merged.items()):  # merges below the last value
            total += 1
            self._add(index + 1, [""] * width, [(col, MERGED.format(ref=ref))])
        if not total:
            raise ImportRefused(NO_DATA.format(row=spec.first_data_row))
        valid = self._mark_duplicates(duplicates, key_columns, valid)
        self.errors.sort(key=lambda e: e.row)
        ctx.progress(CHECK_PHASE, todo, todo)
        return ImportResult(spec, self.source, total, valid, self.errors, self.error_rows)

    def _column_index(self, key: str | None) -> int | None:
        if key is None:
            return None
        return next(i for i, c in enumerate(self.spec.columns) if c.key == key)

    def _add(self, row_number: int, cells: list[Any], errors: list[tuple[int | None, str]]) -> None:
        self.error_rows[row_number] = cells
        for col, reason in errors:
            header = self.headers[col] if col is not None else ""
            self.errors.append(RowError(row_number, header, reason, col))

    def _mark_duplicates(
        self, duplicates: dict[int, list[int]], key_columns: list[int], valid: list[ImportRow]
    ) -> list[ImportRow]:
        if not duplicates:
            return valid
        names = "、".join(self.headers[i] for i in key_columns)
        by_row = {r.row: r for r in valid}
        for first, others in duplicates.items():
            group = [first, *others]
            for index in group:
                peers = "、".join(str(i + 1) for i in group if i != index)
                row = by_row.pop(index + 1, None)
                cells = row.raw if row is not None else self.error_rows.get(index + 1, [])
                self._add(
                    index + 1,
                    cells,
                    [(key_columns[0], DUPLICATE.format(rows=peers, columns=names))],
                )
        return [r for r in valid if r.row in by_row]


def write_error_workbook(
    result: ImportResult, path: str | os.PathLike[str], ctx: JobContext | None = None
) -> int:
    """The rows of `result` with errors, bad cells red, plus 错误原因 (see error_workbook)."""
    from client.documents.error_workbook import write_error_workbook as write

    return write(result, path, ctx)
