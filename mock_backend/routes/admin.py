"""Admin API for tests and benchmarks (only with --admin): taxpayers, records, feeds, units."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver, take_sequence
from mock_backend.errors import ApiError
from mock_backend.feeds import dump, feed_for_unit
from mock_backend.mutate import mutate
from mock_backend.provisioning import create_taxpayer
from mock_backend.record_input import check_fields, core_from, items_from
from mock_backend.records import (
    compact,
    insert_record,
    load_records,
    owner_unit,
    remove_records,
    spec_of,
    write_records,
)
from mock_backend.schemas import (
    CreateTaxpayerRequest,
    FeedDump,
    MutateRequest,
    MutateResult,
    RecordIn,
    RecordPatch,
)
from mock_backend.seed.taxpayers import pad_password

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.post("/taxpayers")
def create_taxpayer_route(
    body: CreateTaxpayerRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return create_taxpayer(conn, **body.model_dump())


@router.get("/units")
def list_units(
    kind: str | None = Query(None),
    region: str | None = Query(None),
    ctx: BackendContext = Depends(get_ctx),
) -> list[dict[str, Any]]:
    """Every unit (a JSON list), with its plain initial password and live record count."""
    sql = (
        "SELECT u.unit_id, u.taxpayer_id, u.taxpayer_name, u.kind, u.region, u.initial_password,"
        " COALESCE(f.live_count, 0), u.locked_until,"
        " (SELECT group_concat(unit_number, char(31)) FROM"
        "   (SELECT unit_number FROM registrations r WHERE r.unit_id = u.unit_id ORDER BY position))"
        " FROM units u LEFT JOIN feed_state f ON f.unit_id = u.unit_id"
        " AND f.feed = CASE u.kind WHEN 'employer' THEN 'employees' ELSE 'residents' END"
        " WHERE (? IS NULL OR u.kind = ?) AND (? IS NULL OR u.region = ?) ORDER BY u.unit_id"
    )
    with ctx.db.read() as conn:
        rows = driver(conn).execute(sql, (kind, kind, region, region)).fetchall()
    units = []
    for unit_id, taxpayer_id, name, unit_kind, unit_region, initial, count, locked, numbers in rows:
        unit_numbers = numbers.split("\x1f") if numbers else []
        password = taxpayer_id[-6:] if unit_kind == "collector" else pad_password(unit_numbers[0])
        units.append(
            {
                "unit_id": unit_id,
                "taxpayer_id": taxpayer_id,
                "taxpayer_name": name,
                "kind": unit_kind,
                "region": unit_region,
                "unit_numbers": unit_numbers,
                "initial_password": password,
                "password_is_initial": bool(initial),
                "locked_until": locked,
                "feed": "employees" if unit_kind == "employer" else "residents",
                "records": count,
                "record_count": count,
                "employees": count if unit_kind == "employer" else 0,
                "residents": count if unit_kind == "collector" else 0,
            }
        )
    return units


@router.post("/units/{unit_id}/unlock")
def unlock(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.write() as conn:
        changed = (
            driver(conn)
            .execute(
                "UPDATE units SET failed_attempts = 0, failed_day = NULL, locked_until = NULL"
                " WHERE unit_id = ?",
                (unit_id,),
            )
            .rowcount
        )
    if not changed:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。")
    return {"unit_id": unit_id, "unlocked": True}


@router.post("/units/{unit_id}/reset-password")
def reset_password(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """税务大厅重置申报密码: back to the initial password."""
    with ctx.db.write() as conn:
        changed = (
            driver(conn)
            .execute(
                "UPDATE units SET password_hash = NULL, initial_password = 1, failed_attempts = 0,"
                " failed_day = NULL, locked_until = NULL WHERE unit_id = ?",
                (unit_id,),
            )
            .rowcount
        )
    if not changed:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。")
    return {"unit_id": unit_id, "initial_password": True}


@router.post("/units/{unit_id}/{feed}/mutate", response_model=MutateResult)
def mutate_route(
    unit_id: str, feed: str, body: MutateRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    now = ctx.clock.now_text()
    with ctx.db.write() as conn:
        spec = feed_for_unit(conn, unit_id, feed)
        return mutate(conn, spec, unit_id, now_text=now, **body.model_dump())


@router.get(
    "/units/{unit_id}/{feed}/dump", response_class=Response, responses={200: {"model": FeedDump}}
)
def dump_route(unit_id: str, feed: str, ctx: BackendContext = Depends(get_ctx)) -> Response:
    with ctx.db.read() as conn:
        spec = feed_for_unit(conn, unit_id, feed)
        body = dump(conn, spec, unit_id)
    return Response(content=body, media_type="application/json")


@router.post("/units/{unit_id}/{feed}/compact")
def compact_route(
    unit_id: str, feed: str, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        spec = feed_for_unit(conn, unit_id, feed)
        floor, purged = compact(conn, spec, unit_id)
    return {"floor": floor, "purged": purged}


@router.post("/units/{unit_id}/{feed}")
def create_record(
    unit_id: str, feed: str, body: RecordIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    now = ctx.clock.now_text()
    with ctx.db.write() as conn:
        spec = feed_for_unit(conn, unit_id, feed)
        core = core_from(spec, body, now)
        items = items_from(spec, body.items)
        record_id, seq = insert_record(conn, spec, unit_id, core, items)
    return {"id": record_id, "seq": seq}


@router.patch("/{feed}/{record_id}")
def patch_record(
    feed: str, record_id: int, body: RecordPatch, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    spec = spec_of(feed)
    fields = body.model_fields_set
    check_fields(spec, fields)
    now = ctx.clock.now_text()
    with ctx.db.write() as conn:
        raw = driver(conn)
        owner_unit(raw, spec, record_id)
        record = load_records(raw, spec, [record_id])[record_id]
        for name in fields - {"items"}:
            value = getattr(body, name)
            if value is None and name not in ("phone",):
                raise ApiError(422, "VALIDATION_ERROR", f"字段{name}不能为空，请检查后重试。")
            record[spec.core_columns.index(name)] = value
        if "items" in fields:
            record[-1] = items_from(spec, body.items or [])
        record[spec.core_columns.index("updated_at")] = now
        seqs = write_records(raw, spec, {record_id: record}, take_sequence(conn))
    return {"id": record_id, "seq": seqs[record_id]}


@router.delete("/{feed}/{record_id}")
def delete_record(
    feed: str, record_id: int, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    spec = spec_of(feed)
    now = ctx.clock.now_text()
    with ctx.db.write() as conn:
        unit_id = owner_unit(driver(conn), spec, record_id)
        seqs = remove_records(conn, spec, unit_id, [record_id], now)
    return {"id": record_id, "seq": seqs[record_id]}
