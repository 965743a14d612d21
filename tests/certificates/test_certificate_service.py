"""证明打印 services against the real backend: 开具 writes the ticket's PDF and is refused the
second time, 补开 counts prints, a dropped connection or an unwritable folder never issues twice
or leaves a partial file, 查验 matches the issued ticket only, the 缴费清单 of an employee and
of the unit add up and say why they are empty, and a whole year in one go."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.certificates.proofs import EMPLOYEE, UNIT
from client.certificates.rules import ISSUE, REISSUE, CertificateError
from client.certificates.year import print_year
from client.jobs import CancelToken, JobContext
from client.sync.errors import ApiError
from client.sync.submissions import SubmissionUncertainError
from tests.certificates.conftest import ALL_YEARS, CertUnit
from tests.support.pdf import compact, page_count, pdf_text


def test_issue_then_reissue_with_print_counts(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    found = service.query(ISSUE, *ALL_YEARS)
    assert found and all(t["status"] == "未开具" for t in found)
    ticket = found[0]
    path = tmp_path / service.suggested_name(ticket, ISSUE)
    issued = service.issue(ticket, path)
    assert issued["status"] == "已开具" and issued["print_count"] == 1
    text = compact(pdf_text(path))
    assert ticket["e_ticket_number"] in text and "税收完税证明" in text
    assert issued["amount_in_words"] in text and "第1次打印" in text
    for row in ticket["rows"]:
        assert row["original_voucher"] in text
    assert f"{Decimal(ticket['amount']):,.2f}" in text or ticket["amount"] in text
    # 开具 again is refused and names 补开; nothing is written
    again = tmp_path / "again.pdf"
    with pytest.raises(ApiError) as caught:
        service.issue(ticket, again)
    assert caught.value.code == "ALREADY_ISSUED" and "补开" in caught.value.message
    assert not again.exists()
    assert ticket["ticket_id"] not in {t["ticket_id"] for t in service.query(ISSUE, *ALL_YEARS)}
    # 补开 lists it and counts
    listed = {t["ticket_id"]: t for t in service.query(REISSUE, *ALL_YEARS)}
    second = service.reissue(listed[ticket["ticket_id"]], tmp_path / "second.pdf")
    assert second["print_count"] == 2
    assert "第2次打印" in compact(pdf_text(tmp_path / "second.pdf"))
    actions = [(e.action, e.result) for e in cu.journal().entries()]
    assert actions[-3:] == [("开具完税证明", "成功"), ("开具完税证明", "失败"),
                            ("补开完税证明", "成功")]  # fmt: skip


def test_dropped_answer_is_resolved_without_issuing_twice(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    service.api.retries = 0  # no silent retry: the outcome must stay unknown
    ticket = service.query(ISSUE, *ALL_YEARS)[0]
    out = tmp_path / "out"
    out.mkdir()
    path = out / "ticket.pdf"
    cu.backend.add_fault("drop", path_prefix=f"/api/v1/collect/units/{cu.unit_id}/tax-certificates",
                         method="POST", count=1, after_bytes=0)  # fmt: skip
    try:
        with pytest.raises(SubmissionUncertainError):
            service.issue(ticket, path)
    finally:
        cu.backend.clear_faults()
    assert not list(out.iterdir())  # no partial file
    issued = service.issue(ticket, path)  # the same key again: the server's first answer
    assert issued["print_count"] == 1 and path.exists()
    assert not service.submitter.pending(f"certificate_issue:{ticket['ticket_id']}")


def test_unwritable_folder_issues_nothing(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    ticket = service.query(ISSUE, *ALL_YEARS)[0]
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(CertificateError, match="无法保存到所选位置"):
        service.issue(ticket, tmp_path / "no-such-folder" / "t.pdf")
    still = {t["ticket_id"] for t in service.query(ISSUE, *ALL_YEARS)}
    assert ticket["ticket_id"] in still  # not issued

    # a file that cannot be written after the server answered: the same print next time
    def broken(_path: Path, _ticket: dict) -> None:
        raise OSError(28, "No space left on device")

    service.write = broken
    with pytest.raises(CertificateError, match="不会重复开具"):
        service.issue(ticket, tmp_path / "t.pdf")
    service.write = cu.tickets().write
    issued = service.issue(ticket, tmp_path / "t.pdf")
    assert issued["print_count"] == 1 and (tmp_path / "t.pdf").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["t.pdf"]


def test_voided_ticket_cannot_be_issued_or_reissued(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    first, *_ = service.query(ISSUE, *ALL_YEARS)
    cu.backend.void_tax_certificate(cu.unit_id, first["ticket_id"], "李四", "票证信息有误")
    with pytest.raises(ApiError) as caught:
        service.issue(first, tmp_path / "v.pdf")
    assert caught.value.code == "CERTIFICATE_VOIDED" and "作废" in caught.value.message
    voided = next(t for t in service.query(REISSUE, *ALL_YEARS)
                  if t["ticket_id"] == first["ticket_id"])  # fmt: skip
    assert voided["status"] == "已作废" and voided["voided_by"] == "李四"
    with pytest.raises(ApiError) as caught:
        service.reissue(voided, tmp_path / "v.pdf")
    assert caught.value.code == "CERTIFICATE_VOIDED"
    assert not (tmp_path / "v.pdf").exists()


def test_verify_matches_the_issued_ticket_only(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    ticket = service.issue(service.query(ISSUE, *ALL_YEARS)[0], tmp_path / "t.pdf")
    form = {k: ticket[k] for k in ("taxpayer_id", "taxpayer_name", "ticket_kind",
                                   "e_ticket_number", "region_code", "amount")}  # fmt: skip
    found = service.verify(form)
    assert found.match and found.ticket["status"] == "已开具"
    assert found.ticket["e_ticket_number"] == ticket["e_ticket_number"]
    assert found.ticket["ticket_kind_name"]
    changed = Decimal(ticket["amount"]) + Decimal("0.01")
    miss = service.verify(form | {"amount": str(changed)})
    assert not miss.match and "未查询到" in miss.message
    assert service.verify(form | {"ticket_number": ticket["ticket_number"]}).match
    assert not service.verify(form | {"ticket_number": "9999999999"}).match
    with pytest.raises(CertificateError, match="请填写电子税票号码"):
        service.verify(form | {"e_ticket_number": " "})


def test_employee_and_unit_payment_lists(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    proofs = cu.proofs()
    unit_rows = proofs.query(UNIT, *ALL_YEARS)
    assert unit_rows.rows and unit_rows.empty_code is None
    tickets = cu.tickets().query(ISSUE, *ALL_YEARS)
    assert unit_rows.total == sum((Decimal(t["amount"]) for t in tickets), Decimal("0.00"))
    person = cu.paid_employee()
    mine = proofs.query(EMPLOYEE, *ALL_YEARS, person["name"], person["id_type"],
                        person["id_number"])  # fmt: skip
    assert mine.rows and {r["id_number"] for r in mine.rows} == {person["id_number"]}
    written = proofs.write_pdf(mine, mine.rows, tmp_path / "proof.pdf", cu.unit.app.local_today())
    text = compact(pdf_text(written))
    assert person["name"] in text and f"{mine.total:,.2f}" in text
    # nobody by that name → NOT_REGISTERED with the manual's reasons
    nobody = proofs.query(EMPLOYEE, *ALL_YEARS, "查无此人", person["id_type"],
                          person["id_number"])  # fmt: skip
    assert not nobody.rows and nobody.empty_code == "NOT_REGISTERED"
    assert "职工参保登记信息菜单不存在该人员" in nobody.explanation()
    # a period without payments → NOT_PAID
    assert proofs.query(UNIT, "2001-01", "2001-12").empty_code == "NOT_PAID"


def test_paid_but_not_stored_says_so(cert_unit: Any) -> None:
    cu: CertUnit = cert_unit(stored=False)
    for declaration_id in cu.pay.declarations:
        cu.backend.pay_fee_declaration(cu.unit_id, declaration_id)
    found = cu.proofs().query(UNIT, *ALL_YEARS)
    assert not found.rows and found.empty_code == "NOT_STORED"
    assert cu.tickets().query(ISSUE, *ALL_YEARS) == []


def test_a_year_in_one_go(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    tickets = service.query(ISSUE, *ALL_YEARS)
    years = sorted({int(t["period_start"][:4]) for t in tickets})
    year = max(years, key=lambda y: sum(t["period_start"][:4] == str(y) for t in tickets))
    expected = [t for t in service.query(ISSUE, f"{year}-01", f"{year}-12")]
    combined = tmp_path / "year.pdf"
    result = print_year(service, year, combined, combined=True, include_issued=False,
                        ctx=JobContext())  # fmt: skip
    assert len(result.tickets) == len(expected) and result.files == [combined]
    assert page_count(combined) == len(expected)  # one ticket per page
    assert service.query(ISSUE, f"{year}-01", f"{year}-12") == []
    # again with the issued ones: each 补开'd into its own file
    folder = tmp_path / "files"
    folder.mkdir()
    again = print_year(service, year, folder, combined=False, include_issued=True,
                       ctx=JobContext())  # fmt: skip
    assert len(again.files) == len(expected) and all(p.parent == folder for p in again.files)
    assert all(t["print_count"] == 2 for t in again.tickets)


def test_cancel_keeps_what_was_issued(cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    service = cu.tickets()
    tickets = service.query(ISSUE, *ALL_YEARS)
    years = [int(t["period_start"][:4]) for t in tickets]
    year = max(set(years), key=years.count)
    assert years.count(year) >= 2
    token = CancelToken()
    seen: list[Any] = []

    def progress(p: Any) -> None:
        seen.append(p)
        if p.phase.startswith("正在开具") and p.done == 1:
            token.cancel()

    result = print_year(service, year, tmp_path, combined=False, include_issued=False,
                        ctx=JobContext(progress, token))  # fmt: skip
    assert result.cancelled and len(result.tickets) == 1 and len(result.files) == 1
    assert result.files[0].exists() and "已取消" in result.summary()
