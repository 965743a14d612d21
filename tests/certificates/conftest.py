"""A logged-in unit on the real backend whose declarations are paid and 入库, so it has
税收完税证明 tickets and a 缴费清单; the certificate services of its session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from client.certificates.proofs import EMPLOYEE, PaymentProofs
from client.certificates.tickets import TaxCertificates
from client.fees.journal import FeeJournal
from tests.fees.conftest import FeeUnit, fee_unit, insured_normally  # noqa: F401
from tests.payments.conftest import PayUnit, declare_everything, pay_unit  # noqa: F401

ALL_YEARS = ("2000-01", "2099-12")


@dataclass
class CertUnit:
    pay: PayUnit

    @property
    def unit(self) -> FeeUnit:
        return self.pay.unit

    @property
    def unit_id(self) -> str:
        return self.pay.unit_id

    @property
    def backend(self) -> Any:
        return self.pay.backend

    @property
    def api(self) -> Any:
        return self.pay.api

    def journal(self) -> FeeJournal:
        return FeeJournal(self.unit.session.db)

    def tickets(self) -> TaxCertificates:
        s = self.unit.session
        return TaxCertificates(s.api, s.db, self.unit_id, self.journal())

    def proofs(self) -> PaymentProofs:
        s = self.unit.session
        taxpayer = (s.unit.taxpayer_id, s.unit.taxpayer_name)
        return PaymentProofs(s.api, self.unit_id, taxpayer, self.journal())

    def paid_employee(self) -> dict[str, Any]:
        """An employee the 缴费清单 has rows for (not every one pays every item)."""
        proofs = self.proofs()
        for person in self.employees():
            found = proofs.query(EMPLOYEE, *ALL_YEARS, person["name"], person["id_type"],
                                 person["id_number"])  # fmt: skip
            if found.rows:
                return person
        raise AssertionError("no employee has paid rows")

    def employees(self) -> list[dict[str, Any]]:
        with self.unit.session.db.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.exec_driver_sql(
                "SELECT name, id_type, id_number FROM employees ORDER BY id")]  # fmt: skip


def pay_and_store(pu: PayUnit) -> None:
    """Every declaration paid (批量扣款) and 入库 now."""
    for declaration_id in pu.declarations:
        pu.backend.pay_fee_declaration(pu.unit_id, declaration_id)
    pu.backend.process_arrivals(pu.unit_id)


@pytest.fixture
def cert_unit(pay_unit: Callable[..., PayUnit]) -> Callable[..., CertUnit]:  # noqa: F811
    def make(employees: int = 8, stored: bool = True, **kw: Any) -> CertUnit:
        pu = pay_unit(employees=employees, **kw)
        if stored:
            pay_and_store(pu)
        return CertUnit(pu)

    return make
