"""城乡居民个人缴费 (manual §3.21–§3.23): a resident's 待缴费信息, payment orders and 缴费记录查询.

An order is made through the `Submitter` (kind `personal_order`): the request is stored
before it is sent, so when the connection drops the next 缴费 sends the same key and body
and the server answers with the order it made — one order, never two. Nothing else is kept
locally: orders live on the server and are read again for 缴费记录查询 and while polling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from client.collector.resident_queries import ResidentQueries
from client.personal_payment import rules, wire
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.sync.submissions import SubmissionUncertainError, Submitter

KIND = "personal_order"


class OrderStateChanged(ApiError):
    default_message = rules.STATE_CHANGED


@dataclass
class PendingQuery:
    """What one 查询 found: the resident as registered and their pending rows."""

    mode: str
    person: dict[str, str]
    rows: list[dict[str, Any]]  # each with `row_key` (= row_id) and `tick_group`

    @property
    def total(self) -> str:
        return f"{rules.total(self.rows)}"


def _no_local_rows(_conn: Any, _answer: Any, _ids: list[int]) -> None:
    """An order changes nothing locally; the answer is all."""


class PersonalPayments(ResidentQueries):
    PATH = "/collect/units/{unit_id}"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        id_types: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(api, unit_id, id_types)
        self.submitter = Submitter(api, db)

    # -- 查询 --------------------------------------------------------------------------------
    def pending(
        self,
        mode: str,
        name: str | None,
        id_type: str | None,
        id_number: str | None,
        levy_item: str | None = None,
        year: int | None = None,
    ) -> PendingQuery:
        """待缴费信息 of a resident named by the three facts (checked first)."""
        person = self.person(name, id_type, id_number)
        params: dict[str, Any] = {"mode": mode, **person.wire()}
        if levy_item:
            params["levy_item"] = levy_item
        if year:
            params["year"] = int(year)
        found, rows = wire.pending_rows(
            self.api.get_json(f"{self.path}/personal-payments/pending", **params)
        )
        for row in rows:
            row["row_key"] = row["row_id"]
            row["tick_group"] = rules.tick_group(row)
        return PendingQuery(mode, found, rows)

    # -- 立即缴费 ----------------------------------------------------------------------------
    def create_order(
        self, query: PendingQuery, chosen: Sequence[Mapping[str, Any]], method: str | None
    ) -> dict[str, Any]:
        """A 待支付 order for the ticked rows (with its `pay_url` for the QR code). A request
        left unknown by a dropped connection is resent first; when it was this one, its
        order is the answer."""
        picked = rules.check_selection(query.rows, chosen)
        body = {
            "mode": query.mode,
            **query.person,
            "method": rules.check_method(method),
            "row_ids": [r["row_id"] for r in picked],
        }
        for answer in self._resend_pending():
            made = wire.order(answer)
            if sorted(r["row_id"] for r in made.get("rows") or []) == sorted(body["row_ids"]) and (
                made["method"] == body["method"]
            ):
                return made
        path = f"{self.path}/personal-orders"
        return wire.order(self.submitter.submit(KIND, path, body, [], _no_local_rows))

    def _resend_pending(self) -> list[Any]:
        answers: list[Any] = []
        while self.submitter.pending(KIND):
            try:
                answers += self.submitter.resend_pending(KIND, _no_local_rows)
            except SubmissionUncertainError:
                raise
            except ApiError:
                continue  # refused now (the rows moved on): forgotten by the submitter
        return answers

    # -- orders -------------------------------------------------------------------------------
    def order(self, order_id: str) -> dict[str, Any]:
        """The order as it stands now (polled while the payer scans)."""
        return wire.order(self.api.get_json(f"{self.path}/personal-orders/{order_id}"))

    def orders(
        self,
        name: str | None = None,
        id_type: str | None = None,
        id_number: str | None = None,
        period_from: str | None = None,
        period_to: str | None = None,
        state: str | None = None,
    ) -> list[dict[str, Any]]:
        """缴费记录查询: the unit's orders matching the conditions, newest first; 费款所属期起止
        (YYYY-MM) keeps the orders paying a 缴费年度 the span touches."""
        params: dict[str, Any] = {}
        for key, value in (("name", name), ("id_type", id_type), ("id_number", id_number),
                           ("period_from", period_from), ("period_to", period_to),
                           ("state", state)):  # fmt: skip
            if value and str(value).strip():
                params[key] = str(value).strip()
        found = wire.orders(self.api.get_json(f"{self.path}/personal-orders", **params))
        for row in found:
            row["row_key"] = row["order_id"]
            row["years_text"] = "、".join(str(y) for y in row["years"])
        return found

    def continue_payment(self, order_id: str) -> dict[str, Any]:
        """缴费 of a listed order: its payment page again, or `OrderStateChanged`."""
        try:
            return wire.order(self.api.get_json(f"{self.path}/personal-orders/{order_id}/payment"))
        except ApiError as exc:
            if exc.code == "ORDER_STATE_CHANGED":
                raise OrderStateChanged(code=exc.code, status=exc.status) from None
            raise
