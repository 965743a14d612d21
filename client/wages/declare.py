"""提交申报 and 缴费工资申报记录 (manual §2.3.2 六/七, §2.7): submitting the working list's
ticked rows, fetching the feedback, and the records with their per-employee results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from client.domain.wages import BY_EMPLOYEE, WageRuleError
from client.storage.chunks import chunked, marks
from client.storage.listing import QueryListSource, contains, equals
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import WageDeclaration, WageDeclarationRow
from client.sync.api import ApiClient
from client.sync.errors import MalformedResponseError
from client.sync.submissions import Submitter
from client.wages.drafts import EDITABLE_STATES, FAILED, SUBMITTED, WageDrafts

KIND = "wage_declaration"
PENDING_FEEDBACK = "待反馈"
ROW_FIELDS = ["employee_id", "name", "id_type", "id_number", "old_wage", "new_wage",
              "effective_month", "status", "reason"]  # fmt: skip
DECLARATIONS = WageDeclaration.__table__
LOOKUP_CHUNK = 5000  # employees looked up together while a body is built (bounded memory)
ROWS = WageDeclarationRow.__table__


@dataclass(frozen=True)
class Feedback:
    """What 获取反馈 found: declarations still waiting, and the working-list rows that
    succeeded (removed from the list) or failed (back in the list with the reason)."""

    waiting: int
    succeeded_rows: int
    failed_rows: int


class WageDeclarations:
    def __init__(self, api: ApiClient, db: UnitDatabase, unit_id: str) -> None:
        self.api = api
        self.db = db
        self.unit_id = unit_id
        self.submitter = Submitter(api, db)

    @property
    def path(self) -> str:
        return f"/mgmt/units/{self.unit_id}/wage-declarations"

    # -- 提交申报 ---------------------------------------------------------------------------
    def submit(self, drafts: WageDrafts, draft_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Declare the ticked rows: one declaration per 主管税务机关. A submission whose
        outcome was left unknown by a broken connection is confirmed first."""
        self.resend_pending()
        if not draft_ids:
            raise WageRuleError("请先勾选需要提交申报的数据。")
        rows = drafts.drafts(draft_ids)
        waiting = [r for r in rows if r.state not in EDITABLE_STATES]
        if waiting:
            raise WageRuleError(
                f"勾选的数据中有{len(waiting)}条已提交申报、正在等待反馈，请取消勾选后再提交。"
            )
        by_authority: dict[str, list[Row[Any]]] = defaultdict(list)
        for row in rows:
            by_authority[row.tax_authority].append(row)
        answers = []
        for authority, group in by_authority.items():
            body = self._body(drafts, authority, group)
            answers.append(
                self.submitter.submit(KIND, self.path, body, [r.id for r in group], _accepted)
            )
        return answers

    def resend_pending(self) -> list[Any]:
        return self.submitter.resend_pending(KIND, _accepted)

    def _body(self, drafts: WageDrafts, authority: str, rows: list[Row[Any]]) -> dict[str, Any]:
        payload_rows: list[dict[str, Any]] = []
        if drafts.mode == BY_EMPLOYEE:
            infos: dict[int, Any] = {}
            for index, row in enumerate(rows):
                if index % LOOKUP_CHUNK == 0:  # the employees of the next rows, a block at a time
                    block = rows[index : index + LOOKUP_CHUNK]
                    infos = drafts.employees([r.employee_id for r in block])
                info = infos.get(row.employee_id)
                items = info.items if info is not None else []
                payload_rows.append(
                    {
                        "employee_id": row.employee_id,
                        "id_number": row.id_number,
                        "effective_month": row.effective_month,
                        "items": [
                            {"unit_number": it.unit_number, "levy_item": it.levy_item,
                             "levy_category": it.levy_category, "old_wage": it.base,
                             "new_wage": row.new_wage}
                            for it in items
                        ] or [{"unit_number": "", "levy_item": "", "levy_category": "",
                               "old_wage": row.old_wage, "new_wage": row.new_wage}],
                    }
                )  # fmt: skip
        else:
            grouped: dict[tuple[int, str | None], list[Row[Any]]] = defaultdict(list)
            for row in rows:
                grouped[(row.employee_id, row.effective_month)].append(row)
            for (employee_id, month), items in grouped.items():
                payload_rows.append(
                    {
                        "employee_id": employee_id,
                        "id_number": items[0].id_number,
                        "effective_month": month,
                        "items": [
                            {"unit_number": it.unit_number, "levy_item": it.levy_item,
                             "levy_category": it.levy_category, "old_wage": it.old_wage,
                             "new_wage": it.new_wage}
                            for it in items
                        ],
                    }
                )  # fmt: skip
        return {
            "declaration_type": drafts.declaration_type,
            "mode": drafts.mode,
            "tax_authority": authority,
            "rows": payload_rows,
        }

    # -- 获取反馈 ---------------------------------------------------------------------------
    def fetch_feedback(self) -> Feedback:
        """Read every declaration's state; for those decided, download the per-employee
        results and settle the working-list rows they cover."""
        self.resend_pending()
        payload = self.api.get_json(self.path)
        declarations = _list(payload)
        with self.db.write() as conn:
            for d in declarations:
                _upsert(conn, d)
        succeeded = failed = 0
        for d in declarations:
            if d["status"] == PENDING_FEEDBACK:
                continue
            if self._has_open_drafts(d["declaration_id"]) or not self._details_fetched(d):
                s, f = self.download_details(d["declaration_id"])
                succeeded += s
                failed += f
        waiting = sum(1 for d in declarations if d["status"] == PENDING_FEEDBACK)
        return Feedback(waiting, succeeded, failed)

    def download_details(self, declaration_id: str) -> tuple[int, int]:
        """查看's rows from the server; settles the working list. Returns the working-list
        rows (succeeded, failed) settled."""
        payload = self.api.get_json(f"{self.path}/{declaration_id}")
        if not isinstance(payload, dict) or payload.get("fields") != ROW_FIELDS:
            raise MalformedResponseError(technical="wage declaration detail layout")
        rows = payload.get("records")
        if not isinstance(rows, list) or any(
            not isinstance(r, list) or len(r) != len(ROW_FIELDS) for r in rows
        ):
            raise MalformedResponseError(technical="wage declaration detail rows")
        decided = payload.get("status") != PENDING_FEEDBACK
        with self.db.write() as conn:
            _upsert(conn, payload, details_fetched=decided)
            conn.exec_driver_sql(
                "DELETE FROM wage_declaration_rows WHERE declaration_id = ?", (declaration_id,)
            )
            conn.exec_driver_sql(
                f"INSERT INTO wage_declaration_rows (declaration_id, {', '.join(ROW_FIELDS)})"
                f" VALUES (?, {', '.join('?' * len(ROW_FIELDS))})",
                [(declaration_id, *r) for r in rows],
            )
            if not decided:
                return 0, 0
            # A detail row is one (employee, 生效年月) of the declaration: 按险种 rows of one
            # employee with different months are separate rows that may succeed and fail
            # apart. A 年度 draft has no month (the server sets it): one row per employee.
            ok = [(declaration_id, r[0], r[6]) for r in rows if r[7] == "成功"]
            bad = [(r[8] or "申报失败", declaration_id, r[0], r[6]) for r in rows if r[7] == "失败"]
            same_row = (
                "declaration_id = ? AND employee_id = ?"
                " AND (effective_month IS NULL OR effective_month = ?)"
            )
            done = conn.exec_driver_sql(
                f"DELETE FROM wage_drafts WHERE {same_row}", ok
            ).rowcount if ok else 0  # fmt: skip
            back = conn.exec_driver_sql(
                f"UPDATE wage_drafts SET state = '{FAILED}', failure_reason = ?,"
                f" declaration_id = NULL WHERE {same_row}",
                bad,
            ).rowcount if bad else 0  # fmt: skip
        return int(done), int(back)

    def _has_open_drafts(self, declaration_id: str) -> bool:
        with self.db.engine.connect() as conn:
            return (
                conn.exec_driver_sql(
                    "SELECT 1 FROM wage_drafts WHERE declaration_id = ? LIMIT 1", (declaration_id,)
                ).first()
                is not None
            )

    def _details_fetched(self, d: dict[str, Any]) -> bool:
        with self.db.read() as session:
            local = session.get(WageDeclaration, d["declaration_id"])
            return local is not None and local.details_fetched

    # -- 缴费工资申报记录 -------------------------------------------------------------------
    def records_source(self) -> QueryListSource:
        c = DECLARATIONS.c
        return QueryListSource(
            self.db.engine,
            select(
                c.declaration_id,
                c.submitted_at,
                c.declaration_type,
                c.mode,
                c.tax_authority,
                c.rows,
                c.succeeded,
                c.failed,
                c.status,
            ),  # fmt: skip
            key="declaration_id",
            filters=[equals("status", c.status), equals("declaration_type", c.declaration_type)],
            default_sort=[("submitted_at", False)],
        )

    def detail_source(self, declaration_id: str) -> QueryListSource:
        c = ROWS.c
        return QueryListSource(
            self.db.engine,
            select(
                c.row_id,
                c.name,
                c.id_type,
                c.id_number,
                c.old_wage,
                c.new_wage,
                c.effective_month,
                c.status,
                c.reason,
            ).where(c.declaration_id == declaration_id),  # fmt: skip
            key="row_id",
            filters=[contains("name", c.name), equals("status", c.status)],
            default_sort=[("row_id", True)],
        )

    def waiting_count(self) -> int:
        with self.db.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT COUNT(*) FROM wage_declarations WHERE status = ?", (PENDING_FEEDBACK,)
                ).scalar()
            )


