"""Injected faults seen from an httpx client, and Idempotency-Key handling."""

from __future__ import annotations

import json
import threading
import time
import uuid

import httpx
import pytest

from tests.backend.conftest import error_of, login
from tests.support.backend import BackendServer


def test_latency_fault(backend: BackendServer, http: httpx.Client) -> None:
    backend.add_fault("latency", path_prefix="/api/v1/time", latency_ms=300, count=1)
    started = time.perf_counter()
    assert http.get("/time").status_code == 200
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    http.get("/time")
    assert time.perf_counter() - started < 0.3  # count=1: only the next request


def test_error_fault_with_count(backend: BackendServer, http: httpx.Client) -> None:
    backend.add_fault("error", path_prefix="/api/v1/regions", status=503, count=2)
    for _ in range(2):
        response = http.get("/regions")
        assert response.status_code == 503
        error = error_of(response)
        assert error["code"] == "SERVICE_UNAVAILABLE" and "稍后重试" in error["message"]
        assert response.headers["X-Server-Time"]
    assert http.get("/regions").status_code == 200
    assert http.get("/health").status_code == 200  # other paths untouched
    listed = backend.admin_get("faults")["faults"]
    assert listed[0]["hits"] == 2 and listed[0]["active"] is False


def test_method_filter(backend: BackendServer, http: httpx.Client) -> None:
    backend.add_fault("error", path_prefix="/api/v1/mgmt/auth", method="POST", status=500)
    response = http.post("/mgmt/auth/login", json={"unit_id": "U000001", "password": "123400"})
    assert response.status_code == 500 and error_of(response)["code"] == "INTERNAL_ERROR"
    assert http.get("/mgmt/auth/login").status_code == 405  # GET passes the filter


def test_drop_cuts_the_connection(backend: BackendServer, http: httpx.Client) -> None:
    backend.add_fault("drop", path_prefix="/api/v1/regions", count=1, after_bytes=20)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.get("/regions")
    assert http.get("/regions").status_code == 200
    # Streaming shows the real head and exactly the promised bytes before the cut.
    backend.add_fault("drop", path_prefix="/api/v1/regions", count=1, after_bytes=20)
    received = b""
    with (
        httpx.Client(base_url=http.base_url, trust_env=False) as fresh,
        fresh.stream("GET", "/regions") as response,
    ):
        assert response.status_code == 200
        length = int(response.headers["Content-Length"])
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            for chunk in response.iter_raw():
                received += chunk
    assert received == http.get("/regions").content[:20]
    assert length > 20


def test_drop_after_work_is_done_is_replayed(backend: BackendServer, http: httpx.Client) -> None:
    """A cut POST response: the retry with the same key gets the stored answer."""
    unit_id = backend.create_taxpayer(unit_numbers=[["3131"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    backend.add_fault("drop", path_prefix="/api/v1/mgmt/auth/login", count=1, after_bytes=5)
    key = str(uuid.uuid4())
    body = {"unit_id": unit_id, "password": "wrong"}
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post("/mgmt/auth/login", json=body, headers={"Idempotency-Key": key})
    retry = http.post("/mgmt/auth/login", json=body, headers={"Idempotency-Key": key})
    assert retry.status_code == 401
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert error_of(retry)["details"]["remaining_attempts"] == 4  # the attempt counted once


def test_malformed_body(backend: BackendServer, http: httpx.Client) -> None:
    backend.add_fault("malformed", path_prefix="/api/v1/regions", count=1)
    response = http.get("/regions")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert response.content  # not empty: a truncated document
    assert http.get("/regions").json()["regions"]


def test_ratio_is_seeded(backend: BackendServer, http: httpx.Client) -> None:
    def run() -> list[int]:
        backend.clear_faults()
        backend.add_fault("error", path_prefix="/api/v1/health", ratio=0.5, seed=3)
        return [http.get("/health").status_code for _ in range(30)]

    first = run()
    assert 3 < first.count(503) < 27
    assert run() == first


def test_admin_and_docs_are_never_faulted(backend: BackendServer, http: httpx.Client) -> None:
    backend.add_fault("error", path_prefix="/", status=503)
    assert http.get("/health").status_code == 503
    assert backend.admin_get("units", kind="collector")
    assert httpx.get(f"{backend.url}/docs").status_code == 200
    assert httpx.get(f"{backend.url}/openapi.json").json()["paths"]


def test_same_key_same_effect(backend: BackendServer, http: httpx.Client) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["2468"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    key = str(uuid.uuid4())
    body = {"unit_id": unit_id, "password": "999999"}
    answers = [
        http.post("/mgmt/auth/login", json=body, headers={"Idempotency-Key": key}) for _ in range(3)
    ]
    assert [r.status_code for r in answers] == [401, 401, 401]
    assert {error_of(r)["details"]["remaining_attempts"] for r in answers} == {4}
    assert answers[1].content == answers[0].content
    fresh = http.post("/mgmt/auth/login", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert error_of(fresh)["details"]["remaining_attempts"] == 3
    # Key order in the JSON does not make a different body.
    swapped = http.post(
        "/mgmt/auth/login",
        content=json.dumps({"password": "999999", "unit_id": unit_id}),
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert swapped.status_code == 401 and swapped.headers.get("Idempotent-Replayed") == "true"


def test_same_key_other_body_is_refused(backend: BackendServer, http: httpx.Client) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["1357"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    key = str(uuid.uuid4())
    ok = http.post(
        "/mgmt/auth/login",
        json={"unit_id": unit_id, "password": "135700"},
        headers={"Idempotency-Key": key},
    )
    assert ok.status_code == 200
    other = http.post(
        "/mgmt/auth/login",
        json={"unit_id": unit_id, "password": "000000"},
        headers={"Idempotency-Key": key},
    )
    assert other.status_code == 422 and error_of(other)["code"] == "IDEMPOTENCY_MISMATCH"
    # The same key on another path is a different request.
    headers = {"Authorization": f"Bearer {ok.json()['token']}", "Idempotency-Key": key}
    weak = http.post(
        "/mgmt/auth/password", json={"old_password": "135700", "new_password": "x"}, headers=headers
    )
    assert weak.status_code == 422 and error_of(weak)["code"] == "WEAK_PASSWORD"


def test_concurrent_repeats_run_once(backend: BackendServer) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["9753"]], employees_per_unit=1)["units"][0][
        "unit_id"
    ]
    backend.add_fault("latency", path_prefix="/api/v1/mgmt/auth/login", latency_ms=100, count=8)
    key = str(uuid.uuid4())
    results: list[httpx.Response] = []

    def post() -> None:
        with httpx.Client(base_url=f"{backend.url}/api/v1", trust_env=False) as client:
            results.append(
                client.post(
                    "/mgmt/auth/login",
                    json={"unit_id": unit_id, "password": "bad"},
                    headers={"Idempotency-Key": key},
                )
            )

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert {r.status_code for r in results} == {401}
    assert {error_of(r)["details"]["remaining_attempts"] for r in results} == {4}
    with httpx.Client(base_url=f"{backend.url}/api/v1", trust_env=False) as client:
        headers = login(client, unit_id, "975300")
        assert headers
