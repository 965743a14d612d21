"""费款缴纳 history of the demo units: every unit has a verified 费批扣 三方协议 on an account in
its own name with a large balance and an unverified 所有非批扣 one; its 2026-09 declarations are
paid by 批量扣款 (seed/fees.py calls `pay_by_batch`, already 入库 and 到账); about half of the
employers printed an 电子税务局 bank-counter voucher for their 2026-10 arrears, still unpaid.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable

from mock_backend import agreements, bank, bank_vouchers
from mock_backend.agreement_input import AgreementInput, CheckedAgreement
from mock_backend.arrears import UNPAID, ensure_lines, visible_lines
from mock_backend.bank_codes import BankCodes, bank_codes
from mock_backend.clock import parse_datetime
from mock_backend.fee_money import text_of
from mock_backend.seed.banks import NATIONAL_BANKS
from mock_backend.seed.taxpayers import UnitSpec

AGREED_AT = "2026-08-18 09:30:00"
SECOND_AT = "2026-11-02 14:20:00"
BALANCE = 5_000_000_000  # 分: 50,000,000.00
BATCH_PAID_AT = "2026-09-25 03:00:00"
BATCH_DELAYS = (86_400.0, 2 * 86_400.0)  # 入库 the next day, 到账 two days later
VOUCHER_AT = "2026-10-26 09:40:00"
VOUCHER_CHANNEL = "电子税务局"


def _checked(
    codes: BankCodes,
    rng: random.Random,
    spec: UnitSpec,
    bank_code: str,
    allow_deduction: bool,
) -> CheckedAgreement:
    branch = rng.choice(codes.branches_of(bank_code, spec.district.code))
    account = f"{rng.randrange(1, 10)}{rng.randrange(10**18):018d}"
    form = AgreementInput(
        allow_deduction=allow_deduction,
        tax_authority=spec.tax_authority,
        region_code=spec.district.code,
        bank_code=bank_code,
        branch_code=branch.code,
        account_name=spec.taxpayer_name,
        account_number=account,
    )
    return CheckedAgreement(form, codes.banks[bank_code], branch)


def seed_agreements(raw: sqlite3.Connection, specs: Iterable[UnitSpec]) -> None:
    """Two agreements per unit: 验证通过 费批扣 (its account funded) and 未验证 所有非批扣."""
    for spec in specs:
        rng = random.Random(f"agreements:{spec.unit_id}")
        codes = bank_codes(raw, spec.region.code)
        first, second = rng.sample([code for code, _, _ in NATIONAL_BANKS], 2)
        paying = _checked(codes, rng, spec, first, allow_deduction=True)
        agreements.insert(
            raw, spec.unit_id, spec.region.code, paying, parse_datetime(AGREED_AT),
            agreements.FEE_DEDUCTION, agreements.VERIFIED,
        )  # fmt: skip
        form = paying.form
        bank.put_account(raw, form.account_number, form.account_name, text_of(BALANCE), bank.NORMAL)
        spare = _checked(codes, rng, spec, second, allow_deduction=False)
        agreements.insert(
            raw, spec.unit_id, spec.region.code, spare, parse_datetime(SECOND_AT),
            agreements.NO_DEDUCTION, agreements.UNVERIFIED,
        )  # fmt: skip


def seed_vouchers(raw: sqlite3.Connection, specs: Iterable[UnitSpec]) -> None:
    """Every other demo employer printed an 电子税务局 voucher of its unpaid 2026-10 arrears."""
    employers = [spec for spec in specs if spec.kind == "employer" and spec.records > 0]
    for position, spec in enumerate(employers):
        if position % 2:
            continue
        ensure_lines(raw, spec.unit_id)
        lines = visible_lines(
            raw, spec.unit_id, "l.period_start = ? AND l.state = ?", ("2026-10", UNPAID)
        )
        if not lines:
            continue
        paying = agreements.deduction_agreement(raw, spec.unit_id)
        payer = None
        if paying is not None and position % 4 == 0:
            payer = {"name": spec.taxpayer_name, "account": paying.account_number,
                     "bank_name": paying.branch_name}  # fmt: skip
        bank_vouchers.issue(
            raw, spec.unit_id, lines, payer, parse_datetime(VOUCHER_AT), VOUCHER_CHANNEL
        )
