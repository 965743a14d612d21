"""A registered, logged-in and synced 代收单位 on the real backend.

`collector_unit` gives one with 40 residents in 成都 (510100, 代收单位 online, 税务自主); a test
that needs another size or region says so with a marker::

    @pytest.mark.collector(residents=120, region="440100")
    def test_something(collector_unit): ...

or opens further units itself with the `make_collector` factory (closed at the end of the test).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from client.account.login import LoginService  # noqa: E402
from client.account.registration import RegistrationService  # noqa: E402
from client.app_context import AppContext, UnitSession  # noqa: E402
from client.jobs import JobContext  # noqa: E402
from client.storage.app_db import RegionChoice  # noqa: E402

PASSWORD = "Shebao2026"
DEFAULT_RESIDENTS = 40
DEFAULT_REGION = "510100"

REGIONS = {
    "510100": RegionChoice("510100", "成都市", "税务自主", False, True),
    "440300": RegionChoice("440300", "深圳市", "税务自主", True, True),
    "440100": RegionChoice("440100", "广州市", "税务代征", True, True),
}


@dataclass
class CollectorUnit:
    """One 代收单位 as the client sees it after login and the first data update."""

    app: AppContext
    session: UnitSession
    backend: Any
    created: dict[str, Any]

    @property
    def unit_id(self) -> str:
        return self.session.unit.unit_id

    @property
    def taxpayer_id(self) -> str:
        return str(self.created["taxpayer_id"])

    def sync(self) -> None:
        """Run the data update (居民信息 feed) again, as 登录 does."""
        LoginService(self.app).data_update_job(self.session).run(JobContext())


def open_collector(
    backend: Any,
    data_dir: Path,
    residents: int = DEFAULT_RESIDENTS,
    region: str = DEFAULT_REGION,
    sync: bool = True,
    **kw: Any,
) -> CollectorUnit:
    """A new collector taxpayer of `region` registered, logged in (password changed from the
    initial one) and — unless `sync` is False — with its residents synced into the unit DB."""
    created = backend.create_taxpayer(
        kind="collector", region=region, residents_per_unit=residents, **kw
    )
    info = created["units"][0]
    app = AppContext.open(str(data_dir), backend.url)
    app.today = date.fromisoformat(app.api().server_time().today)  # no date warning
    app.app_db.choose_region(REGIONS[region])
    reg = RegistrationService(app, "collector")
    unit_info = next(u for u in reg.lookup(created["taxpayer_id"]) if u.unit_id == info["unit_id"])
    unit = reg.confirm(reg.verify_password(unit_info, info["initial_password"]), True)
    reg.close()
    login = LoginService(app)
    session = login.authenticate(unit, info["initial_password"])
    login.change_password(session, info["initial_password"], PASSWORD, PASSWORD)
    env = CollectorUnit(app, session, backend, created)
    if sync:
        env.sync()
    return env


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "collector(residents=40, region='510100', sync=True): the collector_unit made"
    )


@pytest.fixture
def make_collector(backend: Any, tmp_path: Path) -> Iterator[Callable[..., CollectorUnit]]:
    """Factory: each call opens another collector (its own client data folder)."""
    made: list[CollectorUnit] = []

    def make(**kw: Any) -> CollectorUnit:
        env = open_collector(backend, tmp_path / f"client{len(made)}", **kw)
        made.append(env)
        return env

    yield make
    for env in made:
        env.app.close()


@pytest.fixture
def collector_unit(
    request: pytest.FixtureRequest, make_collector: Callable[..., CollectorUnit]
) -> CollectorUnit:
    marker = request.node.get_closest_marker("collector")
    return make_collector(**(marker.kwargs if marker else {}))
