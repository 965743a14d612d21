"""Checking the data rows of a template sheet (the rules are in `client.documents.imports`).

Two steps, so the first can run while the caller's check is still loading: `parse_rows`
parses every column at once (`columns.py`) and finds blank rows and cell errors;
`check_rows` adds formulas and merges, duplicates and the caller's cross check, and turns
the rows into `ImportRow`s (`row_assembly.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from client.documents.cell_guard import guarded
from client.documents.columns import ParsedColumn, parse_column
from client.documents.templates import TemplateSpec
from client.documents.workbook_checks import ImportRefused

CHECK_PHASE = "正在检查导入数据"
PROGRESS_EVERY = 2000

NO_DATA = "模板中没有填写数据，请从第{row}行开始填写后再导入。"
TOO_MANY_ROWS = "文件中填写了{count}行数据，超过了每次最多导入{limit}行的限制，请分成多个文件导入。"
REQUIRED = "必填，不能为空。"
FORMULA = "单元格中是公式，请直接填写内容（可复制后“选择性粘贴—数值”）。"
ONLY_FORMULAS = "模板中填写的内容都是公式，请直接填写内容（可复制后“选择性粘贴—数值”）后再导入。"
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


Problems = Iterable[tuple[str | None, str]]  # (column key or None for the row, reason)

# A caller's check of a row whose cells all parsed: (column key or None, reason) pairs.
# It may add derived values to the dict (e.g. the record id it looked up).
RowCheck = Callable[[dict[str, Any]], Problems | None]


@dataclass
class ColumnCheckResult:
    derived: dict[str, list[Any]]  # key → a value per row, added to each valid row's values
    errors: dict[int, list[tuple[str | None, str]]]  # row position → problems


@runtime_checkable
class ColumnCheck(Protocol):
    """A cross check of all rows at once, for imports of 100,000 rows: `columns` maps each
    column key to its parsed values (a list per column, one value per row position; None
    for an empty or bad cell). `skip` holds the blank rows and the rows with cell errors:
    none of them is a valid row, but a check may still report what it finds in the good
    cells of a row with cell errors (the user then sees every error of the row at once);
    those problems are added to the row's cell errors, except on a column that already has
    one. Problems of blank rows are ignored."""

    def check_columns(
        self, columns: Mapping[str, list[Any]], skip: Set[int]
    ) -> ColumnCheckResult: ...


AnyCheck = RowCheck | ColumnCheck
CellErrors = list[tuple[int | None, str]]  # (column index or None, reason)


@dataclass
class CheckedRows:
    total: int  # data rows that are not blank
    valid: Sequence[ImportRow]
    errors: list[RowError]  # ordered by row
    error_rows: dict[int, list[Any]]  # Excel row number → the row's original values


@dataclass
class ParsedRows:
    """The rows below the header, each column parsed; `found` holds the cell errors."""

    spec: TemplateSpec
    data: list[list[Any]]
    first_index: int  # 0-based Excel row of data[0]
    columns: list[ParsedColumn]
    blank: set[int]
    merged: dict[int, tuple[int, str]]  # 0-based Excel row → (column, "A3:A5")
    total: int
    found: dict[int, CellErrors]


def parse_rows(
    spec: TemplateSpec,
    data: list[list[Any]],
    first_index: int,
    merged: dict[int, tuple[int, str]],
) -> ParsedRows:
    """Parse every column; refuse a file without data or with more than `spec.max_rows`."""
    width = len(spec.columns)
    if len(set(map(len, data))) > 1 or (data and len(data[0]) < width):
        data = [(cells + [""] * width)[:width] for cells in data]
    n = len(data)
    columns = [
        parse_column([r[i] for r in data], guarded(c.key, c.parse))
        for i, c in enumerate(spec.columns)
    ]
    merged_at = {r - first_index for r in merged if r - first_index < n}
    blank = set.intersection(*(c.empty for c in columns)) - merged_at
    total = n - len(blank) + len(merged) - len(merged_at)
    if spec.max_rows is not None and total > spec.max_rows:
        raise ImportRefused(TOO_MANY_ROWS.format(count=total, limit=spec.max_rows))
    if not total:
        raise ImportRefused(NO_DATA.format(row=spec.first_data_row))
    found: dict[int, CellErrors] = {}
    for i, (column, parsed) in enumerate(zip(spec.columns, columns, strict=True)):
        if column.required and parsed.empty:
            for pos in sorted(parsed.empty - blank):
                found.setdefault(pos, []).append((i, REQUIRED))
        for pos, reason in parsed.errors.items():
            found.setdefault(pos, []).append((i, reason))
    for errors in found.values():
        errors.sort(key=lambda e: e[0] if e[0] is not None else -1)
    return ParsedRows(spec, data, first_index, columns, blank, merged, total, found)


def apply_formulas_and_merges(parsed: ParsedRows, formulas: dict[int, list[int]]) -> None:
    """A formula is the error of its cell (not what its value would break); a merge is
    the error of every row it covers (not the empty cells under it)."""
    width, n, first = len(parsed.spec.columns), len(parsed.data), parsed.first_index
    found, blank = parsed.found, parsed.blank
    for index, cols in formulas.items():
        pos = index - first
        computed = [c for c in cols if c < width]
        if 0 <= pos < n and computed:
            if pos in blank:  # only formulas without a value: still a row, with errors
                blank.discard(pos)
                parsed.total += 1
            errors = [e for e in found.get(pos, ()) if e[0] not in computed]
            found[pos] = errors + [(c, FORMULA) for c in computed]
    for index, (col, ref) in parsed.merged.items():
        pos = index - first
        if pos < n:
            errors = [e for e in found.get(pos, ()) if e[1] != REQUIRED]
            found[pos] = [*errors, (col, MERGED.format(ref=ref))]
