"""Every backend endpoint that names a unit refuses another unit's token, and changes nothing.

The routes are enumerated from the application itself (not listed here), so a route that
another part adds later is attacked too.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_backend.app import create_app
from mock_backend.config import DATABASE_NAME, Settings
from tests.support.backend import BackendServer

# Tables a refused request may legitimately touch: logins of the test itself, the
# idempotency records of its own requests.
VOLATILE_TABLES = {"sessions", "idempotency"}
UNIT_PARAMS = ("unit_id",)


def _walk(routes: list[Any]) -> Iterator[Any]:
    """Routes with a dependant, also inside included routers (FastAPI ≥ 0.160 nests them)."""
    for route in routes:
        if hasattr(route, "effective_candidates"):
            yield from _walk(route.effective_candidates())
        elif hasattr(route, "dependant") and getattr(route, "methods", None):
            yield route


def unit_routes(tmp_path: Path) -> list[tuple[str, str]]:
    """(method, path) of every non-admin route whose path names a unit."""
    app = create_app(Settings(data_dir=tmp_path, seed="none", admin=True))
    found = set()
    for route in _walk(app.routes):
        path = route.path
        if path.startswith("/api/v1/admin") or not path.startswith("/api/"):
            continue
        if not any(f"{{{name}}}" in path for name in UNIT_PARAMS):
            continue
        for method in route.methods:
            if method in {"HEAD", "OPTIONS"}:
                continue
            found.add((method, path))
    return sorted(found)


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    return unit_routes(tmp_path_factory.mktemp("routes"))


def _fill(path: str, unit_id: str) -> str:
    """The path with the unit and a harmless placeholder for every other parameter."""
    out = path.replace("{unit_id}", unit_id)
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        name = out[start + 1 : end]
        value = "employees" if name == "feed" else "X000001"
        out = out[:start] + value + out[end + 1 :]
    return out.removeprefix("/api/v1")


def _login(http: httpx.Client, unit: dict[str, Any]) -> dict[str, str]:
    response = http.post(
        "/mgmt/auth/login", json={"unit_id": unit["unit_id"], "password": unit["initial_password"]}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def fingerprint(data_dir: Path) -> dict[str, str]:
    """A digest of every table's rows (but the volatile ones), read through SQLite."""
    conn = sqlite3.connect(f"file:{data_dir / DATABASE_NAME}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if name not in VOLATILE_TABLES
        ]
        out = {}
        for table in tables:
            total, count = 0, 0  # order-free: a sum of row digests (some tables lack rowid)
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                total += int.from_bytes(
                    hashlib.blake2b(repr(row).encode(), digest_size=16).digest()
                )
                count += 1
            out[table] = f"{count}:{total:x}"
        return out
    finally:
        conn.close()


def _units(backend: BackendServer) -> dict[str, dict[str, Any]]:
    """Two employers and two collectors of different taxpayers (fresh, small)."""
    made = {}
    for name, kind in (("employer_a", "employer"), ("employer_b", "employer"),
                       ("collector_a", "collector"), ("collector_b", "collector")):  # fmt: skip
        taxpayer = backend.create_taxpayer(
            kind=kind,
            employees_per_unit=3 if kind == "employer" else 0,
            residents_per_unit=3 if kind == "collector" else 0,
        )
        unit_id = taxpayer["units"][0]["unit_id"]
        made[name] = next(u for u in backend.admin_get("units") if u["unit_id"] == unit_id)
    return made