def _accepted(conn: Connection, answer: Any, draft_ids: list[int]) -> None:
    """The server took the declaration: record it and mark its rows 待反馈."""
    if not isinstance(answer, dict) or not answer.get("declaration_id"):
        raise MalformedResponseError(technical="wage declaration answer")
    declaration_id = str(answer["declaration_id"])
    for chunk in chunked(draft_ids):
        conn.exec_driver_sql(
            f"UPDATE wage_drafts SET state = '{SUBMITTED}', declaration_id = ?,"
            f" failure_reason = NULL WHERE id IN ({marks(len(chunk))})",
            (declaration_id, *chunk),
        )
    first = conn.exec_driver_sql(
        "SELECT declaration_type, mode, tax_authority FROM wage_drafts WHERE declaration_id = ?"
        " LIMIT 1",
        (declaration_id,),
    ).first()
    _upsert(
        conn,
        {
            "declaration_id": declaration_id,
            "declaration_type": first[0] if first else "",
            "mode": first[1] if first else "",
            "tax_authority": first[2] if first else "",
            "submitted_at": answer.get("submitted_at") or f"{datetime.now():%Y-%m-%d %H:%M:%S}",
            "rows": answer.get("rows", len(draft_ids)),
            "succeeded": 0,
            "failed": 0,
            "status": answer.get("status", PENDING_FEEDBACK),
        },
    )


