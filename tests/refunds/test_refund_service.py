"""单位退费申请管理 services against the real backend: paid and 入库 fees give ticket rows and
person rows with what is refundable; 提交申请 makes one application (also across a dropped
connection: the resend with the same key answers the first one), 刷新 follows it through its
states to 已退库 and journals each change; a second application on the same rows is refused
while the first is open, and 不予退费 frees them; the rules refuse before anything is sent; a
malformed answer changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from client.fees.journal import ACCEPTED, REFUSED, UNKNOWN
from client.refunds.applications import STATE_CHANGE, SUBMIT
from client.refunds.rules import ACCEPTED as RECEIVED
from client.refunds.rules import (
    APPROVED,
    BY_PERSON,
    CHECK_OK,
    REFUNDED,
    REVIEWING,
    STATUSES,
    RefundRuleError,
    total,
)
from client.refunds.rules import REFUSED as NOT_REFUNDED
from client.sync.errors import ApiError, MalformedResponseError
from client.sync.submissions import SubmissionUncertainError
from tests.refunds.conftest import PERIOD, RefundUnit


def journal(ru: RefundUnit, action: str) -> list[Any]:
    return [e for e in ru.service().journal.entries() if e.action == action]


def test_ticket_rows_are_the_paid_lines_with_what_is_refundable(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    rows = ru.service().ticket_rows(*PERIOD)
    arrivals = ru.unit.session.api.get_json(f"/mgmt/units/{ru.unit_id}/arrivals")
    stored = {r[0]: r[8] for r in arrivals["records"]}  # line_id → amount
    assert {r["line_id"]: r["amount"] for r in rows} == stored  # every 入库 line, once
    assert all(r["refundable"] == r["amount"] == r["declared"] for r in rows)
    assert all(r["check"] == CHECK_OK and r["e_ticket_number"] for r in rows)
    assert total(r["amount"] for r in rows) == total(d["amount"] for d in ru.declarations)
    # by 电子税票号码: that ticket's rows only
    number = rows[0]["e_ticket_number"]
    one = ru.service().ticket_rows(*PERIOD, e_ticket_number=f" {number} ")
    assert {r["e_ticket_number"] for r in one} == {number}
    # the period is required and ordered, checked before asking
    with pytest.raises(RefundRuleError, match="请输入费款所属期起止"):
        ru.service().ticket_rows(None, "2026-12")
    with pytest.raises(RefundRuleError, match="不能晚于"):
        ru.service().ticket_rows("2026-12", "2026-01")


def test_submit_refresh_through_the_states_to_refunded(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    rows = service.ticket_rows(*PERIOD)[:2]
    draft = ru.ticket_draft(rows, ["0.10", "0.20"])
    made = service.submit(draft, ru.codes())
    app = made.application
    assert not made.resent and app["status"] == RECEIVED
    assert made.amount == Decimal("0.30") == Decimal(app["amount"])  # the exact sum
    assert app["account_masked"].endswith("0123") and "6222021234567890123" not in str(app)
    assert [r["row_id"] for r in app["rows"]] == [r["row_id"] for r in rows]
    kept = service.get(app["refund_id"])
    assert kept is not None and kept["status"] == RECEIVED and len(kept["rows"]) == 2
    assert [e.result for e in journal(ru, SUBMIT)] == [ACCEPTED]
    assert journal(ru, SUBMIT)[0].declaration_ids == app["application_number"]
    # what the application holds is no longer refundable
    again = {r["row_id"]: r for r in service.ticket_rows(*PERIOD)}
    for row, held in zip(rows, ("0.10", "0.20"), strict=True):
        assert Decimal(again[row["row_id"]]["refundable"]) == Decimal(row["amount"]) - Decimal(held)

    assert service.refresh().changes == []  # nothing moved yet
    ru.backend.process_refunds(ru.unit_id)
    result = service.refresh()
    assert [(c.before, c.after) for c in result.changes] == [(RECEIVED, REFUNDED)]
    kept = service.get(app["refund_id"])
    assert kept["status"] == REFUNDED and kept["refunded_on"]
    assert [h["status"] for h in kept["history"]] == [RECEIVED, REVIEWING, APPROVED, REFUNDED]
    (change,) = journal(ru, STATE_CHANGE)
    assert change.result == REFUNDED and change.declaration_ids == app["application_number"]
    assert [r["_key"] for r in service.source().rows({"status": REFUNDED}, [])] == [
        app["refund_id"]
    ]
    assert list(service.source().rows({"status": RECEIVED}, [])) == []
    # 已退库 holds its amount for good: a new application may take only the rest
    rest = {r["row_id"]: r for r in service.ticket_rows(*PERIOD)}[rows[0]["row_id"]]
    assert Decimal(rest["refundable"]) == Decimal(rows[0]["amount"]) - Decimal("0.10")


def test_a_dropped_connection_makes_one_application(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    service.api.retries = 0  # no silent retry: the outcome must stay unknown
    rows = service.ticket_rows(*PERIOD)[:1]
    draft = ru.ticket_draft(rows, ["1.00"])
    ru.backend.add_fault("drop", path_prefix=f"/api/v1/collect/units/{ru.unit_id}/refunds",
                         method="POST", count=1, after_bytes=0)  # fmt: skip
    try:
        with pytest.raises(SubmissionUncertainError):
            service.submit(draft, ru.codes())
    finally:
        ru.backend.clear_faults()
    assert service.pending() == 1 and service.count() == 0
    assert [e.result for e in journal(ru, SUBMIT)] == [UNKNOWN]
    made = service.submit(draft, ru.codes())  # the clerk clicks 提交申请 again
    assert made.resent and service.pending() == 0
    (server,) = ru.server_refunds()  # one application, not two
    assert made.application["refund_id"] == server["refund_id"]
    assert service.count() == 1
    assert [e.result for e in journal(ru, SUBMIT)] == [UNKNOWN, ACCEPTED]


def test_refresh_confirms_an_interrupted_submission(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    service.api.retries = 0
    rows = service.ticket_rows(*PERIOD)[:1]
    ru.backend.add_fault("drop", path_prefix=f"/api/v1/collect/units/{ru.unit_id}/refunds",
                         method="POST", count=1, after_bytes=0)  # fmt: skip
    try:
        with pytest.raises(SubmissionUncertainError):
            service.submit(ru.ticket_draft(rows, ["2.00"]), ru.codes())
    finally:
        ru.backend.clear_faults()
    result = service.refresh()
    (confirmed,) = result.confirmed
    assert confirmed.application is not None and result.count == 1
    assert service.pending() == 0 and len(ru.server_refunds()) == 1
    # another application afterwards is a new one (its own key)
    other = service.ticket_rows(*PERIOD)[1:2]
    service.submit(ru.ticket_draft(other, ["1.00"]), ru.codes())
    assert len(ru.server_refunds()) == 2


def test_rows_in_an_open_application_are_refused_until_it_is_not_refunded(
    refund_unit: Any,
) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    rows = service.ticket_rows(*PERIOD)[:1]
    first = service.submit(ru.ticket_draft(rows, ["5.00"]), ru.codes()).application
    with pytest.raises(ApiError) as refused:
        service.submit(ru.ticket_draft(rows, ["1.00"]), ru.codes())
    assert refused.value.code == "ROWS_IN_OPEN_APPLICATION"
    assert refused.value.message == (
        f"所选明细已在退费申请{first['application_number']}中办理，不能重复申请。"
    )
    assert [e.result for e in journal(ru, SUBMIT)] == [ACCEPTED, REFUSED]
    assert service.count() == 1 and service.pending() == 0

    ru.backend.decide_refund(
        ru.unit_id, first["refund_id"], approve=False, reason="经核实不属于多缴"
    )
    ru.backend.process_refunds(ru.unit_id)
    (change,) = service.refresh().changes
    assert (change.after, change.decision_reason) == (NOT_REFUNDED, "经核实不属于多缴")
    assert service.get(first["refund_id"])["decision_reason"] == "经核实不属于多缴"
    # 不予退费 holds nothing: the whole row is refundable again and may be applied for
    (row,) = [r for r in service.ticket_rows(*PERIOD) if r["row_id"] == rows[0]["row_id"]]
    assert row["refundable"] == rows[0]["amount"]
    second = service.submit(ru.ticket_draft([row]), ru.codes()).application
    assert second["status"] == RECEIVED and second["amount"] == row["amount"]


def test_an_amount_above_the_refundable_is_refused_before_sending(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    (row,) = service.ticket_rows(*PERIOD)[:1]
    too_much = str(Decimal(row["refundable"]) + Decimal("0.01"))
    with pytest.raises(RefundRuleError, match="不能超过该明细已缴纳且未退的金额"):
        service.submit(ru.ticket_draft([row], [too_much]), ru.codes())
    with pytest.raises(RefundRuleError, match="退费银行账户应为8至32位数字"):
        service.submit(ru.ticket_draft([row], account=ru.account(account_number="123")),
                       ru.codes())  # fmt: skip
    assert ru.server_refunds() == [] and journal(ru, SUBMIT) == []
    # the server agrees when asked directly (the same check, the same sentence)
    body = {"method": "税票退费", "refund_kind": None,
            "rows": [{"row_id": row["row_id"], "amount": too_much}],
            "account": {"account_name": "x", "bank_code": "102", "account_number": "12345678"},
            "reason_code": "01", "statement": "理由"}  # fmt: skip
    with pytest.raises(ApiError) as server:
        ru.unit.session.api.post_json(f"/collect/units/{ru.unit_id}/refunds", body)
    assert server.value.code == "AMOUNT_EXCEEDS_PAID"
    assert (
        server.value.message == f"退费金额不能超过该明细已缴纳且未退的金额{row['refundable']}元。"
    )


def test_person_rows_and_a_person_refund_hold_the_ticket_row(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    kind = ru.codes().kind_names()[0]
    persons = service.person_rows(*PERIOD, kind)
    assert persons and all(r["row_id"].startswith("P-") for r in persons)
    name = persons[0]["name"]
    mine = service.person_rows(*PERIOD, kind, name=name)
    assert mine and {r["name"] for r in mine} == {name}
    with pytest.raises(RefundRuleError, match="请选择退费税金类型"):
        service.person_rows(*PERIOD, "")
    row = persons[0]
    line_id = row["row_id"].split("-")[1]
    made = service.submit(
        ru.ticket_draft([row], method=BY_PERSON, refund_kind=kind), ru.codes()
    ).application
    assert (made["method"], made["refund_kind"], made["amount"]) == (BY_PERSON, kind, row["paid"])
    assert made["rows"][0]["name"] == name
    # the ticket row of the same line is held by it
    (ticket_row,) = [r for r in service.ticket_rows(*PERIOD) if r["line_id"] == line_id]
    assert Decimal(ticket_row["refundable"]) == Decimal(ticket_row["amount"]) - Decimal(row["paid"])
    kept = service.get(made["refund_id"])
    assert kept is not None and kept["rows"][0]["name"] == name and kept["method"] == BY_PERSON


def test_a_malformed_answer_changes_nothing(refund_unit: Any) -> None:
    ru: RefundUnit = refund_unit()
    service = ru.service()
    rows = service.ticket_rows(*PERIOD)[:1]
    made = service.submit(ru.ticket_draft(rows, ["1.00"]), ru.codes()).application
    ru.backend.process_refunds(ru.unit_id)
    ru.backend.add_fault("malformed", path_prefix=f"/api/v1/collect/units/{ru.unit_id}/refunds",
                         method="GET", count=1)  # fmt: skip
    try:
        with pytest.raises(MalformedResponseError):
            service.refresh()
    finally:
        ru.backend.clear_faults()
    assert service.get(made["refund_id"])["status"] == RECEIVED  # the old state stays
    assert journal(ru, STATE_CHANGE) == []
    assert service.refresh().changes[0].after in STATUSES
