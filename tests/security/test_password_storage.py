"""The backend keeps 申报密码 only as salted scrypt hashes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time

import httpx

from mock_backend.auth import hash_password, verify_password
from mock_backend.config import DATABASE_NAME
from tests.support.backend import BackendServer

NEW_PASSWORD = "Secure2026ab"


def _stored_hash(backend: BackendServer, unit_id: str) -> str:
    conn = sqlite3.connect(f"file:{backend.data_dir / DATABASE_NAME}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT password_hash FROM units WHERE unit_id = ?", (unit_id,))
        return str(row.fetchone()[0])
    finally:
        conn.close()


def test_a_changed_password_is_stored_as_a_salted_scrypt_hash(
    backend: BackendServer, http: httpx.Client
) -> None:
    hashes = []
    for _ in range(2):
        unit = backend.create_taxpayer(employees_per_unit=1)["units"][0]
        unit_id = unit["unit_id"]
        initial = next(u for u in backend.admin_get("units") if u["unit_id"] == unit_id)
        login = http.post(
            "/mgmt/auth/login",
            json={"unit_id": unit_id, "password": initial["initial_password"]},
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        changed = http.post(
            "/mgmt/auth/password",
            json={"old_password": initial["initial_password"], "new_password": NEW_PASSWORD},
            headers=headers,
        )
        assert changed.status_code == 200, changed.text
        stored = _stored_hash(backend, unit_id)
        assert stored.startswith("scrypt$16384$8$1$")
        assert NEW_PASSWORD not in stored
        assert hashlib.sha256(NEW_PASSWORD.encode()).hexdigest() not in stored
        hashes.append(stored)
        again = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": NEW_PASSWORD})
        assert again.status_code == 200
    # Same password, different salts.
    assert hashes[0] != hashes[1]
    assert hashes[0].split("$")[4] != hashes[1].split("$")[4]


def test_hash_checks() -> None:
    stored = hash_password("abc12345")
    assert verify_password("abc12345", stored)
    assert not verify_password("abc12346", stored)
    assert not verify_password("abc12345", "garbage")
    assert not verify_password("abc12345", "md5$abc")
    # A PBKDF2 hash written before the switch still verifies.
    salt = bytes(range(16))
    digest = hashlib.pbkdf2_hmac("sha256", b"abc12345", salt, 60_000).hex()
    assert verify_password("abc12345", f"pbkdf2_sha256$60000${salt.hex()}${digest}")


def _login_digests(backend: BackendServer) -> list[str]:
    conn = sqlite3.connect(f"file:{backend.data_dir / DATABASE_NAME}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT body_hash FROM idempotency WHERE path = '/api/v1/mgmt/auth/login'"
        )
        return [r[0] for r in rows]
    finally:
        conn.close()


def test_tokens_are_kept_only_as_digests(backend: BackendServer, http: httpx.Client) -> None:
    unit = backend.create_taxpayer(employees_per_unit=1)["units"][0]
    initial = next(u for u in backend.admin_get("units") if u["unit_id"] == unit["unit_id"])
    # As the client sends it: with an Idempotency-Key (the answer must not be kept).
    token = http.post(
        "/mgmt/auth/login",
        json={"unit_id": unit["unit_id"], "password": initial["initial_password"]},
        headers={"Idempotency-Key": "login-key-1"},
    ).json()["token"]
    # The answer is stored just after it was sent: wait for the record.
    for _ in range(100):
        if _login_digests(backend):
            break
        time.sleep(0.05)
    data = b"".join(
        p.read_bytes() for p in backend.data_dir.glob(f"{DATABASE_NAME}*") if p.is_file()
    )
    assert token.encode() not in data
    conn = sqlite3.connect(f"file:{backend.data_dir / DATABASE_NAME}?mode=ro", uri=True)
    try:
        kept = {r[0] for r in conn.execute("SELECT token FROM sessions")}
    finally:
        conn.close()
    assert hashlib.sha256(token.encode()).hexdigest() in kept
    # The login's body (with the password) is kept only as a salted scrypt digest, and its
    # answer encrypted: no fast hash of the password, no token.
    digests = _login_digests(backend)
    assert digests and all(d.startswith("scrypt$") for d in digests)
    body = json.dumps(
        {"password": initial["initial_password"], "unit_id": unit["unit_id"]},
        separators=(",", ":"),
    ).encode()
    assert hashlib.sha256(body).hexdigest().encode() not in data
    repeat = http.post(
        "/mgmt/auth/login",
        json={"unit_id": unit["unit_id"], "password": initial["initial_password"]},
        headers={"Idempotency-Key": "login-key-1"},
    )
    assert repeat.headers.get("idempotent-replayed") == "true"
    assert repeat.json()["token"] == token
    answer = http.get(
        f"/mgmt/units/{unit['unit_id']}/registration",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
