"""The page worker process: the same rows as parsing in-process, the same refusals, and no
harm when it cannot start, dies, answers garbage or outlives a killed client."""

from __future__ import annotations

import copy
import marshal
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from client.jobs import CancelToken, JobCancelled, JobContext, Progress
from client.storage.feed_tables import EMPLOYEES
from client.storage.unit_db import UnitDatabase
from client.sync import page_worker
from client.sync.api import ApiClient
from client.sync.engine import FeedSyncer
from client.sync.errors import MalformedResponseError
from client.sync.feeds import PageParser
from client.sync.page_worker import PageWorker
from tests.sync.conftest import UnitFixture, assert_same_as_server, local_dump, make_unit
from tests.sync.test_malformed_pages import GOOD, broken

ROOT = Path(__file__).resolve().parents[2]


def rows_in_process(body: bytes) -> tuple[Any, ...]:
    page = PageParser(EMPLOYEES).snapshot(orjson.loads(body))
    return (page.records, page.items, page.total, page.snapshot_seq, page.next_after_id)


def technical_in_process(body: bytes) -> str:
    try:
        rows_in_process(body)
    except orjson.JSONDecodeError as exc:
        return f"invalid JSON: {exc}"
    except MalformedResponseError as exc:
        return exc.technical
    raise AssertionError("the page was accepted in-process")


@pytest.fixture
def worker() -> Any:
    w = PageWorker("employees")
    assert w.start()
    yield w
    w.close()


def test_rows_equal_those_parsed_in_process(worker: PageWorker) -> None:
    pages = [GOOD, broken(lambda p: p["records"].reverse())]
    pages.append(broken(lambda p: p["records"][0].__setitem__(2, "  单曾 ")))  # heteronyms
    bodies = [orjson.dumps(p) for p in pages]
    for body in bodies:
        assert worker.send(body)
    for body in bodies:
        got = worker.receive()
        assert got is not None
        assert [list(r) for r in got[0]] == [list(r) for r in rows_in_process(body)[0]]
        assert got == rows_in_process(body)
    assert worker.pages == 3


@pytest.mark.parametrize(
    "body",
    [
        orjson.dumps(broken(lambda p: p["records"][0].__setitem__(0, "1"))),
        orjson.dumps(broken(lambda p: p["records"][1][9].append(["short"]))),
        orjson.dumps(broken(lambda p: p["records"][1][9][0].__setitem__(3, 7))),
        orjson.dumps(broken(lambda p: p.__setitem__("feed", "residents"))),
        b'{"feed": "employees", "records": [',
        b"",
    ],
    ids=["text-id", "item-shape", "number-in-item", "other-feed", "cut-json", "empty"],
)
def test_a_refused_page_says_what_in_process_parsing_says(worker: PageWorker, body: bytes) -> None:
    assert worker.send(body)
    with pytest.raises(MalformedResponseError) as err:
        worker.receive()
    assert err.value.technical == technical_in_process(body)
    assert "格式不正确" in err.value.message
    # the worker goes on with the next page
    assert worker.send(orjson.dumps(GOOD))
    assert worker.receive() == rows_in_process(orjson.dumps(GOOD))


