"""导出 for list pages: the job that streams the page's rows into an .xlsx file (no Qt).

The rows come from the page's `ListSource` with the page's applied filters and sort, so the
file holds what the table shows: the same columns, titles and display formats, with amounts
kept numeric.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from client.documents.xlsx import write_table
from client.jobs import Job, JobContext
from client.storage.listing import ListSource, SortSpec
from client.ui.listpage.spec import Column

EXPORT_TITLE = "导出"


def suggested_file_name(stem: str, now: datetime | None = None) -> str:
    """e.g. 职工参保信息更新_所有职工_20240105093000.xlsx"""
    stamp = (now or datetime.now()).strftime("%Y%m%d%H%M%S")
    safe = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in stem).strip() or "导出"
    return f"{safe}_{stamp}.xlsx"


def with_xlsx_suffix(path: str | Path) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == ".xlsx" else target.with_name(target.name + ".xlsx")


def export_job(
    path: str | Path,
    sheet_title: str,
    columns: Sequence[Column],
    source: ListSource,
    filters: Mapping[str, Any],
    sort: SortSpec,
    keys: Collection[Any] | None,
    total: int | None,
) -> Job[int]:
    """A job writing the matching rows (or only `keys`); its result is the row count."""
    exported = [c for c in columns if c.export]
    headers = [c.title for c in exported]
    formats = [c.export_format for c in exported]
    target = with_xlsx_suffix(path)
    frozen_filters = dict(filters)
    frozen_sort = list(sort)
    frozen_keys = list(keys) if keys is not None else None

    def run(ctx: JobContext) -> int:
        stream = source.rows(frozen_filters, frozen_sort, frozen_keys)
        values = ([c.export_value(row.get(c.key)) for c in exported] for row in stream)
        try:
            return write_table(target, sheet_title, headers, values, ctx, total, formats)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:  # release the database connection at once on cancel
                close()

    return Job(EXPORT_TITLE, run)
