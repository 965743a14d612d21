"""缴费记录 (manual §2.13, §3.11) and 缴费凭证打印记录 (§2.12, §3.10): the deductions and
bank-counter vouchers kept locally, 同步 of other channels by 费款所属期, 解锁 of a locked
deduction, 作废 and 重新打印 of a voucher (the saved PDF, never drawn again)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select, update

from client.fees.journal import ACCEPTED, REFUSED, FeeJournal
from client.jobs import JobContext
from client.payments import wire
from client.payments.arrears import Arrears
from client.payments.auth import PaymentTicket
from client.payments.rules import (
    DEDUCTING,
    LOCKED,
    VOUCHER_UNPAID,
    VOUCHER_VOID,
    PaymentRuleError,
    money,
)
from client.payments.store import (
    DEDUCTIONS,
    VOUCHER_ROWS,
    VOUCHERS,
    upsert_deduction,
    upsert_voucher,
)
from client.payments.voucher_doc import write_voucher
from client.storage.listing import QueryListSource, custom, date_range, equals
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.sync.unit_service import UnitService

MAX_SYNC_MONTHS = 36
POLL_SECONDS = 1.0


def check_period(start: str, end: str) -> None:
    """同步 by 费款所属期起止: both months, start ≤ end, at most three years."""
    try:
        a = date.fromisoformat(f"{start}-01")
        b = date.fromisoformat(f"{end}-01")
    except ValueError:
        raise PaymentRuleError("VALIDATION_ERROR", "请输入正确的费款所属期（YYYY-MM）。") from None
    if a > b:
        raise PaymentRuleError("VALIDATION_ERROR", "费款所属期起不能晚于费款所属期止。")
    if (b.year - a.year) * 12 + b.month - a.month >= MAX_SYNC_MONTHS:
        raise PaymentRuleError(
            "VALIDATION_ERROR", "同步的费款所属期范围不能超过3年，范围过大同步等待时间较长。"
        )


def _months_before(month: str, count: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    n = year * 12 + mon - 1 - count
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _overlap(key: str, start_col: Any, end_col: Any) -> Any:
    """A (start, end) month pair matching records whose 费款所属期 range overlaps it."""

    def build(value: Any) -> Any:
        start, end = value
        clauses = []
        if end:
            clauses.append(start_col <= end)
        if start:
            clauses.append(end_col >= start)
        return and_(*clauses) if clauses else None

    return custom(key, build)


class PaymentRecords(UnitService):
    """三方协议 deductions (缴费记录)."""

    PATH = "/collect/units/{unit_id}/deductions"

    def __init__(
        self, api: ApiClient, db: UnitDatabase, unit_id: str, arrears: Arrears, journal: FeeJournal
    ) -> None:
        super().__init__(api, db, unit_id)
        self.arrears = arrears
        self.journal = journal

    def source(self) -> QueryListSource:
        c = DEDUCTIONS.c
        return QueryListSource(
            self.db.engine,
            select(DEDUCTIONS),
            key="deduction_id",
            filters=[
                equals("status", c.status),
                equals("channel", c.channel),
                _overlap("period", c.period_start, c.period_end),
                date_range("submitted", c.submitted_at),
            ],
            default_sort=[("submitted_at", False)],
        )

    def deduction(self, deduction_id: str) -> dict[str, Any] | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(
                select(DEDUCTIONS).where(DEDUCTIONS.c.deduction_id == deduction_id)
            ).first()
        if row is None:
            return None
        out = dict(row._mapping)
        out["line_ids"] = json.loads(out["line_ids"])
        return out

    def locked(self) -> list[dict[str, Any]]:
        with self.db.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(
                select(DEDUCTIONS.c.deduction_id).where(DEDUCTIONS.c.status == LOCKED)
            )]  # fmt: skip
        return [d for d in (self.deduction(i) for i in ids) if d is not None]

    def locked_for_lines(
        self, lines: Sequence[Mapping[str, Any]], ctx: JobContext | None = None
    ) -> list[str]:
        """解除锁定 on the 缴费 page (manual §3.9 (四)): the locked deductions holding these
        欠费. Lines no local 缴费记录 covers (paid on another computer) are looked for by 同步
        of their 费款所属期 first (at most the last 3 years of it)."""
        wanted = {str(ln["line_id"]) for ln in lines}

        def covering() -> list[dict[str, Any]]:
            return [d for d in self.locked() if wanted & set(d["line_ids"])]

        found = covering()
        covered = {i for d in found for i in d["line_ids"]}
        missing = [ln for ln in lines if str(ln["line_id"]) not in covered]
        if missing:
            end = max(str(ln["period_end"]) for ln in missing)
            start = max(min(str(ln["period_start"]) for ln in missing), _months_before(end, 35))
            self.sync(start, end, ctx)
            found = covering()
        if not found:
            raise PaymentRuleError(
                "DEDUCTION_NOT_FOUND",
                "征收子系统没有这些欠费的锁定扣款记录，请点击【刷新】重新获取欠费信息后再操作。",
            )
        return [d["deduction_id"] for d in found]

    def waiting(self) -> list[str]:
        with self.db.engine.connect() as conn:
            return [r[0] for r in conn.execute(
                select(DEDUCTIONS.c.deduction_id).where(DEDUCTIONS.c.status == DEDUCTING)
            )]  # fmt: skip

    def sync(self, start: str, end: str, ctx: JobContext | None = None) -> int:
        """同步: the unit's deductions of every channel whose 费款所属期 overlaps the range."""
        check_period(start, end)
        ctx = ctx or JobContext()
        ctx.progress("同步缴费记录", 0, None)
        found = wire.deductions(self.api.get_json(self.path, period_from=start, period_to=end))
        ctx.check_cancelled()
        with self.db.write() as conn:
            for d in found:
                upsert_deduction(conn, d)
        ctx.progress("同步缴费记录", len(found), len(found))
        return len(found)

    def poll(self, ids: list[str], ctx: JobContext, timeout: float) -> list[dict[str, Any]]:
        """Fetch the deductions until none is 扣费中 (or `timeout` seconds passed)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [wire.deduction(self.api.get_json(f"{self.path}/{i}")) for i in ids]
            with self.db.write() as conn:
                for d in found:
                    upsert_deduction(conn, d)
            waiting = sum(1 for d in found if d["status"] == DEDUCTING)
            ctx.progress("等待银行扣款结果", len(found) - waiting, len(found))
            if not waiting or time.monotonic() >= deadline:
                return found
            ctx.check_cancelled()
            time.sleep(POLL_SECONDS)

    def unlock(
        self, deduction_id: str, ticket: PaymentTicket, ctx: JobContext | None = None
    ) -> dict[str, Any]:
        """解锁: ask the bank what became of a locked deduction; returns it as now known
        (缴费成功, or 缴费失败 and its lines payable again)."""
        ctx = ctx or JobContext()
        row = self.deduction(deduction_id)
        if row is None:
            raise PaymentRuleError("DEDUCTION_NOT_FOUND", "找不到该缴费记录，请先点击【同步】。")
        if row["status"] != LOCKED:
            raise PaymentRuleError("NOT_LOCKED", "该缴费记录不是锁定状态，无需解锁。")
        ctx.progress("解除锁定", 0, 2)
        try:
            answer = self.api.post_json(
                f"{self.path}/{deduction_id}/unlock", {}, headers=ticket.headers
            )
        except ApiError as error:
            self.journal.record(
                "解锁", "缴费记录", REFUSED, declaration_ids=[row["voucher_number"]],
                amount=money(row["amount"]), detail=error.message,
            )  # fmt: skip
            raise
        d = wire.deduction(answer)
        with self.db.write() as conn:
            upsert_deduction(conn, d)
        ctx.progress("解除锁定", 1, 2)
        self.arrears.refresh(ctx)
        ctx.progress("解除锁定", 2, 2)
        self.journal.record(
            "解锁", "缴费记录", d["status"], declaration_ids=[d["voucher_number"]],
            item_count=len(d["line_ids"]), amount=money(d["amount"]),
            detail=d.get("reason") or ACCEPTED,
        )  # fmt: skip
        return d


class VoucherRecords(UnitService):
    """银行端查询缴税凭证 records (缴费凭证打印记录)."""

    PATH = "/collect/units/{unit_id}/bank-vouchers"

    def __init__(
        self, api: ApiClient, db: UnitDatabase, unit_id: str, documents: Path, journal: FeeJournal
    ) -> None:
        super().__init__(api, db, unit_id)
        self.documents = documents
        self.journal = journal

    def source(self) -> QueryListSource:
        c = VOUCHERS.c
        return QueryListSource(
            self.db.engine,
            select(VOUCHERS),
            key="voucher_id",
            filters=[
                date_range("issued", c.issued_at),
                equals("status", c.status),
                equals("channel", c.channel),
            ],
            default_sort=[("issued_at", False)],
        )

    def voucher(self, voucher_id: str) -> dict[str, Any] | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(VOUCHERS).where(VOUCHERS.c.voucher_id == voucher_id)).first()
        return None if row is None else dict(row._mapping)

    def rows(self, voucher_id: str) -> list[dict[str, Any]]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(VOUCHER_ROWS)
                .where(VOUCHER_ROWS.c.voucher_id == voucher_id)
                .order_by(VOUCHER_ROWS.c.position)
            ).all()
        return [dict(r._mapping) for r in rows]

    def sync(self, start: str, end: str, ctx: JobContext | None = None) -> int:
        check_period(start, end)
        ctx = ctx or JobContext()
        ctx.progress("同步缴费凭证记录", 0, None)
        found = wire.vouchers(self.api.get_json(self.path, period_from=start, period_to=end))
        ctx.check_cancelled()
        with self.db.write() as conn:
            for v in found:
                upsert_voucher(conn, v)
        ctx.progress("同步缴费凭证记录", len(found), len(found))
        return len(found)

    def folder(self) -> Path:
        return self.documents / self.unit_id

    def pdf(self, voucher_id: str) -> Path:
        """The voucher's PDF as saved on this computer. A voucher printed here is shown from
        its saved file, never drawn again; one never printed here (synced from another
        channel, or a save that failed) is written once, the first time, and kept."""
        v = self.voucher(voucher_id)
        if v is None:
            raise PaymentRuleError("VOUCHER_NOT_FOUND", "找不到该凭证，请先点击【同步】。")
        if v["status"] == VOUCHER_VOID:
            raise PaymentRuleError(
                "VOUCHER_VOIDED",
                "该凭证已作废，不能重新打印。如仍需到银行柜台缴费，请在【缴费】页面重新打印凭证。",
            )
        saved = v.get("pdf_path")
        if saved and Path(saved).exists():
            return Path(saved)
        if saved:
            raise PaymentRuleError(
                "PDF_MISSING",
                f"本机保存的凭证文件已不存在（{saved}）。凭证内容不能重新生成，"
                "请作废该凭证后在【缴费】页面重新打印。",
            )
        path = write_voucher(self.folder(), v, self.rows(voucher_id))
        with self.db.write() as conn:
            conn.execute(
                update(VOUCHERS)
                .where(VOUCHERS.c.voucher_id == voucher_id)
                .values(pdf_path=str(path))
            )
        return path

    def void(self, voucher_id: str) -> dict[str, Any]:
        """作废 an unpaid voucher; afterwards it cannot be reprinted or voided again."""
        v = self.voucher(voucher_id)
        if v is None:
            raise PaymentRuleError("VOUCHER_NOT_FOUND", "找不到该凭证，请先点击【同步】。")
        if v["status"] != VOUCHER_UNPAID:
            raise PaymentRuleError(
                "VOUCHER_VOIDED" if v["status"] == VOUCHER_VOID else "VOUCHER_PAID",
                "该凭证已作废。" if v["status"] == VOUCHER_VOID else "该凭证已缴款，不能作废。",
            )
        try:
            answer = self.api.post_json(f"{self.path}/{voucher_id}/void", {})
        except ApiError as error:
            self.journal.record(
                "作废凭证", "缴费凭证打印记录", REFUSED, declaration_ids=[v["serial"]],
                amount=money(v["amount"]), detail=error.message,
            )  # fmt: skip
            raise
        fresh = wire.voucher(answer)
        with self.db.write() as conn:
            upsert_voucher(conn, fresh)
        self.journal.record(
            "作废凭证", "缴费凭证打印记录", ACCEPTED, declaration_ids=[v["serial"]],
            item_count=int(v["row_count"]), amount=money(v["amount"]), detail=fresh["status"],
        )  # fmt: skip
        return fresh
