"""提交申报 of 社保费代收代报（自主） (manual §3.6 四): the ticked rows checked, then sent once.

Before anything is sent every row is checked, each problem one sentence naming the person:
a 居民身份证 number passing GB 11643, the 档次 existing for that year and 征收品目 in the
`resident_grades` rule file, the person being this agent's resident (the feed, or a 正常参保
外部参保城乡居民) insured for it that year, and no person × 征收品目 × 年度 twice.

The request goes through the stored `Submitter` (kind `resident_declaration`): kept with its
idempotency key before it is sent, so when the connection drops the rows stay in the list
and the next 提交申报 sends the same key and body and gets the server's first answer — one
declaration set, never two. When the server accepts, the submitted rows leave the list and
a 申报中 record of each declaration is kept for 申报记录 in the same transaction; then each is
read once for its details (best effort: 同步 and 获取反馈 bring them too). Every submission,
refusal and unknown outcome goes to the fee journal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from client.collector.external_sync import ExternalListSync
from client.collector.self_declare import KIND, SelfDrafts
from client.collector.self_people import ID_TYPE, ITEMS, NAME, load_directory
from client.collector.self_rules import (
    EXTERNAL,
    GRADE_UNKNOWN,
    MAX_ROWS,
    NAME_DIFFERS,
    NOT_INSURED,
    NOT_RESIDENT,
    TYPE_DIFFERS,
    SelfDeclareError,
    by_category,
    in_force_of,
    year_span,
)
from client.domain.ids import ID_CARD, identity_number_error
from client.fees import wire
from client.fees.declare import FeeDeclarations, SubmitResult
from client.fees.journal import ACCEPTED, REFUSED, SUBMIT, UNKNOWN, FeeJournal
from client.fees.rules import PENDING, total
from client.jobs import JobContext
from client.storage.chunks import chunked, marks
from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.sync.submissions import SubmissionUncertainError, Submitter
from client.sync.unit_service import UnitService

log = logging.getLogger(__name__)

PAGE = "社保费代收代报（自主）"
CHECK_PHASE = "正在检查勾选的数据"
NOTHING_TICKED = "请先勾选需要提交申报的数据。"
TOO_MANY = "每次最多提交{limit}条数据，当前勾选了{count}条，请分批提交。"
GONE = "勾选的数据已不在列表中（可能已提交或删除），请重新查询后勾选。"
DUPLICATE = "与列表中另一行是同一居民{year}年的{category}，请删除重复的行后再提交"
EARLIER_DONE = "上次因网络中断未确认的提交已被税务系统受理（{count}条数据已申报），列表已更新，请重新勾选后提交。"
MORE_PROBLEMS = "（勾选的数据中共{count}条未通过检查）"
EXTERNAL_NOT_SENT = (
    "勾选的数据中有外部参保城乡居民，但外部参保城乡居民名单尚未发送到管理子系统，"
    "这些居民暂不能申报，请检查网络后重新点击【提交申报】。"
)
WHOLE_LIST_FROM = 5000  # ticked rows from which the list is read whole
SELF_CATEGORY, SELF_DECLARED = "self", "04"  # 自主申报 declarations (the contract's category)

_ROW_COLUMNS = "id, name, id_type, id_number, levy_item, levy_category, year, grade, amount, source"
ID, R_NAME, R_TYPE, R_NUMBER, R_ITEM, R_CATEGORY, R_YEAR, R_GRADE, R_AMOUNT, R_SOURCE = range(10)
_DECLARATION_INSERT = (
    f"INSERT OR IGNORE INTO fee_declarations ({', '.join(wire.DECLARATION_COLUMNS)})"
    f" VALUES ({marks(len(wire.DECLARATION_COLUMNS))})"
)


@dataclass(frozen=True)
class SelfPlan:
    """What the confirmation shows before the rows are sent (checked already)."""

    ids: list[int]
    rows: list[tuple[Any, ...]]  # _ROW_COLUMNS, by id
    amount: Decimal  # the exact sum of the rows' 档次 amounts
    persons: int
    declarations: int  # one per 征收品目 × 年度

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def has_external(self) -> bool:
        """Rows of 外部参保城乡居民: the server counts them as residents only once it has the
        agent's list."""
        return any(r[R_SOURCE] == EXTERNAL for r in self.rows)

    def body(self) -> dict[str, Any]:
        return {"rows": [
            {"name": r[R_NAME], "id_type": r[R_TYPE], "id_number": r[R_NUMBER],
             "levy_item": r[R_ITEM], "levy_category": r[R_CATEGORY], "year": r[R_YEAR],
             "grade": r[R_GRADE]}
            for r in self.rows
        ]}  # fmt: skip


