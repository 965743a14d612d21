"""Public endpoints, registration lookup, initial passwords, lockout, password change, tokens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx

from tests.backend.conftest import error_of, login
from tests.support.backend import BackendServer


def test_health_time_regions(http: httpx.Client) -> None:
    health = http.get("/health")
    assert health.json()["status"] == "ok" and health.json()["version"]
    server_time = health.headers["X-Server-Time"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", server_time)
    now = http.get("/time").json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", now["now"])
    assert now["now"].startswith(now["today"])
    regions = {r["code"]: r for r in http.get("/regions").json()["regions"]}
    assert set(regions) == {"440300", "330100", "510100", "440100"}
    assert regions["440300"] == {
        "code": "440300",
        "name": "深圳市",
        "employer_online": True,
        "collector_online": True,
        "collection_mode": "税务自主",
    }
    assert (
        not regions["330100"]["collector_online"]
        and regions["330100"]["collection_mode"] == "税务代征"
    )
    assert not regions["510100"]["employer_online"]


def test_clock_shift_shows_in_time_and_header(backend: BackendServer, http: httpx.Client) -> None:
    backend.admin_post("clock", {"now": "2026-12-31 23:59:30"})
    response = http.get("/time")
    assert response.json()["today"] == "2026-12-31"
    assert response.headers["X-Server-Time"].startswith("2026-12-31T23:59")
    backend.reset_clock()
    assert backend.admin_get("clock")["offset_seconds"] == 0


def test_lookup_lists_all_units_of_a_taxpayer(backend: BackendServer, http: httpx.Client) -> None:
    demo = [u for u in backend.admin_get("units", kind="employer") if u["unit_id"] <= "U000004"]
    taxpayer_id = demo[0]["taxpayer_id"]
    response = http.get(
        f"/mgmt/taxpayers/{taxpayer_id}/units", params={"region": "440300", "kind": "employer"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["taxpayer_id"] == taxpayer_id
    assert [u["unit_id"] for u in body["units"]] == ["U000001", "U000002", "U000003", "U000004"]
    first = body["units"][0]
    assert set(first) == {
        "unit_id", "taxpayer_id", "taxpayer_name", "registered_on", "taxpayer_status",
        "unit_type", "kind", "region", "tax_authority", "tax_section",
    }  # fmt: skip
    assert first["taxpayer_status"] == "正常" and first["kind"] == "employer"
    assert first["tax_authority"].startswith("国家税务总局深圳市")
    assert first["tax_section"].startswith(first["tax_authority"]) and first[
        "tax_section"
    ].endswith("税务所")
    # Lower case is accepted; the wrong kind or region is "no registration".
    assert (
        http.get(
            f"/mgmt/taxpayers/{taxpayer_id.lower()}/units",
            params={"region": "440300", "kind": "employer"},
        ).status_code
        == 200
    )
    for params in (
        {"region": "440300", "kind": "collector"},
        {"region": "440100", "kind": "employer"},
    ):
        missing = http.get(f"/mgmt/taxpayers/{taxpayer_id}/units", params=params)
        assert missing.status_code == 404
        assert error_of(missing)["code"] == "NO_REGISTRATION"


def test_lookup_unknown_and_invalid_taxpayer_ids(http: httpx.Client) -> None:
    params = {"region": "440300", "kind": "employer"}
    unknown = http.get("/mgmt/taxpayers/91440300MA5G0R9X3Q/units", params=params)
    assert unknown.status_code == 404
    assert error_of(unknown) == {
        "code": "NO_REGISTRATION",
        "message": "没有查询到参保登记信息",
        "details": {"taxpayer_id": "91440300MA5G0R9X3Q", "region": "440300", "kind": "employer"},
    }
    for bad in ("91440300MA5G0R9X3W", "91440300MA5G0R9XIQ", "12345", "4403011234567890"):
        response = http.get(f"/mgmt/taxpayers/{bad}/units", params=params)
        assert response.status_code == 400, bad
        assert error_of(response)["code"] == "INVALID_TAXPAYER_ID"
    legacy = http.get("/mgmt/taxpayers/440301123456789/units", params=params)
    assert legacy.status_code == 404  # a valid 15-character format, just not registered


def test_employer_initial_passwords(backend: BackendServer, http: httpx.Client) -> None:
    created = backend.create_taxpayer(
        unit_numbers=[["1234", "44030098765432"]], employees_per_unit=2
    )
    unit = created["units"][0]
    assert unit["initial_password"] == "123400"
    wrong = http.post("/mgmt/auth/login", json={"unit_id": unit["unit_id"], "password": "1234"})
    assert wrong.status_code == 401
    for password in ("123400", "765432"):  # any of the unit numbers
        response = http.post(
            "/mgmt/auth/login", json={"unit_id": unit["unit_id"], "password": password}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["initial_password"] is True
        assert body["unit"]["unit_id"] == unit["unit_id"]
        assert body["unit"]["taxpayer_id"] == created["taxpayer_id"]
        expires = datetime.strptime(body["expires_at"], "%Y-%m-%d %H:%M:%S")
        now = datetime.strptime(http.get("/time").json()["now"], "%Y-%m-%d %H:%M:%S")
        assert timedelta(hours=23, minutes=59) < expires - now <= timedelta(hours=24)


def test_demo_short_number_and_collector_password(
    backend: BackendServer, http: httpx.Client
) -> None:
    units = {u["unit_id"]: u for u in backend.admin_get("units")}
    assert units["U000001"]["unit_numbers"] == ["1234", "1234"]
    assert units["U000003"]["initial_password"] == "567890"
    login(http, "U000003", "567890")
    collector = backend.create_taxpayer(kind="collector", region="510100", residents_per_unit=2)
    unit_id = collector["units"][0]["unit_id"]
    tail = collector["taxpayer_id"][-6:]
    assert collector["units"][0]["initial_password"] == tail
    response = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": tail})
    assert response.status_code == 200 and response.json()["initial_password"] is True
    assert response.json()["unit"]["kind"] == "collector"


def test_registration_shows_shared_and_several_numbers(
    backend: BackendServer, http: httpx.Client
) -> None:
    headers = login(http, "U000001", "123400")
    rows = http.get("/mgmt/units/U000001/registration", headers=headers).json()["registrations"]
    assert [(r["unit_number"], r["agency_type"]) for r in rows] == [
        ("1234", "社保"),
        ("1234", "医保"),
    ]
    assert rows[0]["agency"] != rows[1]["agency"]
    created = backend.create_taxpayer(
        unit_numbers=[["5555", "66667777", "88889999"]], employees_per_unit=1
    )
    unit_id = created["units"][0]["unit_id"]
    headers = login(http, unit_id, "555500")
    body = http.get(f"/mgmt/units/{unit_id}/registration", headers=headers).json()
    assert body["unit"]["unit_id"] == unit_id
    assert [r["unit_number"] for r in body["registrations"]] == ["5555", "66667777", "88889999"]
    assert [r["agency_type"] for r in body["registrations"]] == ["社保", "医保", "社保"]


def test_change_password_rules(backend: BackendServer, http: httpx.Client) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["2222"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    headers = login(http, unit_id, "222200")

    def change(old: str, new: str) -> httpx.Response:
        return http.post(
            "/mgmt/auth/password", json={"old_password": old, "new_password": new}, headers=headers
        )

    weak = {
        "short1": "8到20位",
        "abcdefghijk": "字母和数字",
        "12345678901": "字母和数字",
        "abc 12345678": "空格",
        "a1" * 11: "8到20位",
    }
    for new, words in weak.items():
        response = change("222200", new)
        assert response.status_code == 422, new
        error = error_of(response)
        assert error["code"] == "WEAK_PASSWORD" and words in error["message"], (new, error)
    wrong_old = change("999999", "Shebao2026")
    assert wrong_old.status_code == 401
    assert error_of(wrong_old)["details"]["remaining_attempts"] == 4  # counts toward the lockout
    ok = change("222200", "Shebao2026")
    assert ok.status_code == 200 and ok.json() == {"initial_password": False}
    same = change("Shebao2026", "Shebao2026")
    assert same.status_code == 422 and "相同" in error_of(same)["message"]
    assert (
        http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "222200"}).status_code
        == 401
    )
    again = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "Shebao2026"})
    assert again.status_code == 200 and again.json()["initial_password"] is False
    # 税务大厅重置: back to the initial password.
    backend.admin_post(f"units/{unit_id}/reset-password")
    reset = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "222200"})
    assert reset.status_code == 200 and reset.json()["initial_password"] is True


def test_lockout_after_five_wrong_until_next_midnight(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["4321"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    backend.admin_post("clock", {"now": "2026-11-23 15:20:00"})

    def attempt(password: str) -> httpx.Response:
        return http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": password})

    remaining = []
    for _ in range(4):
        response = attempt("000000")
        assert response.status_code == 401
        error = error_of(response)
        assert error["code"] == "WRONG_PASSWORD"
        remaining.append(error["details"]["remaining_attempts"])
        assert f"还可以再试{remaining[-1]}次" in error["message"]
    assert remaining == [4, 3, 2, 1]
    fifth = attempt("000000")
    assert fifth.status_code == 423
    locked = error_of(fifth)
    assert locked["code"] == "UNIT_LOCKED"
    assert locked["details"] == {"locked_until": "2026-11-24 00:00:00"}
    assert "2026-11-24 00:00:00" in locked["message"]
    assert attempt("432100").status_code == 423  # even the right password
    backend.admin_post("clock", {"now": "2026-11-23 23:59:50"})
    assert attempt("432100").status_code == 423
    backend.admin_post("clock", {"now": "2026-11-24 00:00:01"})
    assert attempt("432100").status_code == 200
    # The count starts again from zero after the lock is lifted.
    assert error_of(attempt("000000"))["details"]["remaining_attempts"] == 4


def test_success_resets_and_days_are_counted_apart(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["8765"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    backend.admin_post("clock", {"now": "2026-11-23 10:00:00"})
    for expected in (4, 3, 2):
        response = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "x"})
        assert error_of(response)["details"]["remaining_attempts"] == expected
    login(http, unit_id, "876500")
    response = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "x"})
    assert error_of(response)["details"]["remaining_attempts"] == 4
    backend.admin_post("clock", {"now": "2026-11-24 09:00:00"})  # yesterday's failure is forgotten
    response = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "x"})
    assert error_of(response)["details"]["remaining_attempts"] == 4


def test_admin_unlock_and_unknown_unit(backend: BackendServer, http: httpx.Client) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["7654"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    for _ in range(5):
        http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "bad"})
    assert (
        http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": "765400"}).status_code
        == 423
    )
    backend.admin_post(f"units/{unit_id}/unlock")
    login(http, unit_id, "765400")
    missing = http.post("/mgmt/auth/login", json={"unit_id": "U999999", "password": "123456"})
    assert missing.status_code == 404 and error_of(missing)["code"] == "UNIT_NOT_FOUND"


def test_tokens(backend: BackendServer, http: httpx.Client) -> None:
    units = {u["unit_id"]: u for u in backend.admin_get("units")}
    headers = login(http, "U000005", units["U000005"]["initial_password"])
    path = "/mgmt/units/U000005/registration"
    assert http.get(path, headers=headers).status_code == 200
    for bad in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = http.get(path, headers=bad)
        assert response.status_code == 401
        assert error_of(response)["code"] == "TOKEN_INVALID"
    other = http.get("/mgmt/units/U000006/registration", headers=headers)
    assert other.status_code == 403 and error_of(other)["code"] == "FORBIDDEN"
    other_feed = http.get(
        "/mgmt/units/U000006/employees/changes", params={"cursor": 0}, headers=headers
    )
    assert other_feed.status_code == 403
    assert http.get("/mgmt/rules", headers={}).status_code == 401
    backend.admin_post("clock", {"offset_seconds": 24 * 3600 + 60})  # tokens live 24 hours
    expired = http.get(path, headers=headers)
    assert expired.status_code == 401 and error_of(expired)["code"] == "TOKEN_INVALID"
