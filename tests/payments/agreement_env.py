"""A logged-in unit with the bank's code tables, for the 单位三方协议管理 tests: a filled-in form,
the bank's settings and processing through the admin API."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from client.payments.agreement_rules import AgreementForm
from client.payments.agreements import UnitAgreements, tax_authorities
from client.payments.bank_codes import BankCodes
from tests.fees.conftest import FeeUnit

REGION, BANK = "440306", "102"  # 宝安区, 中国工商银行 (the seeded code tables of 深圳)


def service(unit: FeeUnit, **kw: Any) -> UnitAgreements:
    kw.setdefault("poll_seconds", 0.1)
    return UnitAgreements(unit.session.api, unit.session.db, unit.unit_id, **kw)


def codes(unit: FeeUnit) -> BankCodes:
    return BankCodes.load(unit.app.app_db)


def authorities(unit: FeeUnit) -> list[str]:
    return tax_authorities(unit.session.db, unit.session.unit.tax_authority)


def a_form(unit: FeeUnit, number: int = 1, *, allow: bool = True, **changes: Any) -> AgreementForm:
    """A complete form: the unit's own name, an account of its own (`number` tells them apart),
    a 宝安区 branch of 中国工商银行."""
    table = codes(unit)
    branch = table.search_branches("", region_code=REGION, bank_code=BANK, limit=1)[0]
    form = AgreementForm(
        allow_deduction=allow,
        tax_authority=authorities(unit)[0],
        region_code=REGION,
        bank_code=BANK,
        branch_code=branch["code"],
        account_name=unit.session.unit.taxpayer_name,
        account_number=f"6222{zlib.crc32(unit.unit_id.encode()) % 10**9:09d}{number:04d}",
    )
    return replace(form, **changes)


def bank_settings(unit: FeeUnit, **settings: Any) -> dict[str, Any]:
    """Change the simulated bank's settings (any subset); all of them as they are now."""
    return dict(unit.backend.admin_post("bank", settings))


@contextmanager
def bank_delays(unit: FeeUnit, **settings: Any) -> Iterator[None]:
    """The bank with these settings for the block, as before afterwards."""
    before = bank_settings(unit)
    bank_settings(unit, **settings)
    try:
        yield
    finally:
        bank_settings(unit, **{k: before[k] for k in settings if k in before})


def process_bank(unit: FeeUnit) -> dict[str, Any]:
    """Every pending verification (and deduction) of the unit is answered now."""
    return dict(unit.backend.admin_post(f"units/{unit.unit_id}/collect/process"))


def server_agreements(unit: FeeUnit) -> dict[str, dict[str, Any]]:
    """The unit's agreements as the 征收子系统 has them now, by id."""
    answer = unit.session.api.get_json(f"/collect/units/{unit.unit_id}/agreements")
    return {a["agreement_id"]: a for a in answer["agreements"]}
