"""Loads one page of a list: count, the page's rows and (on 查询) the summary.

Synchronous by default: a COUNT and one page of up to 10,000 rows from an indexed SQLite
table take tens of milliseconds, less than a job's thread hop is worth. With `run_async`
the same work runs as a job without a progress dialog; only the newest request's answer
is delivered, so a slow old query never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from client.jobs import Job, JobContext
from client.storage.listing import ListSource, SortSpec
from client.ui.jobs import JobRunner

SummaryFn = Callable[[Mapping[str, Any]], Sequence[tuple[str, Any]]]


@dataclass(frozen=True)
class LoadedPage:
    total: int
    page_index: int  # clamped to the pages that exist now
    offset: int
    rows: list[dict[str, Any]]
    summary: list[tuple[str, Any]] | None  # None when not recomputed


def load_page(
    source: ListSource,
    filters: Mapping[str, Any],
    sort: SortSpec,
    page_index: int,
    page_size: int,
    summary: SummaryFn | None,
) -> LoadedPage:
    total = source.count(filters)
    last = max((total - 1) // page_size, 0)
    index = min(max(page_index, 0), last)
    rows = source.page(filters, sort, index * page_size, page_size)
    items = list(summary(filters)) if summary is not None else None
    return LoadedPage(total, index, index * page_size, rows, items)


class PageLoader:
    def __init__(
        self,
        source: ListSource,
        jobs: JobRunner,
        on_loaded: Callable[[LoadedPage], None],
        on_failed: Callable[[BaseException], None],
        run_async: bool = False,
    ) -> None:
        self.source = source
        self.jobs = jobs
        self.on_loaded = on_loaded
        self.on_failed = on_failed
        self.run_async = run_async
        self.busy = False
        self._generation = 0

    def load(
        self,
        filters: Mapping[str, Any],
        sort: SortSpec,
        page_index: int,
        page_size: int,
        summary: SummaryFn | None,
    ) -> None:
        self._generation += 1
        generation = self._generation
        args = (self.source, dict(filters), list(sort), page_index, page_size, summary)
        self.busy = True
        if not self.run_async:
            try:
                loaded = load_page(*args)
            except Exception as exc:
                self._deliver(generation, None, exc)
            else:
                self._deliver(generation, loaded, None)
            return

        def work(_ctx: JobContext) -> LoadedPage:
            return load_page(*args)

        self.jobs.run(
            Job("查询", work),
            lambda loaded: self._deliver(generation, loaded, None),
            lambda exc: self._deliver(generation, None, exc),
            progress=False,
        )

    def _deliver(
        self, generation: int, loaded: LoadedPage | None, error: BaseException | None
    ) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self.busy = False
        if loaded is not None:
            self.on_loaded(loaded)
        elif error is not None:
            self.on_failed(error)
