"""A registered, logged-in and synced employer unit on the real backend."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@dataclass
class EmployerEnv:
    app: AppContext
    session: UnitSession
    created: dict[str, Any]

    @property
    def unit_id(self) -> str:
        return self.session.unit.unit_id


REGIONS = {
    "440300": RegionChoice("440300", "深圳市", "税务自主", True, True),
    "330100": RegionChoice("330100", "杭州市", "税务代征", True, False),
}


def open_employer(backend: Any, data_dir: Path, employees: int = 60, **kw: Any) -> EmployerEnv:
    """A new taxpayer of `region` (kw, default 深圳) registered and logged in on a client whose
    chosen region is that one."""
    created = backend.create_taxpayer(employees_per_unit=employees, **kw)
    info = created["units"][0]
    app = AppContext.open(str(data_dir), backend.url)
    server_today = date.fromisoformat(app.api().server_time().today)
    app.today = server_today  # the client's date as the server sees it (no date warning)
    app.app_db.choose_region(REGIONS[kw.get("region", "440300")])
    reg = RegistrationService(app, "employer")
    unit_info = next(u for u in reg.lookup(created["taxpayer_id"]) if u.unit_id == info["unit_id"])
    unit = reg.confirm(reg.verify_password(unit_info, info["initial_password"]), True)
    reg.close()
    login = LoginService(app)
    session = login.authenticate(unit, info["initial_password"])
    login.change_password(session, info["initial_password"], PASSWORD, PASSWORD)
    login.data_update_job(session).run(JobContext())
    return EmployerEnv(app, session, created)


@pytest.fixture
def employer_env(backend: Any, tmp_path: Path) -> Iterator[EmployerEnv]:
    env = open_employer(backend, tmp_path / "client")
    yield env
    env.app.close()