def script(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


@pytest.mark.parametrize(
    "command",
    [
        script("import sys; sys.stdin.buffer.read(5)"),  # reads a little and dies
        script(
            """
            import sys, struct
            sys.stdin.buffer.read(5)
            sys.stdout.buffer.write(struct.pack("<BI", 0, 4) + b"junk")
            sys.stdout.buffer.flush()
            """
        ),  # answers something that is not marshal data
        script("import sys; sys.stdout.buffer.write(b'\\x00\\x10'); sys.stdout.buffer.flush()"),
        script(
            """
            import marshal, struct, sys
            sys.stdin.buffer.read(5)
            rows = marshal.dumps([1, 2])
            sys.stdout.buffer.write(struct.pack("<BI", 0, len(rows)) + rows)
            sys.stdout.buffer.flush()
            """
        ),  # marshal data, but not a page's rows
        [str(ROOT / "no-such-program")],
    ],
    ids=["dies", "garbage", "short-header", "wrong-shape", "cannot-start"],
)
def test_a_broken_worker_answers_none_and_stays_down(command: list[str]) -> None:
    w = PageWorker("employees", command)
    w.start()
    try:
        w.send(orjson.dumps(GOOD))
        assert w.receive() is None
        assert not w.alive
        assert w.send(orjson.dumps(GOOD)) is False
        assert w.receive() is None
    finally:
        w.close()


def test_close_releases_a_thread_blocked_sending(worker: PageWorker) -> None:
    """Nobody reads the answers: the worker blocks writing one, then the sender blocks
    writing the next body into a full pipe. close() must free it at once."""
    body = orjson.dumps(big_page())
    finished = threading.Event()

    def send_many() -> None:
        for _ in range(4):
            if not worker.send(body):
                break
        finished.set()

    sender = threading.Thread(target=send_many, daemon=True)
    sender.start()
    assert not finished.wait(1.0)  # really blocked
    worker.close()
    assert finished.wait(5.0)
    sender.join(5.0)


def big_page() -> dict[str, Any]:
    """20,000 records: rows far bigger than a pipe's buffer."""
    page = copy.deepcopy(GOOD)
    page["records"] = [[i, *GOOD["records"][1][1:]] for i in range(1, 20_001)]
    return page


KILLED_CLIENT = """
import sys, threading, time, orjson
sys.path.insert(0, {root!r})
from client.sync.page_worker import PageWorker
from tests.sync.test_page_worker import big_page
w = PageWorker("employees")
w.start()
body = orjson.dumps(big_page())
sent = threading.Semaphore(0)
def send():
    for _ in range({pages}):
        w.send(body)
        sent.release()
threading.Thread(target=send, daemon=True).start()
sent.acquire()  # a second send blocks: the worker is busy writing rows nobody reads
time.sleep(0.5)
print(w._proc.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("pages", [1, 2], ids=["idle-worker", "worker-blocked-writing"])
def test_worker_ends_when_the_client_is_killed(pages: int) -> None:
    """A client killed (SIGKILL) during a sync leaves no worker behind: one waiting for
    its next page sees its input end; one blocked writing rows nobody reads gets a broken
    pipe."""
    client = subprocess.Popen(
        [sys.executable, "-c", KILLED_CLIENT.format(root=str(ROOT), pages=pages)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        pid = int(client.stdout.readline())  # type: ignore[union-attr]
        os.kill(client.pid, signal.SIGKILL)
        client.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.05)
        assert not _running(pid), "the page worker outlived the killed client"
    finally:
        if client.poll() is None:
            client.kill()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return not any(line.startswith("State:\tZ") for line in status)
    except FileNotFoundError:
        return False


def test_packaged_client_runs_as_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert page_worker.worker_command("residents") == [
        sys.executable,
        "--sync-page-worker",
        "residents",
    ]
    monkeypatch.undo()
    body = orjson.dumps(GOOD)
    feed = page_worker.HEADER.pack(0, len(body)) + body
    done = subprocess.run(
        [sys.executable, "-m", "client", "--sync-page-worker", "employees"],
        input=feed,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    kind, size = page_worker.HEADER.unpack(done.stdout[: page_worker.HEADER.size])
    assert kind == page_worker.ROWS and size == len(done.stdout) - page_worker.HEADER.size
    assert marshal.loads(done.stdout[page_worker.HEADER.size :]) == rows_in_process(body)


# -- through the sync engine ---------------------------------------------------------------


def parallel(unit: UnitFixture, **kw: Any) -> FeedSyncer:
    return FeedSyncer(unit.api, unit.db, unit.unit_id, unit.spec, page_size=40,
                      parallel_from=1, **kw)  # fmt: skip


@pytest.mark.parametrize("kind", ["employer", "collector"])
def test_sync_through_the_worker_equals_the_server(backend: Any, tmp_path: Path, kind: str) -> None:
    extra = {"region": "510100"} if kind == "collector" else {}
    unit = make_unit(backend, tmp_path, kind, 300, **extra)
    try:
        result = parallel(unit).run(JobContext())
        assert result.mode == "full" and result.total == 300
        assert result.worker_pages == 7  # 8 pages of 40: every one but the first
        assert_same_as_server(backend, unit)
    finally:
        unit.api.close()
        unit.db.close()


def test_worker_and_in_process_sync_write_the_same_database(
    backend: Any, tmp_path: Path, employer: UnitFixture
) -> None:
    parallel(employer).run(JobContext())
    with_worker = local_dump(employer)
    derived = ", ".join(EMPLOYEES.derived)
    with employer.db.engine.connect() as conn:
        worker_derived = conn.exec_driver_sql(f"SELECT id, {derived} FROM employees").all()
    other = UnitDatabase(tmp_path / "other.sqlite3", tmp_path / "other-backups")
    try:
        FeedSyncer(employer.api, other, employer.unit_id, EMPLOYEES, page_size=40,
                   parallel_from=None).run(JobContext())  # fmt: skip
        plain = UnitFixture(employer.unit_id, employer.password, "employees", employer.api, other)
        assert local_dump(plain) == with_worker
        with other.engine.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT id, {derived} FROM employees").all() == (
                worker_derived
            )
    finally:
        other.close()


def test_a_worker_dying_mid_sync_leaves_the_rest_to_the_client(
    backend: Any, employer: UnitFixture
) -> None:
    dies_after_two = script(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from client.sync import page_worker
        real = page_worker._read_exact
        seen = [0]
        def limited(stream, size):
            if stream is sys.stdin.buffer and size == page_worker.HEADER.size:
                seen[0] += 1
                if seen[0] > 2:
                    raise SystemExit(3)
            return real(stream, size)
        page_worker._read_exact = limited
        sys.exit(page_worker.main(["employees"]))
        """
    )
    result = parallel(employer, worker_command=dies_after_two).run(JobContext())
    assert result.worker_pages == 2
    assert_same_as_server(backend, employer)


