"""参保 rules shared by the roster and its statistics (manual §2.2 五)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

LONG_TERM = "长期"  # 终止缴费月份 of an item that has no stop month


def pay_span(items: Iterable[tuple[str | None, str | None]]) -> tuple[str | None, str | None]:
    """(开始缴费月份, 终止缴费月份) of an employee over all insured items.

    Starts at the earliest item's start; ends at the latest item's stop month, or None
    (长期) when any item is still open-ended. No items → (None, None).
    """
    starts: list[str] = []
    ends: list[str] = []
    open_ended = False
    any_item = False
    for start, end in items:
        any_item = True
        if start:
            starts.append(start)
        if end:
            ends.append(end)
        else:
            open_ended = True
    if not any_item:
        return None, None
    return (min(starts) if starts else None), (None if open_ended or not ends else max(ends))


def current_month(today: date) -> str:
    return f"{today:%Y-%m}"


def is_paying(start: str | None, end: str | None, month: str) -> bool:
    """正常缴费: this month lies between the start and stop months."""
    return start is not None and start <= month and (end is None or end >= month)


def has_stopped(end: str | None, month: str) -> bool:
    """停止缴费: the stop month is before this month."""
    return end is not None and end < month