class SelfDeclarations(UnitService):
    PATH = "/mgmt/units/{unit_id}/resident-declarations"

    def __init__(
        self,
        api: ApiClient,
        drafts: SelfDrafts,
        unit_id: str,
        journal: FeeJournal | None = None,
    ) -> None:
        super().__init__(api, drafts.db, unit_id)
        self.drafts = drafts
        self.submitter = Submitter(api, self.db)
        self.journal = journal or FeeJournal(self.db)
        self.fees = FeeDeclarations(api, self.db, unit_id, self.journal)

    def waiting_ids(self) -> set[int]:
        """Rows of a submission whose answer has not arrived."""
        return self.submitter.pending_ids(KIND)

    # -- checks ----------------------------------------------------------------------------
    def plan(self, ids: Sequence[int], ctx: JobContext | None = None) -> SelfPlan:
        """The ticked rows, every check run; `SelfDeclareError` names the first problem."""
        ctx = ctx or JobContext()
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            raise SelfDeclareError(NOTHING_TICKED)
        if len(wanted) > MAX_ROWS:
            raise SelfDeclareError(TOO_MANY.format(limit=f"{MAX_ROWS:,}", count=f"{len(wanted):,}"))
        ctx.progress(CHECK_PHASE, 0, len(wanted))
        rows = self._rows(wanted)
        if not rows:
            raise SelfDeclareError(GONE)
        ctx.check_cancelled()
        problems = self.check(rows)
        if problems:
            first_id, first = problems[0]
            more = MORE_PROBLEMS.format(count=len(problems)) if len(problems) > 1 else ""
            raise SelfDeclareError(first.rstrip("。") + more + "。", [p[0] for p in problems])
        ctx.progress(CHECK_PHASE, len(wanted), len(wanted))
        cents = sum(round(Decimal(r[R_AMOUNT]) * 100) for r in rows)
        return SelfPlan(
            [r[ID] for r in rows],
            rows,
            (Decimal(cents) / 100).quantize(Decimal("0.01")),
            len({(r[R_TYPE], r[R_NUMBER]) for r in rows}),
            len({(r[R_CATEGORY], r[R_YEAR]) for r in rows}),
        )

    def _rows(self, ids: list[int]) -> list[tuple[Any, ...]]:
        """The rows of `ids` by id (plain tuples; a long list is read whole and filtered,
        rather than asked for 900 ids at a time)."""
        sql = f"SELECT {_ROW_COLUMNS} FROM resident_drafts"
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            if len(ids) > WHOLE_LIST_FROM:
                wanted = set(ids)
                return [r for r in raw.execute(sql + " ORDER BY id") if r[ID] in wanted]
            out: list[tuple[Any, ...]] = []
            for chunk in chunked(ids):
                out += raw.execute(f"{sql} WHERE id IN ({marks(len(chunk))})", tuple(chunk))
        out.sort(key=lambda r: r[ID])
        return out

    def check(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, str]]:
        """(row id, sentence) of every row that must not be sent, in list order."""
        people = load_directory(self.db)
        names = self.drafts.names
        seen: set[tuple[str, str, str, int]] = set()
        held_memo: dict[str, dict[str, list[Any]]] = {}
        spans: dict[int, tuple[str, str]] = {}
        number_memo: dict[str, str | None] = {}  # GB 11643, once per person
        grade_memo: dict[tuple[Any, ...], str | None] = {}  # once per 年度/品目/档次/金额
        problems: list[tuple[int, str]] = []
        for row in rows:
            number, category, year = row[R_NUMBER], row[R_CATEGORY], row[R_YEAR]
            reason = None
            if row[R_TYPE] == ID_CARD:
                reason = number_memo.get(number, False)  # type: ignore[arg-type]
                if reason is False:
                    reason = number_memo[number] = identity_number_error(number)
            if reason is None:
                grade_key = (year, category, row[R_GRADE], row[R_AMOUNT])
                reason = grade_memo.get(grade_key, False)  # type: ignore[arg-type]
                if reason is False:
                    reason = grade_memo[grade_key] = self._grade_problem(*grade_key)
            if reason is None:
                reason = self._resident_problem(row, people, held_memo, spans)
            key = (row[R_TYPE], number, category, year)
            if reason is None and key in seen:
                reason = DUPLICATE.format(year=year, category=names.category(category))
            seen.add(key)
            if reason is not None:
                who = f"{row[R_NAME]}（{number}）{year}年{names.category(category)}"
                problems.append((row[ID], f"{who}：{reason}"))
        return problems

    def _grade_problem(self, year: int, category: str, code: str, amount: str) -> str | None:
        """The 档次 must still be in the rule file for that year and 征收品目, at that amount."""
        grade = self.drafts.grades.find(year, category, code)
        if grade is None or Decimal(grade.amount) != Decimal(amount):
            return GRADE_UNKNOWN.format(grade=code, year=year,
                                        category=self.drafts.names.category(category))  # fmt: skip
        return None

    def _resident_problem(
        self,
        row: tuple[Any, ...],
        people: dict[str, Any],
        memo: dict[str, dict[str, list[Any]]],
        spans: dict[int, tuple[str, str]],
    ) -> str | None:
        number, year = row[R_NUMBER], row[R_YEAR]
        person = people.get(number)
        if person is None:
            return NOT_RESIDENT
        names = self.drafts.names
        if person[NAME] != row[R_NAME]:
            return NAME_DIFFERS.format(given=row[R_NAME], actual=person[NAME])
        if person[ID_TYPE] != row[R_TYPE]:
            return TYPE_DIFFERS.format(given=names.id_types.get(row[R_TYPE], row[R_TYPE]),
                                       actual=names.id_types.get(person[ID_TYPE], person[ID_TYPE]))  # fmt: skip
        held = memo.get(number)
        if held is None:
            held = memo[number] = by_category(person[ITEMS])
        span = spans.get(year) or spans.setdefault(year, year_span(year))
        if in_force_of(held.get(row[R_CATEGORY]), span) is None:
            return NOT_INSURED.format(year=year, category=names.category(row[R_CATEGORY]))
        return None

    # -- 提交申报 ---------------------------------------------------------------------------
    def submit(self, plan: SelfPlan) -> SubmitResult:
        """Send the planned rows. A submission a dropped connection left unknown is confirmed
        first; when it covered these rows its answer is this one's (nothing sent twice)."""
        earlier = self.resend_pending()
        for result, ids in earlier:
            if set(plan.ids) <= set(ids):
                return result
        if earlier:
            count = sum(len(ids) for _, ids in earlier)
            raise SelfDeclareError(EARLIER_DONE.format(count=count))
        if plan.has_external:
            self._send_external_list()
        body = plan.body()
        try:
            answer = self.submitter.submit(KIND, self.path, body, plan.ids, _accepted)
        except SubmissionUncertainError as exc:
            self._journal(plan, UNKNOWN, (), exc.message)
            raise
        except ApiError as exc:
            message = explain_refusal(exc, plan.rows, self.drafts.names)
            self._journal(plan, REFUSED, (), message)
            if message != exc.message:
                raise SelfDeclareError(message, _refused_ids(exc, plan.rows)) from None
            raise
        result = SubmitResult(str(answer.get("submitted_at", "")), wire.submitted(answer))
        made = [d["declaration_id"] for d in result.declarations]
        self._journal(plan, ACCEPTED, made)
        self._fetch(made)
        return result

    def _send_external_list(self) -> None:
        """The 外部参保城乡居民 list the server has must be the one kept here (an added person
        whose PUT failed would be refused as 不在本代收单位管辖范围内)."""
        sync = ExternalListSync(self.api, self.db, self.unit_id)
        if sync.in_sync():
            return
        try:
            sync.push()
        except ApiError as exc:
            log.warning("external list not sent before 提交申报: %s", exc.technical)
            raise SelfDeclareError(EXTERNAL_NOT_SENT) from None

    def resend_pending(self) -> list[tuple[SubmitResult, list[int]]]:
        """Send every stored submission again with its key (the server answers with what it
        did the first time); its rows then leave the list."""
        pending = [json.loads(p.record_ids) for p in self.submitter.pending(KIND)]
        if not pending:
            return []
        answers = self.submitter.resend_pending(KIND, _accepted)
        out = []
        for answer, ids in zip(answers, pending, strict=True):
            result = SubmitResult(str(answer.get("submitted_at", "")), wire.submitted(answer),
                                  resent=True)  # fmt: skip
            made = [d["declaration_id"] for d in result.declarations]
            self.journal.record(
                SUBMIT, "重新确认", ACCEPTED, declaration_ids=made, item_count=len(made),
                headcount=len(ids), amount=total(d.get("amount") for d in result.declarations),
                detail="网络中断后重新确认：税务系统已受理上次的提交（未重复申报）。",
            )  # fmt: skip
            self._fetch(made)
            out.append((result, [int(i) for i in ids]))
        return out

    def _fetch(self, declaration_ids: Sequence[str]) -> None:
        """The declarations' details for 申报记录 (their items); 同步 brings them otherwise."""
        for declaration_id in declaration_ids:
            try:
                self.fees.fetch(declaration_id)
            except ApiError as exc:
                log.info("self declaration %s not fetched: %s", declaration_id, exc.technical)

    def _journal(self, plan: SelfPlan, result: str, ids: Sequence[str], detail: str = "") -> None:
        self.journal.record(
            SUBMIT, PAGE, result, declaration_ids=ids, item_count=plan.declarations,
            headcount=plan.count, amount=plan.amount,
            detail=detail or f"{plan.count}条数据，{plan.persons}人，{plan.declarations}个征收品目及年度",
        )  # fmt: skip


