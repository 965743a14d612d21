"""单位退费申请管理 (manual §2.28): the refundable rows of both 退费方式 queried from the
征收子系统, 提交申请, and the unit's applications kept locally and brought up to date on 刷新.

An application is stored as a request before it is sent (`Submitter`, kind "refund"): when the
connection drops after 提交申请, the next 提交申请 or 刷新 sends the same idempotency key and
body first, so the server answers with the application it made instead of making a second one.
Every submission, its outcome and every change of state that 刷新 brings is written to the
append-only journal of 社保费申报 (`FeeJournal`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from client.fees.journal import ACCEPTED, REFUSED, UNKNOWN, FeeJournal
from client.jobs import JobContext
from client.refunds import wire
from client.refunds.rules import (
    BY_PERSON,
    RefundCodes,
    RefundDraft,
    RefundRuleError,
    body_total,
    checked_body,
    total,
)
from client.refunds.store import APPLICATIONS, ROWS, upsert_application
from client.storage.listing import QueryListSource, date_range, equals
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.sync.submissions import SubmissionUncertainError, Submitter
from client.sync.unit_service import UnitService

KIND = "refund"
PAGE = "单位退费申请管理"
SUBMIT = "退费申请"  # journal actions
STATE_CHANGE = "退费状态"
RESENT_NOTE = "网络中断后重新确认：征收子系统已受理上次的退费申请（未重复申请）。"


@dataclass(frozen=True)
class RefundSubmitted:
    """The application the server made; `resent` when it answers an earlier, interrupted
    提交申请 of the same application."""

    application: dict[str, Any]
    amount: Decimal
    resent: bool = False


@dataclass(frozen=True)
class Confirmed:
    """An interrupted submission sent again: the application it made, or the refusal."""

    body: dict[str, Any]
    application: dict[str, Any] | None = None
    refusal: ApiError | None = None


@dataclass(frozen=True)
class StateChange:
    application_number: str
    before: str
    after: str
    decision_reason: str | None = None


@dataclass(frozen=True)
class RefreshResult:
    count: int
    changes: list[StateChange] = field(default_factory=list)
    confirmed: list[Confirmed] = field(default_factory=list)


def _period_pair(period_from: str | None, period_to: str | None, what: str) -> None:
    if not period_from or not period_to:
        raise RefundRuleError(f"请输入{what}起止。", "period")
    if period_from > period_to:
        raise RefundRuleError(f"{what}起不能晚于{what}止，请重新选择。", "period")


class RefundApplications(UnitService):
    """退费申请 of one unit."""

    PATH = "/collect/units/{unit_id}/refunds"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        journal: FeeJournal | None = None,
    ) -> None:
        super().__init__(api, db, unit_id)
        self.journal = journal or FeeJournal(db)
        self.submitter = Submitter(api, db)

    # -- refundable rows (新增退费申请, step 2) -----------------------------------------------
    def ticket_rows(
        self, period_from: str | None, period_to: str | None, e_ticket_number: str = ""
    ) -> list[dict[str, Any]]:
        """税票退费: the rows of the unit's tickets of the 费款所属期, with the 管理子系统's
        check against the 申报明细 and what of each is still refundable."""
        _period_pair(period_from, period_to, "费款所属期")
        number = "".join(e_ticket_number.split())
        payload = self.api.get_json(
            f"{self.path}/tickets",
            period_from=period_from,
            period_to=period_to,
            e_ticket_number=number or None,
        )
        return wire.ticket_rows(payload)

    def person_rows(
        self,
        period_from: str | None,
        period_to: str | None,
        refund_kind: str | None,
        name: str = "",
        id_type: str = "",
        id_number: str = "",
    ) -> list[dict[str, Any]]:
        """职工明细退费: each person's paid months of the period (optionally one person)."""
        _period_pair(period_from, period_to, "退费所属期")
        if not refund_kind:
            raise RefundRuleError("请选择退费税金类型。", "refund_kind")
        payload = self.api.get_json(
            f"{self.path}/person-rows",
            period_from=period_from,
            period_to=period_to,
            refund_kind=refund_kind,
            name=name.strip() or None,
            id_type=id_type or None,
            id_number="".join(id_number.split()) or None,
        )
        return wire.person_rows(payload)

    # -- 提交申请 ------------------------------------------------------------------------------
    def submit(self, draft: RefundDraft, codes: RefundCodes) -> RefundSubmitted:
        """Check the application, confirm an interrupted earlier one first (the same one is
        not sent twice), then send it once."""
        body = checked_body(draft, codes)
        amount = body_total(body)
        for confirmed in self.resend_pending():
            if confirmed.body != body:
                continue  # another application, settled (and journaled) by now
            if confirmed.refusal is not None:
                raise confirmed.refusal
            assert confirmed.application is not None
            return RefundSubmitted(confirmed.application, amount, resent=True)
        row_ids = [r["row_id"] for r in body["rows"]]
        try:
            answer = self.submitter.submit(KIND, self.path, body, row_ids, _applied)
        except SubmissionUncertainError as error:
            self._journal(body, UNKNOWN, (), error.message)
            raise
        except ApiError as error:
            self._journal(body, REFUSED, (), error.message)
            raise
        application = wire.application(answer)
        self._journal(body, ACCEPTED, [application["application_number"]], _described(body))
        return RefundSubmitted(application, amount)

    def pending(self) -> int:
        """Submissions whose outcome a dropped connection left unknown."""
        return len(self.submitter.pending(KIND))

    def resend_pending(self) -> list[Confirmed]:
        """Send every interrupted submission again with its first key and body. Raises
        SubmissionUncertainError while the connection is still down."""
        pending = [json.loads(p.body) for p in self.submitter.pending(KIND)]
        if not pending:
            return []
        answered: list[dict[str, Any]] = []

        def applied(conn: Connection, answer: Any, _ids: list[Any]) -> None:
            application = wire.application(answer)
            upsert_application(conn, application)
            answered.append(application)

        refusal: ApiError | None = None
        try:
            self.submitter.resend_pending(KIND, applied)
        except SubmissionUncertainError:
            raise
        except ApiError as error:  # the server had refused it: nothing was made
            refusal = error
        out = []
        for body, application in zip(pending, answered, strict=False):
            self._journal(body, ACCEPTED, [application["application_number"]], RESENT_NOTE)
            out.append(Confirmed(body, application))
        if refusal is not None:
            body = pending[len(answered)]
            self._journal(body, REFUSED, (), f"网络中断后重新确认：{refusal.message}")
            out.append(Confirmed(body, refusal=refusal))
        return out

    def _journal(
        self, body: dict[str, Any], result: str, numbers: Sequence[str], detail: str
    ) -> None:
        self.journal.record(
            SUBMIT, PAGE, result, declaration_ids=numbers, item_count=len(body["rows"]),
            amount=body_total(body), detail=detail,
        )  # fmt: skip

    # -- 刷新 ----------------------------------------------------------------------------------
    def refresh(self, ctx: JobContext | None = None) -> RefreshResult:
        """The unit's applications from the 征收子系统, each replacing its local version; every
        change of state is journaled. A malformed answer changes nothing."""
        ctx = ctx or JobContext()
        ctx.progress("confirm", 0, 3)
        confirmed = self.resend_pending()
        ctx.check_cancelled()
        ctx.progress("fetch", 1, 3)
        found = wire.applications(self.api.get_json(self.path))
        ctx.check_cancelled()
        ctx.progress("save", 2, 3)
        before = self._states()
        with self.db.write() as conn:
            for application in found:
                upsert_application(conn, application)
        changes = [
            StateChange(
                a["application_number"],
                before[a["refund_id"]],
                a["status"],
                a.get("decision_reason"),
            )  # fmt: skip
            for a in found
            if a["refund_id"] in before and before[a["refund_id"]] != a["status"]
        ]
        by_number = {a["application_number"]: a for a in found}
        for change in changes:
            application = by_number[change.application_number]
            self.journal.record(
                STATE_CHANGE, PAGE, change.after,
                declaration_ids=[change.application_number],
                item_count=len(application["rows"]), amount=total([application["amount"]]),
                detail=f"{change.before} → {change.after}"
                + (f"：{change.decision_reason}" if change.decision_reason else ""),
            )  # fmt: skip
        ctx.progress("save", 3, 3)
        return RefreshResult(len(found), changes, confirmed)

    def _states(self) -> dict[str, str]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(APPLICATIONS.c.refund_id, APPLICATIONS.c.status))
            return {str(r[0]): str(r[1]) for r in rows}

    # -- local list and 查看 ---------------------------------------------------------------------
    def source(self) -> QueryListSource:
        """The list page: newest first; 查询 by 申请日期, 状态 and 退费方式."""
        c = APPLICATIONS.c
        return QueryListSource(
            self.db.engine,
            select(APPLICATIONS),
            key="refund_id",
            filters=[
                date_range("submitted", c.submitted_at),
                equals("status", c.status),
                equals("method", c.method),
            ],
            default_sort=[("submitted_at", False), ("refund_id", False)],
        )

    def count(self) -> int:
        with self.db.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(APPLICATIONS)).scalar_one())

    def get(self, refund_id: str) -> dict[str, Any] | None:
        """One application with its `rows` and `history`, as last answered."""
        with self.db.engine.connect() as conn:
            found = conn.execute(
                select(APPLICATIONS).where(APPLICATIONS.c.refund_id == refund_id)
            ).first()
            if found is None:
                return None
            rows = conn.execute(
                select(ROWS).where(ROWS.c.refund_id == refund_id).order_by(ROWS.c.position)
            )
            application = dict(found._mapping)
            application["rows"] = [dict(r._mapping) for r in rows]
        application["history"] = json.loads(application["history"])
        return application


def _applied(conn: Connection, answer: Any, _ids: list[Any]) -> None:
    upsert_application(conn, wire.application(answer))


def _described(body: dict[str, Any]) -> str:
    kind = f"（{body['refund_kind']}）" if body["method"] == BY_PERSON else ""
    return f"{body['method']}{kind}，{len(body['rows'])}条明细"
