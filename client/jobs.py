"""The shape of long work, without Qt: a function that reports progress and can be cancelled.

A job is any callable taking a `JobContext`. It calls `ctx.progress(phase, done, total)`
as it goes and `ctx.check_cancelled()` at safe points; the Qt adapter in `client/ui` runs
it on a worker thread, shows the progress and passes the user's 取消 down as `cancel()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class JobCancelled(Exception):
    """Raised inside a job when the user cancelled it; nothing half-done is kept."""

    message = "操作已取消。"


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int | None

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(max(self.done / self.total, 0.0), 1.0)


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise JobCancelled()


ProgressSink = Callable[[Progress], None]


class JobContext:
    """What a job sees: a progress sink and a cancel token."""

    def __init__(
        self, on_progress: ProgressSink | None = None, cancel_token: CancelToken | None = None
    ) -> None:
        self._on_progress = on_progress
        self.cancel_token = cancel_token or CancelToken()
        self.last: Progress | None = None
        self.history: list[Progress] = []
        self._lock = threading.Lock()

    def progress(self, phase: str, done: int, total: int | None = None) -> None:
        update = Progress(phase, done, total)
        with self._lock:
            self.last = update
            if len(self.history) < 10_000:
                self.history.append(update)
        if self._on_progress is not None:
            self._on_progress(update)

    def check_cancelled(self) -> None:
        self.cancel_token.raise_if_cancelled()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    def sub(self, start: float, end: float, phase: str) -> JobContext:
        """A child context whose 0..total maps onto [start, end] of this one's 0..100."""
        parent = self
        reached = [round(start)]

        def forward(p: Progress) -> None:
            # One bar for the user: it only moves forward, even when a later step of the
            # child starts its own count (e.g. the catch-up after a full sync).
            fraction = p.fraction if p.fraction is not None else 0.0
            value = max(reached[0], round(start + (end - start) * fraction))
            reached[0] = value
            parent.progress(phase or p.phase, value, 100)

        return JobContext(forward, self.cancel_token)


@dataclass
class Job(Generic[T]):
    """A named unit of work, for the UI to run and label."""

    title: str
    run: Callable[[JobContext], T]


def run_job(job: Job[T], ctx: JobContext | None = None) -> T:
    """Run a job on the current thread (tests, CLI, benchmarks)."""
    return job.run(ctx or JobContext())


class Stopwatch:
    """Accumulates the time spent in one kind of work (e.g. local writes during a sync)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._start
