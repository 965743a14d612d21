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
corrected error workbook can be imported again. A spec's `max_rows` refuses a longer file.

Speed (100,000 rows): python-calamine parses the sheet without holding the GIL; meanwhile
one worker thread runs the caller's `load_check` (e.g. loading the unit's employees from
SQLite) and another scans the sheet's XML for formulas. Each column is then parsed at once
(`columns.py`, `row_checks.py`), a `ColumnCheck` looks at all rows together, and the
valid rows are built in C-level passes (`row_assembly.py`), with the cyclic garbage
collector paused meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from python_calamine import CalamineError, CalamineWorkbook, WorkbookClosed

from client.documents.row_assembly import check_rows
from client.documents.row_checks import (
    CHECK_PHASE,
    DUPLICATE,
    FORMULA,
    MERGED,
    NO_DATA,
    ONLY_FORMULAS,
    PROGRESS_EVERY,
    REQUIRED,
    TOO_MANY_ROWS,
    AnyCheck,
    ColumnCheck,
    ColumnCheckResult,
    ImportRow,
    RowCheck,
    RowError,
    parse_rows,
)
from client.documents.template_checks import (
    check_header,
    check_template,
    data_sheet,
    merged_rows,
)
from client.documents.templates import ERROR_COLUMN, TemplateSpec
from client.documents.workbook_checks import (
    CORRUPT,
    DEFAULT_MAX_ROWS,
    ImportRefused,
    check_file,
    formula_cells,
    scan_sheets,
)
from client.jobs import JobContext

__all__ = [
    "CHECK_PHASE",
    "DUPLICATE",
    "ERROR_COLUMN",
    "FORMULA",
    "MERGED",
    "NO_DATA",
    "ONLY_FORMULAS",
    "PROGRESS_EVERY",
    "READ_PHASE",
    "REQUIRED",
    "TOO_MANY_ROWS",
    "ColumnCheck",
    "ColumnCheckResult",
    "ImportRefused",
    "ImportResult",
    "ImportRow",
    "RowCheck",
    "RowError",
    "read_import",
    "write_error_workbook",
]

READ_PHASE = "正在读取文件"

T = TypeVar("T")


@dataclass
class ImportResult:
    spec: TemplateSpec
    source: Path
    total: int  # data rows that are not blank
    valid: Sequence[ImportRow]
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
    check: AnyCheck | None = None,
    *,
    load_check: Callable[[], AnyCheck] | None = None,
) -> ImportResult:
    """Read and check every row of a filled-in `spec` template at `path` (nothing applied).

    `check` is the caller's cross check: a `RowCheck` called per row, or a `ColumnCheck`
    given all rows at once (faster for big files). `load_check` builds one instead, on a
    worker thread while the sheet is parsed (give one or the other)."""
    if check is not None and load_check is not None:
        raise ValueError("give check or load_check, not both")
    with _collector_paused():
        try:
            return _read(spec, Path(path), ctx or JobContext(), check, load_check)
        except BaseException as exc:
            # python-calamine turns a Rust panic on a malformed file into PanicException,
            # which is not an Exception: the file is unreadable, not the program broken.
            if type(exc).__name__ == "PanicException":
                raise ImportRefused(CORRUPT) from None
            raise


def _read(
    spec: TemplateSpec,
    source: Path,
    ctx: JobContext,
    check: AnyCheck | None,
    load_check: Callable[[], AnyCheck] | None,
) -> ImportResult:
    ctx.progress(READ_PHASE, 0, None)
    check_file(source)
    # The caller's check loads (e.g. a SQLite query, without the GIL) while the file is
    # scanned and parsed.
    check_worker = _Worker(load_check or (lambda: check))
    try:
        return _read_checked(spec, source, ctx, check_worker)
    finally:
        check_worker.wait()  # never leave a thread reading the caller's database


def _read_checked(
    spec: TemplateSpec, source: Path, ctx: JobContext, check_worker: _Worker[Any]
) -> ImportResult:
    # Each sheet's extent before python-calamine allocates it (a cell at XFD1048576 would
    # make it ask for half a terabyte), and a file far beyond the template's row limit.
    limit = spec.max_rows or DEFAULT_MAX_ROWS
    scan_sheets(source, spec.header_row + (2 * limit if spec.max_rows else limit), limit)
    ctx.check_cancelled()
    try:
        book = CalamineWorkbook.from_path(str(source))
    except (CalamineError, OSError, ValueError):
        raise ImportRefused(CORRUPT) from None
    workers: list[_Worker[Any]] = []
    try:
        check_template(spec, book)
        ctx.check_cancelled()
        # Python-calamine parses the sheet without holding the GIL; meanwhile the caller's
        # check loads and a thread scans the sheet's XML for formulas (mostly unzipping,
        # without the GIL too), so both are done by the time the rows are there.
        formula_worker = _Worker(lambda: formula_cells(source, spec.sheet_title))
        workers.append(formula_worker)
        sheet = data_sheet(spec, book)
        # The whole grid from A1 (calamine's iter_rows pads rows but not columns when the
        # used range does not start at A1), so an index is the 0-based Excel row.
        try:
            grid = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges
        except (CalamineError, ValueError, OverflowError):
            raise ImportRefused(CORRUPT) from None
        merged = merged_rows(spec, ranges)  # a merged header is refused first
        del sheet
        book.close()  # its memory is not needed for the checks
        first = spec.header_row
        rows = enumerate(grid)
        check_header(spec, list(itertools.islice(rows, first)), rows)
        ctx.check_cancelled()
        del grid[:first]
        ctx.progress(CHECK_PHASE, 0, len(grid))
        try:
            parsed = parse_rows(spec, grid, first, merged)  # while the workers may still run
        except ImportRefused as exc:
            if exc.message == NO_DATA.format(row=spec.first_data_row) and any(
                row >= first for row in formula_worker.result()
            ):
                raise ImportRefused(ONLY_FORMULAS) from None
            raise
        formulas, row_check = formula_worker.result(), check_worker.result()
        ctx.check_cancelled()
        checked = check_rows(parsed, formulas, row_check, ctx)
    finally:
        for worker in workers:
            worker.wait()  # never leave a thread reading the caller's database
        with contextlib.suppress(WorkbookClosed):
            book.close()
    return ImportResult(
        spec, source, checked.total, checked.valid, checked.errors, checked.error_rows
    )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a file's rows become objects: a read makes
    hundreds of thousands of containers and no cycles, and each collection would walk them
    all again (a third of the time of 100,000 rows). The rows live as long as the result,
    so they join the oldest generation at once (freeze + unfreeze) instead of being walked
    by the next young collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


class _Worker(Generic[T]):
    """`work()` on a daemon thread; `result()` joins it and re-raises its exception."""

    # A worker is never cancelled: a SQLite query or an unzip cannot be interrupted, and
    # each takes well under a second; `wait()` in the reader's `finally` bounds them.

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="import-prepare", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to the reading thread
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def write_error_workbook(
    result: ImportResult, path: str | os.PathLike[str], ctx: JobContext | None = None
) -> int:
    """The rows of `result` with errors, bad cells red, plus 错误原因 (see error_workbook)."""
    from client.documents.error_workbook import write_error_workbook as write

    return write(result, path, ctx)
