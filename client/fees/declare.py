"""提交申报, 获取反馈, 同步 and 作废 of 社保费申报 (manual §2.8–§2.10, §2.24, §2.27; the
代收单位's §3.6–§3.8 use the same service with residents).

A submission sends the ticked item ids once: the request is stored before it is sent
(`client.sync.submissions.Submitter`), so when the connection drops during 立即提交 the next
attempt sends the same request with the same idempotency key and the server answers with
its first result instead of declaring twice. Every submission and void, and every result
that comes back, is written to the append-only journal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from client.fees import wire
from client.fees.changes import BoxChange, compare
from client.fees.items import FeeItems
from client.fees.journal import ACCEPTED, OUTCOME, REFUSED, SUBMIT, UNKNOWN, VOID, FeeJournal
from client.fees.records import FeeRecords
from client.fees.rules import (
    DECLARING,
    FAILED,
    PAID,
    PARTLY_PAID,
    PENDING,
    SUCCEEDED,
    VOIDED,
    VOIDING,
    DeclarationPage,
    FeeRuleError,
    total,
)
from client.fees.store import upsert_declaration
from client.jobs import JobContext
from client.storage.chunks import chunked, marks
from client.storage.fee_models import FeeDeclaration
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError, MalformedResponseError
from client.sync.submissions import SubmissionUncertainError, Submitter
from client.sync.unit_service import UnitService

KIND = "fee_declaration"
VOID_KIND = "fee_void"
DECLARATIONS = FeeDeclaration.__table__
MAX_SYNC_DAYS = 366 * 3


@dataclass(frozen=True)
class SubmissionPlan:
    """What the confirmation page shows before 立即提交."""

    page: str
    item_ids: list[str]
    boxes: int
    headcount: int  # sum of the items' 缴费人数
    amount: Decimal  # 应缴费额合计: the exact sum of the items'
    changes: list[BoxChange] = field(default_factory=list)

    @property
    def items(self) -> int:
        return len(self.item_ids)


@dataclass(frozen=True)
class SubmitResult:
    submitted_at: str
    declarations: list[dict[str, Any]]  # declaration_id, item_ids, headcount, amount, status
    resent: bool = False  # the answer of an earlier submission whose outcome was unknown


@dataclass(frozen=True)
class FeeFeedback:
    waiting: int
    succeeded: int
    failed: int
    voided: int
    reasons: list[str]


@dataclass(frozen=True)
class SyncResult:
    declarations: int
    unpaid: int


class FeeDeclarations(UnitService):
    PATH = "/mgmt/units/{unit_id}/fee-declarations"

    def __init__(
        self, api: ApiClient, db: UnitDatabase, unit_id: str, journal: FeeJournal | None = None
    ) -> None:
        super().__init__(api, db, unit_id)
        self.items = FeeItems(api, db, unit_id)
        self.records = FeeRecords(db)
        self.submitter = Submitter(api, db)
        self.journal = journal or FeeJournal(db)

    # -- 提交申报 ---------------------------------------------------------------------------
    def plan(
        self, page: DeclarationPage, ticked: Sequence[str], ctx: JobContext | None = None
    ) -> SubmissionPlan:
        """Check the ticked rows (nothing ticked, a merged box partly ticked) and count what
        would be declared, with what changed since the last declared period."""
        boxes = self.items.boxes(page)
        chosen = boxes.check(ticked)
        rows = self.items.rows(chosen)
        changes = compare(self.items, rows, ctx or JobContext())
        return SubmissionPlan(
            page=page.key,
            item_ids=chosen,
            boxes=len({boxes.box_of[i] for i in chosen}),
            headcount=sum(int(r["headcount"]) for r in rows),
            amount=total(r["amount"] for r in rows),
            changes=changes,
        )

    def submit(self, plan: SubmissionPlan) -> SubmitResult:
        """立即提交. An earlier submission whose outcome was left unknown is confirmed first;
        when it covered these same items, its answer is this one's (nothing sent twice)."""
        earlier = self._resend(KIND)
        for answer, ids in earlier:
            if set(plan.item_ids) <= set(ids):
                return _result(answer, resent=True)
        if earlier:
            raise FeeRuleError(
                "上次因网络中断未确认的申报已提交成功，部分勾选的数据已申报，请点击【刷新】后重新勾选。"
            )
        body = {"item_ids": plan.item_ids}
        try:
            answer = self.submitter.submit(KIND, self.path, body, plan.item_ids, _accepted)
        except SubmissionUncertainError as exc:
            self._journal_submit(plan, UNKNOWN, (), exc.message)
            raise
        except ApiError as exc:
            self._journal_submit(plan, REFUSED, (), exc.message)
            raise
        result = _result(answer)
        self._journal_submit(plan, ACCEPTED, [d["declaration_id"] for d in result.declarations])
        return result

    def resend_pending(self) -> None:
        """Confirm submissions and voids whose outcome a broken connection left unknown."""
        self._resend(KIND)
        self._resend(VOID_KIND)

    def _resend(self, kind: str) -> list[tuple[Any, list[str]]]:
        pending = [(p.body, p.record_ids) for p in self.submitter.pending(kind)]
        apply = _accepted if kind == KIND else _void_accepted
        answers = self.submitter.resend_pending(kind, apply)
        out = []
        for answer, (_body, ids) in zip(answers, pending, strict=True):
            record_ids = [str(i) for i in json.loads(ids)]
            out.append((answer, record_ids))
            if kind == KIND:
                ids_made = [d["declaration_id"] for d in wire.submitted(answer)]
                self.journal.record(
                    SUBMIT, "重新确认", ACCEPTED, declaration_ids=ids_made,
                    item_count=len(record_ids),
                    detail="网络中断后重新确认：税务系统已受理上次的提交（未重复申报）。",
                )  # fmt: skip
            else:
                self.journal.record(VOID, "重新确认", ACCEPTED, declaration_ids=record_ids)
        return out

    def _journal_submit(
        self, plan: SubmissionPlan, result: str, ids: Sequence[str], detail: str = ""
    ) -> None:
        self.journal.record(
            SUBMIT, plan.page, result, declaration_ids=ids, item_count=plan.items,
            headcount=plan.headcount, amount=plan.amount,
            detail=detail or f"{plan.boxes}个勾选项，{plan.items}条信息",
        )  # fmt: skip

    # -- 获取反馈 ---------------------------------------------------------------------------
    def waiting_ids(self) -> list[str]:
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT declaration_id FROM fee_declarations WHERE status IN (?, ?)"
                    " ORDER BY submitted_at",
                    (PENDING, VOIDING),
                )
            ]

    def fetch_feedback(self, ctx: JobContext | None = None) -> FeeFeedback:
        """Read every declaration still 申报中 or 作废中 and record what became of it."""
        ctx = ctx or JobContext()
        self.resend_pending()
        waiting = self.waiting_ids()
        counts = {SUCCEEDED: 0, FAILED: 0, VOIDED: 0}
        reasons: list[str] = []
        still = 0
        for done, declaration_id in enumerate(waiting):
            ctx.check_cancelled()
            ctx.progress("获取反馈", done, len(waiting))
            before = self._status(declaration_id)
            d = wire.declaration(self.api.get_json(f"{self.path}/{declaration_id}"))
            with self.db.write() as conn:
                upsert_declaration(conn, d, datetime.now())
            status = d["status"]
            if status in (PENDING, VOIDING):
                still += 1
                continue
            if before == VOIDING and status == SUCCEEDED:
                reasons.append(f"{declaration_id}：作废未成功。{d['reason'] or ''}".strip())
            elif status in counts:
                counts[status] += 1
            if status == FAILED and d["reason"]:
                reasons.append(f"{declaration_id}：{d['reason']}")
            self.journal.record(
                OUTCOME, "获取反馈", status, declaration_ids=[declaration_id],
                item_count=len(d["items"]), headcount=int(d["headcount"] or 0),
                amount=total([d["amount"]]), detail=d["reason"] or "",
            )  # fmt: skip
        ctx.progress("获取反馈", len(waiting), len(waiting))
        return FeeFeedback(still, counts[SUCCEEDED], counts[FAILED], counts[VOIDED], reasons)

    def _status(self, declaration_id: str) -> str | None:
        with self.db.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT status FROM fee_declarations WHERE declaration_id = ?", (declaration_id,)
            ).first()
        return None if row is None else str(row[0])

    def fetch(self, declaration_id: str) -> None:
        """Bring one declaration (and its items) up to date, e.g. before 查看申报明细 of a
        payment."""
        payload = self.api.get_json(f"{self.path}/{declaration_id}")
        found = wire.declaration(payload)
        with self.db.write() as conn:
            upsert_declaration(conn, found, datetime.now())

    # -- 同步 -------------------------------------------------------------------------------
    def sync(
        self,
        start: date,
        end: date,
        categories: Sequence[str],
        ctx: JobContext | None = None,
    ) -> SyncResult:
        """同步: the unit's declarations of every channel with a 申报日期 in [start, end],
        month by month (progress, cancel); each month is written in one transaction."""
        ctx = ctx or JobContext()
        if end < start:
            raise FeeRuleError("申报结束日期不能早于开始日期，请重新选择。")
        if (end - start).days > MAX_SYNC_DAYS:
            raise FeeRuleError("同步的申报日期范围不能超过3年，请缩小范围后再同步。")
        self.resend_pending()
        spans = _months(start, end)
        count = 0
        for done, (first, last) in enumerate(spans):
            ctx.check_cancelled()
            ctx.progress("同步申报记录", done, len(spans))
            payload = self.api.get_json(
                self.path, category=list(categories), **{"from": first.isoformat()},
                to=last.isoformat(),
            )  # fmt: skip
            found = wire.declarations(payload)
            with self.db.write() as conn:
                now = datetime.now()
                for d in found:
                    upsert_declaration(conn, d, now)
            count += len(found)
        ctx.progress("同步申报记录", len(spans), len(spans))
        return SyncResult(count, self.records.unpaid_count(categories))

    # -- 作废 -------------------------------------------------------------------------------
    def void(self, declaration_id: str, page: str = "申报记录") -> dict[str, Any]:
        """发起作废 of a successful, unpaid declaration (processed asynchronously)."""
        row = self.records.declaration(declaration_id)
        if row is None:
            raise FeeRuleError("找不到该申报记录，请先点击【同步】。")
        if row["status"] != SUCCEEDED:
            raise FeeRuleError("只有申报成功且未缴费的申报记录可以作废。")
        if row["pay_status"] in (PAID, PARTLY_PAID):
            raise FeeRuleError("该申报记录已缴费，不能作废。如需退费，请使用单位退费申请。")
        amount = total([row["amount"]])
        try:
            answer = self.submitter.submit(
                VOID_KIND, f"{self.path}/{declaration_id}/void", {}, [declaration_id],
                _void_accepted,
            )  # fmt: skip
        except SubmissionUncertainError as exc:
            self.journal.record(VOID, page, UNKNOWN, declaration_ids=[declaration_id],
                                amount=amount, detail=exc.message)  # fmt: skip
            raise
        except ApiError as exc:
            self.journal.record(VOID, page, REFUSED, declaration_ids=[declaration_id],
                                amount=amount, detail=exc.message)  # fmt: skip
            raise
        self.journal.record(
            VOID, page, ACCEPTED, declaration_ids=[declaration_id], amount=amount,
            headcount=int(row["headcount"] or 0),
        )  # fmt: skip
        return dict(answer)


