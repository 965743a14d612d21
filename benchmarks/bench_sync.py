"""Sync of one unit with 100,000 employees: full, 1,000 changes, no change; the issue-15 ratio
(full sync / (bare orjson decode of the same pages + raw executemany of the same rows)); and
the full sync of the 代收单位 with 100,000 residents, per record against the employees'."""

from __future__ import annotations

import gc
import sqlite3
import time
from pathlib import Path

import orjson

from benchmarks.common import BenchEnv, Report, peak_rss_mb
from client.jobs import JobContext
from client.storage.feed_tables import EMPLOYEES, RESIDENTS
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.engine import DEFAULT_PAGE_SIZE, FeedSyncer

NAME = "sync"


def raw_executemany_seconds(source: UnitDatabase, target: Path) -> float:
    """Time bare sqlite3.executemany needs for the same rows into the same columns."""
    spec = EMPLOYEES
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    with source.engine.connect() as src:
        for table in (spec.table, spec.item_table):
            ddl = src.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)
            ).scalar_one()
            conn.execute(ddl)
        emp_cols = ", ".join(spec.columns)
        item_cols = ", ".join((spec.item_owner, *spec.item_fields))
        batches = [
            (
                f"INSERT INTO {spec.table} ({emp_cols}) VALUES ({', '.join('?' * len(spec.columns))})",
                f"SELECT {emp_cols} FROM {spec.table} ORDER BY id",
            ),
            (
                f"INSERT INTO {spec.item_table} ({item_cols}) VALUES"
                f" ({', '.join('?' * (len(spec.item_fields) + 1))})",
                f"SELECT {item_cols} FROM {spec.item_table} ORDER BY rowid",
            ),
        ]
        elapsed = 0.0
        for insert, select in batches:
            result = src.exec_driver_sql(select)
            while True:
                chunk = [tuple(r) for r in result.fetchmany(5000)]
                if not chunk:
                    break
                start = time.perf_counter()
                conn.execute("BEGIN")
                conn.executemany(insert, chunk)
                conn.execute("COMMIT")
                elapsed += time.perf_counter() - start
    conn.close()
    return elapsed


def snapshot_bodies(api: ApiClient, unit_id: str, keep: Path | None) -> tuple[list[Path], float]:
    """Every snapshot page of the unit's employees as raw bytes, fetched through httpx as
    the client does (same page size) and saved under `keep` (not held in memory, so the
    sync's peak RSS stays its own); returns the files and the seconds spent in the
    requests alone (server work + transfer, no decoding)."""
    bodies: list[Path] = []
    after: int | None = 0
    seconds = 0.0
    while after is not None:
        start = time.perf_counter()
        body = api.request_bytes(
            "GET",
            f"/mgmt/units/{unit_id}/employees/snapshot",
            params={"after_id": after, "limit": DEFAULT_PAGE_SIZE},
        )
        seconds += time.perf_counter() - start
        after = orjson.loads(body)["next_after_id"]
        if keep is not None:
            bodies.append(keep / f"page-{len(bodies):04d}.json")
            bodies[-1].write_bytes(body)
    return bodies, seconds


def bare_decode_seconds(bodies: list[bytes], *, collector: bool, rounds: int = 3) -> float:
    """orjson.loads of every page, nothing else; the best of a few rounds. `collector`:
    with Python's cyclic garbage collector on (as a bare script has it) or paused (as the
    client has it during a sync)."""
    best = float("inf")
    for _ in range(rounds):
        was = gc.isenabled()
        if not collector:
            gc.disable()
        try:
            start = time.perf_counter()
            for body in bodies:
                orjson.loads(body)
            best = min(best, time.perf_counter() - start)
        finally:
            if was:
                gc.enable()
    return best


