"""Cell parsers for import templates: each turns one filled cell into a typed value.

A parser receives a non-empty cell value as python-calamine reads it (str already
stripped, int/float for numbers, date/datetime for dates, bool) and returns the value to
keep, or raises `CellError` with the Chinese reason shown for that cell. Empty cells never
reach a parser: the import framework handles them (必填 or None).

A `ColumnParser` adds a path for a whole column at once (a 100,000-row import reads each
column with a few C-level passes): `batch(values, kinds)` (the non-empty cells and the set
of their types) returns the parsed column when every value is fine, or None to let the
framework parse cell by cell and find the bad ones. Both paths must agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

CellParser = Callable[[Any], Any]
Batch = Callable[[list[Any], set[type]], list[Any] | None]

# Excel keeps 15 significant digits; a longer number typed into a General cell (an
# identity number, a bank account) has already lost its last digits.
_EXACT_DIGITS = 15


class CellError(ValueError):
    """A cell that cannot be read as its column expects; `reason` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _number_as_text(value: int | float) -> str:
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        value = int(value)
    if len(str(abs(value))) > _EXACT_DIGITS:
        raise CellError(
            "该单元格被Excel存为数字，超过15位的数字末几位已丢失；请把该列设为文本格式后重新填写。"
        )
    return str(value)


class ColumnParser:
    """A cell parser (`parse`) with a whole-column fast path (`batch`, see above)."""

    __slots__ = ("batch", "parse")

    def __init__(self, parse: CellParser, batch: Batch) -> None:
        self.parse = parse
        self.batch = batch

    def __call__(self, value: Any) -> Any:
        return self.parse(value)


def as_text(value: Any) -> str:
    """The text of any cell value (numbers without a trailing .0, dates as YYYY-MM-DD)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_as_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def text(max_length: int | None = None, forbidden: str = "", upper: bool = False) -> CellParser:
    """Free text, optionally limited in length and characters (`forbidden`)."""

    def parse(value: Any) -> str:
        result = as_text(value)
        if upper:
            result = result.upper()
        if max_length is not None and len(result) > max_length:
            raise CellError(f"不能超过{max_length}个字，当前为{len(result)}个字。")
        for ch in forbidden:
            if ch in result:
                raise CellError(f"不能包含“{ch}”。")
        return result

    def batch(values: list[Any], kinds: set[type]) -> list[Any] | None:
        if kinds != {str}:
            return None
        result = list(map(str.upper, values)) if upper else values
        if max_length is not None and max(map(len, result)) > max_length:
            return None
        if forbidden:
            joined = "\n".join(result)
            if any(ch in joined for ch in forbidden):
                return None
        return result

    return ColumnParser(parse, batch)


def choice(options: Mapping[str, Any] | Iterable[str], what: str = "值") -> CellParser:
    """One of a fixed list. With a mapping, the cell may hold a key or a value (a code or
    its name) and the parser returns the key."""
    lookup: dict[str, Any] = {}
    names: list[str] = []
    if isinstance(options, Mapping):
        for key, name in options.items():
            lookup[str(key)] = key
            lookup[str(name)] = key
            names.append(str(name))
    else:
        for option in options:
            lookup[option] = option
            names.append(option)
    shown = "、".join(names[:8]) + ("等" if len(names) > 8 else "")

    def parse(value: Any) -> Any:
        key = as_text(value)
        if key not in lookup:
            raise CellError(f"{what}“{key}”不正确，应为{shown}之一。")
        return lookup[key]

    return parse


_INT_TEXT = re.compile(r"[+-]?\d+")


def integer(minimum: int | None = None, maximum: int | None = None) -> CellParser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("应填写整数。")
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str) and _INT_TEXT.fullmatch(value.replace(",", "")):
            number = int(value.replace(",", ""))
        else:
            raise CellError(f"应填写整数，不能是“{as_text(value)}”。")
        _check_range(number, minimum, maximum)
        return number

    return parse


def decimal(
    places: int = 2, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> CellParser:
    """A number with at most `places` decimals (amounts: 缴费工资, 基数)."""

    def parse(value: Any) -> Decimal:
        if isinstance(value, bool | date):
            raise CellError("应填写数字。")
        if isinstance(value, float):
            raw = repr(value)
        elif isinstance(value, int):
            raw = str(value)
        else:
            raw = str(value).replace(",", "").replace("，", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"应填写数字，不能是“{as_text(value)}”。") from None
        if not number.is_finite():
            raise CellError("应填写数字。")
        if _decimal_places(raw, number) > places:
            raise CellError(f"最多保留{places}位小数。")
        _check_range(number, minimum, maximum)
        return number

    return parse


def _decimal_places(raw: str, number: Decimal) -> int:
    if "e" in raw or "E" in raw:
        exponent = number.normalize().as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    dot = raw.find(".")
    return 0 if dot < 0 else len(raw.rstrip("0")) - dot - 1


_DATE_TEXT = re.compile(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?")
_MONTH_TEXT = re.compile(r"(\d{4})[-/.年]?(\d{1,2})月?")


def date_value() -> CellParser:
    """A date: an Excel date cell, or text like 2024-01-31, 2024/1/31 or 20240131."""

    def parse(value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        match = _DATE_TEXT.fullmatch(as_text(value)) if isinstance(value, str) else None
        if match is not None:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        raise CellError(f"应填写日期（如2024-01-31），不能是“{as_text(value)}”。")

    return parse


def month_value() -> CellParser:
    """A month as YYYY-MM: an Excel date cell, or text like 2024-01, 2024/1 or 202401."""

    def parse(value: Any) -> str:
        if (
            value.__class__ is str
            and len(value) == 7
            and value[4] == "-"
            and value[:4].isdigit()
            and "01" <= value[5:] <= "12"
            and value[5:].isdigit()
        ):
            return value  # the common case, YYYY-MM, without the regular expression
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        match = _MONTH_TEXT.fullmatch(as_text(value)) if isinstance(value, str | int) else None
        if match is not None and 1 <= int(match[2]) <= 12:
            return f"{int(match[1]):04d}-{int(match[2]):02d}"
        raise CellError(f"应填写年月（如2024-01），不能是“{as_text(value)}”。")

    return parse


def _check_range(number: Any, minimum: Any, maximum: Any) -> None:
    if minimum is not None and number < minimum:
        raise CellError(f"不能小于{minimum}。")
    if maximum is not None and number > maximum:
        raise CellError(f"不能大于{maximum}。")
