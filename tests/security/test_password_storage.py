"""The backend keeps 申报密码 only as salted scrypt hashes."""

from __future__ import annotations

import hashlib
import sqlite3

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
