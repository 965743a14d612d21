"""Admin API of 费款缴纳 and the simulated bank (only with --admin): bank settings and accounts,
a lost bank answer, processing now, paying a voucher at the counter, the payment lock.

Included before routes.admin, whose /units/{unit_id}/{feed} routes would otherwise match.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_backend import bank, bank_vouchers
from mock_backend.arrivals import arrive_now
from mock_backend.collect_due import answer_bank, bring_up_to_date, make_arrears
from mock_backend.collect_schemas import (
    ArrivalCount,
    BankAccountIn,
    BankAccountOut,
    BankSettingsIn,
    BankSettingsOut,
    LoseNextIn,
    ProcessCounts,
    Voucher,
)
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.payment_auth import clear_lock

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


def _known_unit(ctx: BackendContext, unit_id: str) -> None:
    with ctx.db.read() as conn:
        row = driver(conn).execute("SELECT 1 FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    if row is None:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。", {"unit_id": unit_id})


@router.post("/bank", response_model=BankSettingsOut)
def set_bank(body: BankSettingsIn, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Delays of the bank (seconds) and the balance of an account it opens; any subset."""
    with ctx.db.write() as conn:
        changes = body.model_dump(exclude_none=True)
        return bank.update_settings(driver(conn), changes).to_json()


@router.get("/bank", response_model=BankSettingsOut)
def get_bank(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return bank.load_settings(driver(conn)).to_json()


@router.post("/bank/accounts", response_model=BankAccountOut)
def put_account(body: BankAccountIn, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Create or replace an account of the simulated bank."""
    with ctx.db.write() as conn:
        raw = driver(conn)
        return bank.put_account(raw, body.account, body.name, body.balance, body.status).to_json()


@router.get("/bank/accounts/{account}", response_model=BankAccountOut)
def get_account(account: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return bank.account_or_404(driver(conn), account).to_json()


@router.post("/bank/accounts/{account}/lose-next")
def lose_next(
    account: str, body: LoseNextIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The next deduction on the account ends 锁定; 解锁 shows whether it was `deducted`."""
    with ctx.db.write() as conn:
        found = bank.lose_next(driver(conn), account, body.deducted)
    return {**found.to_json(), "lose_next": {"deducted": body.deducted}}


@router.post("/units/{unit_id}/collect/process", response_model=ProcessCounts)
def process_now(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Every pending deduction and verification of the unit is answered now."""
    _known_unit(ctx, unit_id)
    make_arrears(ctx.db, ctx.clock, unit_id)
    return answer_bank(ctx.db, ctx.clock, unit_id, force=True)


@router.post("/units/{unit_id}/arrivals/process", response_model=ArrivalCount)
def arrivals_now(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Every paid line of the unit is 入库 and 到账 now."""
    _known_unit(ctx, unit_id)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        return {"count": arrive_now(driver(conn), unit_id, ctx.clock.timestamp())}


@router.post("/units/{unit_id}/bank-vouchers/{voucher_id}/pay", response_model=Voucher)
def pay_voucher(
    unit_id: str, voucher_id: str, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The voucher paid at a bank counter (银行端凭证缴费)."""
    _known_unit(ctx, unit_id)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        return bank_vouchers.pay_at_counter(driver(conn), unit_id, voucher_id, ctx.clock.now())


@router.post("/units/{unit_id}/payment-lock/clear")
def clear_payment_lock(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Forget the unit's wrong payment passwords and its payment lock."""
    _known_unit(ctx, unit_id)
    clear_lock(ctx.db, unit_id)
    return {"unit_id": unit_id, "cleared": True}
