"""管理子系统 registration lookup, login, password change and registration details."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from mock_backend.auth import UNIT_COLUMNS, unit_json
from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.context import current_session as session_dep
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.ids import taxpayer_id_problem
from mock_backend.schemas import (
    ErrorEnvelope,
    LoginRequest,
    LoginResult,
    PasswordChanged,
    PasswordChangeRequest,
    RegistrationInfo,
    UnitLookup,
)

router = APIRouter(prefix="/api/v1/mgmt", tags=["管理子系统: 注册登录"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorEnvelope} for code in (400, 401, 403, 404, 422, 423)
}


@router.get("/taxpayers/{taxpayer_id}/units", response_model=UnitLookup, responses=_ERRORS)
def lookup_units(
    taxpayer_id: str,
    region: str = Query(..., description="地区代码, e.g. 440300"),
    kind: Literal["employer", "collector"] = Query(...),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    normalized = taxpayer_id.strip().upper()
    problem = taxpayer_id_problem(normalized)
    if problem:
        raise ApiError(
            400,
            "INVALID_TAXPAYER_ID",
            f"纳税人识别号“{taxpayer_id}”不正确：{problem}，请核对后重新输入。",
            {"taxpayer_id": taxpayer_id},
        )
    with ctx.db.read() as conn:
        rows = (
            driver(conn)
            .execute(
                f"SELECT {UNIT_COLUMNS} FROM units WHERE taxpayer_id = ? AND region = ? AND kind = ?"
                " ORDER BY unit_id",
                (normalized, region, kind),
            )
            .fetchall()
        )
    if not rows:
        raise ApiError(
            404,
            "NO_REGISTRATION",
            "没有查询到参保登记信息",
            {"taxpayer_id": normalized, "region": region, "kind": kind},
        )
    return {"taxpayer_id": normalized, "units": [unit_json(r) for r in rows]}


@router.post("/auth/login", response_model=LoginResult, responses=_ERRORS)
def login(body: LoginRequest, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    return ctx.auth.login(body.unit_id, body.password)


@router.post("/auth/password", response_model=PasswordChanged, responses=_ERRORS)
def change_password(
    body: PasswordChangeRequest,
    session: Session = Depends(session_dep),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    return ctx.auth.change_password(session.unit_id, body.old_password, body.new_password)


@router.get("/units/{unit_id}/registration", response_model=RegistrationInfo, responses=_ERRORS)
def registration(
    unit_id: str,
    _session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    with ctx.db.read() as conn:
        raw = driver(conn)
        unit = raw.execute(
            f"SELECT {UNIT_COLUMNS} FROM units WHERE unit_id = ?", (unit_id,)
        ).fetchone()
        rows = raw.execute(
            "SELECT unit_number, agency, agency_type, tax_authority, tax_section"
            " FROM registrations WHERE unit_id = ? ORDER BY position",
            (unit_id,),
        ).fetchall()
    keys = ("unit_number", "agency", "agency_type", "tax_authority", "tax_section")
    return {
        "unit": unit_json(unit),
        "registrations": [dict(zip(keys, r, strict=True)) for r in rows],
    }
