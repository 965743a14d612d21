"""The second half of a village agent's work in one walk (issue 13's "Done when"), pytest-qt
against the real backend, on one 代收单位 (成都, 税务自主) and one local database, through the
pages the main window opens, in the manual's order: residents' fees declared (代收代报（自主）);
费款缴纳-缴费 pays one by 三方协议, a deduction the bank lost is 锁定 then 解除锁定 (扣费失败), the
rest by 银行端凭证 (its PDF read back) paid at the bank counter; after 入库 the unit's
税收完税证明（非印刷）开具; a resident pays her own 养老 fee by the QR code (decoded with zbarimg,
its URL followed on the "phone") and her 个人税收完税证明（非印刷） is issued; her 社保费缴费证明
is printed (PDF read back) and nothing is owed any more; 缴费授权: a 批扣费额 set for two
residents, a bank account added, a 两两协议 signed for one of them on 他人账户 with the SMS code read
through the admin API; the bank's 批扣清册 run (admin); 作废 of the 扣款失败 row, and a row that
became 扣款成功 refused.

The residents are three made through the admin API (tests/authorisation/people.py), insured in
养老 and 成年居民医保 since 2020, so the walk never depends on the random demo residents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from client.authorisation.agreements import SAVED as AGREEMENT_SAVED
from client.documents.amount_words import amount_in_words
from client.payments.rules import LOCKED, PAID, PAY_FAILED, total
from client.ui.authorisation.accounts_page import SAVED as ACCOUNT_SAVED
from client.ui.authorisation.accounts_page import AccountsPage
from client.ui.authorisation.agreements_page import AgreementsPage
from client.ui.authorisation.amounts_page import AmountSettingsPage
from client.ui.authorisation.rolls_page import DeductionRollsPage
from client.ui.certificates.proofs_page import ResidentProofPage
from client.ui.certificates.tickets_page import IssueCertificatePage, PersonalIssueCertificatePage
from client.ui.payments.pay_page import FeePaymentPage
from client.ui.payments.records_pages import PaymentRecordsPage, VoucherRecordsPage
from client.ui.personal_payment.pay_page import PersonalPayPage
from tests.authorisation.people import pension_residents, run_roll, set_state
from tests.authorisation.test_accounts_page import new_account, pick_branch, to_second_step
from tests.authorisation.test_accounts_page import open_dialog as open_account_dialog
from tests.authorisation.test_agreements_page import fill_bank, new_phone, send_code
from tests.authorisation.test_agreements_page import first_step as agreement_first_step
from tests.authorisation.test_agreements_page import open_dialog as open_agreement_dialog
from tests.authorisation.test_agreements_page import save as save_agreement
from tests.authorisation.test_amounts_page import first_step as amount_first_step
from tests.authorisation.test_rolls_page import ask as ask_rolls
from tests.backend.resident_unit import new_id_number
from tests.certificates.test_collector_certificates import adds_up, print_row
from tests.certificates.test_collector_certificates import query as query_tickets
from tests.collector.collector_pages import open_page, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare
from tests.collector.test_collector_payment_pages import (
    BALANCE,
    balance,
    enter_password,
    pay_ticked,
    row_of,
    verified_agreement,
)
from tests.collector.test_resident_proof import ask as ask_proof
from tests.collector.test_resident_proof import grade_of
from tests.personal_payment.test_personal_payment_pages import choose_and_confirm, grade_amount
from tests.personal_payment.walk import ask as ask_personal
from tests.personal_payment.walk import read_qr, scan_and_pay
from tests.support.pdf import compact, needs_poppler, pdf_text

MEDICAL = "102110001"  # 城乡居民基本医疗保险 of adults
PENSION = "102100001"  # 城乡居民基本养老保险
OWN_GRADE = "05"  # the 养老 档次 the resident pays herself


@needs_poppler
def test_the_second_half_of_an_agents_work(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SHEBAOFEI_PAY_POLL_MS", "200")  # the QR dialog asks every 200 ms
    cu = collector_unit
    cu.backend.bank_settings(deduct_delay_seconds=0, verify_delay_seconds=0)
    a, b, c = pension_residents(cu)
    cu.sync()  # 城乡居民参保信息更新 brings the three to this computer

    # -- 社保费代收代报（自主）: 医保 of last year for a (paid by the bank's 批量扣款), 医保 of this
    # year for a, b and c (one declaration each, so one 欠费 each)
    last_year = grade_of(cu, MEDICAL, YEAR - 1)
    declare(cu, [dict(a, levy_category=MEDICAL, year=YEAR - 1, grade=last_year)], pay=True)
    medical = grade_of(cu, MEDICAL, YEAR)
    declared = {
        who: declare(cu, [dict(p, levy_category=MEDICAL, grade=medical)])[0]
        for who, p in (("a", a), ("b", b), ("c", c))
    }

    # -- 费款缴纳-缴费: the three 欠费, one per declaration, 未缴费
    account = "6222020200019999"
    agreement = verified_agreement(cu, account)
    pay = open_page(qtbot, cu, FeePaymentPage)
    wait_ok(qtbot, pay.handle)
    lines = {ln["declaration_id"]: ln for ln in pay.service.arrears.lines()}
    assert set(lines) == set(declared.values())
    assert {ln["state"] for ln in lines.values()} == {"未缴费"}
    line = {who: lines[d]["line_id"] for who, d in declared.items()}
    amount = {who: Decimal(lines[d]["amount"]) for who, d in declared.items()}
    assert pay.list.total == 3

    # 三方协议缴费 of a's 医保 → 缴费成功, deducted once, gone from the list
    pay_ticked(qtbot, pay, [line["a"]], agreement)
    assert [x["status"] for x in pay.last_result] == [PAID]
    assert "缴费成功1笔" in pay.prompts.last.text
    assert balance(cu, account) == BALANCE - amount["a"]
    assert line["a"] not in {r["line_id"] for r in pay.list.rows}

    # the bank loses b's deduction: 锁定, shown as such, and 立即缴费 refuses it
    cu.backend.lose_next_deduction(account, deducted=False)
    pay_ticked(qtbot, pay, [line["b"]], agreement)
    assert [x["status"] for x in pay.last_result] == [LOCKED]
    assert "【解除锁定】" in pay.prompts.last.text
    assert shown(pay, row_of(pay, line["b"]), "state") == LOCKED
    pay.list.model.clear_checks()
    pay.pay_now([line["b"]])
    assert pay.prompts.last.kind == "error" and "【解除锁定】" in pay.prompts.last.text

    # 解除锁定: 安全认证 → 扣费失败 (the bank took nothing) → payable again
    pay.list.model.clear_checks()
    pay.list.model.set_keys_checked([line["b"]])
    pay.unlock_ticked()
    enter_password(qtbot, pay)
    qtbot.waitUntil(lambda: bool(pay.last_result) and pay.last_result[0].get("status") != LOCKED,
                    timeout=30_000)  # fmt: skip
    assert [x["status"] for x in pay.last_result] == [PAY_FAILED]
    assert "扣费失败" in pay.prompts.last.text
    assert shown(pay, row_of(pay, line["b"]), "state") == "扣费失败"
    assert balance(cu, account) == BALANCE - amount["a"]

    # 银行端凭证缴费 of b's and c's (every 顺序缴费 欠费 left, as one voucher must hold): the
    # print preview of the voucher, its PDF read back
    pay_ticked(qtbot, pay, [line["b"], line["c"]], None)
    issued = pay.last_result
    assert pay.preview is not None and pay.preview.isVisible()
    assert Path(issued.pdf).is_file()
    owed = amount["b"] + amount["c"]
    assert total(r["amount"] for r in issued.voucher["rows"]) == owed
    text = compact(pdf_text(issued.pdf))
    assert issued.voucher["serial"] in text and f"{owed:,.2f}" in text
    pay.preview.close()

    # the bank counter takes the voucher: nothing is owed any more; 缴费凭证打印记录 and
    # 三方协议缴费记录 say what was paid
    cu.backend.pay_bank_voucher(cu.unit_id, issued.voucher["voucher_id"])
    wait_ok(qtbot, pay.fetch())
    assert pay.list.total == 0
    vouchers = open_page(qtbot, cu, VoucherRecordsPage)
    wait_ok(qtbot, vouchers.sync_range(f"{YEAR}-01", f"{YEAR}-12"))
    assert vouchers.list.total == 1 and shown(vouchers, 0, "status") == "已缴款"
    records = open_page(qtbot, cu, PaymentRecordsPage)
    records.list.query()
    assert sorted(shown(records, i, "status") for i in range(records.list.total)) == sorted(
        [PAID, PAY_FAILED]
    )

    # -- 税收完税证明（非印刷）开具 after 入库: the unit's tickets hold what the agent paid
    assert cu.backend.process_arrivals(cu.unit_id) > 0
    issue = open_page(qtbot, cu, IssueCertificatePage)
    assert issue.list.total == 0  # 默认展示空列表
    query_tickets(qtbot, issue)
    assert issue.list.total > 0
    tickets = [dict(r) for r in issue.list.rows]
    assert {r["taxpayer_id"] for r in tickets} == {cu.taxpayer_id}
    assert {shown(issue, i, "status") for i in range(issue.list.total)} == {"未开具"}
    agent_paid = sum(amount.values()) + grade_amount_of(cu, MEDICAL, YEAR - 1, last_year)
    assert sum(Decimal(t["amount"]) for t in tickets) == agent_paid
    ticket = tickets[0]
    saved = print_row(qtbot, issue, ticket, tmp_path)
    assert saved.name == f"税收完税证明_{ticket['e_ticket_number']}.pdf"
    text = compact(pdf_text(saved))
    assert ticket["e_ticket_number"] in text and "第1次打印" in text and cu.taxpayer_id in text
    adds_up(saved, ticket)
    assert ticket["ticket_id"] not in {r["ticket_id"] for r in issue.list.rows}

    # -- 城乡居民个人缴费-社保费缴纳（自主）: 养老 of this year declared for a, and she pays it
    # herself by scanning the QR code
    (own,) = declare(cu, [dict(a, levy_category=PENSION, grade=OWN_GRADE)])
    own_amount = grade_amount(cu, OWN_GRADE)
    wait_ok(qtbot, pay.fetch())
    assert [r["declaration_id"] for r in pay.list.rows] == [own]  # the agent sees it owed
    personal = open_page(qtbot, cu, PersonalPayPage)
    ask_personal(personal, a)
    wait_ok(qtbot, personal.handle)
    qtbot.waitUntil(lambda: personal.list.total == 1)
    assert shown(personal, 0, "amount") == f"{own_amount:,.2f}"
    assert shown(personal, 0, "year") == str(YEAR)
    personal.list.set_checked(0)
    wait_ok(qtbot, choose_and_confirm(qtbot, personal, "微信"))
    qtbot.waitUntil(lambda: personal.payment_dialog is not None)
    dialog = personal.payment_dialog
    assert dialog.order["state"] == "待支付" and dialog.order["method"] == "微信"
    assert dialog.amount.text() == f"缴费金额: {own_amount:,.2f} 元"
    url = read_qr(dialog, tmp_path)
    assert url == dialog.order_url
    assert scan_and_pay(url).status_code == 200
    qtbot.waitUntil(lambda: dialog.settled, timeout=20_000)
    assert dialog.state.text() == "订单状态: 支付成功"
    assert dialog.result.text() == "缴费成功，款项已支付。"
    qtbot.waitUntil(lambda: personal.handle.done and personal.list.total == 0)
    dialog.btn_close.click()

    # -- 个人税收完税证明（非印刷）开具: a is the 纳税人 of what she paid herself, and only that
    assert cu.backend.process_arrivals(cu.unit_id) > 0
    mine = open_page(qtbot, cu, PersonalIssueCertificatePage)
    query_tickets(qtbot, mine, name="", id_number=b["id_number"])  # the agent paid for b
    assert mine.list.total == 0 and "没有需要开具的个人完税证明" in mine.prompts.last.text
    query_tickets(qtbot, mine, name="", id_number=a["id_number"])
    assert mine.list.total == 1
    own_ticket = dict(mine.list.rows[0])
    assert (own_ticket["taxpayer_id"], own_ticket["taxpayer_name"]) == (a["id_number"], a["name"])
    assert Decimal(own_ticket["amount"]) == own_amount
    saved = print_row(qtbot, mine, own_ticket, tmp_path)
    assert saved.name == f"个人税收完税证明_{a['name']}_{own_ticket['e_ticket_number']}.pdf"
    text = compact(pdf_text(saved))
    assert a["id_number"] in text and a["name"] in text and "第1次打印" in text
    assert "城乡居民基本养老保险" in text
    adds_up(saved, own_ticket)

    # -- 社保费缴费证明打印: a's 缴费年度 YEAR-1..YEAR, every part she has paid, read back
    proof = open_page(qtbot, cu, ResidentProofPage)
    ask_proof(qtbot, proof, a, (YEAR - 1, YEAR))
    found = proof.found
    assert found is not None and found.empty_code is None
    assert proof.list.total == len(found.rows) == 3  # 医保 YEAR-1, 医保 YEAR, 养老 YEAR
    assert sorted(r["period"] for r in found.rows) == [str(YEAR - 1), str(YEAR), str(YEAR)]
    paid_by_a = sum((Decimal(r["amount"]) for r in found.rows), Decimal("0.00"))
    assert paid_by_a == found.total == agent_paid - amount["b"] - amount["c"] + own_amount
    proof.list.model.set_keys_checked([r["row_key"] for r in found.rows])
    wait_ok(qtbot, proof.print_checked())
    assert proof.preview is not None and proof.preview.isVisible()
    text = compact(pdf_text(proof.preview.pdf_path))
    assert "社会保险费缴费证明（城乡居民）" in text
    assert a["name"] in text and a["id_number"] in text
    assert f"{YEAR - 1}至{YEAR}缴费年度" in text
    assert f"{own_amount:,.2f}" in text and amount_in_words(paid_by_a) in text
    proof.preview.close()

    # nothing is owed any more: 获取欠费信息 again on the 缴费 page
    wait_ok(qtbot, pay.fetch())
    assert pay.list.total == 0

    # -- 缴费授权-社保费批扣费额设置: 养老 of YEAR for b (保存并继续) and c (保存)
    amounts = open_page(qtbot, cu, AmountSettingsPage)
    qtbot.waitUntil(lambda: not amounts.list.loading)
    setting = amounts.add()
    amount_first_step(qtbot, setting, b)
    assert setting.stack.currentIndex() == 1 and setting.shown["name"].text() == b["name"]
    setting.choose(YEAR, "500")
    wait_ok(qtbot, setting.save(keep_going=True))
    assert setting.stack.currentIndex() == 0 and "保存成功" in setting.facts.message
    amount_first_step(qtbot, setting, c)
    setting.choose(YEAR, "300")
    wait_ok(qtbot, setting.save(keep_going=False))
    assert not setting.isVisible()
    assert amounts.prompts.last.text == (
        f"保存成功：{c['name']}{YEAR}年度城乡居民基本养老保险批扣缴费金额300.00元。"
    )
    qtbot.waitUntil(lambda: amounts.list.total == 2 and not amounts.list.loading)
    settings = {
        shown(amounts, i, "name"): (shown(amounts, i, "amount"), shown(amounts, i, "state"))
        for i in range(2)
    }
    assert settings == {b["name"]: ("500.00", "有效"), c["name"]: ("300.00", "有效")}

    # -- 缴费授权-居民银行账户管理: b's own account, 首选缴费账户
    accounts = open_page(qtbot, cu, AccountsPage)
    adding = open_account_dialog(qtbot, accounts)
    to_second_step(qtbot, adding, b)
    chosen = pick_branch(adding)
    number = new_account()
    adding.edit_account_number.setText(number)
    adding.combo_nature.setCurrentIndex(1)
    adding.set_flags(True, True, False)
    adding.btn_save.click()
    wait_ok(qtbot, accounts.handle)
    assert ACCOUNT_SAVED in accounts.prompts.texts()
    assert adding.saved is not None and adding.saved["branch_code"] == chosen["branch_code"]
    wait_ok(qtbot, accounts.handle)  # the 查询 after saving
    qtbot.waitUntil(lambda: accounts.list.total == 1)
    assert (
        shown(accounts, 0, "name") == b["name"] and shown(accounts, 0, "account_number") == number
    )
    assert shown(accounts, 0, "preferred_flag") == "是"

    # -- 缴费授权-居民两两协议签订: b's fee deducted from 王大山's account (他人账户), SMS code
    agreements = open_page(qtbot, cu, AgreementsPage)
    signing = open_agreement_dialog(qtbot, agreements)
    agreement_first_step(qtbot, signing, b, other=True)
    holder_account, phone, holder_number = new_account(), new_phone(), new_id_number()
    fill_bank(signing, holder_account)
    signing.edit_holder_name.setText("王大山")
    signing.edit_holder_number.setText(holder_number)
    signing.edit_phone.setText(phone)
    sms = send_code(qtbot, cu, agreements, signing)  # what the holder's phone received
    assert phone[-4:] in signing.label_code_hint.text()
    signing.edit_sms_code.setText(sms["code"])
    signing.check_consent.setChecked(True)
    save_agreement(qtbot, agreements, signing)
    assert signing.saved is not None and AGREEMENT_SAVED in agreements.prompts.texts()
    wait_ok(qtbot, agreements.handle)  # the 查询 after saving
    qtbot.waitUntil(lambda: agreements.list.total == 1)
    signed = agreements.source.all_rows[0]
    assert (signed["account_type"], signed["holder_name"], signed["state"]) == (
        "他人账户", "王大山", "有效",
    )  # fmt: skip
    assert shown(agreements, 0, "account_masked") == "*****" + holder_account[-4:]
    assert shown(agreements, 0, "allow_deduction") == "允许代扣"

    # -- 缴费授权-社保费批扣清册查询: the bank's 清册 (admin run): b with an agreement is
    # 已生成待扣款, c without one 扣款失败
    made = run_roll(cu)
    assert made["created"] == 2 and made["failed"] == 1
    rolls = open_page(qtbot, cu, DeductionRollsPage)
    assert rolls.list.total == 0  # empty on open
    ask_rolls(qtbot, rolls, period=(f"{YEAR}-01", f"{YEAR}-12"))
    assert rolls.list.total == 2
    at = {r["id_number"]: i for i, r in enumerate(rolls.list.rows)}
    row_b, row_c = (rolls.list.rows[at[p["id_number"]]]["row_id"] for p in (b, c))
    assert shown(rolls, at[b["id_number"]], "state") == "已生成待扣款"
    assert shown(rolls, at[b["id_number"]], "amount") == "500.00"
    assert shown(rolls, at[c["id_number"]], "state") == "扣款失败"
    assert shown(rolls, at[c["id_number"]], "failure_reason") == "未签订有效的两两协议"

    # 作废 of the 扣款失败 row, as the table allows
    assert [x.key for x in rolls.list.model.visible_actions(at[c["id_number"]])] == ["view", "void"]
    rolls.list.trigger_row_action(at[c["id_number"]], "void")
    wait_ok(qtbot, rolls.handle)
    assert rolls.prompts.texts()[-2].startswith("是否确定作废此批扣清册信息")
    assert rolls.prompts.last.text.startswith("作废成功")
    qtbot.waitUntil(lambda: not rolls.list.loading
                    and shown(rolls, at[c["id_number"]], "voided") == "已作废")  # fmt: skip
    assert [x.key for x in rolls.list.model.visible_actions(at[c["id_number"]])] == ["view"]

    # b's row: the bank deducts it after the list was read; 作废 is refused in one sentence
    assert "void" in [x.key for x in rolls.list.model.visible_actions(at[b["id_number"]])]
    set_state(cu, row_b, "扣款成功")
    rolls.list.trigger_row_action(at[b["id_number"]], "void")
    wait(qtbot, rolls.handle)
    assert rolls.prompts.last.text == "该批扣清册已扣款成功，不能作废。"
    qtbot.waitUntil(lambda: not rolls.list.loading
                    and shown(rolls, at[b["id_number"]], "state") == "扣款成功")  # fmt: skip
    assert shown(rolls, at[b["id_number"]], "voided") == "未作废"
    assert [x.key for x in rolls.list.model.visible_actions(at[b["id_number"]])] == ["view"]
    assert row_c != row_b


def grade_amount_of(cu: CollectorUnit, category: str, year: int, grade: str) -> Decimal:
    """The 缴费金额 of a 档次 in the region's resident_grades rule file."""
    return next(
        Decimal(e["amount"])
        for e in cu.app.app_db.rule_file("resident_grades")["entries"]
        if e["year"] == year and e["levy_category"] == category and e["grade"] == grade
    )