def test_cancel_during_a_worker_sync_ends_the_worker(backend: Any, employer: UnitFixture) -> None:
    token = CancelToken()
    started: list[PageWorker] = []
    syncer = parallel(employer)

    def cancel_after_some(p: Progress) -> None:
        if syncer._worker is not None and not started:
            started.append(syncer._worker)
        if p.done >= 120:
            token.cancel()

    with pytest.raises(JobCancelled):
        syncer.run(JobContext(cancel_after_some, token))
    assert started and not started[0].alive
    assert started[0]._proc is not None and started[0]._proc.poll() is not None
    assert parallel(employer).run(JobContext()).mode == "full"
    assert_same_as_server(backend, employer)


def paged_handler(pages: list[dict[str, Any]]) -> httpx.MockTransport:
    by_after = {}
    after = 0
    for page in pages:
        by_after[after] = page
        after = page["next_after_id"]
    changes = {
        "feed": "employees", "fields": GOOD["fields"], "item_fields": GOOD["item_fields"],
        "cursor": 10, "has_more": False, "total": pages[0]["total"], "upserts": [],
        "removals": [],
    }  # fmt: skip

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/snapshot"):
            body = by_after[int(request.url.params["after_id"])]
        else:
            body = changes
        return httpx.Response(200, content=orjson.dumps(body))

    return httpx.MockTransport(handler)


def three_pages(third: Any = None) -> list[dict[str, Any]]:
    record = GOOD["records"][1]
    pages = []
    for n in range(3):
        ids = range(n * 10 + 1, n * 10 + 11)
        page = copy.deepcopy(GOOD)
        page["total"] = 30
        page["records"] = [[i, *copy.deepcopy(record[1:])] for i in ids]
        del page["next_after_id"]  # last, where the server writes it
        page["next_after_id"] = ids[-1] if n < 2 else None
        pages.append(page)
    if third is not None:
        third(pages[2])
    return pages


def test_a_malformed_page_in_the_worker_refuses_the_snapshot(tmp_path: Path) -> None:
    pages = three_pages(lambda p: p["records"][4].__setitem__(2, None))
    api = ApiClient("http://backend.test", transport=paged_handler(pages))
    db = UnitDatabase(tmp_path / "u.sqlite3", tmp_path / "b")
    syncer = FeedSyncer(api, db, "U1", EMPLOYEES, page_size=10, parallel_from=1)
    try:
        with pytest.raises(MalformedResponseError) as err:
            syncer.run(JobContext())
        assert err.value.technical == "record 25 field name is not text"
        assert syncer.worker_pages == 1  # page two came from the worker, three was refused
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM employees").scalar() == 0
            staged = conn.exec_driver_sql("SELECT COUNT(*) FROM employees__staging").scalar()
        assert staged == 20
        good = FeedSyncer(
            ApiClient("http://backend.test", transport=paged_handler(three_pages())),
            db, "U1", EMPLOYEES, page_size=10, parallel_from=1,
        ).run(JobContext())  # fmt: skip
        assert good.total == 30 and good.worker_pages == 0  # resumed at page three
    finally:
        api.close()
        db.close()


def test_small_snapshots_do_not_start_a_worker(backend: Any, employer: UnitFixture) -> None:
    result = FeedSyncer(employer.api, employer.db, employer.unit_id, EMPLOYEES,
                        page_size=40).run(JobContext())  # fmt: skip
    assert result.worker_pages == 0 and result.worker_peak_rss_mb is None
