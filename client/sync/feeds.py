"""Checking feed pages from the server and splitting them into table rows."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from operator import getitem, itemgetter
from typing import Any

from client.domain.pinyin import char_initials, name_initials
from client.storage.feed_tables import EMPLOYEES, FEED_FOR_KIND, FEEDS, RESIDENTS, FeedSpec, Row
from client.sync.errors import MalformedResponseError

__all__ = ["EMPLOYEES", "FEEDS", "FEED_FOR_KIND", "RESIDENTS", "FeedPage", "FeedSpec", "PageParser"]


@dataclass
class FeedPage:
    """A checked page, already split into table rows."""

    records: list[Row]
    items: list[Row]
    removals: list[tuple[int, int]]
    total: int
    cursor: int | None = None  # changes pages
    has_more: bool = False
    snapshot_seq: int | None = None  # snapshot pages
    next_after_id: int | None = None

    @property
    def ids(self) -> list[int]:
        return [r[0] for r in self.records]


_TEXT_OR_NULL = frozenset({str, type(None)})  # every item field is text (or null)


def _bad(reason: str) -> MalformedResponseError:
    return MalformedResponseError(technical=reason)


def _int(payload: dict[str, Any], key: str, *, optional: bool = False) -> int | None:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(f"{key} is not an integer")
    return value


_NAME = EMPLOYEES.fields.index("name")
_START = EMPLOYEES.item_fields.index("start_month")
_END = EMPLOYEES.item_fields.index("end_month")


class _InitialTable(dict[int, str]):
    """str.translate table: a character to its one initial ("" drops it), or _MANY when it
    has several readings (曾 → c/z); filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        letters = char_initials(chr(code))
        value = letters[0] if len(letters) == 1 else _MANY
        self[code] = value
        return value


_MANY = "\x00"
_INITIAL_OF = _InitialTable()


def fast_initials(name: str) -> str:
    """name_initials(name), in C for the usual name whose characters have one reading each."""
    letters = name.strip().translate(_INITIAL_OF)
    if _MANY in letters:
        return name_initials(name)
    return f"|{letters}|"


_get_start = itemgetter(_START)
_get_end = itemgetter(_END)
_min_or_none = partial(min, default=None)
_max_or_none = partial(max, default=None)


def _drain(results: Iterable[Any]) -> None:
    deque(results, maxlen=0)


def _values(rows: list[Any], idx: list[int]) -> Iterable[Any]:
    """The values at `idx` of every row, as one flat iterable built in C."""
    if len(idx) == 1:
        return map(itemgetter(idx[0]), rows)
    return chain.from_iterable(map(itemgetter(*idx), rows))