def explain_refusal(error: ApiError, rows: Sequence[tuple[Any, ...]], names: Any) -> str:
    """The server's sentence about a row (第3行：…) with the person it means, since the
    list's order is not the request's."""
    index = error.details.get("index") if isinstance(error.details, dict) else None
    if not isinstance(index, int) or not 0 <= index < len(rows):
        return error.message
    row = rows[index]
    who = f"{row[R_NAME]}（{row[R_NUMBER]}）{row[R_YEAR]}年{names.category(row[R_CATEGORY])}"
    text = error.message
    prefix = f"第{index + 1}行："
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return f"{who}：{text}"


def _refused_ids(error: ApiError, rows: Sequence[tuple[Any, ...]]) -> list[int]:
    index = error.details.get("index") if isinstance(error.details, dict) else None
    return [rows[index][ID]] if isinstance(index, int) and 0 <= index < len(rows) else []


def _accepted(conn: Connection, answer: Any, ids: list[Any]) -> None:
    """The server took the rows: they leave the list, and each declaration is kept 申报中 for
    申报记录 (one per 征收品目 × 年度, in the order they first appear among the rows)."""
    made = wire.submitted(answer)
    ids = sorted(int(i) for i in ids)
    boxes: dict[tuple[str, int], str] = {}  # (征收品目, 年度) → 征收项目, in row order
    for chunk in chunked(ids):
        for levy_item, category, year in conn.exec_driver_sql(
            "SELECT levy_item, levy_category, year FROM resident_drafts"
            f" WHERE id IN ({marks(len(chunk))}) ORDER BY id",
            tuple(chunk),
        ):
            boxes.setdefault((category, int(year)), levy_item)
        conn.exec_driver_sql(
            f"DELETE FROM resident_drafts WHERE id IN ({marks(len(chunk))})", tuple(chunk)
        )
    submitted_at = str(answer.get("submitted_at") or f"{datetime.now():%Y-%m-%d %H:%M:%S}")
    order = list(boxes.items()) if len(boxes) == len(made) else []
    now = datetime.now()
    for n, entry in enumerate(made):
        (_category, year), levy_item = order[n] if order else ((None, None), "")
        period = (f"{year}-01", f"{year}-12") if year else ("", "")
        conn.exec_driver_sql(_DECLARATION_INSERT, (
            str(entry["declaration_id"]), SELF_CATEGORY, SELF_DECLARED, "客户端", submitted_at,
            entry.get("status") or PENDING, None, str(entry.get("amount") or "0.00"),
            int(entry.get("headcount") or 0), None, None, "", *period, None, None, levy_item,
            None, None, None, now,
        ))  # fmt: skip
