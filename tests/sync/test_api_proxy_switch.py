"""网络设置 saved while a client is in use: its later calls take the new proxy, token kept."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from client.storage.settings import ProxyConfig
from client.sync import errors as e
from client.sync.api import ApiClient
from tests.support.proxies import HttpProxy, Socks5Proxy


def test_a_live_client_switches_proxy_and_keeps_its_token(backend: Any) -> None:
    created = backend.create_taxpayer(unit_numbers=[["2468"]])
    unit_id = created["units"][0]["unit_id"]
    proxy = HttpProxy("clerk", "pa55")
    client = ApiClient(backend.url, retries=0)
    try:
        client.login(unit_id, "246800")
        token = client.token
        client.regions()
        assert proxy.requests == 0  # direct so far

        client.use_proxy(ProxyConfig("http", "127.0.0.1", proxy.port, "clerk", "pa55"))
        assert client.token == token
        registration = client.registration(unit_id)  # needs the token
        assert registration.registrations
        client.server_time()
        assert proxy.requests == 2

        client.use_proxy(ProxyConfig())  # back to 不使用代理
        client.regions()
        assert proxy.requests == 2
    finally:
        client.close()
        proxy.close()


def test_switching_to_socks5_then_a_dead_proxy(backend: Any) -> None:
    socks = Socks5Proxy()
    client = ApiClient(backend.url, retries=0)
    try:
        client.use_proxy(ProxyConfig("socks5", "127.0.0.1", socks.port))
        client.regions()
        assert socks.connections >= 1
        socks.close()
        dead = ProxyConfig("http", "127.0.0.1", socks.port)
        client.use_proxy(dead)
        assert client.proxy == dead
        with pytest.raises(e.ProxyError) as err:  # the clerk is told the proxy is the problem
            client.regions()
        assert "代理" in err.value.message
    finally:
        client.close()


def test_a_request_in_flight_finishes_on_the_old_connection(backend: Any) -> None:
    """Saving 网络设置 during a slow call neither breaks that call nor waits for it."""
    backend.add_fault("latency", path_prefix="/api/v1/regions", latency_ms=600, count=1)
    proxy = HttpProxy()
    client = ApiClient(backend.url, retries=0)
    results: list[object] = []
    slow = threading.Thread(target=lambda: results.append(client.regions()))
    try:
        slow.start()
        threading.Event().wait(0.2)  # the slow call is now waiting for the server
        client.use_proxy(ProxyConfig("http", "127.0.0.1", proxy.port))
        client.server_time()
        slow.join(10)
        assert results and len(results[0]) == 4  # type: ignore[arg-type]
        assert proxy.requests == 1  # only the call made after the switch
    finally:
        client.close()
        proxy.close()
