"""申报密码 rules, login with the daily lockout, password change and bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mock_backend.clock import ServerClock, format_datetime, next_midnight, parse_datetime
from mock_backend.db import Database, driver
from mock_backend.errors import ApiError
from mock_backend.seed.taxpayers import pad_password

MAX_FAILURES = 5
TOKEN_LIFETIME = timedelta(hours=24)
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024

UNIT_COLUMNS = (
    "unit_id, taxpayer_id, taxpayer_name, registered_on, taxpayer_status, unit_type, kind,"
    " region, tax_authority, tax_section"
)
_UNIT_KEYS = [c.strip() for c in UNIT_COLUMNS.split(",")]


def unit_json(row: tuple[Any, ...]) -> dict[str, Any]:
    """A unit as the contract shows it (row selected with UNIT_COLUMNS)."""
    return dict(zip(_UNIT_KEYS, row, strict=True))


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash (N=2^14, r=8, p=1: 16 MiB and a noticeable fraction of a second
    per guess), stored as `scrypt$N$r$p$salt$digest`."""
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
    )


def verify_password(password: str, stored: str) -> bool:
    """Checks a scrypt hash, or a PBKDF2 one written before the switch (still accepted)."""
    try:
        scheme, *fields = stored.split("$")
        if scheme == "scrypt":
            n, r, p, salt, digest = fields
            candidate = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
        elif scheme == "pbkdf2_sha256":
            iterations, salt, digest = fields
            candidate = hashlib.pbkdf2_hmac(
                "sha256", password.encode(), bytes.fromhex(salt), int(iterations)
            )
        else:
            return False
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def initial_passwords(
    raw: sqlite3.Connection, unit_id: str, kind: str, taxpayer_id: str
) -> set[str]:
    """Employer: last 6 of any 单位编号, padded with 0; collector: last 6 of the 纳税人识别号."""
    if kind == "collector":
        return {taxpayer_id[-6:]}
    numbers = raw.execute(
        "SELECT unit_number FROM registrations WHERE unit_id = ?", (unit_id,)
    ).fetchall()
    return {pad_password(n) for (n,) in numbers}


def password_problem(new: str, old: str, initial: set[str]) -> str | None:
    """The broken 申报密码 rule, as a sentence, or None when the new password is acceptable."""
    if not 8 <= len(new) <= 20:
        return "新申报密码长度应为8到20位，请重新设置。"
    if re.search(r"\s", new):
        return "新申报密码不能包含空格，请重新设置。"
    if not re.search(r"[A-Za-z]", new) or not re.search(r"[0-9]", new):
        return "新申报密码必须同时包含字母和数字，请重新设置。"
    if new == old:
        return "新申报密码不能与原申报密码相同，请重新设置。"
    if new in initial:
        return "新申报密码不能使用初始申报密码，请重新设置。"
    return None


@dataclass
class _UnitAuth:
    row: tuple[Any, ...]
    password_hash: str | None
    initial: bool
    kind: str
    taxpayer_id: str


