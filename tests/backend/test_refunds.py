"""单位退费申请管理: refundable ticket rows (T-) and person rows (P-) of 入库 lines, every check of
an application in the contract's order, one application per Idempotency-Key, the state
machine over the server clock and through the admin, 不予退费 freeing its rows, and amounts
held across T- and P- rows of the same line."""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_backend.config import DATABASE_NAME
from tests.backend.collect_unit import CollectUnit, declared_unit
from tests.backend.conftest import error_of
from tests.support.backend import BackendError, BackendServer, start_backend

MONTHS = ("2026-11",)
ACCOUNT = {"account_name": "深圳市退费测试有限公司", "bank_code": "102",
           "account_number": "4000023409200156700"}  # fmt: skip
STATEMENT = "2026年11月重复缴纳，申请退还。"


class RefundUnit:
    """A unit whose 2026-11 declarations are paid (批量扣款) and 入库, driven through 退费."""

    def __init__(self, unit: CollectUnit) -> None:
        self.unit = unit
        self.path = f"{unit.path}/refunds"

    def get(self, suffix: str = "", **params: Any) -> httpx.Response:
        return self.unit.http.get(f"{self.path}{suffix}", params=params, headers=self.unit.headers)

    def tickets(self, period_from: str = "2026-01", period_to: str = "2026-12", **params: Any
                ) -> list[dict[str, Any]]:  # fmt: skip
        response = self.get("/tickets", period_from=period_from, period_to=period_to, **params)
        assert response.status_code == 200, response.text
        return list(response.json()["tickets"])

    def ticket_rows(self) -> dict[str, dict[str, Any]]:
        return {row["row_id"]: row for ticket in self.tickets() for row in ticket["rows"]}

    def person_rows(self, **params: Any) -> dict[str, dict[str, Any]]:
        query = {"period_from": "2026-01", "period_to": "2026-12", "refund_kind": "汇算清缴退费"}
        response = self.get("/person-rows", **{**query, **params})
        assert response.status_code == 200, response.text
        body = response.json()
        records = [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]
        return {r["row_id"]: r for r in records}

    def submit(self, rows: list[tuple[str, Any]], key: str | None = None, **form: Any
               ) -> httpx.Response:  # fmt: skip
        method = "税票退费" if rows and rows[0][0].startswith("T-") else "职工明细退费"
        body: dict[str, Any] = {
            "method": method,
            "refund_kind": None if method == "税票退费" else "汇算清缴退费",
            "rows": [{"row_id": r, "amount": a} for r, a in rows],
            "account": ACCOUNT, "reason_code": "02", "statement": STATEMENT,
        }  # fmt: skip
        headers = {**self.unit.headers, "Idempotency-Key": key or str(uuid.uuid4())}
        return self.unit.http.post(self.path, json={**body, **form}, headers=headers)

    def created(self, rows: list[tuple[str, str]], **form: Any) -> dict[str, Any]:
        response = self.submit(rows, **form)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def refunds(self) -> list[dict[str, Any]]:
        response = self.get()
        assert response.status_code == 200, response.text
        return list(response.json()["refunds"])

    def refund(self, refund_id: str) -> dict[str, Any]:
        response = self.get(f"/{refund_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())


def paid_unit(backend: BackendServer, http: httpx.Client) -> RefundUnit:
    unit = declared_unit(backend, http, months=MONTHS)
    for declaration_id in sorted({line["declaration_id"] for line in unit.arrears()}):
        backend.pay_fee_declaration(unit.unit_id, declaration_id)
    assert unit.arrears() == []
    return RefundUnit(unit)


def stored_unit(backend: BackendServer, http: httpx.Client) -> RefundUnit:
    refund = paid_unit(backend, http)
    assert backend.process_arrivals(refund.unit.unit_id) > 0
    return refund


@pytest.fixture
def refund(backend: BackendServer, http: httpx.Client) -> RefundUnit:
    return stored_unit(backend, http)


@pytest.fixture(autouse=True)
def default_delay(backend: BackendServer) -> Any:
    yield
    backend.refund_settings(refund_delay_seconds=60)


def money(text: str) -> Decimal:
    return Decimal(text)


def by_line(person_rows: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row_id, row in person_rows.items():
        lines[row_id.rsplit("-", 1)[0][2:]].append(row)
    return lines


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = error_of(response)
    assert error["code"] == code, error
    return error


# -- code tables -------------------------------------------------------------------------
def test_code_tables_are_rule_files(refund: RefundUnit) -> None:
    assert refund.unit.fee.rule("refund_reasons") == {"entries": [
        {"code": "01", "name": "误收退库"}, {"code": "02", "name": "多缴退库"},
        {"code": "03", "name": "汇算清缴退库"}, {"code": "04", "name": "政策性退库"}]}  # fmt: skip
    assert refund.unit.fee.rule("refund_kinds") == {"entries": [
        {"code": "1", "name": "汇算清缴退费"}, {"code": "2", "name": "误收退费"},
        {"code": "3", "name": "多缴退费"}]}  # fmt: skip


def test_a_database_seeded_before_gains_the_tables(tmp_path: Path) -> None:
    server = start_backend(tmp_path, seed="none", admin=False)
    server.stop()
    database = tmp_path / DATABASE_NAME
    with sqlite3.connect(database) as conn:  # as issue 10 left it
        conn.execute("DELETE FROM rule_files WHERE code IN ('refund_reasons', 'refund_kinds')")
        conn.execute("DROP TABLE refund_applications")
        conn.execute("DROP TABLE refund_rows")
    conn.close()
    server = start_backend(tmp_path, seed="none", admin=False)
    server.stop()
    with sqlite3.connect(database) as conn:
        codes = conn.execute(
            "SELECT region, code FROM rule_files WHERE code LIKE 'refund_%' ORDER BY 1, 2"
        ).fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    regions = sorted({region for region, _ in codes})
    assert len(regions) == 4
    assert codes == [(r, c) for r in regions for c in ("refund_kinds", "refund_reasons")]
    assert {"refund_applications", "refund_rows"} <= tables


# -- refundable rows ---------------------------------------------------------------------
def test_rows_appear_once_stored(backend: BackendServer, http: httpx.Client) -> None:
    backend.bank_settings(store_delay_seconds=3600)
    refund = paid_unit(backend, http)
    assert refund.tickets() == [] and refund.person_rows() == {}  # paid, not yet 入库
    backend.process_arrivals(refund.unit.unit_id)
    lines = {a["line_id"]: a for a in refund.unit.arrivals()}
    tickets = refund.tickets()
    rows = refund.ticket_rows()
    assert sorted(rows) == sorted(f"T-{line_id}" for line_id in lines)
    for ticket in tickets:
        assert "amount_fen" not in ticket
        assert money(ticket["amount"]) == sum(money(r["amount"]) for r in ticket["rows"])
    for row_id, row in rows.items():
        amount = lines[row_id[2:]]["amount"]
        assert (row["amount"], row["refundable"], row["declared"], row["check"]) == (
            amount, amount, amount, "一致")  # fmt: skip
        assert "amount_fen" not in row
    number = tickets[-1]["e_ticket_number"]
    assert [t["e_ticket_number"] for t in refund.tickets(e_ticket_number=number)] == [number]
    assert refund.tickets(period_from="2026-12", period_to="2026-12") == []

    persons = refund.person_rows()
    grouped = by_line(persons)
    assert set(grouped) <= set(lines)
    for line_id, parts in grouped.items():  # the person parts of a line sum to it exactly
        assert sum(money(p["paid"]) for p in parts) == money(lines[line_id]["amount"])
        assert all(p["paid"] == p["refundable"] and p["period"] == "2026-11" for p in parts)
    # Every line whose item has person lines (all 职工 items here) has its P- rows.
    assert set(grouped) == set(lines)
    assert {p["name"] for p in persons.values()} == {"王桂淑", "李强"}
    assert {p["id_type"] for p in persons.values()} == {"08"}
    one = next(p for p in persons.values() if p["name"] == "李强")
    only = refund.person_rows(name="强")
    assert only and {p["name"] for p in only.values()} == {"李强"}
    assert set(refund.person_rows(id_number=one["id_number"], id_type="08")) == set(only)
    assert refund.person_rows(id_type="01") == {}
    assert refund.person_rows(period_from="2026-12", period_to="2026-12") == {}
    assert refund.person_rows(refund_kind="3") == persons  # a code of the table is accepted


def test_bad_queries(refund: RefundUnit) -> None:
    missing = refund.get("/tickets", period_from="2026-01")
    assert refused(missing, 422, "VALIDATION_ERROR")["message"] == "请输入费款所属期起止。"
    refused(refund.get("/tickets", period_from="2026-1", period_to="2026-12"), 422,
            "VALIDATION_ERROR")  # fmt: skip
    query = {"period_from": "2026-01", "period_to": "2026-12"}
    assert refused(refund.get("/person-rows", **query), 422, "VALIDATION_ERROR")["message"] == (
        "请选择退费税金类型。")  # fmt: skip
    unknown = refund.get("/person-rows", refund_kind="退税", **query)
    assert refused(unknown, 422, "VALIDATION_ERROR")["details"] == {"field": "refund_kind"}
    assert refused(refund.get("/TF0000000000"), 404, "REFUND_NOT_FOUND")["details"] == {
        "refund_id": "TF0000000000"}  # fmt: skip


# -- the checks --------------------------------------------------------------------------
def test_every_check_in_order(refund: RefundUnit) -> None:
    rows = refund.ticket_rows()
    persons = refund.person_rows()
    t_row, t_other = sorted(rows)[:2]
    p_row = sorted(persons)[0]
    full = rows[t_row]["amount"]

    no_key = refund.unit.http.post(refund.path, json={}, headers=refund.unit.headers)
    refused(no_key, 400, "IDEMPOTENCY_KEY_REQUIRED")
    bad_method = refund.submit([(t_row, "1.00")], method="退税")
    assert refused(bad_method, 422, "VALIDATION_ERROR")["details"] == {"field": "method"}
    no_kind = refund.submit([(p_row, "1.00")], refund_kind=None)
    assert refused(no_kind, 422, "VALIDATION_ERROR")["details"] == {"field": "refund_kind"}
    unknown_kind = refund.submit([(p_row, "1.00")], refund_kind="退税")
    assert refused(unknown_kind, 422, "VALIDATION_ERROR")["details"] == {"field": "refund_kind"}
    mixed = refund.submit([(t_row, "1.00"), (p_row, "1.00")])
    assert refused(mixed, 422, "VALIDATION_ERROR")["details"] == {"field": "rows"}
    person_as_ticket = refund.submit([(p_row, "1.00")], method="税票退费")
    assert refused(person_as_ticket, 422, "VALIDATION_ERROR")["details"] == {"field": "rows"}
    # An empty selection answers before the account is looked at.
    nothing = refund.submit([], method="税票退费", account={})
    assert refused(nothing, 422, "NOTHING_SELECTED")["message"] == "请先勾选需要退费的明细。"
    twice = refund.submit([(t_row, "1.00"), (t_row, "2.00")])
    assert refused(twice, 422, "VALIDATION_ERROR")["details"] == {"field": "rows"}
    unknown = refund.submit([(t_row, "abc"), ("T-QF9999999999", "1.00")])
    assert refused(unknown, 404, "ROW_NOT_FOUND")["details"] == {"row_id": "T-QF9999999999"}
    assert refused(refund.submit([("P-QF9999999999-1", "1.00")]), 404, "ROW_NOT_FOUND")
    for amount in ("0", "0.00", "-1.00", "1.234", "1,000.00", "", 5):
        bad = refund.submit([(t_row, "1.00"), (t_other, amount)], account={})
        error = refused(bad, 422, "BAD_AMOUNT")
        assert error["message"] == "退费金额应大于0且最多两位小数。"
        assert error["details"]["row_id"] == t_other
    above = str(money(full) + Decimal("0.01"))
    exceeds = refund.submit([(t_row, above)], account={})
    assert refused(exceeds, 422, "AMOUNT_EXCEEDS_PAID") == {
        "code": "AMOUNT_EXCEEDS_PAID",
        "message": f"退费金额不能超过该明细已缴纳且未退的金额{full}元。",
        "details": {"row_id": t_row, "refundable": full},
    }
    for account, field in (
        ({**ACCOUNT, "account_name": "  "}, "account_name"),
        ({**ACCOUNT, "bank_code": "999"}, "bank_code"),
        ({**ACCOUNT, "account_number": "1234567"}, "account_number"),
        ({**ACCOUNT, "account_number": "1" * 33}, "account_number"),
        ({**ACCOUNT, "account_number": "6222 0000 1234"}, "account_number"),
        (None, "account_name"),
    ):
        bad = refund.submit([(t_row, full)], account=account, reason_code="99")
        assert refused(bad, 422, "BAD_ACCOUNT")["details"] == {"field": field}
    bad_reason = refund.submit([(t_row, full)], reason_code="99", statement="")
    assert refused(bad_reason, 422, "VALIDATION_ERROR")["details"] == {"field": "reason_code"}
    for statement in ("", "   ", "退" * 201, None):
        bad = refund.submit([(t_row, full)], statement=statement)
        assert refused(bad, 422, "VALIDATION_ERROR")["details"] == {"field": "statement"}
    assert refund.refunds() == []  # nothing refused was kept

    longest = refund.created([(t_row, full)], statement="退" * 200)
    assert longest["amount"] == full and longest["statement"] == "退" * 200
    # Now the row is in an open application: that answers before an amount above it.
    blocked = refund.submit([(t_other, "1.00"), (t_row, above)], account={})
    assert refused(blocked, 409, "ROWS_IN_OPEN_APPLICATION") == {
        "code": "ROWS_IN_OPEN_APPLICATION",
        "message": f"所选明细已在退费申请{longest['application_number']}中办理，不能重复申请。",
        "details": {"row_ids": [t_row], "refund_id": longest["refund_id"]},
    }


def test_an_application_and_its_replay(backend: BackendServer, refund: RefundUnit) -> None:
    backend.set_clock("2026-12-20 11:00:00")
    rows = refund.ticket_rows()
    chosen = sorted(rows)[:3]
    amounts = ["0.01", "123.45", "0.10"]
    key = str(uuid.uuid4())
    first = refund.submit(list(zip(chosen, amounts, strict=True)), key=key, reason_code="01",
                          account={**ACCOUNT, "account_name": " 深圳市退费测试有限公司 "})  # fmt: skip
    assert first.status_code == 201, first.text
    again = refund.submit(list(zip(chosen, amounts, strict=True)), key=key, reason_code="01",
                          account={**ACCOUNT, "account_name": " 深圳市退费测试有限公司 "})  # fmt: skip
    assert again.status_code == 201 and again.json() == first.json()
    application = first.json()
    assert [a["refund_id"] for a in refund.refunds()] == [application["refund_id"]]
    submitted = application["submitted_at"]
    day = submitted[:10].replace("-", "")
    assert application["refund_id"].startswith("TF") and len(application["refund_id"]) == 12
    assert application["application_number"].startswith(f"TF440300{day}")
    assert len(application["application_number"]) == 20
    assert {k: application[k] for k in ("method", "refund_kind", "status", "amount",
                                        "reason_code", "reason_name", "statement",
                                        "account_name", "bank_code", "bank_name",
                                        "account_masked", "decision_reason", "refunded_on",
                                        "history")} == {
        "method": "税票退费", "refund_kind": None, "status": "已受理", "amount": "123.56",
        "reason_code": "01", "reason_name": "误收退库", "statement": STATEMENT,
        "account_name": "深圳市退费测试有限公司", "bank_code": "102", "bank_name": "中国工商银行",
        "account_masked": "*****6700", "decision_reason": None, "refunded_on": None,
        "history": [{"status": "已受理", "at": submitted}],
    }  # fmt: skip
    tickets = refund.tickets()
    number_of = {r["row_id"]: t["e_ticket_number"] for t in tickets for r in t["rows"]}
    lines = {a["line_id"]: a for a in refund.unit.arrivals()}
    assert application["rows"] == [
        {"row_id": row_id, "e_ticket_number": number_of[row_id], "name": None,
         "id_number": None, "levy_item_name": rows[row_id]["tax_kind"],
         "levy_category_name": rows[row_id]["item_name"], "period_start": "2026-11",
         "period_end": "2026-11", "paid": lines[row_id[2:]]["amount"], "amount": amount}
        for row_id, amount in zip(chosen, amounts, strict=True)
    ]  # fmt: skip
    assert refund.refund(application["refund_id"]) == application
    after = refund.ticket_rows()
    for row_id, amount in zip(chosen, amounts, strict=True):
        assert money(after[row_id]["refundable"]) == money(rows[row_id]["amount"]) - money(amount)

    person = refund.created([(sorted(refund.person_rows())[-1], "1.00")], refund_kind="2")
    assert person["refund_kind"] == "误收退费" and person["method"] == "职工明细退费"
    assert [a["refund_id"] for a in refund.refunds()] == [
        person["refund_id"], application["refund_id"]]  # newest first  # fmt: skip


# -- the state machine -------------------------------------------------------------------
def at(text: str, seconds: int) -> str:
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S") + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def test_states_follow_the_delay(backend: BackendServer, refund: RefundUnit) -> None:
    backend.refund_settings(refund_delay_seconds=600)
    backend.set_clock("2026-12-20 12:00:00")
    row_id = sorted(refund.ticket_rows())[0]
    application = refund.created([(row_id, "20.00")])
    refund_id, submitted = application["refund_id"], application["submitted_at"]
    seen = []
    for offset in (300, 900, 1500, 2100):
        backend.set_clock(at(submitted, offset))
        current = refund.refund(refund_id)
        seen.append((current["status"], current["refunded_on"]))
    assert seen == [("已受理", None), ("审核中", None), ("审核通过", None),
                    ("已退库", submitted[:10])]  # fmt: skip
    assert current["history"] == [
        {"status": "已受理", "at": submitted}, {"status": "审核中", "at": at(submitted, 600)},
        {"status": "审核通过", "at": at(submitted, 1200)},
        {"status": "已退库", "at": at(submitted, 1800)},
    ]  # fmt: skip
    backend.set_clock(at(submitted, 9000))
    assert refund.refund(refund_id) == current  # final
    assert backend.process_refunds(refund.unit.unit_id) == 0

    # Missed steps all happen at the next read, each at its own moment.
    late = refund.created([(row_id, "1.00")])
    backend.set_clock(at(late["submitted_at"], 4000))
    assert [h["at"] for h in refund.refund(late["refund_id"])["history"]] == [
        at(late["submitted_at"], s) for s in (0, 600, 1200, 1800)]  # fmt: skip


def test_process_and_refusal(backend: BackendServer, refund: RefundUnit) -> None:
    backend.refund_settings(refund_delay_seconds=3600)
    unit_id = refund.unit.unit_id
    rows = refund.ticket_rows()
    row_id = sorted(rows)[0]
    full = rows[row_id]["amount"]
    first = refund.created([(row_id, full)])
    assert refund.ticket_rows()[row_id]["refundable"] == "0.00"
    blocked = refund.submit([(row_id, "1.00")])
    refused(blocked, 409, "ROWS_IN_OPEN_APPLICATION")

    with pytest.raises(BackendError, match="VALIDATION_ERROR"):
        backend.decide_refund(unit_id, first["refund_id"], approve=False)
    with pytest.raises(BackendError, match="REFUND_NOT_FOUND"):
        backend.decide_refund(unit_id, "TF0000000000", approve=False, reason="无")
    decided = backend.decide_refund(unit_id, first["refund_id"], False, "经核实不属于多缴")
    assert decided["status"] == "已受理" and decided["decision_reason"] is None
    assert backend.process_refunds(unit_id) == 1
    done = refund.refund(first["refund_id"])
    assert (done["status"], done["decision_reason"], done["refunded_on"]) == (
        "不予退费", "经核实不属于多缴", None)  # fmt: skip
    assert [h["status"] for h in done["history"]] == ["已受理", "审核中", "不予退费"]
    with pytest.raises(BackendError, match="REFUND_DECIDED"):
        backend.decide_refund(unit_id, first["refund_id"], approve=True)

    # 不予退费 holds nothing: the whole row is refundable again, in a new application.
    assert refund.ticket_rows()[row_id]["refundable"] == full
    second = refund.created([(row_id, full)])
    backend.decide_refund(unit_id, second["refund_id"], approve=True)
    assert backend.process_refunds(unit_id) == 1
    done = refund.refund(second["refund_id"])
    assert done["status"] == "已退库" and done["refunded_on"] is not None
    assert [h["status"] for h in done["history"]] == ["已受理", "审核中", "审核通过", "已退库"]
    assert backend.process_refunds(unit_id) == 0


def test_refunded_amounts_stay_held(backend: BackendServer, refund: RefundUnit) -> None:
    unit_id = refund.unit.unit_id
    rows = refund.ticket_rows()
    row_id = sorted(rows)[0]
    full = money(rows[row_id]["amount"])
    refund.created([(row_id, "20.00")])
    backend.process_refunds(unit_id)
    left = full - Decimal("20.00")
    assert money(refund.ticket_rows()[row_id]["refundable"]) == left
    again = refund.submit([(row_id, str(full))])
    assert refused(again, 422, "AMOUNT_EXCEEDS_PAID")["details"] == {
        "row_id": row_id, "refundable": f"{left:.2f}"}  # fmt: skip
    rest = refund.created([(row_id, f"{left:.2f}")])
    backend.process_refunds(unit_id)
    assert refund.refund(rest["refund_id"])["status"] == "已退库"
    assert refund.ticket_rows()[row_id]["refundable"] == "0.00"
    refused(refund.submit([(row_id, "0.01")]), 422, "AMOUNT_EXCEEDS_PAID")


def test_person_and_ticket_rows_share_a_line(backend: BackendServer, refund: RefundUnit) -> None:
    unit_id = refund.unit.unit_id
    persons = refund.person_rows()
    line_id, parts = max(by_line(persons).items(), key=lambda item: len(item[1]))
    assert len(parts) == 2  # both employees pay into the line
    p_one, p_two = sorted(p["row_id"] for p in parts)
    t_row = f"T-{line_id}"
    line_amount = money(refund.ticket_rows()[t_row]["amount"])
    paid_one = money(persons[p_one]["paid"])

    application = refund.created([(p_one, "10.05")])
    assert application["amount"] == "10.05"
    (row,) = application["rows"]
    assert (row["name"], row["id_number"], row["paid"], row["period_start"],
            row["period_end"]) == (persons[p_one]["name"], persons[p_one]["id_number"],
                                   persons[p_one]["paid"], "2026-11", "2026-11")  # fmt: skip
    assert row["e_ticket_number"] is not None
    # The P- row reduces its T- row; while it is open the T- row is blocked, not the other P-.
    assert money(refund.ticket_rows()[t_row]["refundable"]) == line_amount - Decimal("10.05")
    assert money(refund.person_rows()[p_one]["refundable"]) == paid_one - Decimal("10.05")
    blocked = refund.submit([(t_row, "1.00")])
    assert refused(blocked, 409, "ROWS_IN_OPEN_APPLICATION")["details"] == {
        "row_ids": [t_row], "refund_id": application["refund_id"]}  # fmt: skip
    other = refund.created([(p_two, "0.01")])
    backend.process_refunds(unit_id)

    # The T- row takes what is left of the line; the P- rows then have nothing left.
    left = line_amount - Decimal("10.06")
    assert money(refund.ticket_rows()[t_row]["refundable"]) == left
    whole = refund.created([(t_row, f"{left:.2f}")])
    assert refused(refund.submit([(p_two, "0.01")]), 409, "ROWS_IN_OPEN_APPLICATION")[
        "details"]["refund_id"] == whole["refund_id"]  # fmt: skip
    backend.process_refunds(unit_id)
    after = refund.person_rows()
    assert (after[p_one]["refundable"], after[p_two]["refundable"]) == ("0.00", "0.00")
    over = refund.submit([(p_two, "0.01")])
    assert refused(over, 422, "AMOUNT_EXCEEDS_PAID")["details"] == {
        "row_id": p_two, "refundable": "0.00"}  # fmt: skip
    assert {a["status"] for a in refund.refunds()} == {"已退库"}
    assert sum(money(a["amount"]) for a in refund.refunds()) == line_amount
    assert other["amount"] == "0.01"


def test_two_person_rows_of_a_line_count_together(
    backend: BackendServer, refund: RefundUnit
) -> None:
    persons = refund.person_rows()
    line_id, parts = max(by_line(persons).items(), key=lambda item: len(item[1]))
    big, small = sorted(parts, key=lambda p: money(p["paid"]), reverse=True)
    t_row = f"T-{line_id}"
    line_amount = money(refund.ticket_rows()[t_row]["amount"])
    # Refund most of the line through its T- row: the P- rows share what is left.
    held = line_amount - money(small["paid"]) + Decimal("1.00")
    refund.created([(t_row, f"{held:.2f}")])
    backend.process_refunds(refund.unit.unit_id)
    left = f"{line_amount - held:.2f}"
    rows = refund.person_rows()
    assert rows[big["row_id"]]["refundable"] == rows[small["row_id"]]["refundable"] == left
    together = refund.submit([(big["row_id"], left), (small["row_id"], "0.01")])
    assert refused(together, 422, "AMOUNT_EXCEEDS_PAID")["details"] == {
        "row_id": small["row_id"], "refundable": "0.00"}  # fmt: skip


def test_a_voided_declaration_is_flagged(backend: BackendServer, refund: RefundUnit) -> None:
    rows = refund.ticket_rows()
    line_id = sorted(rows)[0][2:]
    # No client or admin call voids a paid declaration (作废 refuses it), so the test changes
    # the server's database as the 管理子系统 would have.
    with sqlite3.connect(backend.data_dir / DATABASE_NAME, timeout=30) as conn:
        (declaration_id,) = conn.execute(
            "SELECT declaration_id FROM collect_lines WHERE line_id = ?", (line_id,)
        ).fetchone()
        conn.execute(
            "UPDATE fee_declarations SET status = '已作废' WHERE declaration_id = ?",
            (declaration_id,),
        )
        voided = {f"T-{r[0]}" for r in conn.execute(
            "SELECT line_id FROM collect_lines WHERE declaration_id = ?", (declaration_id,))}  # fmt: skip
    conn.close()
    after = refund.ticket_rows()
    assert set(after) == set(rows) and voided < set(rows)
    for row_id, row in after.items():
        flagged = row_id in voided
        assert (row["check"], row["declared"], row["refundable"]) == (
            "申报明细已变更" if flagged else "一致", "0.00" if flagged else row["amount"],
            row["amount"])  # fmt: skip
