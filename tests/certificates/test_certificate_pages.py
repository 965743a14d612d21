"""The 证明打印 pages under pytest-qt against the real backend: pay → 入库 → 开具 (the PDF read
back) → 开具 again refused → 补开 prints a second time → 查验 of the issued ticket matches (typed
and scanned from its QR payload), a changed amount does not, 预览 shows it read-only → 职工 and
单位缴费证明 print and export; the voided-ticket notice of 补开; 按年度开具."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from client.certificates.rules import VOIDED_NOTICE
from tests.certificates.conftest import ALL_YEARS, CertUnit
from tests.fees.test_fee_pages import Pages, shown
from tests.support.pdf import compact, pdf_text


def query(p: Pages, page: Any, period: tuple[str, str] = ALL_YEARS) -> None:
    page.list.set_condition("period", period)
    p.qtbot.mouseClick(page.list.btn_query, Qt.MouseButton.LeftButton)
    p.wait(page)


def test_issue_reissue_verify_from_the_pages(qtbot: Any, cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    p = Pages(qtbot, cu.unit)
    issue = p.open_page("cert_issue")
    assert issue.list.total == 0  # 默认展示空列表
    query(p, issue)
    assert issue.list.total > 0
    row = dict(issue.list.rows[0])
    assert shown(issue, 0, "status") == "未开具"
    # a folder that cannot take the file: said before anything is issued
    issue.save_path_provider = lambda name: str(tmp_path / "gone" / name)
    issue.print_row(row)
    qtbot.waitUntil(lambda: issue.handle.done, timeout=20_000)
    assert "无法保存到所选位置" in p.prompts.last.text
    assert shown(issue, 0, "status") == "未开具" and issue.last_saved is None
    issue.save_path_provider = lambda name: str(tmp_path / name)
    issue.print_row(row)
    p.wait(issue)
    saved = issue.last_saved
    assert saved is not None and saved.name == f"税收完税证明_{row['e_ticket_number']}.pdf"
    text = compact(pdf_text(saved))
    assert row["e_ticket_number"] in text and "第1次打印" in text
    assert row["amount_in_words"] in text
    assert "已保存到" in p.prompts.last.text
    assert row["ticket_id"] not in {r["ticket_id"] for r in issue.list.rows}
    # 开具 again (a stale row): refused with the way to 补开, nothing saved
    issue.save_path_provider = lambda name: str(tmp_path / "again.pdf")
    issue.print_row(row)
    qtbot.waitUntil(lambda: issue.handle.done, timeout=20_000)
    assert "补开" in p.prompts.last.text and not (tmp_path / "again.pdf").exists()

    reissue = p.open_page("cert_reissue")
    query(p, reissue)
    index = next(i for i, r in enumerate(reissue.list.rows) if r["ticket_id"] == row["ticket_id"])
    assert shown(reissue, index, "print_count") == "1"
    reissue.save_path_provider = lambda name: str(tmp_path / name)
    reissue.print_row(reissue.list.rows[index])
    p.wait(reissue)
    assert "第2次打印" in compact(pdf_text(reissue.last_saved))
    index = next(i for i, r in enumerate(reissue.list.rows) if r["ticket_id"] == row["ticket_id"])
    assert shown(reissue, index, "print_count") == "2"

    verify = p.open_page("cert_verify")
    verify.query()  # nothing typed: the first required field is named
    assert verify.label_error.text() == "请填写纳税人识别号。" and verify.handle is None
    for key in ("taxpayer_id", "taxpayer_name", "e_ticket_number", "region_code", "amount"):
        verify.set_field(key, str(row[key]))
    verify.query()
    p.wait(verify)
    assert verify.result.match and verify.result_labels["status"].text() == "已开具"
    assert verify.result_labels["e_ticket_number"].text() == row["e_ticket_number"]
    preview = verify.show_preview()
    assert preview is not None and not preview.btn_print.isVisible() and preview.page_count == 1
    preview.close()
    verify.set_field("amount", str(Decimal(row["amount"]) + 1))
    verify.query()
    p.wait(verify)
    assert not verify.result.match and "未查询到" in verify.label_message.text()
    assert not verify.btn_preview.isEnabled()
    # 重置 then 扫码录入 with the ticket's QR payload fills every field
    verify.reset()
    assert verify.form()["taxpayer_id"] == ""
    from client.documents.tax_certificate import TaxCertificate, qr_payload

    verify.edit_scan.setText(qr_payload(TaxCertificate.from_wire(verify_ticket(cu, row))))
    assert verify.fill_from_scan()
    verify.query()
    p.wait(verify)
    assert verify.result.match


def verify_ticket(cu: CertUnit, row: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in cu.tickets().query("reissue", *ALL_YEARS)
                if t["ticket_id"] == row["ticket_id"])  # fmt: skip


def test_reissue_names_voided_tickets(qtbot: Any, cert_unit: Any) -> None:
    cu: CertUnit = cert_unit()
    first = cu.tickets().query("issue", *ALL_YEARS)[0]
    cu.backend.void_tax_certificate(cu.unit_id, first["ticket_id"], "王五", "票证信息有误")
    p = Pages(qtbot, cu.unit)
    page = p.open_page("cert_reissue")
    query(p, page)
    assert p.prompts.last.text.startswith(VOIDED_NOTICE)
    assert "王五" in p.prompts.last.text and "票证信息有误" in p.prompts.last.text
    index = next(i for i, r in enumerate(page.list.rows) if r["ticket_id"] == first["ticket_id"])
    assert shown(page, index, "status") == "已作废"
    assert not page.list.spec.row_actions[0].visible(page.list.rows[index])


def test_payment_proofs_print_and_export(qtbot: Any, cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    p = Pages(qtbot, cu.unit)
    person = cu.paid_employee()
    page = p.open_page("proof_employee")
    page.list.set_condition("name", person["name"])
    page.list.set_condition("id_type", person["id_type"])
    page.list.set_condition("id_number", person["id_number"])
    query(p, page)
    assert page.list.total > 0 and page.found.empty_code is None
    total = page.found.total
    assert f"{total:,.2f}" in page.list.summary_label.text()
    assert page.print_checked() is None  # nothing ticked: 职工 needs ticks
    assert p.prompts.last.text == "请先勾选需要打印的缴费清单。"
    page.list.model.set_keys_checked([r["row_key"] for r in page.found.rows])
    page.print_checked()
    p.wait(page)
    assert page.preview is not None and page.preview.page_count >= 1
    text = compact(pdf_text(page.preview.pdf_path))
    assert person["name"] in text and f"{total:,.2f}" in text
    page.preview.close()
    target = tmp_path / "职工缴费清单.xlsx"
    page.list.save_path_provider = lambda _name: str(target)
    page.list.export_selected()
    qtbot.waitUntil(lambda: page.list.last_export is not None and page.list.last_export.done,
                    timeout=20_000)  # fmt: skip
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    amounts = [
        row[header.index("实缴金额（元）")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(amounts) == len(page.found.rows)
    assert sum(Decimal(str(a)) for a in amounts) == total

    # not registered: the reasons of the manual
    page.list.set_condition("name", "查无此人")
    query(p, page)
    assert page.list.total == 0 and "未查询到该人员的参保登记信息" in p.prompts.last.text
    assert "缴纳的费款未入库" in p.prompts.last.text

    unit_page = p.open_page("proof_unit")
    query(p, unit_page)
    assert unit_page.list.total > 0
    # the columns of §2.17 图 打印页面, in its order; 费款所属期起止 in one column
    titles = [c.title for c in unit_page.list.spec.columns]
    assert titles[:7] == ["费款征收机关", "社保经办机构", "单位编号", "征收项目", "征收品目",
                          "征收子目", "费款所属期起止"]  # fmt: skip
    first = unit_page.found.rows[0]
    assert shown(unit_page, 0, "period") == f"{first['period_start']}至{first['period_end']}"
    unit_page.print_checked()  # 单位: all rows when none is ticked
    p.wait(unit_page)
    text = compact(pdf_text(unit_page.preview.pdf_path))
    assert f"{unit_page.found.total:,.2f}" in text
    unit_page.preview.close()


def test_year_from_the_issue_page(qtbot: Any, cert_unit: Any, tmp_path: Path) -> None:
    cu: CertUnit = cert_unit()
    tickets = cu.tickets().query("issue", *ALL_YEARS)
    year = int(tickets[0]["period_start"][:4])
    p = Pages(qtbot, cu.unit)
    page = p.open_page("cert_issue")
    dialog = page.open_year()
    dialog.spin_year.setValue(year)
    dialog.radio_combined.setChecked(True)
    dialog.path_provider = lambda combined, name: str(tmp_path / name)
    dialog._confirm()
    p.wait(page)
    result = page.year_result
    assert result is not None and result.files == [tmp_path / f"税收完税证明_{year}年.pdf"]
    assert result.files[0].exists() and "共开具" in p.prompts.last.text
