"""Checking feed pages from the server and splitting them into table rows."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

from client.domain.insured import pay_span
from client.domain.pinyin import name_initials
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


def _derive_employee(rec: list[Any], items: list[list[Any]]) -> Row:
    start, end = pay_span((it[_START], it[_END]) for it in items)
    return (name_initials(rec[_NAME]), start, end)


def _derive_resident(rec: list[Any], _items: list[list[Any]]) -> Row:
    return (name_initials(rec[RESIDENTS.fields.index("name")]),)


DERIVE = {"employees": _derive_employee, "residents": _derive_resident}


class PageParser:
    """Checks a page against the expected layout and turns records into rows, fast."""

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
        self._derive = DERIVE[spec.name]

    def _check_layout(self, payload: Any) -> None:
        if not isinstance(payload, dict):
            raise _bad("page is not an object")
        if payload.get("feed") != self.spec.name:
            raise _bad(f"feed is {payload.get('feed')!r}")
        if payload.get("fields") != self.spec.wire_fields:
            raise _bad(f"unknown record layout {payload.get('fields')!r}")
        if payload.get("item_fields") != list(self.spec.item_fields):
            raise _bad(f"unknown item layout {payload.get('item_fields')!r}")

    def _rows(self, raw: Any) -> tuple[list[Row], list[Row]]:
        if not isinstance(raw, list):
            raise _bad("records is not a list")
        n, m = self._n, self._m
        str_req, str_null = self._str_required, self._str_nullable
        derive = self._derive
        records: list[Row] = []
        items: list[Row] = []
        item_lists: list[list[Any]] = []
        add_record, add_item, add_list = records.append, items.append, item_lists.append
        for rec in raw:
            if type(rec) is not list or len(rec) != n + 1:
                raise _bad("record has the wrong shape")
            rid, seq = rec[0], rec[1]
            if type(rid) is not int or type(seq) is not int:
                raise _bad("record id/seq is not an integer")
            for i in str_req:
                if type(rec[i]) is not str:
                    raise _bad(f"record {rid} field {self.spec.fields[i]} is not text")
            for i in str_null:
                v = rec[i]
                if v is not None and type(v) is not str:
                    raise _bad(f"record {rid} field {self.spec.fields[i]} is not text")
            rec_items = rec[n]
            if type(rec_items) is not list:
                raise _bad(f"record {rid} items is not a list")
            for it in rec_items:
                # Item values are checked by the database as they are written: a missing
                # required value or a nested object there rolls the page back (see
                # FeedStore); checking 400,000 items field by field here costs a second.
                if type(it) is not list or len(it) != m:
                    raise _bad(f"record {rid} has an item of the wrong shape")
                add_item((rid, *it))
            add_list(rec_items)
            del rec[n]
            try:
                derived = derive(rec, rec_items)
            except (TypeError, AttributeError) as exc:
                raise _bad(f"record {rid}: {exc}") from None
            add_record((*rec, *derived))
        # A number or boolean would be written as text by SQLite and differ from the
        # server's value unnoticed; one pass over every value, in C (a few ms a page).
        kinds = set(map(type, chain.from_iterable(chain.from_iterable(item_lists))))
        if not kinds <= _TEXT_OR_NULL:
            raise _bad("an item value is not text")
        return records, items

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
