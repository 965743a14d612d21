"""One template column of an import, read at once: which cells are empty, the parsed
values and the reasons of the cells that do not parse.

A column is handled with a few C-level passes where it can be (strip, a parser's `batch`,
a memo for columns with few distinct values such as 生效年月) and cell by cell only where
a value needs it, so 100,000 rows cost a few tens of milliseconds per column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from client.documents.cells import CellError, CellParser, ColumnParser

# A column whose distinct values are at most this share of its cells is parsed once per
# distinct value.
MEMO_SHARE = 4


@dataclass(slots=True)
class ParsedColumn:
    values: list[Any]  # per row: the parsed value, None for an empty cell
    errors: dict[int, str] = field(default_factory=dict)  # row position → reason
    empty: set[int] = field(default_factory=set)  # row positions of empty cells


def parse_column(cells: list[Any], parse: CellParser) -> ParsedColumn:
    """Parse one column (`cells` as python-calamine reads them, one per row)."""
    try:
        stripped: list[Any] = list(map(str.strip, cells))  # a column of text (the usual)
    except TypeError:
        kinds = set(map(type, cells))
        if str not in kinds and type(None) not in kinds:  # numbers, dates: never empty
            return ParsedColumn(*_parse_all(cells, kinds, parse))
        stripped = [v.strip() if v.__class__ is str else v for v in cells]
    else:
        if "" not in stripped:
            return ParsedColumn(*_parse_all(stripped, {str}, parse))
    empty = {i for i, v in enumerate(stripped) if v == "" or v is None}
    if len(empty) == len(stripped):
        return ParsedColumn([None] * len(stripped), {}, empty)
    present = [i for i in range(len(stripped)) if i not in empty]
    values = [stripped[i] for i in present]
    parsed, found = _parse_all(values, set(map(type, values)), parse)
    column: list[Any] = [None] * len(stripped)
    for i, value in zip(present, parsed, strict=True):
        column[i] = value
    errors = {present[k]: reason for k, reason in found.items()}
    return ParsedColumn(column, errors, empty)


def _parse_all(
    values: list[Any], kinds: set[type], parse: CellParser
) -> tuple[list[Any], dict[int, str]]:
    """Non-empty values (of the types `kinds`) → (parsed values, position → reason)."""
    if not values:
        return [], {}
    if isinstance(parse, ColumnParser):
        batch = parse.batch(values, kinds)
        if batch is not None:
            return batch, {}
        parse = parse.parse
    if kinds == {str}:
        distinct = set(values)
        if len(distinct) * MEMO_SHARE <= len(values):
            return _memo(values, distinct, parse)
    return _each(values, parse)


def _memo(
    values: list[str], distinct: set[str], parse: CellParser
) -> tuple[list[Any], dict[int, str]]:
    parsed: dict[str, Any] = {}
    bad: dict[str, str] = {}
    for value in distinct:
        try:
            parsed[value] = parse(value)
        except CellError as exc:
            bad[value] = exc.reason
    if not bad:
        return list(map(parsed.__getitem__, values)), {}
    errors = {i: bad[v] for i, v in enumerate(values) if v in bad}
    return [parsed.get(v) for v in values], errors


def _each(values: list[Any], parse: CellParser) -> tuple[list[Any], dict[int, str]]:
    out: list[Any] = []
    append = out.append
    errors: dict[int, str] = {}
    for i, value in enumerate(values):
        try:
            append(parse(value))
        except CellError as exc:
            append(None)
            errors[i] = exc.reason
    return out, errors