class AuthService:
    def __init__(self, db: Database, clock: ServerClock) -> None:
        self.db = db
        self.clock = clock

    # -- passwords -------------------------------------------------------------------
    def _load(self, raw: sqlite3.Connection, unit_id: str) -> _UnitAuth:
        row = raw.execute(
            f"SELECT {UNIT_COLUMNS}, password_hash, initial_password FROM units WHERE unit_id = ?",
            (unit_id,),
        ).fetchone()
        if row is None:
            raise ApiError(
                404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}，请重新查询参保登记信息后再登录。"
            )
        return _UnitAuth(row[:10], row[10], bool(row[11]), row[6], row[1])

    def _matches(
        self, raw: sqlite3.Connection, unit: _UnitAuth, unit_id: str, password: str
    ) -> bool:
        if unit.initial or unit.password_hash is None:
            return password in initial_passwords(raw, unit_id, unit.kind, unit.taxpayer_id)
        return verify_password(password, unit.password_hash)

    def password_matches(self, raw: sqlite3.Connection, unit_id: str, password: str) -> bool:
        """Whether `password` is the unit's 申报密码 (no counting: 安全认证 keeps its own)."""
        return self._matches(raw, self._load(raw, unit_id), unit_id, password)

    def _check_lock(self, raw: sqlite3.Connection, unit_id: str) -> None:
        row = raw.execute("SELECT locked_until FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
        if row and row[0] and self.clock.now() < parse_datetime(row[0]):
            raise _locked(row[0])

    def _record_failure(self, unit_id: str) -> ApiError:
        """Count a wrong password (today only); lock at the fifth. Returns the error to raise."""
        now = self.clock.now()
        today = now.date().isoformat()
        with self.db.write() as conn:
            raw = driver(conn)
            self._check_lock_or_release(raw, unit_id)
            count = raw.execute(
                "UPDATE units SET failed_attempts = CASE WHEN failed_day = ?"
                " THEN failed_attempts + 1 ELSE 1 END, failed_day = ? WHERE unit_id = ?"
                " RETURNING failed_attempts",
                (today, today, unit_id),
            ).fetchone()[0]
            if count >= MAX_FAILURES:
                until = format_datetime(next_midnight(now))
                raw.execute("UPDATE units SET locked_until = ? WHERE unit_id = ?", (until, unit_id))
                return _locked(until)
        remaining = MAX_FAILURES - count
        return ApiError(
            401,
            "WRONG_PASSWORD",
            f"申报密码错误，今天还可以再试{remaining}次。连续输错{MAX_FAILURES}次，单位将被锁定至次日0时。",
            {"remaining_attempts": remaining},
        )

    def _check_lock_or_release(self, raw: sqlite3.Connection, unit_id: str) -> None:
        row = raw.execute("SELECT locked_until FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
        if row and row[0]:
            if self.clock.now() < parse_datetime(row[0]):
                raise _locked(row[0])
            raw.execute(
                "UPDATE units SET locked_until = NULL, failed_attempts = 0, failed_day = NULL"
                " WHERE unit_id = ?",
                (unit_id,),
            )

    # -- login -----------------------------------------------------------------------
    def login(self, unit_id: str, password: str) -> dict[str, Any]:
        with self.db.read() as conn:
            raw = driver(conn)
            unit = self._load(raw, unit_id)
            self._check_lock(raw, unit_id)
            ok = self._matches(raw, unit, unit_id, password)
        if not ok:
            raise self._record_failure(unit_id)
        now = self.clock.now()
        token = secrets.token_urlsafe(32)
        expires = format_datetime(now + TOKEN_LIFETIME)
        with self.db.write() as conn:
            raw = driver(conn)
            self._check_lock_or_release(raw, unit_id)
            raw.execute(
                "UPDATE units SET failed_attempts = 0, failed_day = NULL WHERE unit_id = ?",
                (unit_id,),
            )
            raw.execute(
                "INSERT INTO sessions (token, unit_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (token_digest(token), unit_id, format_datetime(now), expires),
            )
            raw.execute("DELETE FROM sessions WHERE expires_at < ?", (format_datetime(now),))
        return {
            "token": token,
            "expires_at": expires,
            "initial_password": unit.initial,
            "unit": unit_json(unit.row),
        }

    def change_password(self, unit_id: str, old: str, new: str) -> dict[str, Any]:
        with self.db.read() as conn:
            raw = driver(conn)
            unit = self._load(raw, unit_id)
            self._check_lock(raw, unit_id)
            ok = self._matches(raw, unit, unit_id, old)
            initial = initial_passwords(raw, unit_id, unit.kind, unit.taxpayer_id)
        if not ok:
            error = self._record_failure(unit_id)
            if error.code == "WRONG_PASSWORD":
                error.message = "原申报密码错误，" + error.message.removeprefix("申报密码错误，")
            raise error
        problem = password_problem(new, old, initial)
        if problem:
            raise ApiError(422, "WEAK_PASSWORD", problem, {"rule": problem})
        hashed = hash_password(new)
        with self.db.write() as conn:
            driver(conn).execute(
                "UPDATE units SET password_hash = ?, initial_password = 0, failed_attempts = 0,"
                " failed_day = NULL WHERE unit_id = ?",
                (hashed, unit_id),
            )
        return {"initial_password": False}

    # -- tokens ----------------------------------------------------------------------
    def unit_of_token(self, token: str | None) -> tuple[str, str, str]:
        """(unit_id, kind, region) of a valid token, else 401 TOKEN_INVALID."""
        if token:
            with self.db.read() as conn:
                row = (
                    driver(conn)
                    .execute(
                        "SELECT s.unit_id, u.kind, u.region FROM sessions s"
                        " JOIN units u ON u.unit_id = s.unit_id"
                        " WHERE s.token = ? AND s.expires_at > ?",
                        (token_digest(token), self.clock.now_text()),
                    )
                    .fetchone()
                )
            if row is not None:
                return row[0], row[1], row[2]
        raise ApiError(401, "TOKEN_INVALID", "登录状态已失效或尚未登录，请重新登录后再试。")

    def expire_sessions(self, unit_id: str | None = None) -> int:
        """Admin: every token (of one unit, or of all) stops working now; how many did."""
        now = self.clock.now_text()
        with self.db.write() as conn:
            cursor = driver(conn).execute(
                "UPDATE sessions SET expires_at = ? WHERE expires_at > ?"
                " AND (? IS NULL OR unit_id = ?)",
                (now, now, unit_id, unit_id),
            )
            return int(cursor.rowcount)

    def principal(self, authorization: str | None) -> str:
        """The unit id of an `Authorization: Bearer` header's valid token, else ""."""
        if not authorization or authorization[:7].lower() != "bearer ":
            return ""
        try:
            return self.unit_of_token(authorization[7:].strip())[0]
        except ApiError:
            return ""


def token_digest(token: str) -> str:
    """What the sessions table keeps of a token: its SHA-256 (a copy of the database hands
    out no live token; a token is random, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _locked(until: str) -> ApiError:
    return ApiError(
        423,
        "UNIT_LOCKED",
        f"今天已连续{MAX_FAILURES}次输错申报密码，该单位已被锁定，请于{until}后再登录。",
        {"locked_until": until},
    )
