"""The 银行端查询缴税凭证 PDF of a voucher kept locally: written once, when first printed on
this computer, then shown as saved (manual §2.12: 重新打印 never draws it again)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from client.documents.bank_voucher_pdf import BankVoucherDocument, VoucherRow, write_bank_voucher
from client.documents.fee_form_pdf import DocumentError
from client.payments.rules import money

TITLE = "银行端查询缴税凭证"


def voucher_path(folder: Path, serial: str) -> Path:
    safe = "".join(ch for ch in serial if ch.isalnum())
    return folder / f"{TITLE}_{safe}.pdf"


def document(voucher: dict[str, Any], rows: list[dict[str, Any]]) -> BankVoucherDocument:
    issued = datetime.strptime(str(voucher["issued_at"])[:10], "%Y-%m-%d").date()
    return BankVoucherDocument(
        serial=voucher["serial"],
        issued_on=issued,
        taxpayer_id=voucher["taxpayer_id"],
        taxpayer_name=voucher["taxpayer_name"],
        tax_authority_code=voucher.get("tax_authority_code") or "",
        tax_authority_name=voucher.get("tax_authority_name") or "",
        deadline=date.fromisoformat(str(voucher["deadline"])),
        rows=[
            VoucherRow(r["levy_item_name"], r["levy_category_name"], money(r["amount"]))
            for r in rows
        ],
        payer_name=voucher.get("payer_name") or "",
        payer_account=voucher.get("payer_account") or "",
        payer_bank=voucher.get("payer_bank") or "",
    )


def write_voucher(folder: Path, voucher: dict[str, Any], rows: list[dict[str, Any]]) -> Path:
    """Write the PDF (atomically) and return its path; its 金额合计 is the sum of its rows and
    must equal the voucher's amount, else no file is made."""
    doc = document(voucher, rows)
    if doc.total != money(voucher["amount"]):
        raise DocumentError(f"凭证金额合计{doc.total}与各行之和不一致，未生成凭证，请同步后重试。")
    folder.mkdir(parents=True, exist_ok=True)
    return write_bank_voucher(doc, voucher_path(folder, voucher["serial"]))
