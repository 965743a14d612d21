"""Long id lists in SQL: SQLite refuses more bound parameters than its build allows (999
on old builds, 32,766 on the Python of Windows, 250,000 on Debian), so every IN list of
ticked or declared rows is sent in chunks that pass everywhere."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

SQL_CHUNK = 900  # below the historical 999-parameter limit, with room for a few more

T = TypeVar("T")


def chunked(values: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """`values` in consecutive slices of at most `size` (default SQL_CHUNK, read at each
    call so tests can make chunks small)."""
    size = size or SQL_CHUNK
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(n: int) -> str:
    """n comma-separated '?' placeholders."""
    return ", ".join("?" * n)
