"""create_app(settings): the FastAPI application with its middlewares and routes."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mock_backend import __version__
from mock_backend.auth import AuthService
from mock_backend.certificates import use_clock
from mock_backend.clock import ServerClock
from mock_backend.config import (
    DATABASE_NAME,
    DEFAULT_EMPLOYEES_PER_UNIT,
    DEFAULT_RESIDENTS_PER_UNIT,
    Settings,
)
from mock_backend.context import BackendContext
from mock_backend.db import Database
from mock_backend.errors import install_error_handlers
from mock_backend.faults import FaultMiddleware, FaultRegistry
from mock_backend.idempotency import IdempotencyMiddleware, IdempotencyStore
from mock_backend.routes import (
    admin,
    admin_certificates,
    admin_collect,
    admin_fees,
    admin_ops,
    admin_reference,
    admin_refunds,
    admin_residents,
    admin_wages,
    arrivals,
    auth,
    certificates,
    collect,
    collect_agreements,
    feeds,
    fees,
    payment_lists,
    public,
    reference,
    refunds,
    residents,
    rules_notices,
    wages,
)
from mock_backend.seed.seeding import SeedSummary, seed_database
from mock_backend.server_time import ServerTimeMiddleware

log = logging.getLogger(__name__)

DESCRIPTION = """Mock 管理子系统/征收子系统 for the 社保费管理客户端 replica.

The contract is docs/http-contract.md. Errors use the envelope
`{"error": {"code", "message", "details"}}`; every response carries `X-Server-Time`.
"""


def prepare_database(settings: Settings) -> tuple[Database, SeedSummary]:
    """Open (or with `reset`, recreate) the database in the data folder and seed it once."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.database_path
    if settings.reset:
        for suffix in ("", "-wal", "-shm", "-journal"):
            target = path.with_name(DATABASE_NAME + suffix)
            if target.exists():
                target.unlink()
    db = Database(path)
    db.create_schema()
    # In the bench profile the size options apply to the two big units only.
    bench = settings.seed == "bench"
    summary = seed_database(
        db,
        settings.seed,
        settings.random_seed,
        DEFAULT_EMPLOYEES_PER_UNIT if bench else settings.employees_for("demo"),
        DEFAULT_RESIDENTS_PER_UNIT if bench else settings.residents_for("demo"),
        settings.employees_for("bench"),
        settings.residents_for("bench"),
    )
    return db, summary


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    if db is None:
        db, _ = prepare_database(settings)
    clock = ServerClock()
    use_clock(clock)  # ensure_tickets without `now` reads this clock
    ctx = BackendContext(
        settings=settings,
        db=db,
        clock=clock,
        faults=FaultRegistry(),
        auth=AuthService(db, clock),
        processing_delay=settings.processing_delay,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(
        title="社保费 mock backend",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    for module in (collect, collect_agreements, certificates, refunds):  # 征收子系统
        app.include_router(module.router)
    for module in (public, auth, feeds, reference, rules_notices, wages, fees, arrivals):
        app.include_router(module.router)
    app.include_router(payment_lists.router)  # 管理子系统 缴费清单, next to 到账
    app.include_router(residents.router)  # 代收单位: 缴费档次, 申报缴费状态, 外部参保, 代收代报
    from mock_backend.routes import authorisation  # 缴费授权 (§3.17, §3.20)

    authorisation.install(app, admin=settings.admin)
    from mock_backend.routes import personal_payment  # 城乡居民个人缴费 (§3.21–§3.23)

    personal_payment.install(app, db)
    from mock_backend.routes import authorisation_accounts  # 居民银行账户, 两两协议 (§3.18, §3.19)

    authorisation_accounts.install(app, admin=settings.admin)
    from mock_backend.routes import updates  # 升级渠道 (§1.3)

    updates.install(app, data_dir=settings.data_dir, admin=settings.admin)
    if settings.admin:
        app.include_router(admin_reference.router)  # before admin's /units/{unit_id}/{feed}
        app.include_router(admin_wages.router)
        app.include_router(admin_fees.router)  # before admin's /units/{unit_id}/{feed}
        app.include_router(admin_collect.router)  # likewise
        app.include_router(admin_certificates.router)  # likewise
        app.include_router(admin_refunds.router)  # likewise
        app.include_router(admin_residents.router)
        app.include_router(admin.router)
        app.include_router(admin_ops.router)
        from mock_backend.routes import admin_security  # tokens expire now (issue 15)

        app.include_router(admin_security.router)
    # Added innermost first: ServerTime wraps Faults wraps Idempotency wraps the routes.
    app.add_middleware(
        IdempotencyMiddleware, store=IdempotencyStore(db, clock), principal=ctx.auth.principal
    )  # keys scoped to the token's unit: never replayed to another unit (issue 15)
    app.add_middleware(FaultMiddleware, registry=ctx.faults)
    app.add_middleware(ServerTimeMiddleware, clock=clock)
    return app


def remove_data_dir(settings: Settings) -> None:
    """Delete the whole data folder (used by tests that want a clean slate)."""
    shutil.rmtree(settings.data_dir, ignore_errors=True)
