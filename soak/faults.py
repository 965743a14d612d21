"""Whole walks of the client through the fault proxy and the backend's own faults (issue 15).

Each walk is what a clerk does in a session: 登录, 数据更新, 社保费申报 (立即提交), 获取反馈 and
三方协议缴费. Every request may meet a fault of the proxy (5xx, a dropped connection mid-body,
truncated or wrong-typed JSON, a stall) or of the backend's admin fault injection (error,
drop, malformed, latency). An operation that fails is tried again, as the clerk would after
reading the message, up to `ATTEMPTS` times. Every operation must complete, or end with a
clear Chinese sentence; a crash without one is a failure, and so is anything the server
declared or paid twice.
"""

from __future__ import annotations

import random
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak import env, worker
from soak.proxy import FAULTS, FaultProxy

ATTEMPTS = 6
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class WalkStats:
    operations: int = 0
    completed: int = 0
    told: int = 0  # ended with a clear Chinese message after every attempt
    failures: list[str] = field(default_factory=list)  # crashes and unclear messages
    messages: Counter[str] = field(default_factory=Counter)  # what the clerk was told
    requests: int = 0
    proxy_faults: Counter[str] = field(default_factory=Counter)
    backend_faults: int = 0
    duplicates: int = 0
    server: dict[str, int] = field(default_factory=dict)

    @property
    def faults(self) -> int:
        return sum(self.proxy_faults.values()) + self.backend_faults


def clear_message(exc: BaseException) -> str | None:
    """The clerk's sentence of an error, when it is one (Chinese, a full sentence)."""
    message = getattr(exc, "message", None)
    if not isinstance(message, str) or not CHINESE.search(message):
        return None
    return message if message.rstrip().endswith(("。", "！", "？", "）", ")")) else None


