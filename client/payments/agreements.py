"""单位三方协议管理 (manual §2.18; FAQ Q9, Q13–Q19): the unit's agreements as last fetched from
the 征收子系统, 新增/修改 with the form checked before sending, 验证 (asynchronous at the bank:
验证中 until the answer comes), 作废 and 撤销. Used by both modules.

Every request that changes an agreement carries an idempotency key kept until the server has
answered it (`_RetryKeys`): when the connection drops and the clerk clicks again, the same key
goes out and the server returns its first answer instead of acting twice. (A second 新增 of the
same account is refused by the server anyway, `DUPLICATE_AGREEMENT`.)
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from client.jobs import JobContext
from client.payments import agreement_wire as wire
from client.payments.agreement_rules import (
    AgreementForm,
    AgreementRuleError,
    allows_deduction,
    can_modify,
    can_revoke,
    can_verify,
    can_void,
    checked_body,
    one_deduction_agreement,
)
from client.payments.agreement_wire import ENDED, VERIFYING
from client.payments.bank_codes import BankCodes
from client.storage.listing import QueryListSource
from client.storage.payment_models import Agreement
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Registration
from client.sync.api import ApiClient
from client.sync.errors import ApiError, NetworkError
from client.sync.unit_service import UnitService

AGREEMENTS = Agreement.__table__
POLL_SECONDS = 1.0
MAX_WAIT_SECONDS = 600.0
NOT_SAVED = "该协议尚未保存，请先点击【保存】。"


class VerificationPendingError(Exception):
    """The bank has not answered within the wait; the agreement stays 验证中."""

    message = "银行尚未返回验证结果，协议仍在验证中。请稍后点击【刷新】查看协议状态。"


def tax_authorities(db: UnitDatabase, fallback: str = "") -> list[str]:
    """所属税务机关 choices: the tax authorities of the unit's 参保登记信息 (synced at login),
    in registration order; the unit's 主管税务机关 when none is recorded."""
    with db.read() as session:
        names = session.scalars(select(Registration.tax_authority).order_by(Registration.row_id))
        found = list(dict.fromkeys(n for n in names if n))
    return found or ([fallback] if fallback else [])