def _months(start: date, end: date) -> list[tuple[date, date]]:
    """[start, end] cut at month ends."""
    spans = []
    first = start
    while first <= end:
        next_month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(end, next_month - timedelta(days=1))
        spans.append((first, last))
        first = last + timedelta(days=1)
    return spans


def _result(answer: Any, resent: bool = False) -> SubmitResult:
    return SubmitResult(str(answer.get("submitted_at", "")), wire.submitted(answer), resent)


def _accepted(conn: Connection, answer: Any, item_ids: list[Any]) -> None:
    """The server took the submission: a 申报中 record per declaration, its items 申报中."""
    submitted_at = str(answer.get("submitted_at") or f"{datetime.now():%Y-%m-%d %H:%M:%S}")
    now = datetime.now()
    for entry in wire.submitted(answer):
        ids = [str(i) for i in entry["item_ids"]]
        items = _local_items(conn, ids)
        if not items:
            continue
        first = items[0]
        upsert_declaration(
            conn,
            {
                "declaration_id": entry["declaration_id"],
                "category": first["category"],
                "data_source": first["data_source"],
                "channel": "客户端",
                "submitted_at": submitted_at,
                "status": entry.get("status") or PENDING,
                "pay_status": None,
                "amount": str(entry.get("amount") or total(i["amount"] for i in items)),
                "headcount": int(entry.get("headcount") or 0),
                "tax_authority": first["tax_authority"],
                "voucher_number": None,
                "unit_number": first["unit_number"],
                "period_start": min(i["period_start"] for i in items),
                "period_end": max(i["period_end"] for i in items),
                "project_number": first["project_number"],
                "collection_serial": first["collection_serial"],
                "reason": None,
                "processed_at": None,
                "voided_at": None,
                "items": [
                    {**i, "state": DECLARING, "declaration_id": entry["declaration_id"],
                     "reason": None}
                    for i in items
                ],
            },
            now,
        )  # fmt: skip


def _void_accepted(conn: Connection, answer: Any, ids: list[Any]) -> None:
    if not isinstance(answer, dict) or not answer.get("declaration_id"):
        raise MalformedResponseError(technical="fee void answer")
    conn.exec_driver_sql(
        "UPDATE fee_declarations SET status = ? WHERE declaration_id = ?",
        (answer.get("status") or VOIDING, str(answer["declaration_id"])),
    )


def _local_items(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for chunk in chunked(sorted(ids)):
        result = conn.exec_driver_sql(
            f"SELECT * FROM fee_items WHERE item_id IN ({marks(len(chunk))}) ORDER BY item_id",
            tuple(chunk),
        )
        out.extend(dict(r._mapping) for r in result)
    return out
