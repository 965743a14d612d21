"""Sync engine: brings one unit's feed (employees or residents) in step with 管理子系统.

- Incremental: pages of changes since the cursor; each page and the new cursor are
  committed together, so an interrupted sync resumes and never applies a page twice.
- Full: a keyset-paged snapshot staged into copies of the tables, checked against the
  server's count, swapped in atomically, then caught up with the changes since the
  snapshot began. A staged snapshot survives an interruption and is resumed.
- A cursor the server no longer knows (410) or a count that does not match leads to a
  full sync. Pages are fetched one ahead on a second thread while the last one is written.
"""

from __future__ import annotations

import gc
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

from client.jobs import JobCancelled, JobContext, Stopwatch
from client.storage.feed_store import ChangeCounts, FeedStore, RowsRejectedError
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import CursorExpiredError, MalformedResponseError, SyncIntegrityError
from client.sync.feeds import FeedPage, FeedSpec, PageParser
from client.sync.page_worker import PageWorker

log = logging.getLogger(__name__)

# The last member of a snapshot page as the server writes it: '"next_after_id":123}'.
_NEXT_AFTER_TAIL = re.compile(rb'"next_after_id":(null|[0-9]{1,18})\}\s*\Z')
# The snapshot's size near the start of a page: '"total":100000,'.
_TOTAL_HEAD = re.compile(rb'"total":([0-9]{1,18})[,}]')

# A snapshot at least this big is decoded and checked by a second process (page_worker)
# while this one writes: for a few thousand records starting it would cost more than it saves.
PARALLEL_FROM = 20_000


