"""The last step of reading an import: duplicates, the caller's cross check, and the valid
rows as `ImportRow`s (the rest become `RowError`s).

With a `ColumnCheck` (or none) the rows are built in chunks by C-level passes (`zip`,
`map`, `compress`); a `RowCheck` is called once per row. Progress and cancel are checked
every `PROGRESS_EVERY` rows either way.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from itertools import compress
from typing import Any, overload

from client.documents.row_checks import (
    CHECK_PHASE,
    DUPLICATE,
    MERGED,
    PROGRESS_EVERY,
    AnyCheck,
    CellErrors,
    CheckedRows,
    ColumnCheck,
    ImportRow,
    ParsedRows,
    Problems,
    RowCheck,
    RowError,
    apply_formulas_and_merges,
)
from client.jobs import JobContext


def check_rows(
    parsed: ParsedRows,
    formulas: dict[int, list[int]],
    check: AnyCheck | None,
    ctx: JobContext,
) -> CheckedRows:
    """Finish `parsed` (see row_checks) with the sheet's `formulas` and the caller's check."""
    apply_formulas_and_merges(parsed, formulas)
    rows = _Rows(parsed)
    rows.run(check, ctx)
    width, n = len(parsed.spec.columns), len(parsed.data)
    for index, (col, ref) in sorted(parsed.merged.items()):  # merges below the last value
        if index - parsed.first_index >= n:
            rows.add(index + 1, [""] * width, [(col, MERGED.format(ref=ref))])
    rows.errors.sort(key=lambda e: e.row)
    ctx.progress(CHECK_PHASE, n, n)
    return CheckedRows(parsed.total, rows.valid, rows.errors, rows.error_rows)


class _Rows:
    def __init__(self, parsed: ParsedRows) -> None:
        self.parsed = parsed
        self.spec = parsed.spec
        self.headers = [c.header for c in parsed.spec.columns]
        self.index = {c.key: i for i, c in enumerate(parsed.spec.columns)}
        self.offset = parsed.first_index + 1  # row position → Excel row number
        self.valid = LazyRows()
        self.errors: list[RowError] = []
        self.error_rows: dict[int, list[Any]] = {}

    def run(self, check: AnyCheck | None, ctx: JobContext) -> None:
        parsed, found = self.parsed, self.parsed.found
        keys = [c.key for c in self.spec.columns]
        values = [c.values for c in parsed.columns]
        unique = [i for i, c in enumerate(self.spec.columns) if c.key in self.spec.unique_key]
        skip = parsed.blank | found.keys()
        duplicates = _duplicates(values, unique, skip)
        row_check: RowCheck | None = None
        if isinstance(check, ColumnCheck):
            ctx.check_cancelled()
            result = check.check_columns(dict(zip(keys, values, strict=True)), skip)
            for pos, problems in result.errors.items():
                if pos in parsed.blank:
                    continue
                if pos not in skip:
                    found[pos] = self._cell_errors(problems)
                else:  # a row with cell errors: what the check found in its other cells
                    self._add_check_errors(found[pos], self._cell_errors(problems))
            keys, values = list(keys), list(values)
            for key, column in result.derived.items():  # replaces a column of that key
                if key in keys:
                    values[keys.index(key)] = column
                else:
                    keys.append(key)
                    values.append(column)
            skip = parsed.blank | found.keys()
        elif check is not None:
            row_check = check
        n = len(parsed.data)
        bad = sorted(skip)
        make = row_maker(keys)
        for start in range(0, n, PROGRESS_EVERY):
            ctx.check_cancelled()
            ctx.progress(CHECK_PHASE, start, n)
            stop = min(start + PROGRESS_EVERY, n)
            if row_check is None:
                self._chunk(make, keys, values, start, stop, bad)
            else:
                self._chunk_by_row(make, values, start, stop, skip, row_check)
        for pos in sorted(found):
            if pos not in parsed.blank:
                self.add(pos + self.offset, parsed.data[pos], found[pos])
        if duplicates:
            self._mark_duplicates(duplicates, unique)

    def _chunk(
        self,
        make: Callable[..., dict[str, Any]],
        keys: list[str],
        values: list[list[Any]],
        start: int,
        stop: int,
        bad: list[int],
    ) -> None:
        """Rows start..stop, those not in `bad` (sorted) valid; built later in C-level
        passes (see LazyRows)."""
        first, last = bisect.bisect_left(bad, start), bisect.bisect_left(bad, stop)
        skipped = bad[first:last]
        offset, data = self.offset, self.parsed.data

        def build() -> Iterable[ImportRow]:
            columns: list[Iterable[Any]] = [v[start:stop] for v in values]
            numbers: Iterable[int] = range(start + offset, stop + offset)
            raws: Iterable[list[Any]] = data[start:stop]
            if skipped:
                mask = [True] * (stop - start)
                for pos in skipped:
                    mask[pos - start] = False
                columns = [compress(c, mask) for c in columns]
                numbers, raws = compress(numbers, mask), compress(raws, mask)
            return map(ImportRow, numbers, map(make, *columns), raws)

        def column(key: str) -> Iterable[Any]:
            part = values[keys.index(key)][start:stop]
            if not skipped:
                return part
            mask = [True] * (stop - start)
            for pos in skipped:
                mask[pos - start] = False
            return compress(part, mask)

        self.valid.add_chunk((stop - start) - len(skipped), build, column)

    def _chunk_by_row(
        self,
        make: Callable[..., dict[str, Any]],
        values: list[list[Any]],
        start: int,
        stop: int,
        skip: Set[int],
        check: RowCheck,
    ) -> None:
        data, found = self.parsed.data, self.parsed.found
        rows = zip(*(v[start:stop] for v in values), strict=True)
        for pos, cells in zip(range(start, stop), rows, strict=True):
            if pos in skip:
                continue
            row = make(*cells)
            problems = check(row)
            if problems:
                found[pos] = self._cell_errors(problems)
            else:
                self.valid.append(ImportRow(pos + self.offset, row, data[pos]))

    @staticmethod
    def _add_check_errors(cell_errors: CellErrors, problems: CellErrors) -> None:
        """Add a check's problems to a row's cell errors, so that the user sees every
        error of the row at once; a column that already has an error keeps only that one.
        Kept in column order, row-wide reasons (no column) first, as the parser sorts them."""
        taken = {col for col, _ in cell_errors}
        extra = [p for p in problems if p[0] is None or p[0] not in taken]
        if extra:
            cell_errors.extend(extra)
            cell_errors.sort(key=lambda e: e[0] if e[0] is not None else -1)

    def _cell_errors(self, problems: Problems) -> CellErrors:
        """A check's (column key, reason) pairs as (column index, reason)."""
        return [(self.index[k] if k is not None else None, reason) for k, reason in problems]

    def add(self, row_number: int, cells: list[Any], errors: CellErrors) -> None:
        width = len(self.headers)
        self.error_rows[row_number] = cells if len(cells) == width else cells[:width]
        for col, reason in errors:
            header = self.headers[col] if col is not None else ""
            self.errors.append(RowError(row_number, header, reason, col))

    def _mark_duplicates(self, duplicates: dict[int, list[int]], key_columns: list[int]) -> None:
        """Every row of a duplicate set is an error: it is unclear which one is meant."""
        names = "、".join(self.headers[i] for i in key_columns)
        offset = self.offset
        by_row = {r.row: r for r in self.valid}
        for first, others in duplicates.items():
            group = [first, *others]
            for pos in group:
                peers = "、".join(str(p + offset) for p in group if p != pos)
                row = by_row.pop(pos + offset, None)
                cells = row.raw if row is not None else self.error_rows.get(pos + offset, [])
                reason = DUPLICATE.format(rows=peers, columns=names)
                self.add(pos + offset, cells, [(key_columns[0], reason)])
        self.valid = LazyRows([r for r in self.valid if r.row in by_row])