class PageParser:
    """Checks a page against the expected layout and turns records into rows, fast.

    Every check is one pass in C over the whole page (`set(map(type, …))`); only when one
    of them fails is the page walked record by record to name the first bad value. Rows
    are the decoded record lists themselves (items popped, derived columns appended), so
    a page costs one small Python step per record and one tuple per item.
    """

    def __init__(self, spec: FeedSpec) -> None:
        self.spec = spec
        n = len(spec.fields)
        self._n = n
        self._m = len(spec.item_fields)
        self._str_required = [
            i
            for i, f in enumerate(spec.fields)
            if f not in spec.nullable and f not in ("id", "seq")
        ]
        self._str_nullable = [i for i, f in enumerate(spec.fields) if f in spec.nullable]
        self._name = spec.fields.index("name")
        self._initials = fast_initials

    def _check_layout(self, payload: Any) -> None:
        if not isinstance(payload, dict):
            raise _bad("page is not an object")
        if payload.get("feed") != self.spec.name:
            raise _bad(f"feed is {payload.get('feed')!r}")
        if payload.get("fields") != self.spec.wire_fields:
            raise _bad(f"unknown record layout {payload.get('fields')!r}")
        if payload.get("item_fields") != list(self.spec.item_fields):
            raise _bad(f"unknown item layout {payload.get('item_fields')!r}")

    def _find_bad(self, raw: list[Any]) -> MalformedResponseError:
        """The first bad value of a page that failed a whole-page check, named."""
        n, m = self._n, self._m
        for rec in raw:
            if type(rec) is not list or len(rec) != n + 1:
                return _bad("record has the wrong shape")
            rid, seq = rec[0], rec[1]
            if type(rid) is not int or type(seq) is not int:
                return _bad("record id/seq is not an integer")
            for i in self._str_required:
                if type(rec[i]) is not str:
                    return _bad(f"record {rid} field {self.spec.fields[i]} is not text")
            for i in self._str_nullable:
                v = rec[i]
                if v is not None and type(v) is not str:
                    return _bad(f"record {rid} field {self.spec.fields[i]} is not text")
            rec_items = rec[n]
            if type(rec_items) is not list:
                return _bad(f"record {rid} items is not a list")
            for it in rec_items:
                if type(it) is not list or len(it) != m:
                    return _bad(f"record {rid} has an item of the wrong shape")
                for v in it:
                    if v is not None and type(v) is not str:
                        return _bad(f"record {rid}: an item value is not text")
        return _bad("a record or an item has a value of the wrong type")

    def _check(self, raw: list[Any]) -> tuple[list[list[Any]], list[list[Any]]]:
        """Shapes and types of every record, item and value, each check one pass in C;
        returns each record's item list and all items in one list.

        Item values must be text or null: a number or boolean would be written as text
        by SQLite and differ from the server's value unnoticed. A required item value
        that is null, or a nested object, is refused by the database as it is written
        (NOT NULL, unsupported type), which rolls the page's transaction back.
        """
        n, m = self._n, self._m
        if set(map(type, raw)) != {list} or set(map(len, raw)) != {n + 1}:
            raise self._find_bad(raw)
        if set(map(type, _values(raw, [0, 1]))) != {int}:
            raise self._find_bad(raw)
        if self._str_required and set(map(type, _values(raw, self._str_required))) != {str}:
            raise self._find_bad(raw)
        if self._str_nullable and not (
            set(map(type, _values(raw, self._str_nullable))) <= _TEXT_OR_NULL
        ):
            raise self._find_bad(raw)
        item_lists = list(map(itemgetter(n), raw))
        if set(map(type, item_lists)) != {list}:
            raise self._find_bad(raw)
        flat = list(chain.from_iterable(item_lists))
        if flat and (set(map(type, flat)) != {list} or set(map(len, flat)) != {m}):
            raise self._find_bad(raw)
        if not set(map(type, chain.from_iterable(flat))) <= _TEXT_OR_NULL:
            raise _bad("an item value is not text")
        return item_lists, flat

    def _initials_of(self, raw: list[Any]) -> list[str]:
        """拼音首字母 of every record's name: str.translate per name, in C; a name with a
        character of several readings goes through name_initials."""
        names = list(map(itemgetter(self._name), raw))
        letters = list(map(str.translate, map(str.strip, names), repeat(_INITIAL_OF)))
        initials = list(map("|{}|".format, letters))
        if _MANY in "".join(letters):
            for i, text in enumerate(letters):
                if _MANY in text:
                    initials[i] = name_initials(names[i])
        return initials

    def _rows(self, raw: Any) -> tuple[list[Row], list[Row]]:
        """The page's records become table rows in place (items popped, derived columns
        appended), its items rows with their owner's id in front; each step a C pass."""
        if not isinstance(raw, list):
            raise _bad("records is not a list")
        if not raw:
            return [], []
        item_lists, items = self._check(raw)
        ids = list(map(itemgetter(0), raw))
        _drain(map(list.pop, raw))
        _drain(map(list.append, raw, self._initials_of(raw)))
        if self.spec.name == "employees":
            # pay_span: the earliest start; the latest stop unless an item is open (长期).
            starts = map(
                _min_or_none,
                map(filter, repeat(None), map(map, repeat(_get_start), item_lists)),
            )
            ends = list(map(list, map(map, repeat(_get_end), item_lists)))
            last = map(
                getitem,
                zip(repeat(None), map(_max_or_none, map(filter, repeat(None), ends))),
                map(all, ends),
            )
            _drain(map(list.append, raw, starts))
            _drain(map(list.append, raw, last))
        owners = chain.from_iterable(map(repeat, ids, map(len, item_lists)))
        _drain(map(list.insert, items, repeat(0), owners))
        return raw, items

    def snapshot(self, payload: Any) -> FeedPage:
        self._check_layout(payload)
        records, items = self._rows(payload.get("records"))
        return FeedPage(
            records=records,
            items=items,
            removals=[],
            total=_int(payload, "total") or 0,
            snapshot_seq=_int(payload, "snapshot_seq"),
            next_after_id=_int(payload, "next_after_id", optional=True),
        )

    def changes(self, payload: Any) -> FeedPage:
        self._check_layout(payload)
        records, items = self._rows(payload.get("upserts"))
        raw_removals = payload.get("removals")
        if not isinstance(raw_removals, list):
            raise _bad("removals is not a list")
        removals: list[tuple[int, int]] = []
        for r in raw_removals:
            if type(r) is not list or len(r) != 2 or type(r[0]) is not int or type(r[1]) is not int:
                raise _bad("removal has the wrong shape")
            removals.append((r[0], r[1]))
        has_more = payload.get("has_more")
        if not isinstance(has_more, bool):
            raise _bad("has_more is not a boolean")
        return FeedPage(
            records=records,
            items=items,
            removals=removals,
            total=_int(payload, "total") or 0,
            cursor=_int(payload, "cursor"),
            has_more=has_more,
        )
