"""代收单位 menu part: 费款缴纳 (缴费, 缴费凭证打印记录, 三方协议缴费记录) and 社保费缴费证明打印 (manual §3.9–§3.12).

The pages are the ones the 用人单位 uses (client/ui/payments, client/ui/certificates); they word
themselves for the 代收单位 from the session's module (client/payments/wording.py: 三方协议缴费记录,
解除锁定 on the 缴费 page) and ResidentProofPage asks by 缴费年度. Only entries whose page works
end to end are listed; client/collector/module.py places them.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

PAY_PAGES = "client.ui.payments"
CERT_PAGES = "client.ui.certificates"

PAYMENT_MENU: tuple[MenuEntry | MenuGroup, ...] = (
    MenuGroup(
        "费款缴纳",
        (
            MenuEntry("fee_payment", "缴费", f"{PAY_PAGES}.pay_page:FeePaymentPage"),
            MenuEntry(
                "fee_voucher_records",
                "缴费凭证打印记录",
                f"{PAY_PAGES}.records_pages:VoucherRecordsPage",
            ),
            MenuEntry(
                "fee_payment_records",
                "三方协议缴费记录",
                f"{PAY_PAGES}.records_pages:PaymentRecordsPage",
            ),
        ),
    ),
    MenuEntry(
        "proof_resident", "社保费缴费证明打印", f"{CERT_PAGES}.proofs_page:ResidentProofPage"
    ),
)
