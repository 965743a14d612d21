"""The state one server shares between its routes, and the FastAPI dependencies reading it."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Header, Request

from mock_backend.auth import AuthService
from mock_backend.clock import ServerClock
from mock_backend.config import Settings
from mock_backend.db import Database
from mock_backend.errors import ApiError
from mock_backend.faults import FaultRegistry


@dataclass
class BackendContext:
    settings: Settings
    db: Database
    clock: ServerClock
    faults: FaultRegistry
    auth: AuthService
    processing_delay: float = 0.0


@dataclass(frozen=True)
class Session:
    unit_id: str
    kind: str
    region: str


def get_ctx(request: Request) -> BackendContext:
    ctx: BackendContext = request.app.state.ctx
    return ctx


def current_session(
    ctx: BackendContext = Depends(get_ctx),
    authorization: str | None = Header(None, description="Bearer <token> from the login"),
) -> Session:
    token = None
    if authorization and authorization[:7].lower() == "bearer ":
        token = authorization[7:].strip()
    unit_id, kind, region = ctx.auth.unit_of_token(token)
    return Session(unit_id, kind, region)


def unit_session(unit_id: str, session: Session = Depends(current_session)) -> Session:
    """The session, which must belong to the unit in the path (else 403 FORBIDDEN)."""
    if session.unit_id != unit_id:
        raise ApiError(
            403,
            "FORBIDDEN",
            f"当前登录的单位无权访问单位{unit_id}的数据，请使用该单位的申报密码登录。",
            {"unit_id": unit_id},
        )
    return session
