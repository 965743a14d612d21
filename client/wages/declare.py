"""提交申报 and 缴费工资申报记录 (manual §2.3.2 六/七, §2.7): submitting the working list's
ticked rows, fetching the feedback, and the records with their per-employee results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from client.domain.wages import BY_EMPLOYEE, WageRuleError
from client.storage.chunks import marks
from client.storage.listing import QueryListSource, contains, equals
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import WageDeclaration, WageDeclarationRow
from client.sync.api import ApiClient
from client.sync.errors import MalformedResponseError
from client.sync.submissions import Submitter
from client.sync.unit_service import UnitService
from client.wages.drafts import EDITABLE_STATES, FAILED, SUBMITTED, WageDrafts

KIND = "wage_declaration"
PENDING_FEEDBACK = "待反馈"
ROW_FIELDS = ["employee_id", "name", "id_type", "id_number", "old_wage", "new_wage",
              "effective_month", "status", "reason"]  # fmt: skip
DECLARATIONS = WageDeclaration.__table__
ROWS = WageDeclarationRow.__table__
_TICKED = "(SELECT value FROM json_each(?))"  # the ticked ids, one JSON array (any number)
_NAMED_TICKED = "(SELECT value FROM json_each(:ticked))"
# 提交申报 按职工: a body row per ticked row of one 主管税务机关, written by SQLite: every
# 税务自主 item of the employee (by row_id) with the new wage, or one item with the row's
# own 原缴费工资 when the employee has none any more. The row is joined as text around the
# items (json() would parse every row's items again: twice the time).
_BODY_ROW = """'{{"employee_id":' || employee_id || ',"id_number":' || json_quote(id_number)
       || ',"effective_month":' || json_quote(effective_month) || ',"items":' || {items}
       || '}}'"""
_BY_EMPLOYEE_BODY = f"""
SELECT {
    _BODY_ROW.format(
        items='''coalesce(items, json_array(json_object('unit_number', '',
              'levy_item', '', 'levy_category', '', 'old_wage', old_wage,
              'new_wage', new_wage)))'''
    )
}
FROM (
    SELECT d.id, d.employee_id, d.id_number, d.effective_month, d.old_wage, d.new_wage,
           CASE WHEN EXISTS (SELECT 1 FROM employees e WHERE e.id = d.employee_id) THEN (
               SELECT '[' || group_concat(item, ',') || ']' FROM (
                   SELECT json_object('unit_number', i.unit_number, 'levy_item', i.levy_item,
                                      'levy_category', i.levy_category, 'old_wage', i.base,
                                      'new_wage', d.new_wage) AS item
                   FROM employee_items i WHERE i.employee_id = d.employee_id AND (:OWN:)
                   ORDER BY i.row_id)
           ) END AS items
    FROM wage_drafts d
    WHERE d.id IN {_NAMED_TICKED} AND d.tax_authority = :authority
)
ORDER BY id"""
# 按险种: the rows of one employee and 生效年月 (by id) make one body row, in the order of
# their first row.
_BY_ITEM_BODY = f"""
SELECT {_BODY_ROW.format(items="'[' || items || ']'")}
FROM (
    SELECT id, employee_id, id_number, effective_month, row_number() OVER same AS n,
           group_concat(json_object('unit_number', unit_number, 'levy_item', levy_item,
                                    'levy_category', levy_category, 'old_wage', old_wage,
                                    'new_wage', new_wage), ',')
               OVER (same ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS items
    FROM wage_drafts
    WHERE id IN {_NAMED_TICKED} AND tax_authority = :authority
    WINDOW same AS (PARTITION BY employee_id, effective_month ORDER BY id)
)
WHERE n = 1
ORDER BY id"""


@dataclass(frozen=True)
class Feedback:
    """What 获取反馈 found: declarations still waiting, and the working-list rows that
    succeeded (removed from the list) or failed (back in the list with the reason)."""

    waiting: int
    succeeded_rows: int
    failed_rows: int


class WageDeclarations(UnitService):
    PATH = "/mgmt/units/{unit_id}/wage-declarations"

    def __init__(self, api: ApiClient, db: UnitDatabase, unit_id: str) -> None:
        super().__init__(api, db, unit_id)
        self.submitter = Submitter(api, db)

    # -- 提交申报 ---------------------------------------------------------------------------
    def submit(self, drafts: WageDrafts, draft_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Declare the ticked rows: one declaration per 主管税务机关. A submission whose
        outcome was left unknown by a broken connection is confirmed first.

        A whole unit (85,000 rows) at once: the ticked ids go to SQLite as one JSON array,
        SQLite writes each row of the request body as JSON text, and that text is stored
        for a resend and sent as it is (no dict per row, no second encoding)."""
        self.resend_pending()
        if not draft_ids:
            raise WageRuleError("请先勾选需要提交申报的数据。")
        ticked = json.dumps(sorted({int(i) for i in draft_ids}))
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            waiting = raw.execute(
                f"SELECT count(*) FROM wage_drafts WHERE id IN {_TICKED}"
                f" AND state NOT IN ({marks(len(EDITABLE_STATES))})",
                (ticked, *EDITABLE_STATES),
            ).fetchone()[0]
            if waiting:
                raise WageRuleError(
                    f"勾选的数据中有{waiting}条已提交申报、正在等待反馈，请取消勾选后再提交。"
                )
            # In the order of their first row, as the list shows them.
            authorities = [
                r[0]
                for r in raw.execute(
                    f"SELECT tax_authority FROM wage_drafts WHERE id IN {_TICKED}"
                    " GROUP BY tax_authority ORDER BY min(id)",
                    (ticked,),
                )
            ]
        answers = []
        for authority in authorities:
            ids, body = self._body(drafts, authority, ticked)
            answers.append(self.submitter.submit_text(KIND, self.path, body, ids, _accepted))
        return answers

    def resend_pending(self) -> list[Any]:
        return self.submitter.resend_pending(KIND, _accepted)

    def _body(self, drafts: WageDrafts, authority: str, ticked: str) -> tuple[list[int], str]:
        """The ids of the ticked rows of one 主管税务机关 and the request body declaring them,
        as JSON text. 按职工 a row carries every 税务自主 item of the employee with the new
        wage; 按险种 the rows of one employee and 生效年月 go together as one row."""
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            params: dict[str, Any] = {"ticked": ticked, "authority": authority}
            ids = [
                r[0]
                for r in raw.execute(
                    f"SELECT id FROM wage_drafts WHERE id IN {_NAMED_TICKED}"
                    " AND tax_authority = :authority ORDER BY id",
                    params,
                )
            ]
            if drafts.mode == BY_EMPLOYEE:
                own, own_params = drafts.own_items_clause()
                params.update(own_params)
                sql = _BY_EMPLOYEE_BODY.replace(":OWN:", own)
            else:
                sql = _BY_ITEM_BODY
            rows = ",".join([r[0] for r in raw.execute(sql, params)])
        # ASCII (json.dumps escapes the 税务机关's name): the text stays a byte a character.
        head = json.dumps(
            {
                "declaration_type": drafts.declaration_type,
                "mode": drafts.mode,
                "tax_authority": authority,
            }
        )
        return ids, f'{head[:-1]}, "rows": [{rows}]}}'

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
    conn.exec_driver_sql(
        f"UPDATE wage_drafts SET state = '{SUBMITTED}', declaration_id = ?,"
        f" failure_reason = NULL WHERE id IN {_TICKED}",
        (declaration_id, json.dumps(draft_ids)),
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
