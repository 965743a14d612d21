"""The simulated bank: its settings (how long a deduction, a verification, 入库 and 到账 take,
the balance of an account it opens) and its accounts with balance, status and a pending lost
answer (the next deduction ends 锁定; whether it really deducted shows only at 解锁)."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, replace
from typing import Any

import orjson

from mock_backend.errors import ApiError
from mock_backend.fee_money import cents_of, text_of

SETTINGS_KEY = "bank_settings"
NORMAL = "正常"
FROZEN = "冻结"
CLOSED = "销户"
ACCOUNT_STATUSES = (NORMAL, FROZEN, CLOSED)
INSUFFICIENT = "账户余额不足"
FROZEN_REASON = "账户已冻结或止付"
CLOSED_REASON = "账户已销户"


@dataclass(frozen=True)
class BankSettings:
    deduct_delay_seconds: float = 5.0
    verify_delay_seconds: float = 5.0
    store_delay_seconds: float = 60.0
    arrive_delay_seconds: float = 120.0
    default_balance: int = 1_000_000_000  # 分: 10,000,000.00

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "default_balance": text_of(self.default_balance)}


DEFAULT_SETTINGS = BankSettings()


def load_settings(raw: sqlite3.Connection) -> BankSettings:
    row = raw.execute("SELECT value FROM meta WHERE key = ?", (SETTINGS_KEY,)).fetchone()
    if row is None:
        return DEFAULT_SETTINGS
    stored = orjson.loads(row[0])
    known = {k: v for k, v in stored.items() if k in BankSettings.__dataclass_fields__}
    return replace(DEFAULT_SETTINGS, **known)


def update_settings(raw: sqlite3.Connection, changes: dict[str, Any]) -> BankSettings:
    """Apply any subset of the settings (delays in seconds ≥ 0, `default_balance` an amount)."""
    settings = load_settings(raw)
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "default_balance":
            values[key] = _amount(value, "default_balance")
        else:
            values[key] = float(value)
    settings = replace(settings, **values)
    raw.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SETTINGS_KEY, orjson.dumps(asdict(settings)).decode()),
    )
    return settings


def _amount(value: Any, name: str) -> int:
    try:
        cents = cents_of(str(value))
    except ArithmeticError:
        cents = -1
    if not isinstance(value, str) or cents < 0:
        raise ApiError(422, "VALIDATION_ERROR", f'{name}应为不小于0的金额字符串（如"100.00"）。')
    return cents


@dataclass(frozen=True)
class Account:
    account: str
    name: str
    balance: int
    status: str
    lose_next: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "name": self.name,
            "balance": text_of(self.balance),
            "status": self.status,
        }

    @property
    def refusal(self) -> str | None:
        """Why the bank refuses any deduction or verification on the account, if it does."""
        return {CLOSED: CLOSED_REASON, FROZEN: FROZEN_REASON}.get(self.status)


def masked(account_number: str) -> str:
    return "*****" + account_number[-4:]


def get_account(raw: sqlite3.Connection, account: str) -> Account | None:
    row = raw.execute(
        "SELECT account, name, balance, status, lose_next FROM bank_accounts WHERE account = ?",
        (account,),
    ).fetchone()
    if row is None:
        return None
    return Account(row[0], row[1], row[2], row[3], None if row[4] is None else bool(row[4]))


def account_or_404(raw: sqlite3.Connection, account: str) -> Account:
    found = get_account(raw, account)
    if found is None:
        raise ApiError(
            404, "ACCOUNT_NOT_FOUND", f"模拟银行没有账户{account}。", {"account": account}
        )
    return found


def put_account(
    raw: sqlite3.Connection, account: str, name: str, balance: Any, status: str
) -> Account:
    """Create or replace an account (admin)."""
    if not account or not name:
        raise ApiError(422, "VALIDATION_ERROR", "账号和户名不能为空。")
    if status not in ACCOUNT_STATUSES:
        raise ApiError(422, "VALIDATION_ERROR", f"账户状态应为{'、'.join(ACCOUNT_STATUSES)}之一。")
    cents = _amount(balance, "balance")
    raw.execute(
        "INSERT OR REPLACE INTO bank_accounts (account, name, balance, status, lose_next)"
        " VALUES (?, ?, ?, ?, NULL)",
        (account, name, cents, status),
    )
    return Account(account, name, cents, status, None)


def open_account(raw: sqlite3.Connection, account: str, name: str) -> Account:
    """The account, opened with the default balance if the bank does not know it yet."""
    found = get_account(raw, account)
    if found is not None:
        return found
    balance = load_settings(raw).default_balance
    raw.execute(
        "INSERT INTO bank_accounts (account, name, balance, status, lose_next)"
        " VALUES (?, ?, ?, ?, NULL)",
        (account, name, balance, NORMAL),
    )
    return Account(account, name, balance, NORMAL, None)


def lose_next(raw: sqlite3.Connection, account: str, deducted: bool) -> Account:
    """Admin: the next deduction on the account loses its answer (ends 锁定)."""
    found = account_or_404(raw, account)
    raw.execute("UPDATE bank_accounts SET lose_next = ? WHERE account = ?", (deducted, account))
    return replace(found, lose_next=deducted)


def take_lost(raw: sqlite3.Connection, account: Account) -> bool | None:
    """The pending lost outcome of the account (cleared), or None."""
    if account.lose_next is not None:
        raw.execute(
            "UPDATE bank_accounts SET lose_next = NULL WHERE account = ?", (account.account,)
        )
    return account.lose_next


def debit(raw: sqlite3.Connection, account: str, cents: int) -> None:
    raw.execute(
        "UPDATE bank_accounts SET balance = balance - ? WHERE account = ?", (cents, account)
    )
