"""The server clock: China Standard Time (UTC+8), shiftable by the admin API for tests."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class ServerClock:
    """Real time plus an offset; thread-safe because routes run in a thread pool."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return (datetime.now(CST) + offset).replace(microsecond=0)

    def timestamp(self) -> float:
        """Seconds since the epoch on the server clock, with sub-second precision."""
        with self._lock:
            offset = self._offset
        return (datetime.now(CST) + offset).timestamp()

    def today(self) -> date:
        return self.now().date()

    def now_text(self) -> str:
        return self.now().strftime(DATETIME_FORMAT)

    def iso(self) -> str:
        return self.now().isoformat()

    @property
    def offset_seconds(self) -> float:
        with self._lock:
            return round(self._offset.total_seconds(), 3)

    def set_offset(self, seconds: float) -> None:
        with self._lock:
            self._offset = timedelta(seconds=seconds)

    def set_now(self, local: datetime) -> None:
        """Shift the clock so that it reads `local` (naive = server local time) now."""
        if local.tzinfo is None:
            local = local.replace(tzinfo=CST)
        with self._lock:
            self._offset = local - datetime.now(CST)

    def reset(self) -> None:
        self.set_offset(0)


def format_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(CST)
    return value.strftime(DATETIME_FORMAT)


def parse_datetime(text: str) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM:SS' (server local time) or ISO 8601 into an aware datetime."""
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=CST)


def next_midnight(moment: datetime) -> datetime:
    """00:00 of the day after `moment`, in server local time."""
    local = moment.astimezone(CST)
    return datetime(local.year, local.month, local.day, tzinfo=CST) + timedelta(days=1)
