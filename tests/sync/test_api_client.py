"""The HTTP client against the real backend: registration, passwords, idempotency, proxies."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from client.storage.settings import ProxyConfig
from client.sync import errors as e
from client.sync.api import ApiClient
from tests.support.proxies import HttpProxy, Socks5Proxy


@pytest.fixture
def api(backend: Any) -> Iterator[ApiClient]:
    client = ApiClient(backend.url, retries=1, backoff=0.01)
    yield client
    client.close()


def test_lookup_lists_every_unit_of_a_taxpayer(backend: Any, api: ApiClient) -> None:
    created = backend.create_taxpayer(units=3, employees_per_unit=1)
    units = api.lookup_units(created["taxpayer_id"], "440300", "employer")
    assert sorted(u.unit_id for u in units) == sorted(u["unit_id"] for u in created["units"])
    assert all(u.taxpayer_id == created["taxpayer_id"] for u in units)


def test_lookup_unknown_and_invalid_ids(api: ApiClient) -> None:
    with pytest.raises(e.NoRegistrationError) as err:
        api.lookup_units("91440300MA5G0R9X3Q", "440300", "employer")
    assert err.value.message == "没有查询到参保登记信息"
    with pytest.raises(e.ClientRequestError) as bad:
        api.lookup_units("91440300MA5G0R9X3R", "440300", "employer")  # wrong check character
    assert bad.value.code == "INVALID_TAXPAYER_ID"


def test_initial_password_is_padded_unit_number(backend: Any, api: ApiClient) -> None:
    created = backend.create_taxpayer(unit_numbers=[["1234", "44030098765432"]])
    unit_id = created["units"][0]["unit_id"]
    with pytest.raises(e.WrongPasswordError):
        api.login(unit_id, "1234")
    result = api.login(unit_id, "123400")
    assert result.initial_password is True
    other = ApiClient(backend.url)
    assert other.login(unit_id, "765432").initial_password is True  # any unit number works
    other.close()


def test_collector_initial_password_is_taxpayer_id_tail(backend: Any, api: ApiClient) -> None:
    created = backend.create_taxpayer(kind="collector", region="510100", residents_per_unit=1)
    unit_id = created["units"][0]["unit_id"]
    assert api.login(unit_id, created["taxpayer_id"][-6:]).initial_password is True


def test_change_password_clears_initial_flag(backend: Any, api: ApiClient) -> None:
    created = backend.create_taxpayer(unit_numbers=[["5678"]])
    unit_id = created["units"][0]["unit_id"]
    api.login(unit_id, "567800")
    with pytest.raises(e.WeakPasswordError):
        api.change_password("567800", "short1")
    assert api.change_password("567800", "Shebao2026").initial_password is False
    fresh = ApiClient(backend.url)
    with pytest.raises(e.WrongPasswordError):
        fresh.login(unit_id, "567800")
    assert fresh.login(unit_id, "Shebao2026").initial_password is False
    fresh.close()


def test_wrong_passwords_count_down_then_lock(backend: Any, api: ApiClient) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["4321"]])["units"][0]["unit_id"]
    remaining = []
    for _ in range(4):
        with pytest.raises(e.WrongPasswordError) as err:
            api.login(unit_id, "000000")
        remaining.append(err.value.remaining_attempts)
    assert remaining == [4, 3, 2, 1]
    with pytest.raises(e.UnitLockedError) as locked:
        api.login(unit_id, "000000")
    assert locked.value.locked_until.endswith("00:00:00")
    with pytest.raises(e.UnitLockedError):
        api.login(unit_id, "432100")  # even the right password, until 00:00


def test_retried_post_with_same_key_has_one_effect(backend: Any, api: ApiClient) -> None:
    unit_id = backend.create_taxpayer(unit_numbers=[["2468"]])["units"][0]["unit_id"]
    key = str(uuid.uuid4())
    body = {"unit_id": unit_id, "password": "999999"}
    for _ in range(3):
        with pytest.raises(e.WrongPasswordError) as err:
            api.post_json("/mgmt/auth/login", body, idempotency_key=key)
        assert err.value.remaining_attempts == 4  # counted once
    with pytest.raises(e.WrongPasswordError) as err:
        api.post_json("/mgmt/auth/login", body)  # a new key is a new attempt
    assert err.value.remaining_attempts == 3


def test_server_error_and_backend_down_give_chinese_messages(backend: Any) -> None:
    backend.add_fault("error", path_prefix="/api/v1/regions", status=503, count=10)
    client = ApiClient(backend.url, retries=2, backoff=0.01)
    with pytest.raises(e.ServerError) as err:
        client.regions()
    assert "稍后重试" in err.value.message
    client.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    down = ApiClient(f"http://127.0.0.1:{free_port}", retries=1, backoff=0.01)
    with pytest.raises(e.NetworkError) as err:
        down.regions()
    assert "无法连接" in err.value.message
    down.close()


def test_transient_503_is_retried(backend: Any) -> None:
    backend.add_fault("error", path_prefix="/api/v1/regions", status=503, count=2)
    client = ApiClient(backend.url, retries=3, backoff=0.01)
    assert len(client.regions()) == 4
    client.close()


@pytest.mark.parametrize("kind", ["http", "socks5"])
def test_every_call_goes_through_the_proxy(backend: Any, kind: str) -> None:
    proxy = HttpProxy("clerk", "pa55") if kind == "http" else Socks5Proxy("clerk", "pa55")
    try:
        config = ProxyConfig(kind, "127.0.0.1", proxy.port, "clerk", "pa55")
        client = ApiClient(backend.url, config, retries=0)
        client.regions()
        client.server_time()
        passed = proxy.requests if kind == "http" else proxy.connections
        assert passed >= 1 if kind == "socks5" else passed == 2
        bad = ApiClient(
            backend.url, ProxyConfig(kind, "127.0.0.1", proxy.port, "clerk", "x"), retries=0
        )
        with pytest.raises(e.ApiError) as err:
            bad.regions()
        assert proxy.rejected >= 1
        assert err.value.message
        client.close()
        bad.close()
    finally:
        proxy.close()


def test_unreachable_proxy_is_a_proxy_error(backend: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ApiClient(backend.url, ProxyConfig("http", "127.0.0.1", port), retries=0)
    with pytest.raises(e.ProxyError) as err:
        client.regions()
    assert "代理" in err.value.message
    client.close()
