"""`python -m mock_backend`: run the mock 管理/征收子系统 on a real uvicorn server."""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn
import uvicorn.config

from mock_backend.app import create_app, prepare_database
from mock_backend.config import (
    BENCH_EMPLOYEES_PER_UNIT,
    BENCH_RESIDENTS_PER_UNIT,
    DEFAULT_EMPLOYEES_PER_UNIT,
    DEFAULT_PORT,
    DEFAULT_RANDOM_SEED,
    DEFAULT_RESIDENTS_PER_UNIT,
    SEED_PROFILES,
    Settings,
    default_data_dir,
)

log = logging.getLogger("mock_backend")


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m mock_backend",
        description="Mock 管理子系统/征收子系统 for the 社保费管理客户端 (FastAPI + SQLite).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}); 0 picks a free one"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"folder of the SQLite database (default {default_data_dir()})",
    )
    parser.add_argument(
        "--seed",
        choices=SEED_PROFILES,
        default="demo",
        help="data profile: demo, bench (demo + one huge employer and collector unit) or none",
    )
    parser.add_argument(
        "--employees-per-unit",
        type=int,
        default=None,
        help=f"employees per employer unit (demo {DEFAULT_EMPLOYEES_PER_UNIT}; "
        f"bench: the big unit, {BENCH_EMPLOYEES_PER_UNIT})",
    )
    parser.add_argument(
        "--residents-per-unit",
        type=int,
        default=None,
        help=f"residents per collector unit (demo {DEFAULT_RESIDENTS_PER_UNIT}; "
        f"bench: the big unit, {BENCH_RESIDENTS_PER_UNIT})",
    )
    parser.add_argument(
        "--random-seed",
        type=int,
        default=DEFAULT_RANDOM_SEED,
        help=f"seed of the deterministic data generator ({DEFAULT_RANDOM_SEED})",
    )
    parser.add_argument(
        "--processing-delay",
        type=float,
        default=0.0,
        help="seconds before submissions are processed (0)",
    )
    parser.add_argument("--admin", action="store_true", help="enable the admin API (/api/v1/admin)")
    parser.add_argument(
        "--reset", action="store_true", help="delete the existing database first and seed again"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    args = parser.parse_args(argv)
    settings = Settings(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir or default_data_dir(),
        seed=args.seed,
        employees_per_unit=args.employees_per_unit,
        residents_per_unit=args.residents_per_unit,
        random_seed=args.random_seed,
        processing_delay=args.processing_delay,
        admin=args.admin,
        reset=args.reset,
        access_log=args.access_log,
        log_level=args.log_level,
    )
    return settings


class _Server(uvicorn.Server):
    """Prints the ready line once listening, with the real port of the bound socket."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(f"mock_backend ready on {self.url}", flush=True)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class _DroppedResponseFilter(logging.Filter):
    """uvicorn reports an injected `drop` fault as an error; it is intended, so say less."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("ASGI callable returned without completing response"):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "connection dropped on purpose (fault injection)", ()
        return True


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with access lines on stderr too: stdout carries only the ready line."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    config["filters"] = {"dropped": {"()": _DroppedResponseFilter}}
    config["handlers"]["default"]["filters"] = ["dropped"]
    return config


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _ignore_signal(_signum: int, _frame: object) -> None:
    """After a graceful shutdown uvicorn re-raises the signal; by then there is nothing to do."""


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    level = settings.log_level.upper()
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    signal.signal(signal.SIGTERM, _interrupt)  # stop seeding cleanly too
    try:
        db, summary = prepare_database(settings)
    except KeyboardInterrupt:
        log.info("stopped before serving")
        return 0
    if summary.reused:
        log.info(
            "reusing the seeded database in %s (profile %s)", settings.data_dir, summary.profile
        )
    app = create_app(settings, db)
    try:
        sock = _bind(settings.host, settings.port)
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", settings.host, settings.port, exc)
        db.dispose()
        return 1
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(
        app,
        log_config=_log_config(),
        log_level=settings.log_level,
        access_log=settings.access_log,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = _Server(config, f"http://{shown}:{port}")
    # uvicorn installs its own handlers while serving and restores these afterwards.
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _ignore_signal)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