def client_frame(exc: BaseException) -> str:
    """Where in the client's code the exception came from (its deepest client frame)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/client/" in f.filename]
    if not frames:
        return "outside the client"
    last = frames[-1]
    return f"client/{last.filename.split('/client/', 1)[1]}:{last.lineno} in {last.name}"


def attempt(name: str, action: Callable[[], Any], stats: WalkStats) -> Any:
    """Run one operation as a clerk would: again after each clear message."""
    stats.operations += 1
    told: str | None = None
    for _ in range(ATTEMPTS):
        try:
            result = action()
        except Exception as exc:  # noqa: BLE001 - classified below
            told = clear_message(exc)
            if told is None:
                stats.failures.append(f"{name}: {type(exc).__name__} without a message, "
                                      f"{client_frame(exc)}: {str(exc)[:200]}")  # fmt: skip
                return None
            stats.messages[f"{name}: {told}"] += 1
            continue
        stats.completed += 1
        return result
    stats.told += 1
    return None


def admin_faults(backend: Any, seed: int, ratio: float) -> None:
    """The backend's own faults on the client's paths, at a share of `ratio` in all."""
    share = ratio / 4
    backend.add_fault("error", ratio=share, status=503, seed=seed)
    backend.add_fault("drop", ratio=share, after_bytes=40, seed=seed + 1)
    backend.add_fault("malformed", ratio=share, seed=seed + 2)
    backend.add_fault("latency", ratio=share, latency_ms=300, seed=seed + 3)


def walk(unit: env.SoakUnit, proxy: FaultProxy, stats: WalkStats) -> bool:
    """One walk; whether its 数据更新 completed (the employees must then equal the server's)."""
    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.fees.declare import FeeDeclarations
    from client.jobs import JobContext

    ctx = AppContext.open(str(unit.folder), proxy.url)
    try:
        registered = next(u for u in ctx.app_db.units("employer") if u.unit_id == unit.unit_id)
        login = LoginService(ctx)
        session = attempt("登录", lambda: login.authenticate(registered, env.PASSWORD), stats)
        if session is None:
            return False
        try:
            before = stats.completed
            attempt("数据更新", lambda: login.data_update_job(session).run(JobContext()), stats)
            updated = stats.completed > before
            attempt("提交申报", lambda: worker.declare(ctx, session, env.PASSWORD), stats)
            service = FeeDeclarations(session.api, session.db, session.unit.unit_id)
            attempt("获取反馈", lambda: service.fetch_feedback(), stats)
            attempt("三方协议缴费", lambda: worker.pay(ctx, session, env.PASSWORD), stats)
        finally:
            session.close()
    finally:
        ctx.close()
    return updated


def run_walks(root: Path, rng: random.Random, seed: int) -> bool:
    walks = env.env_int("SOAK_WALKS", 3)
    ratio = env.env_float("SOAK_FAULT_RATIO", 0.2)
    stall = env.env_float("SOAK_STALL_SECONDS", 5.0)
    employees = env.env_int("SOAK_WALK_EMPLOYEES", 2000)
    print(f"== network faults: {walks} walks, {ratio:.0%} of requests faulty, stalls of "
          f"{stall:g} s, unit of {employees:,} employees", flush=True)  # fmt: skip
    started = time.monotonic()
    backend = env.start(root / "backend")
    proxy: FaultProxy | None = None
    try:
        unit = env.open_unit(backend, root / "client", employees)
        env.insured_normally(backend, unit)
        env.verified_agreement(backend, unit, "6222020200008888")
        stats = walk_many(backend, unit, walks, ratio, stall, rng)
        report(stats, time.monotonic() - started)
        return not stats.failures and stats.duplicates == 0
    finally:
        if proxy is not None:
            proxy.close()
        backend.stop()


def walk_many(
    backend: Any,
    unit: env.SoakUnit,
    walks: int,
    ratio: float,
    stall: float,
    rng: random.Random,
    kinds: tuple[str, ...] = FAULTS,
) -> WalkStats:
    """`walks` walks through a new proxy; the server checked for duplicates afterwards."""
    stats = WalkStats()
    # half of the faults from the proxy, half from the backend's fault injection
    proxy = FaultProxy(backend.url, ratio=ratio / 2, seed=rng.randrange(10**9),
                       stall_seconds=stall, kinds=kinds)  # fmt: skip
    try:
        for n in range(walks):
            backend.mutate(unit.unit_id, "employees", add=rng.randint(5, 50),
                           change=rng.randint(5, 100), remove=rng.randint(1, 10),
                           seed=rng.randrange(10**6))  # fmt: skip
            backend.generate_fee_items(unit.unit_id, f"2025-{12 - n % 12:02d}")
            admin_faults(backend, rng.randrange(10**6), ratio / 2)
            try:
                if walk(unit, proxy, stats):
                    differs = env.feed_differences(backend, unit)
                    if differs:
                        stats.failures.append(f"walk {n + 1}: after 数据更新 {differs}")
            finally:
                hits = backend.admin_get("faults")
                stats.backend_faults += sum(f["hits"] for f in hits["faults"])
                backend.clear_faults()
    finally:
        stats.requests = proxy.requests
        stats.proxy_faults = Counter(proxy.injected)
        proxy.close()
    twice = env.duplicates(backend, unit.unit_id)
    stats.duplicates = sum(twice.values())
    stats.server = env.server_counts(backend, unit.unit_id)
    return stats


def report(stats: WalkStats, seconds: float) -> None:
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(stats.proxy_faults.items()))
    for failure in stats.failures:
        print(f"  ! {failure}", flush=True)
    for message, n in stats.messages.most_common(8):
        print(f"  told ×{n}: {message}", flush=True)
    print(f"  requests through the proxy: {stats.requests} ({kinds}; backend faults "
          f"{stats.backend_faults})", flush=True)  # fmt: skip
    print(f"  faults injected / operations completed / duplicates: {stats.faults} / "
          f"{stats.completed} of {stats.operations} (ended with a clear message: {stats.told}, "
          f"unclear: {len(stats.failures)}) / {stats.duplicates}   (server: "
          f"{stats.server.get('declarations', 0)} declarations, "
          f"{stats.server.get('deductions', 0)} deductions; {seconds:.0f} s)", flush=True)  # fmt: skip
