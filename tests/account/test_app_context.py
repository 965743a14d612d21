"""The running client's context: one saved proxy for every live API client, the modules
the 单位管理 switch offers, and how an abandoned login's session is ended."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.app_context import AppContext, UnitSession
from client.storage.app_db import RegionChoice
from client.storage.settings import ProxyConfig
from tests.support.proxies import HttpProxy


@pytest.fixture
def ctx(backend: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("SHEBAOFEI_INSTALLED_MODULES", "employer,collector")
    context = AppContext.open(str(tmp_path / "client"), backend.url)
    yield context
    context.close()


def choose(ctx: AppContext, employer: bool = True, collector: bool = True) -> None:
    ctx.app_db.choose_region(RegionChoice("440300", "深圳市", "税务自主", employer, collector))


def test_saving_the_proxy_reaches_clients_made_before(backend: Any, ctx: AppContext) -> None:
    created = backend.create_taxpayer(unit_numbers=[["8080"]])
    unit_id = created["units"][0]["unit_id"]
    proxy = HttpProxy()
    older, tested = ctx.api(), ctx.api(ProxyConfig())
    try:
        older.login(unit_id, "808000")
        config = ProxyConfig("http", "127.0.0.1", proxy.port)
        ctx.set_proxy(config)
        assert ctx.settings.proxy() == config
        older.registration(unit_id)
        newer = ctx.api()
        newer.regions()
        assert proxy.requests == 2
        tested.regions()  # a client made to test one setting keeps that setting
        assert proxy.requests == 2
        newer.close()
    finally:
        older.close()
        tested.close()
        proxy.close()


def test_closed_clients_are_left_alone(ctx: AppContext) -> None:
    client = ctx.api()
    client.close()
    ctx.set_proxy(ProxyConfig("http", "127.0.0.1", 3128))
    assert client.proxy == ProxyConfig()  # nothing reopened behind a closed client


def test_the_switch_offers_nothing_before_a_region_is_chosen(ctx: AppContext) -> None:
    assert ctx.available_modules(("employer", "collector")) == ()


def test_the_switch_leaves_out_modules_offline_in_the_region(ctx: AppContext) -> None:
    choose(ctx, employer=True, collector=False)
    assert ctx.available_modules(("employer", "collector")) == ("employer",)
    assert ctx.available_modules(("collector",)) == ()


def test_the_switch_leaves_out_modules_that_failed_to_load(ctx: AppContext) -> None:
    choose(ctx)
    assert ctx.available_modules(("employer", "collector")) == ("employer", "collector")
    assert ctx.available_modules(("collector",)) == ("collector",)  # employer failed
    ctx.modules_installed = ("collector",)  # loaded is not installed
    assert ctx.available_modules(("employer", "collector")) == ("collector",)


def test_discarding_a_session_that_is_not_current(ctx: AppContext) -> None:
    closed: list[str] = []

    class Fake:
        def close(self) -> None:
            closed.append("db")

    choose(ctx)
    region = ctx.region()
    assert region is not None
    unit: Any = object()
    current = UnitSession(unit, ctx.api(), Fake(), region)  # type: ignore[arg-type]
    stray = UnitSession(unit, ctx.api(), Fake(), region)  # type: ignore[arg-type]
    ctx.session = current
    ctx.discard_session(stray)
    assert ctx.session is current and closed == ["db"]
    ctx.discard_session(current)
    assert ctx.session is None and closed == ["db", "db"]