def _call(http: httpx.Client, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    if method in {"POST", "PUT", "PATCH"}:
        return http.request(method, path, json={}, headers=headers)
    return http.request(method, path, headers=headers)


def _chinese(response: httpx.Response) -> str:
    error = response.json()["error"]
    message = str(error["message"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


def test_the_enumeration_finds_the_unit_routes(routes: list[tuple[str, str]]) -> None:
    paths = {path for _, path in routes}
    # A sample of what must be there; the test attacks whatever else is found as well.
    assert "/api/v1/mgmt/units/{unit_id}/{feed}/changes" in paths
    assert "/api/v1/mgmt/units/{unit_id}/fee-declarations" in paths
    assert "/api/v1/collect/units/{unit_id}/payments" in paths
    assert len(routes) >= 60


def test_every_unit_route_refuses_another_units_token(
    backend: BackendServer, http: httpx.Client, routes: list[tuple[str, str]]
) -> None:
    units = _units(backend)
    tokens = {name: _login(http, unit) for name, unit in units.items()}
    # Attack pairs: an employer against the other employer and a collector, and back.
    pairs = [("employer_a", "employer_b"), ("employer_a", "collector_b"),
             ("collector_a", "collector_b"), ("collector_a", "employer_b")]  # fmt: skip
    before = fingerprint(backend.data_dir)
    leaks = []
    for attacker, victim in pairs:
        victim_id = units[victim]["unit_id"]
        for method, template in routes:
            path = _fill(template, victim_id)
            response = _call(http, method, path, tokens[attacker])
            if response.status_code not in (403, 404):
                leaks.append(f"{attacker}→{victim} {method} {template}: {response.status_code}")
                continue
            message = _chinese(response)
            if victim_id in response.text and response.status_code == 404:
                # A 404 may name the path's unit; it must not hand out the victim's data.
                assert "records" not in response.json()
            assert message
    assert leaks == []
    assert fingerprint(backend.data_dir) == before


def test_every_unit_route_refuses_no_token(
    backend: BackendServer, http: httpx.Client, routes: list[tuple[str, str]]
) -> None:
    victim = _units(backend)["employer_b"]["unit_id"]
    before = fingerprint(backend.data_dir)
    bad = []
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        for method, template in routes:
            response = _call(http, method, _fill(template, victim), headers)
            if response.status_code != 401:
                bad.append(f"{method} {template}: {response.status_code}")
                continue
            assert response.json()["error"]["code"] == "TOKEN_INVALID"
            _chinese(response)
    assert bad == []
    assert fingerprint(backend.data_dir) == before


def test_a_stored_answer_is_not_replayed_to_another_unit(
    backend: BackendServer, http: httpx.Client, routes: list[tuple[str, str]]
) -> None:
    """The victim's own POST/PUT under a request key; the attacker repeats it, key and all."""
    units = _units(backend)
    victim_token = _login(http, units["collector_b"])
    victim_id = units["collector_b"]["unit_id"]
    attackers = [_login(http, units["employer_a"]), {}]
    writes = [(m, p) for m, p in routes if m in {"POST", "PUT"}]
    keys = {}
    for method, template in writes:
        path = _fill(template, victim_id)
        keys[(method, path)] = key = uuid.uuid4().hex
        http.request(method, path, json={}, headers={**victim_token, "Idempotency-Key": key})
    before = fingerprint(backend.data_dir)
    replayed = []
    for attacker in attackers:
        for (method, path), key in keys.items():
            response = http.request(
                method, path, json={}, headers={**attacker, "Idempotency-Key": key}
            )
            if response.headers.get("idempotent-replayed") or response.status_code not in (
                401,
                403,
                404,
            ):
                replayed.append(f"{method} {path}: {response.status_code}")
    assert replayed == []
    assert fingerprint(backend.data_dir) == before
    # The victim itself, with a new token, still gets its stored answer (retries survive a
    # new login).
    again = _login(http, units["collector_b"])
    (method, path), key = next(iter(keys.items()))
    response = http.request(method, path, json={}, headers={**again, "Idempotency-Key": key})
    assert response.headers.get("idempotent-replayed") == "true"


def _values_of(payload: Any, key: str) -> list[str]:
    """Every value of `key` anywhere in a JSON answer (objects, lists, field/record pages)."""
    found: list[str] = []
    if isinstance(payload, dict):
        fields = payload.get("fields")
        records = payload.get("records")
        if isinstance(fields, list) and key in fields and isinstance(records, list):
            index = fields.index(key)
            found += [str(r[index]) for r in records if isinstance(r, list) and r[index]]
        for name, value in payload.items():
            if name == key and isinstance(value, str | int) and value:
                found.append(str(value))
            else:
                found += _values_of(value, key)
    elif isinstance(payload, list):
        for value in payload:
            found += _values_of(value, key)
    return found


def test_another_units_records_are_not_reached_through_ones_own_path(
    backend: BackendServer, http: httpx.Client, routes: list[tuple[str, str]]
) -> None:
    """The demo units hold declarations, agreements, deductions, vouchers …: each record id
    that a unit's own list shows is tried by another unit under that unit's own path."""
    all_units = backend.admin_get("units")
    attackers = _units(backend)
    route_set = set(routes)
    tried = 0
    leaks = []
    for kind in ("employer", "collector"):
        victim = next(u for u in all_units if u["kind"] == kind and u["unit_id"] <= "U000020")
        victim_token = _login(http, victim)
        attacker = attackers[f"{kind}_a"]
        attacker_token = _login(http, attacker)
        plan = []
        for method, template in routes:
            params = [p.split("}")[0] for p in template.split("{")[1:]]
            extra = [p for p in params if p not in ("unit_id", "feed")]
            if len(extra) != 1:
                continue
            name = extra[0]
            listing = template.split(f"/{{{name}}}")[0]
            if ("GET", listing) not in route_set:
                continue
            own = http.get(_fill(listing, victim["unit_id"]), headers=victim_token)
            if own.status_code != 200:
                continue
            ids = _values_of(own.json(), name)
            if not ids:
                continue
            plan.append((method, template, name, ids[0], listing))
        # The attacker's own lists first: reading them may bring its own data up to date
        # (fee items are made when first asked for), which is not an effect of the attack.
        for listing in {p[4] for p in plan}:
            http.get(_fill(listing, attacker["unit_id"]), headers=attacker_token)
        before = fingerprint(backend.data_dir)
        for method, template, name, record_id, _listing in plan:
            path = _fill(template.replace(f"{{{name}}}", record_id), attacker["unit_id"])
            response = _call(http, method, path, attacker_token)
            tried += 1
            told = victim["unit_id"] in response.text or victim["taxpayer_name"] in response.text
            if response.is_success or told:
                leaks.append(f"{kind} {method} {template} {record_id}: {response.status_code}")
        assert fingerprint(backend.data_dir) == before
    assert leaks == []
    assert tried >= 10  # declarations, agreements, deductions, vouchers … of the demo units