def _decode(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedResponseError(technical=f"invalid JSON: {exc}") from None


DEFAULT_PAGE_SIZE = 5000


@dataclass
class FeedSyncResult:
    """What one sync did; `run_id` finds the changed records in `sync_changes`."""

    feed: str
    mode: str  # "full" | "incremental"
    run_id: int
    counts: ChangeCounts
    total: int
    cursor: int | None
    pages: int
    requests: int
    write_seconds: float
    fell_back_to_full: bool = False
    worker_pages: int = 0  # snapshot pages decoded and checked by the page worker process
    worker_peak_rss_mb: float | None = None  # that process's peak memory, where known

    @property
    def changed_records(self) -> int:
        return self.counts.total


_gc_lock = threading.Lock()
_gc_pauses = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk parsing.

    A page decodes into millions of short-lived lists and strings; each allocation burst
    triggers a collection that walks all of them (6× slower decoding, measured). They are
    acyclic, so reference counting frees them anyway.
    """
    global _gc_pauses
    with _gc_lock:
        _gc_pauses += 1
        if _gc_pauses == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                gc.enable()


class _Stop(Exception):
    pass


def prefetch(
    fetch: Callable[[Any], tuple[FeedPage, Any]],
    start: Any,
    depth: int = 1,
    cancel: Callable[[], bool] = lambda: False,
) -> Iterator[FeedPage]:
    """Yield pages while the next one is already being fetched on a worker thread.

    `fetch(position)` returns a page and the next position (None when done).
    """
    pages: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> None:
        while not stop.is_set():
            try:
                pages.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stop

    def produce() -> None:
        position = start
        try:
            while position is not None and not stop.is_set():
                if cancel():
                    put(("cancel", None))
                    return
                page, position = fetch(position)
                put(("page", page))
            put(("end", None))
        except _Stop:
            return
        except BaseException as exc:  # handed to the consumer, raised there
            try:
                put(("error", exc))
            except _Stop:
                return

    worker = threading.Thread(target=produce, name="sync-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = pages.get()
            if kind == "page":
                yield value
            elif kind == "end":
                return
            elif kind == "cancel":
                raise JobCancelled()
            else:
                raise value
    finally:
        stop.set()
        worker.join(timeout=30)


class FeedSyncer:
    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        spec: FeedSpec,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        parallel_from: int | None = PARALLEL_FROM,
        worker_command: list[str] | None = None,
    ) -> None:
        self.api = api
        self.parallel_from = parallel_from  # None: never use the page worker
        self.worker_command = worker_command
        self._worker: PageWorker | None = None
        self.worker_pages = 0  # pages whose rows the page worker made
        self.worker_peak_rss_mb: float | None = None
        self.unit_id = unit_id
        self.spec = spec
        self.page_size = page_size
        self.store = FeedStore(db, spec)
        self.db = db
        self.parser = PageParser(spec)
        self.requests = 0
        self.pages = 0
        self.write_time = Stopwatch()

    # -- entry point ---------------------------------------------------------------------
    def run(self, ctx: JobContext, mode: str = "auto") -> FeedSyncResult:
        """`mode`: "auto" (incremental when possible), "incremental" or "full"."""
        with gc_paused():
            return self._run(ctx, mode)

    def _run(self, ctx: JobContext, mode: str) -> FeedSyncResult:
        state = self.db.sync_state(self.spec.name)
        want_full = mode == "full" or not state.full_done or self.store.staging_ready()
        run_id = self.store.start_run("full" if want_full else "incremental", state.cursor)
        counts = ChangeCounts()
        fell_back = False
        try:
            if want_full:
                try:
                    total, cursor = self._full(ctx, run_id, counts)
                except (CursorExpiredError, SyncIntegrityError):
                    self.store.mark_needs_full()
                    raise
            else:
                try:
                    total, cursor = self._incremental(ctx, run_id, counts, state.cursor or 0)
                except (CursorExpiredError, SyncIntegrityError) as exc:
                    log.warning("%s: %s, falling back to a full sync", self.spec.name, exc.code)
                    fell_back = True
                    self.store.mark_needs_full()
                    total, cursor = self._full(ctx, run_id, counts)
        except JobCancelled:
            self.store.finish_run(run_id, "cancelled", counts=counts)
            raise
        except RowsRejectedError as exc:
            self.store.finish_run(run_id, "failed", counts=counts)
            raise MalformedResponseError(technical=exc.technical) from None
        except BaseException:
            self.store.finish_run(run_id, "failed", counts=counts)
            raise
        final_mode = "full" if want_full or fell_back else "incremental"
        self.store.finish_run(
            run_id, "done", mode=final_mode, counts=counts, cursor_to=cursor, total=total
        )
        return FeedSyncResult(
            feed=self.spec.name,
            mode=final_mode,
            run_id=run_id,
            counts=counts,
            total=total,
            cursor=cursor,
            pages=self.pages,
            requests=self.requests,
            write_seconds=self.write_time.seconds,
            fell_back_to_full=fell_back,
            worker_pages=self.worker_pages,
            worker_peak_rss_mb=self.worker_peak_rss_mb,
        )

    # -- incremental ---------------------------------------------------------------------
    def _fetch_changes(self, cursor: int) -> tuple[FeedPage, int | None]:
        self.requests += 1
        payload = self.api.feed_changes(self.unit_id, self.spec.name, cursor, self.page_size)
        page = self.parser.changes(payload)
        return page, (page.cursor if page.has_more else None)

    def _incremental(
        self, ctx: JobContext, run_id: int, counts: ChangeCounts, cursor: int
    ) -> tuple[int, int]:
        phase = f"{self.spec.name}:incremental"
        ctx.progress(phase, 0, None)
        done = 0
        total = 0
        for page in prefetch(self._fetch_changes, cursor, cancel=lambda: ctx.cancelled):
            ctx.check_cancelled()
            assert page.cursor is not None
            with self.write_time:
                counts += self.store.apply_changes(
                    run_id, page.records, page.items, page.removals, page.cursor
                )
            cursor = page.cursor
            total = page.total
            self.pages += 1
            done += len(page.records) + len(page.removals)
            ctx.progress(phase, done, None if page.has_more else done)
        local = self.store.live_count()
        if local != total:
            raise SyncIntegrityError(
                code="COUNT_MISMATCH", technical=f"local {local} != server {total}"
            )
        return total, cursor

    # -- full ----------------------------------------------------------------------------
    def _fetch_snapshot(self, after_id: int) -> tuple[Any, int | None]:
        """Fetch a page on the prefetch thread; it is decoded, checked and split into rows on
        the writing thread or, for a big snapshot, by the page worker process (the first
        page of a run is parsed here while the worker starts). Decoding on this thread made
        the two threads fight over the GIL: the writer's executemany gives the GIL up around
        every row and then waited a whole switch interval to get it back. The next page's
        position is read from the tail of the body (where the server puts it) and checked
        against the decoded page. Returns ((body or payload, next position, sent to the
        worker), next position)."""
        self.requests += 1
        body = self.api.request_bytes(
            "GET",
            f"/mgmt/units/{self.unit_id}/{self.spec.name}/snapshot",
            params={"after_id": after_id, "limit": self.page_size},
        )
        tail = _NEXT_AFTER_TAIL.search(body, max(0, len(body) - 64))
        if tail is not None:
            next_after = None if tail[1] == b"null" else int(tail[1])
            worker = self._worker
            if worker is not None and worker.alive:
                return (body, next_after, worker.send(body)), next_after
            if worker is None and next_after is not None and self._big_snapshot(body):
                self._worker = PageWorker(self.spec.name, self.worker_command)
                self._worker.start()
            return (body, next_after, False), next_after
        payload = _decode(body)  # another key order: decode here to learn the position
        next_after = payload.get("next_after_id") if isinstance(payload, dict) else None
        if next_after is not None and (type(next_after) is not int):
            raise MalformedResponseError(technical="next_after_id is not an integer")
        return (payload, next_after, False), next_after

    def _big_snapshot(self, body: bytes) -> bool:
        if self.parallel_from is None:
            return False
        head = _TOTAL_HEAD.search(body, 0, 512)
        return head is not None and int(head[1]) >= self.parallel_from

    def _parsed(self, payload: Any, routed: bool) -> FeedPage:
        """The page's rows: from the page worker when it took the page, else parsed here
        (also when the worker went away: the body is still at hand)."""
        if routed and self._worker is not None:
            rows = self._worker.receive()
            if rows is not None:
                self.worker_pages += 1
                records, items, total, snapshot_seq, next_after_id = rows
                return FeedPage(
                    records=records,
                    items=items,
                    removals=[],
                    total=total,
                    snapshot_seq=snapshot_seq,
                    next_after_id=next_after_id,
                )
        if type(payload) is bytes:
            payload = _decode(payload)
        return self.parser.snapshot(payload)

    def _full(
        self, ctx: JobContext, run_id: int, counts: ChangeCounts, retry: bool = True
    ) -> tuple[int, int]:
        phase = f"{self.spec.name}:full"
        if not self.store.staging_ready():
            with self.write_time:
                self.store.begin_staging()
            staged = 0
        else:
            staged = self.store.staged_count()
            log.info("%s: resuming a staged snapshot at %d records", self.spec.name, staged)
        state = self.db.sync_state(self.spec.name)
        ctx.progress(phase, staged, state.snapshot_total)
        after_id = state.snapshot_after_id or 0
        fetched = prefetch(self._fetch_snapshot, after_id, cancel=lambda: ctx.cancelled)
        try:
            for payload, fetched_next, routed in fetched:
                ctx.check_cancelled()
                page = self._parsed(payload, routed)
                del payload  # the rows are all that is needed now; free the page early
                if page.next_after_id != fetched_next:
                    raise MalformedResponseError(technical="next_after_id differs from the body's")
                last_id = page.records[-1][0] if page.records else after_id
                with self.write_time:
                    self.store.stage_page(
                        page.records,
                        page.items,
                        snapshot_seq=page.snapshot_seq or 0,
                        total=page.total,
                        next_after_id=page.next_after_id or last_id,
                    )
                after_id = page.next_after_id or last_id
                staged += len(page.records)
                self.pages += 1
                ctx.progress(phase, staged, max(page.total, staged))
        finally:
            # The worker first: a prefetch thread blocked handing it a page is released
            # (and, the worker being closed, does not start another).
            if self._worker is not None:
                self._worker.close()
                self.worker_peak_rss_mb = self._worker.peak_rss_mb
            fetched.close()
            self._worker = None
        state = self.db.sync_state(self.spec.name)
        staged = self.store.staged_count()
        if state.snapshot_stable and staged != state.snapshot_total:
            self.store.discard_staging()
            raise SyncIntegrityError(
                code="COUNT_MISMATCH",
                technical=f"staged {staged} != server {state.snapshot_total}",
            )
        with self.write_time:
            counts += self.store.swap_in_staging(run_id)
        # Changes made while the snapshot was paged (or since it began) follow.
        try:
            return self._incremental(ctx, run_id, counts, state.snapshot_seq or 0)
        except CursorExpiredError:
            if not retry:
                raise
            # The server dropped the history since the snapshot began (a download
            # resumed days later): the swapped-in rows are a valid base, but only a new
            # snapshot can bring them up to date. Once, so a broken server cannot loop.
            log.warning("%s: history since the snapshot expired, starting over", self.spec.name)
            self.store.mark_needs_full()
            return self._full(ctx, run_id, counts, retry=False)
