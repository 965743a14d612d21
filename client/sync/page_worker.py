"""A second process that decodes and checks snapshot pages while the sync writes the last one.

A full sync of a big unit spends about as long decoding, checking and splitting pages into
rows (Python work holding the GIL) as writing them (`executemany`). Threads cannot overlap
the two; a second process can, on the second core. The sync's prefetch thread hands each
fetched page body to this process; the writing thread reads back the rows, in the same
order, as `marshal` data (the cheapest form Python can load) and writes them.

The process only turns bytes into rows: it has no network, no database, no files. It is
started per full sync of a big snapshot and ends when its input closes, which also happens
when the client is killed (its end of the pipe closes with it).

Framing on both pipes: a 5-byte header (kind, length as little-endian u32), then the data.
In: kind 0 = a page body. Out: kind 0 = `marshal.dumps((records, items, total,
snapshot_seq, next_after_id))`, kind 1 = the technical reason (UTF-8) the page was refused.

Anything going wrong with the process itself (cannot start, dies, answers garbage) makes
`PageWorker.receive` answer None: the caller parses that page itself, and the rest with it.
"""

from __future__ import annotations

import gc
import logging
import marshal
import os
import struct
import subprocess
import sys
import threading
from typing import IO, Any

log = logging.getLogger(__name__)

HEADER = struct.Struct("<BI")
PAGE, ROWS, REFUSED = 0, 0, 1
WORKER_FLAG = "--sync-page-worker"


def _read_exact(stream: IO[bytes], size: int) -> bytes | None:
    """`size` bytes, or None at end of input (a short read counts as the end). Works on raw
    pipes too, where one read returns what is there."""
    data = stream.read(size)
    if not data:
        return None if size else b""
    if len(data) == size:
        return data
    parts, got = [data], len(data)
    while got < size:
        more = stream.read(size - got)
        if not more:
            return None
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _write_all(stream: IO[bytes], data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if written is None:  # a non-blocking pipe would say so; these are blocking
            raise OSError("pipe would block")
        view = view[written:]


def serve(feed: str, source: IO[bytes], sink: IO[bytes]) -> int:
    """The worker's loop: page bodies in, rows (or why not) out, until the input ends."""
    import orjson

    from client.sync.errors import MalformedResponseError
    from client.sync.feeds import FEEDS, PageParser

    gc.disable()  # a page decodes into millions of short-lived acyclic objects
    parser = PageParser(FEEDS[feed])
    while True:
        head = _read_exact(source, HEADER.size)
        if head is None:
            return 0
        _kind, size = HEADER.unpack(head)
        body = _read_exact(source, size)
        if body is None:
            return 0
        try:
            page = parser.snapshot(orjson.loads(body))
            del body
            out = marshal.dumps(
                (page.records, page.items, page.total, page.snapshot_seq, page.next_after_id)
            )
            del page
            kind = ROWS
        except orjson.JSONDecodeError as exc:
            out, kind = f"invalid JSON: {exc}".encode(), REFUSED
        except MalformedResponseError as exc:
            out, kind = exc.technical.encode(), REFUSED
        try:
            sink.write(HEADER.pack(kind, len(out)))
            sink.write(out)
            sink.flush()
        except (BrokenPipeError, OSError):
            return 0  # the client is gone
        del out


def main(argv: list[str]) -> int:
    """`python -m client.sync.page_worker FEED` (or the frozen client with WORKER_FLAG)."""
    if len(argv) != 1:
        print("usage: page_worker FEED", file=sys.stderr)
        return 2
    return serve(argv[0], sys.stdin.buffer, sys.stdout.buffer)


def _peak_rss_mb(pid: int) -> float | None:
    """A running process's peak resident memory from /proc (None where there is none)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def worker_command(feed: str) -> list[str]:
    if getattr(sys, "frozen", False):  # the packaged client runs itself in worker mode
        return [sys.executable, WORKER_FLAG, feed]
    return [sys.executable, "-m", "client.sync.page_worker", feed]


class PageWorker:
    """The client's end: start the process, send bodies (prefetch thread), receive rows
    (writing thread), in the same order. Safe to close from either thread at any time."""

    def __init__(self, feed: str, command: list[str] | None = None) -> None:
        self.feed = feed
        self.command = command or worker_command(feed)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._closed = False
        self.alive = False
        self.pages = 0  # pages whose rows came back from the process
        self.peak_rss_mb: float | None = None  # read as it ends (Linux only)

    def start(self) -> bool:
        with self._lock:
            if self._closed or self._proc is not None:
                return self.alive
            flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0
            try:
                self._proc = subprocess.Popen(
                    self.command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    bufsize=0,  # raw pipes: no buffer lock for close() to wait on
                    creationflags=flags,
                )
            except OSError as exc:
                log.warning("sync page worker could not start (%s); parsing in-process", exc)
                return False
            self.alive = True
            return True

    def send(self, body: bytes) -> bool:
        """Hand a page body over; False when the process is not there to take it."""
        proc = self._proc
        if not self.alive or proc is None or proc.stdin is None:
            return False
        try:
            _write_all(proc.stdin, HEADER.pack(PAGE, len(body)))
            _write_all(proc.stdin, body)
        except (OSError, ValueError):  # ValueError: the pipe was closed by close()
            self._lost("could not take a page")
            return False
        return True

    def receive(self) -> tuple[Any, ...] | None:
        """The next page's (records, items, total, snapshot_seq, next_after_id); None when the
        process is gone (the caller parses the page itself). A refused page raises
        MalformedResponseError, as parsing it in-process would have."""
        from client.sync.errors import MalformedResponseError

        proc = self._proc
        if not self.alive or proc is None or proc.stdout is None:
            return None
        head = data = None
        try:
            head = _read_exact(proc.stdout, HEADER.size)
            data = None if head is None else _read_exact(proc.stdout, HEADER.unpack(head)[1])
        except (OSError, ValueError):
            pass
        if head is None or data is None:
            self._lost("ended unexpectedly")
            return None
        if HEADER.unpack(head)[0] == REFUSED:
            raise MalformedResponseError(technical=data.decode("utf-8", "replace"))
        try:
            page = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            page = None
        if type(page) is not tuple or len(page) != 5:
            self._lost("answered something unreadable")
            return None
        self.pages += 1
        return page

    def _lost(self, why: str) -> None:
        if self.alive:
            log.warning("sync page worker %s; parsing the rest in-process", why)
        self.alive = False

    def close(self) -> None:
        """End the process. It holds nothing worth keeping, so it is killed: a thread blocked
        sending to it or reading from it is released at once (broken pipe, end of input)."""
        with self._lock:
            self._closed = True
            proc, self.alive = self._proc, False
        if proc is None:
            return
        self.peak_rss_mb = _peak_rss_mb(proc.pid)
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
