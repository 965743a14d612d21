"""短信验证码 of a 两两协议 on a 他人账户 (manual §3.19 二、2. 10)): the 短信平台 sends a six-digit
code to the holder's 手机号码; it is valid for five minutes and used once. A phone gets a new
code at most once a minute (the client counts down 60 s). Nothing is really sent: the admin API
reads the last code, as a tester reads a phone."""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mock_backend.clock import CST, format_datetime
from mock_backend.errors import ApiError

VALID_SECONDS = 300
RESEND_SECONDS = 60
PHONE = re.compile(r"1[3-9]\d{9}")

BAD_PHONE = "手机号码应为11位数字的中国大陆手机号码，请核对持卡人在银行预留的手机号码。"
TOO_OFTEN = "验证码已发送，请{seconds}秒后再重新获取。"
NO_CODE = "请先点击【获取验证码】，再填写手机收到的短信验证码。"
WRONG_CODE = "短信验证码不正确，请核对手机收到的验证码后重新输入。"
EXPIRED_CODE = "短信验证码已过期（有效期5分钟），请重新获取验证码。"


def checked_phone(phone: str | None) -> str:
    value = (phone or "").strip()
    if not value:
        raise ApiError(422, "VALIDATION_ERROR", "请填写手机号码。", {"field": "phone"})
    if not PHONE.fullmatch(value):
        raise ApiError(422, "BAD_PHONE", BAD_PHONE, {"field": "phone"})
    return value


@dataclass(frozen=True)
class SmsCode:
    code_id: int
    phone: str
    code: str
    issued_at: float
    expires_at: float
    used: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "phone": self.phone,
            "code": self.code,
            "issued_at": _text(self.issued_at),
            "expires_at": _text(self.expires_at),
            "used": self.used,
        }


def _text(timestamp: float) -> str:
    return format_datetime(datetime.fromtimestamp(timestamp, CST))


def _latest(raw: sqlite3.Connection, phone: str, unit_id: str | None) -> SmsCode | None:
    where, args = "phone = ?", [phone]
    if unit_id is not None:
        where += " AND unit_id = ?"
        args.append(unit_id)
    row = raw.execute(
        "SELECT id, phone, code, issued_at, expires_at, used FROM authorisation_sms_codes"
        f" WHERE {where} ORDER BY id DESC LIMIT 1",
        args,
    ).fetchone()
    return None if row is None else SmsCode(*row[:5], bool(row[5]))


def issue_code(raw: sqlite3.Connection, unit_id: str, phone: str | None, now: float) -> SmsCode:
    """A new code for the phone (the old one no longer counts), unless one went out less than
    a minute ago."""
    phone = checked_phone(phone)
    last = _latest(raw, phone, unit_id)
    if last is not None and now - last.issued_at < RESEND_SECONDS:
        wait = max(1, int(RESEND_SECONDS - (now - last.issued_at) + 0.999))
        raise ApiError(429, "SMS_TOO_OFTEN", TOO_OFTEN.format(seconds=wait), {"retry_after": wait})
    code = f"{secrets.randbelow(10**6):06d}"
    cursor = raw.execute(
        "INSERT INTO authorisation_sms_codes (unit_id, phone, code, issued_at, expires_at, used)"
        " VALUES (?, ?, ?, ?, ?, 0)",
        (unit_id, phone, code, now, now + VALID_SECONDS),
    )
    return SmsCode(int(cursor.lastrowid or 0), phone, code, now, now + VALID_SECONDS, False)


def check_code(
    raw: sqlite3.Connection, unit_id: str, phone: str, code: str | None, now: float
) -> SmsCode:
    """The phone's last code when `code` is it and still valid; else 422 with the sentence
    that says which (none asked for, wrong, expired)."""
    typed = (code or "").strip()
    if not typed:
        raise ApiError(422, "VALIDATION_ERROR", "请填写短信验证码。", {"field": "sms_code"})
    last = _latest(raw, phone, unit_id)
    if last is None or last.used:
        raise ApiError(422, "SMS_CODE_MISSING", NO_CODE, {"field": "sms_code"})
    if not secrets.compare_digest(typed, last.code):
        raise ApiError(422, "SMS_CODE_WRONG", WRONG_CODE, {"field": "sms_code"})
    if now > last.expires_at:
        raise ApiError(422, "SMS_CODE_EXPIRED", EXPIRED_CODE, {"field": "sms_code"})
    return last


def use_code(raw: sqlite3.Connection, code: SmsCode) -> None:
    raw.execute("UPDATE authorisation_sms_codes SET used = 1 WHERE id = ?", (code.code_id,))


def latest_code(raw: sqlite3.Connection, phone: str) -> dict[str, Any]:
    """Admin: the last code sent to the phone (any unit), or 404."""
    found = _latest(raw, (phone or "").strip(), None)
    if found is None:
        raise ApiError(
            404, "SMS_CODE_NOT_FOUND", f"没有向手机号码{phone}发送过验证码。", {"phone": phone}
        )
    return found.to_json()
