"""What the unit routes of 征收子系统 and 缴费授权 share: their error envelope, the raw and JSON
body, the Idempotency-Key they require, and `UnitCall`, the unit, session and backend of one
request, which a route takes as one dependency instead of spelling each part again:

- `UNIT` / `COLLECTOR`: the unit's own token (`unit_session`), for `COLLECTOR` a 代收单位's
  (`collector_session`, 409 NOT_COLLECTOR);
- `UNIT_KEYED` / `COLLECTOR_KEYED`: and an Idempotency-Key (400 IDEMPOTENCY_KEY_REQUIRED);
- `UNIT_PAYING`: and the X-Payment-Ticket of 安全认证.

The checks run in that order (token, key, ticket) and before the route's own body."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson
from fastapi import Depends, Header, Request

from mock_backend.clock import ServerClock
from mock_backend.collect_due import bring_up_to_date
from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.db import Database, driver
from mock_backend.errors import ApiError
from mock_backend.payment_auth import TICKET_HEADER as TICKET_NAME
from mock_backend.payment_auth import require_ticket
from mock_backend.schemas import ErrorEnvelope

P = ParamSpec("P")
T = TypeVar("T")

TICKET_HEADER = Header(None, alias=TICKET_NAME, description="from payment-auth")
KEY_HEADER = Header(None, alias="Idempotency-Key", description="client-generated UUID")
NOT_COLLECTOR = "该功能仅适用于代收单位。"


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorEnvelope} for code in (401, 403, *codes)}


async def raw_body(request: Request) -> bytes:
    return await request.body()


def require_key(idempotency_key: str | None, request: str = "提交的请求") -> None:
    """400 IDEMPOTENCY_KEY_REQUIRED without the key (`request` names it in the message)."""
    if not idempotency_key:
        raise ApiError(
            400,
            "IDEMPOTENCY_KEY_REQUIRED",
            f"{request}缺少Idempotency-Key请求头，请更新客户端后重试。",
        )


def collector_session(session: Session = Depends(unit_session)) -> Session:
    """The unit's session, which must be a 代收单位's (else 409 NOT_COLLECTOR)."""
    if session.kind != "collector":
        raise ApiError(409, "NOT_COLLECTOR", NOT_COLLECTOR, {"kind": session.kind})
    return session


def json_object(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(422, "VALIDATION_ERROR", "请求内容应为JSON对象，请更新客户端后重试。")
    return data


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object (422 VALIDATION_ERROR otherwise)."""
    return json_object(await request.body())


@dataclass(frozen=True)
class UnitCall:
    """One request on the data of the unit in the path, its session already checked."""

    unit_id: str
    session: Session
    ctx: BackendContext

    def refresh(
        self,
        update: Callable[Concatenate[Database, ServerClock, str, P], object] = bring_up_to_date,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """Bring the unit up to date first (collect_due, or update(db, clock, unit_id, *args)
        of its kind)."""
        update(self.ctx.db, self.ctx.clock, self.unit_id, *args, **kwargs)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The raw connection of a read transaction."""
        with self.ctx.db.read() as conn:
            yield driver(conn)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """The raw connection of a write transaction."""
        with self.ctx.db.write() as conn:
            yield driver(conn)

    def read(
        self,
        work: Callable[Concatenate[sqlite3.Connection, str, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """work(connection, unit_id, *args) in a read transaction."""
        with self.reading() as raw:
            return work(raw, self.unit_id, *args, **kwargs)


def _calls(session_of: Callable[..., Session]) -> tuple[Any, Any]:
    """Depends markers for a UnitCall whose session passed `session_of`: without and with the
    Idempotency-Key."""

    def plain(
        unit_id: str, session: Session = Depends(session_of), ctx: BackendContext = Depends(get_ctx)
    ) -> UnitCall:
        return UnitCall(unit_id, session, ctx)

    def keyed(
        call: UnitCall = Depends(plain), idempotency_key: str | None = KEY_HEADER
    ) -> UnitCall:
        require_key(idempotency_key)
        return call

    return Depends(plain), Depends(keyed)


UNIT, UNIT_KEYED = _calls(unit_session)
COLLECTOR, COLLECTOR_KEYED = _calls(collector_session)


def _paying(call: UnitCall = UNIT_KEYED, ticket: str | None = TICKET_HEADER) -> UnitCall:
    require_ticket(call.ctx.db, call.ctx.clock, call.unit_id, ticket)
    return call


UNIT_PAYING = Depends(_paying)
RAW_BODY = Depends(raw_body)
JSON_BODY = Depends(json_body)
