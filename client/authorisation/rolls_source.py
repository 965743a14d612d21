"""A `ListSource` over a 管理子系统 list endpoint answering `{total, fields, records}` one
page at a time (offset/limit), so a list page and its 导出 read a 100,000-row 清册 without
holding it: the table asks for the page it shows, the export streams pages of `CHUNK`.
Used by 社保费批扣清册 and 社保费批扣费额设置."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

from client.storage.listing import ROW_KEY, SortSpec
from client.sync.api import ApiClient

Params = Callable[[Mapping[str, Any]], dict[str, Any]]
CHUNK = 5000  # the servers' largest page


class RemoteListSource:
    def __init__(
        self,
        api: ApiClient,
        path: str,
        key: str,
        params: Params,
        sortable: Collection[str] = (),
        decorate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.api = api
        self.path = path
        self.key = key
        self.params = params
        self.sortable = frozenset(sortable)
        self.decorate = decorate or (lambda row: row)

    def _fetch(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int, total: bool
    ) -> tuple[int | None, list[dict[str, Any]]]:
        query = dict(self.params(filters))
        order = [(k, asc) for k, asc in sort if k in self.sortable][:1]
        if order:
            query["sort"], ascending = order[0]
            query["ascending"] = "true" if ascending else "false"
        body = self.api.get_json(
            self.path, **query, offset=offset, limit=limit, total="true" if total else "false"
        )
        fields = body["fields"]
        rows = []
        for record in body["records"]:
            row = self.decorate(dict(zip(fields, record, strict=True)))
            row[ROW_KEY] = row[self.key]
            rows.append(row)
        return body.get("total"), rows

    def count(self, filters: Mapping[str, Any]) -> int:
        total, _ = self._fetch(filters, (), 0, 1, True)
        return int(total or 0)

    def page(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        while len(rows) < limit:
            want = min(limit - len(rows), CHUNK)
            _, got = self._fetch(filters, sort, offset + len(rows), want, False)
            rows += got
            if len(got) < want:
                break
        return rows

    def rows(
        self, filters: Mapping[str, Any], sort: SortSpec, keys: Collection[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        wanted = None if keys is None else set(keys)
        offset = 0
        while True:
            _, got = self._fetch(filters, sort, offset, CHUNK, False)
            for row in got:
                if wanted is None or row[ROW_KEY] in wanted:
                    yield row
            if len(got) < CHUNK:
                return
            offset += CHUNK