# -- idempotency keys kept across a clerk's retries -------------------------------------------
class _RetryKeys:
    """One key per (action, agreement, body) until the server has answered it."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, what: tuple[Any, ...], request: Callable[[str], Any]) -> Any:
        name = json.dumps(what, ensure_ascii=False, sort_keys=True, default=str)
        with self._lock:
            key = self._keys.setdefault(name, str(uuid.uuid4()))
        try:
            answer = request(key)
        except NetworkError:
            raise  # outcome unknown: the next click sends the same key
        except ApiError:
            self._forget(name)  # refused: nothing was done
            raise
        self._forget(name)
        return answer

    def _forget(self, name: str) -> None:
        with self._lock:
            self._keys.pop(name, None)


# -- the service ------------------------------------------------------------------------------
class UnitAgreements(UnitService):
    """三方协议 of one unit (用人单位 or 代收单位)."""

    PATH = "/collect/units/{unit_id}/agreements"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        poll_seconds: float = POLL_SECONDS,
        max_wait_seconds: float = MAX_WAIT_SECONDS,
    ) -> None:
        super().__init__(api, db, unit_id)
        self.poll_seconds = poll_seconds
        self.max_wait_seconds = max_wait_seconds
        self._keys = _RetryKeys()

    # -- 页面初始化 / 刷新 ---------------------------------------------------------------------
    def refresh(self, ctx: JobContext | None = None) -> int:
        """Fetch every agreement of the unit and make the local list exactly that."""
        ctx = ctx or JobContext()
        ctx.progress("agreements", 0, 2)
        rows = wire.agreements(self.api.get_json(self.path))
        ctx.check_cancelled()
        ctx.progress("agreements", 1, 2)
        now = datetime.now()
        with self.db.write() as conn:
            conn.execute(delete(AGREEMENTS))
            if rows:
                conn.execute(insert(AGREEMENTS), [{**r, "fetched_at": now} for r in rows])
        ctx.progress("agreements", 2, 2)
        return len(rows)

    def rows(self) -> list[dict[str, Any]]:
        with self.db.engine.connect() as conn:
            result = conn.execute(select(AGREEMENTS).order_by(AGREEMENTS.c.created_at.desc()))
            return [dict(r._mapping) for r in result]

    def get(self, agreement_id: str) -> dict[str, Any] | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(
                select(AGREEMENTS).where(AGREEMENTS.c.agreement_id == agreement_id)
            ).first()
        return None if row is None else dict(row._mapping)

    def source(self) -> QueryListSource:
        """The list page: newest first, with its 序号 in that order."""
        c = AGREEMENTS.c
        newest = (c.created_at.desc(), c.agreement_id.desc())
        seq = func.row_number().over(order_by=newest).label("seq")
        return QueryListSource(
            self.db.engine,
            select(AGREEMENTS, seq),
            key="agreement_id",
            default_sort=[("seq", True)],
        )

    # -- 保存 (新增 / 修改) -------------------------------------------------------------------
    def create(
        self, form: AgreementForm, codes: BankCodes, authorities: Sequence[str]
    ) -> dict[str, Any]:
        """新增: checked, sent; the new agreement is 未验证."""
        body = checked_body(form, codes, authorities)
        answer = self._keys.send(
            ("create", body),
            lambda key: self.api.post_json(self.path, body, idempotency_key=key),
        )
        return self._keep(answer)

    def update(
        self,
        agreement_id: str,
        form: AgreementForm,
        codes: BankCodes,
        authorities: Sequence[str],
    ) -> dict[str, Any]:
        """修改: back to 未验证 on the server; a change to 允许代扣 while another deduction
        agreement is verified is refused here first (注意事项一)."""
        row = self.get(agreement_id)
        if row is None:
            raise AgreementRuleError(NOT_SAVED)
        if not can_modify(row):
            raise AgreementRuleError(
                "该协议已终止，不能修改，请新增协议。"
                if row["status"] == ENDED
                else "该协议正在验证中，请等待验证结果后再修改。"
            )
        body = checked_body(form, codes, authorities)
        if body["allow_deduction"]:
            one_deduction_agreement(self.rows(), agreement_id, "修改为允许代扣")
        path = f"{self.path}/{agreement_id}"
        answer = self._keys.send(
            ("update", agreement_id, body),
            lambda key: self.api.put_json(path, body, idempotency_key=key),
        )
        return self._keep(answer)

    # -- 验证 ---------------------------------------------------------------------------------
    def check_verifiable(self, agreement_id: str) -> dict[str, Any]:
        """The agreement, or AgreementRuleError when its state or 注意事项一 refuses 验证."""
        row = self.get(agreement_id)
        if row is None:
            raise AgreementRuleError(NOT_SAVED)
        if not can_verify(row):
            raise AgreementRuleError(
                "作废或撤销后的协议不能再验证，请新增协议。"
                if row["status"] == ENDED
                else f"协议状态为“{row['status']}”，只有未验证或验证失败的协议可以验证。"
            )
        if allows_deduction(row):
            one_deduction_agreement(self.rows(), agreement_id, "验证本协议")
        return row

    def start_verification(self, agreement_id: str) -> dict[str, Any]:
        """验证: the bank checks the agreement; it is 验证中 until it answers."""
        self.check_verifiable(agreement_id)
        path = f"{self.path}/{agreement_id}/verify"
        answer = self._keys.send(
            ("verify", agreement_id),
            lambda key: self.api.post_json(path, {}, idempotency_key=key),
        )
        return self._keep(answer)

    def wait_for_bank(self, agreement_id: str, ctx: JobContext | None = None) -> dict[str, Any]:
        """Read the list again every `poll_seconds` until the agreement is no longer 验证中;
        the agreement as the bank left it. 取消 stops waiting (the bank goes on)."""
        ctx = ctx or JobContext()
        started = time.monotonic()
        while True:
            self.refresh()
            row = self.get(agreement_id)
            if row is None:
                raise AgreementRuleError("该协议已不在本单位的三方协议中，请刷新后查看。")
            if row["status"] != VERIFYING:
                return row
            waited = time.monotonic() - started
            if waited >= self.max_wait_seconds:
                raise VerificationPendingError()
            ctx.progress("waiting", int(waited), None)
            _sleep(self.poll_seconds, ctx)

    def verify(self, agreement_id: str, ctx: JobContext | None = None) -> dict[str, Any]:
        """验证 and wait for the bank's answer: 验证通过 or 验证失败 (with its reason)."""
        ctx = ctx or JobContext()
        ctx.progress("sending", 0, None)
        row = self.start_verification(agreement_id)
        if row["status"] != VERIFYING:
            return row
        return self.wait_for_bank(agreement_id, ctx)

    # -- 作废 / 撤销 ----------------------------------------------------------------------------
    def void(self, agreement_id: str) -> dict[str, Any]:
        """作废: an agreement never verified ends (协议终止)."""
        return self._end(agreement_id, "void", can_void, "只有未验证或验证失败的协议可以作废；"
                         "验证通过的协议请使用撤销。")  # fmt: skip

    def revoke(self, agreement_id: str) -> dict[str, Any]:
        """撤销: a verified agreement ends (协议终止) and pays nothing any more."""
        return self._end(agreement_id, "revoke", can_revoke, "只有验证通过的协议可以撤销；"
                         "未验证的协议请使用作废。")  # fmt: skip

    def _end(
        self,
        agreement_id: str,
        action: str,
        allowed: Callable[[Mapping[str, Any]], bool],
        refusal: str,
    ) -> dict[str, Any]:
        row = self.get(agreement_id)
        if row is None:
            raise AgreementRuleError(NOT_SAVED)
        if not allowed(row):
            raise AgreementRuleError(refusal)
        path = f"{self.path}/{agreement_id}/{action}"
        answer = self._keys.send(
            (action, agreement_id),
            lambda key: self.api.post_json(path, {}, idempotency_key=key),
        )
        return self._keep(answer)

    # -- local copy -----------------------------------------------------------------------------
    def _keep(self, answer: Any) -> dict[str, Any]:
        """Check an answer and put it in the local list (replacing the old version)."""
        row = wire.agreement(answer)
        with self.db.write() as conn:
            conn.execute(delete(AGREEMENTS).where(AGREEMENTS.c.agreement_id == row["agreement_id"]))
            conn.execute(insert(AGREEMENTS), [{**row, "fetched_at": datetime.now()}])
        return row


def _sleep(seconds: float, ctx: JobContext) -> None:
    """Wait, answering 取消 within a tenth of a second."""
    end = time.monotonic() + seconds
    while True:
        ctx.check_cancelled()
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))
