"""The 代收单位's 社保费完税证明 pages under pytest-qt against the real backend (manual §3.13, §3.14,
§3.24–§3.26): residents' 代收代报（自主） fees, one paid by the resident herself, the other by the
agent, 入库 → the unit's 税收完税证明 开具 then 补开 (第2次打印); the resident's 个人税收完税证明 开具
and 补开 with the resident as 纳税人, a voided one named as not reissuable (the other resident has
none); 查验 of a personal ticket matches, a changed amount does not."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from client.certificates.rules import (
    NAME_OR_NUMBER,
    VOIDED_NOTICE,
    CertificateError,
    person_query,
)
from client.collector.module import DESCRIPTOR
from client.documents import pdf_fonts
from client.documents.tax_certificate import TaxCertificate, qr_payload
from client.ui.certificates.tickets_page import (
    IssueCertificatePage,
    PersonalIssueCertificatePage,
    PersonalReissueCertificatePage,
    ReissueCertificatePage,
)
from client.ui.certificates.verify_page import VerifyCertificatePage
from tests.collector.collector_pages import open_page, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit, make_collector  # noqa: F401
from tests.collector.declaring import YEAR, declare, insured_residents
from tests.support.pdf import compact, money, needs_poppler, pdf_text, pdffonts

PENSION = "102100001"
ALL_YEARS = ("2000-01", "2099-12")
ROW = re.compile(r"(\d{4}-\d\d-\d\d)至(\d{4}-\d\d-\d\d)\s+(\d{4}-\d\d-\d\d)\s+([\d,]+\.\d\d)")


def pay_self(cu: CollectorUnit, who: dict[str, Any]) -> None:
    """The resident pays their pending 自主 rows themself (城乡居民个人缴费 on the wire: an order,
    then the payer confirms on the page its QR code opens)."""
    path = f"/collect/units/{cu.unit_id}"
    facts = {k: who[k] for k in ("name", "id_type", "id_number")}
    rows = cu.session.api.get_json(f"{path}/personal-payments/pending", mode="self", **facts)
    assert rows["rows"]
    order = cu.session.api.post_json(f"{path}/personal-orders", {
        "mode": "self", **facts, "method": "微信", "row_ids": [r["row_id"] for r in rows["rows"]],
    })  # fmt: skip
    with httpx.Client(trust_env=False, timeout=30) as phone:
        paid = phone.post(f"{order['pay_url']}/confirm", data={"result": "success"})
    assert paid.status_code == 200 and "支付成功" in paid.text


@pytest.fixture
def paid_collector(make_collector: Callable[..., CollectorUnit]) -> CollectorUnit:  # noqa: F811
    """A 代收单位 whose first two 养老-insured residents are declared (自主申报) for the year: the
    first pays herself, the agent pays for the second; both 入库."""
    cu = make_collector(residents=40)
    grade = next(e["grade"] for e in cu.app.app_db.rule_file("resident_grades")["entries"]
                 if e["year"] == YEAR and e["levy_category"] == PENSION)  # fmt: skip
    people = insured_residents(cu, PENSION)[:2]
    assert len(people) == 2
    ids = declare(cu, [p | {"levy_category": PENSION, "grade": grade} for p in people])
    pay_self(cu, people[0])
    for declaration_id in ids:
        cu.backend.pay_fee_declaration(cu.unit_id, declaration_id)
    assert cu.backend.process_arrivals(cu.unit_id) > 0
    cu.created["people"] = people
    return cu


def query(qtbot: Any, page: Any, **conditions: str) -> None:
    page.list.set_condition("period", ALL_YEARS)
    for key, value in conditions.items():
        page.list.set_condition(key, value)
    qtbot.mouseClick(page.list.btn_query, Qt.MouseButton.LeftButton)
    wait(qtbot, page.handle)


def print_row(qtbot: Any, page: Any, row: dict[str, Any], folder: Path) -> Path:
    page.save_path_provider = lambda name: str(folder / name)
    page.print_row(dict(row))
    wait_ok(qtbot, page.handle)
    assert page.last_saved is not None and page.last_saved.exists()
    return page.last_saved


def adds_up(path: Path, ticket: dict[str, Any]) -> None:
    """The PDF's rows add up to its ¥ 合计, which is the ticket's amount, in words too."""
    text = pdf_text(path)
    rows = [money(m[-1]) for m in ROW.findall(text)]
    assert len(rows) == len(ticket["rows"])
    total = re.search(r"¥([\d,]+\.\d\d)", text)
    assert total is not None and money(total.group(1)) == sum(rows) == Decimal(ticket["amount"])
    assert f"人民币{ticket['amount_in_words']}" in compact(text)


def font_embedded(path: Path) -> None:
    if not pdf_fonts.cjk_font().embedded:
        pytest.skip("no TrueType CJK font on this machine; PDFs fall back to STSong-Light")
    fonts = pdffonts(path)
    assert fonts and all(row[-5:-2] == ["yes", "yes", "yes"] for row in fonts), fonts


def test_person_conditions_are_checked_before_asking() -> None:
    assert person_query(" 王芳 ", "01", None) == {
        "name": "王芳",
        "id_type": "01",
        "id_number": None,
    }
    number = "11010519491231002x"
    assert person_query("", "01", number)["id_number"] == number.upper()
    for name, id_type, id_number, field, sentence in (
        ("", "01", "  ", "name", NAME_OR_NUMBER),
        (None, "01", "110105194912310021", "id_number", "校验位"),
        (None, "01", "1101051949", "id_number", "应为18位"),
        ("王芳", "03", "E 123", "id_number", "不含空格"),
    ):
        with pytest.raises(CertificateError) as refused:
            person_query(name, id_type, id_number)
        assert refused.value.field == field and sentence in refused.value.message


def test_menu_lists_the_five_pages() -> None:
    (group,) = [g for g in DESCRIPTOR.menu if getattr(g, "title", "") == "社保费完税证明"]
    assert [e.key for e in group.children] == [
        "cert_issue", "cert_reissue", "cert_verify", "cert_person_issue", "cert_person_reissue"
    ]  # fmt: skip


@needs_poppler
def test_unit_ticket_issue_then_reissue(
    qtbot: Any, paid_collector: CollectorUnit, tmp_path: Path
) -> None:
    cu = paid_collector
    issue = open_page(qtbot, cu, IssueCertificatePage)
    assert issue.list.total == 0  # 默认展示空列表
    query(qtbot, issue)
    assert issue.list.total > 0 and shown(issue, 0, "status") == "未开具"
    row = dict(issue.list.rows[0])
    assert row["taxpayer_id"] == cu.taxpayer_id
    saved = print_row(qtbot, issue, row, tmp_path)
    assert saved.name == f"税收完税证明_{row['e_ticket_number']}.pdf"
    text = compact(pdf_text(saved))
    assert row["e_ticket_number"] in text and "第1次打印" in text and cu.taxpayer_id in text
    adds_up(saved, row)
    font_embedded(saved)
    assert row["ticket_id"] not in {r["ticket_id"] for r in issue.list.rows}

    reissue = open_page(qtbot, cu, ReissueCertificatePage)
    query(qtbot, reissue)
    index = next(i for i, r in enumerate(reissue.list.rows) if r["ticket_id"] == row["ticket_id"])
    assert shown(reissue, index, "print_count") == "1"
    again = print_row(qtbot, reissue, reissue.list.rows[index], tmp_path)
    assert again.name.endswith("_第2次打印.pdf") and "第2次打印" in compact(pdf_text(again))
    assert shown(reissue, index, "print_count") == "2"


@needs_poppler
def test_personal_ticket_issue_reissue_void_and_verify(
    qtbot: Any, paid_collector: CollectorUnit, tmp_path: Path
) -> None:
    cu = paid_collector
    person, other = cu.created["people"]
    issue = open_page(qtbot, cu, PersonalIssueCertificatePage)
    assert issue.list.total == 0
    query(qtbot, issue)  # neither 姓名 nor 证件号码: said, nothing asked
    assert issue.prompts.last.text == NAME_OR_NUMBER
    bad = person["id_number"][:17] + ("0" if person["id_number"][17] != "0" else "1")
    query(qtbot, issue, id_number=bad)
    assert "校验位" in issue.prompts.last.text and issue.list.total == 0
    query(qtbot, issue, name="不是本单位的人", id_number="")
    assert "未查询到本代收单位的该城乡居民" in issue.prompts.last.text

    query(qtbot, issue, name="", id_number=other["id_number"])  # the agent paid for him
    assert issue.list.total == 0 and "没有需要开具的个人完税证明" in issue.prompts.last.text
    query(qtbot, issue, name="", id_number=person["id_number"])
    assert issue.list.total >= 1
    rows = [dict(r) for r in issue.list.rows]
    assert {(r["taxpayer_id"], r["taxpayer_name"]) for r in rows} == {
        (person["id_number"], person["name"])
    }
    assert shown(issue, 0, "taxpayer_name") == person["name"]
    assert shown(issue, 0, "id_type") == "居民身份证"
    row = rows[0]
    saved = print_row(qtbot, issue, row, tmp_path)
    assert saved.name == f"个人税收完税证明_{person['name']}_{row['e_ticket_number']}.pdf"
    text = pdf_text(saved)
    flat = compact(text)
    assert re.search(rf"纳税人识别号\s+{person['id_number']}\s+纳税人名称\s+{person['name']}", text)
    assert "第1次打印" in flat and "城乡居民基本养老保险" in flat and "代收单位" in flat
    assert other["id_number"] not in flat
    adds_up(saved, row)
    font_embedded(saved)
    assert row["ticket_id"] not in {r["ticket_id"] for r in issue.list.rows}

    reissue = open_page(qtbot, cu, PersonalReissueCertificatePage)
    query(qtbot, reissue, name=person["name"])
    index = next(i for i, r in enumerate(reissue.list.rows) if r["ticket_id"] == row["ticket_id"])
    assert shown(reissue, index, "print_count") == "1"
    again = print_row(qtbot, reissue, reissue.list.rows[index], tmp_path)
    assert again.name.endswith("_第2次打印.pdf") and "第2次打印" in compact(pdf_text(again))
    assert shown(reissue, index, "print_count") == "2"

    # 查验 of the personal ticket: the 证件号码 is its 纳税人识别号
    verify = open_page(qtbot, cu, VerifyCertificatePage)
    for key in ("taxpayer_id", "taxpayer_name", "e_ticket_number", "region_code", "amount"):
        verify.set_field(key, str(row[key]))
    verify.query()
    wait_ok(qtbot, verify.handle)
    assert verify.result.match and verify.result_labels["status"].text() == "已开具"
    assert verify.result_labels["taxpayer_id"].text() == person["id_number"]
    verify.set_field("amount", str(Decimal(row["amount"]) + Decimal("0.01")))
    verify.query()
    wait_ok(qtbot, verify.handle)
    assert not verify.result.match and "未查询到" in verify.label_message.text()
    # 扫码录入 of the printed ticket's QR code finds it too
    verify.reset()
    fresh = next(r for r in reissue.list.rows if r["ticket_id"] == row["ticket_id"])
    verify.edit_scan.setText(qr_payload(TaxCertificate.from_wire(fresh)))
    assert verify.fill_from_scan() and verify.form()["taxpayer_id"] == person["id_number"]
    verify.query()
    wait_ok(qtbot, verify.handle)
    assert verify.result.match

    # voided by the tax office: listed with the manual's sentence, not reissuable
    cu.backend.admin_post(
        f"units/{cu.unit_id}/personal-tax-certificates/{row['ticket_id']}/void",
        {"voided_by": "王五", "reason": "票证信息有误"},
    )
    query(qtbot, reissue, name="", id_number=person["id_number"])
    notice = reissue.prompts.last.text
    assert notice.startswith(VOIDED_NOTICE) and "王五" in notice and "票证信息有误" in notice
    index = next(i for i, r in enumerate(reissue.list.rows) if r["ticket_id"] == row["ticket_id"])
    assert shown(reissue, index, "status") == "已作废"
    assert not reissue.list.spec.row_actions[0].visible(reissue.list.rows[index])