class LazyRows(Sequence[ImportRow]):
    """The valid rows, made into `ImportRow`s when first read.

    Checking a 100,000-row file needs the rows' values, not 100,000 row objects; these are
    built when the clerk's confirmed rows are applied (or a test looks at them), so the
    time to show the preview is the time to check the file.
    """

    def __init__(self, rows: Iterable[ImportRow] = ()) -> None:
        self._rows: list[ImportRow] = list(rows)
        self._pending: list[Callable[[], Iterable[ImportRow]]] = []
        self._columns: list[Callable[[str], Iterable[Any]]] = []
        self._count = len(self._rows)

    def add_chunk(
        self,
        count: int,
        build: Callable[[], Iterable[ImportRow]],
        column: Callable[[str], Iterable[Any]],
    ) -> None:
        self._pending.append(build)
        self._columns.append(column)
        self._count += count

    def column(self, key: str) -> list[Any]:
        """One value of every valid row, in order, without making the rows."""
        if not self._pending:
            return [r.values[key] for r in self._rows]
        made = [r.values[key] for r in self._rows]
        for column in self._columns:
            made.extend(column(key))
        return made

    def append(self, row: ImportRow) -> None:
        self._materialize().append(row)
        self._count += 1

    def _materialize(self) -> list[ImportRow]:
        if self._pending:
            for build in self._pending:
                self._rows.extend(build())
            self._pending, self._columns = [], []
        return self._rows

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> ImportRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ImportRow]: ...
    def __getitem__(self, index: int | slice) -> ImportRow | list[ImportRow]:
        return self._materialize()[index]

    def __iter__(self) -> Iterator[ImportRow]:
        return iter(self._materialize())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def row_maker(keys: list[str]) -> Callable[..., dict[str, Any]]:
    """A function making one row's dict from its values, generated for these keys (as
    dataclasses and namedtuple generate code): a dict display is built presized, a third
    faster than dict(zip(keys, values)) over 100,000 rows."""
    names = ", ".join(f"v{i}" for i in range(len(keys)))
    items = ", ".join(f"{key!r}: v{i}" for i, key in enumerate(keys))
    made: Callable[..., dict[str, Any]] = eval(f"lambda {names}: {{{items}}}")  # noqa: S307
    return made


def _duplicates(values: list[list[Any]], unique: list[int], skip: Set[int]) -> dict[int, list[int]]:
    """First position → later positions with the same key, among rows not in `skip`."""
    if not unique:
        return {}
    keys: list[Any] = values[unique[0]]
    if len(unique) > 1:
        keys = list(zip(*(values[i] for i in unique), strict=True))
    if len(set(keys)) == len(keys):
        return {}
    seen: dict[Any, int] = {}
    duplicates: dict[int, list[int]] = {}
    for pos, key in enumerate(keys):
        if pos in skip:
            continue
        first = seen.setdefault(key, pos)
        if first != pos:
            duplicates.setdefault(first, []).append(pos)
    return duplicates
