"""人工录入账户账号信息 (manual §2.11 2.1)): payer accounts typed in for 银行端凭证缴费, kept in the
unit database and offered in the list the next time (most recently used first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from client.payments.rules import PayerAccountInput, PaymentRuleError, mask_account
from client.storage.payment_models import PayerAccount
from client.storage.unit_db import UnitDatabase

PAYERS = PayerAccount.__table__


class PayerAccounts:
    def __init__(self, db: UnitDatabase) -> None:
        self.db = db

    def all(self) -> list[dict[str, Any]]:
        c = PAYERS.c
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(PAYERS).order_by(c.last_used_at.desc().nulls_last(), c.id.desc())
            ).all()
        return [dict(r._mapping) for r in rows]

    def save(self, payer: PayerAccountInput) -> dict[str, Any]:
        """保存: check the three fields, keep the account (once), return it."""
        problem = payer.problem()
        if problem:
            raise PaymentRuleError("BAD_PAYER", problem)
        clean = payer.cleaned()
        c = PAYERS.c
        with self.db.write() as conn:
            found = conn.execute(
                select(PAYERS).where(
                    c.name == clean.name, c.account == clean.account, c.bank_name == clean.bank_name
                )
            ).first()
            if found is None:
                conn.execute(
                    PAYERS.insert().values(
                        name=clean.name,
                        account=clean.account,
                        bank_name=clean.bank_name,
                        created_at=datetime.now(),
                        last_used_at=datetime.now(),
                    )  # fmt: skip
                )
            else:
                conn.execute(
                    PAYERS.update().where(c.id == found.id).values(last_used_at=datetime.now())
                )
            row = conn.execute(
                select(PAYERS).where(
                    c.name == clean.name, c.account == clean.account, c.bank_name == clean.bank_name
                )
            ).one()
        return dict(row._mapping)

    def used(self, payer: PayerAccountInput) -> None:
        self.save(payer)


def payer_label(row: dict[str, Any]) -> str:
    return f"{row['name']} {row['bank_name']}（{mask_account(row['account'])}）"