def run(report: Report, env: BenchEnv) -> None:
    backend = env.backend(report)
    unit = env.bench_unit(report)
    tmp = env.root / "sync"
    tmp.mkdir()
    api = ApiClient(backend.url)
    api.login(unit["unit_id"], unit["initial_password"])
    db = UnitDatabase(tmp / "unit.sqlite3", tmp / "backups")
    rss_before = peak_rss_mb()
    # The mock backend keeps each record's rendered JSON once it has been read; its first
    # read renders them all (a real server's speed is not the client's to control).
    _, cold_s = snapshot_bodies(api, unit["unit_id"], None)
    report.add("server: all snapshot pages, first read (renders rows)", cold_s, "s")
    (tmp / "pages").mkdir()
    pages, fetch_s = snapshot_bodies(api, unit["unit_id"], tmp / "pages")
    report.add("server: all snapshot pages' bytes (no decoding)", fetch_s, "s")

    start = time.perf_counter()
    full = FeedSyncer(api, db, unit["unit_id"], EMPLOYEES).run(JobContext())
    full_s = time.perf_counter() - start
    items = db.count("employee_items")
    report.add(f"full sync, {full.total:,} employees + {items:,} items", full_s, "s", "≤ 5 s")
    report.add("  of which local writes (staging, indexes, swap)", full.write_seconds, "s")
    report.add("  server share (page bytes fetched alone / full sync)", fetch_s / full_s, "x")
    report.add(f"  pages decoded by the page worker process (of {full.pages})",
               full.worker_pages, "pages")  # fmt: skip
    if full.worker_peak_rss_mb is not None:
        report.add("  page worker process peak RSS", full.worker_peak_rss_mb, "MB", "≤ 300 MB")

    backend.admin_post(f"units/{unit['unit_id']}/employees/mutate", {"change": 1000, "seed": 1})
    start = time.perf_counter()
    inc = FeedSyncer(api, db, unit["unit_id"], EMPLOYEES).run(JobContext())
    report.add(
        f"incremental sync, {inc.counts.total:,} changes",
        time.perf_counter() - start,
        "s",
        "≤ 0.5 s",
    )

    start = time.perf_counter()
    same = FeedSyncer(api, db, unit["unit_id"], EMPLOYEES).run(JobContext())
    report.add(
        f"no-change check ({same.requests} request)", time.perf_counter() - start, "s", "≤ 0.1 s"
    )
    report.add("client peak RSS during sync", max(peak_rss_mb(), rss_before), "MB", "≤ 300 MB")

    raw = raw_executemany_seconds(db, tmp / "raw.sqlite3")
    report.add("raw sqlite3.executemany of the same rows", raw, "s")
    report.add("client local write time / raw executemany", full.write_seconds / raw, "x", "≤ 3×")
    bodies = [page.read_bytes() for page in pages]
    decode = bare_decode_seconds(bodies, collector=True)
    decode_paused = bare_decode_seconds(bodies, collector=False)
    del bodies
    report.add(f"bare orjson decode of the same {len(pages)} pages", decode, "s")
    report.add("  the same with the garbage collector paused", decode_paused, "s")
    report.add(
        "full sync / (bare orjson decode + raw executemany)",
        full_s / (decode + raw),
        "x",
        "≤ 1.5×",
    )
    report.add(
        "  the same against the collector-paused decode", full_s / (decode_paused + raw), "x"
    )
    db.close()
    api.close()

    agent = env.bench_collector(report)
    api = ApiClient(backend.url)
    api.login(agent["unit_id"], agent["initial_password"])
    db = UnitDatabase(tmp / "agent.sqlite3", tmp / "agent-backups")
    start = time.perf_counter()
    residents = FeedSyncer(api, db, agent["unit_id"], RESIDENTS).run(JobContext())
    residents_s = time.perf_counter() - start
    report.add(f"full sync, {residents.total:,} residents + {db.count('resident_items'):,} items",
               residents_s, "s")  # fmt: skip
    per_resident = residents_s / max(residents.total, 1)
    per_employee = full_s / max(full.total, 1)
    report.add("seconds per resident / per employee (full sync)", per_resident / per_employee,
               "x", "≤ 1.0")  # fmt: skip
    db.close()
    api.close()