def _list(payload: Any) -> list[dict[str, Any]]:
    items = payload.get("declarations") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise MalformedResponseError(technical="wage declaration list")
    keys = ("declaration_id", "declaration_type", "mode", "tax_authority", "submitted_at",
            "rows", "status")  # fmt: skip
    for item in items:
        if not isinstance(item, dict) or any(k not in item for k in keys):
            raise MalformedResponseError(technical="wage declaration list entry")
    return items


def _upsert(conn: Connection, d: dict[str, Any], details_fetched: bool | None = None) -> None:
    conn.exec_driver_sql(
        "INSERT INTO wage_declarations (declaration_id, declaration_type, mode, tax_authority,"
        " submitted_at, rows, succeeded, failed, status, fetched_at, details_fetched)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(declaration_id) DO UPDATE SET"
        " status = excluded.status, succeeded = excluded.succeeded, failed = excluded.failed,"
        " rows = excluded.rows, fetched_at = excluded.fetched_at,"
        " details_fetched = CASE WHEN ? IS NULL THEN wage_declarations.details_fetched"
        " ELSE excluded.details_fetched END",
        (
            d["declaration_id"], d.get("declaration_type", ""), d.get("mode", ""),
            d.get("tax_authority", ""), d.get("submitted_at", ""), int(d.get("rows") or 0),
            int(d.get("succeeded") or 0), int(d.get("failed") or 0), d["status"],
            datetime.now(), bool(details_fetched), details_fetched,
        ),
    )  # fmt: skip
