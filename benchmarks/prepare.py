"""Set-up shared by benchmarks: a client data folder with the bench unit synced."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def prepare_client(data_dir: Path, url: str, unit: dict[str, Any], password: str) -> None:
    """Register the unit, set a non-initial password and sync it fully (not timed)."""
    from client.account.login import LoginService
    from client.account.registration import RegistrationService
    from client.app_context import AppContext
    from client.jobs import JobContext
    from client.storage.app_db import RegionChoice

    ctx = AppContext.open(str(data_dir), url)
    ctx.app_db.choose_region(RegionChoice("440300", "深圳市", "税务自主", True, True))
    reg = RegistrationService(ctx, "employer")
    info = next(u for u in reg.lookup(unit["taxpayer_id"]) if u.unit_id == unit["unit_id"])
    registered = reg.confirm(reg.verify_password(info, unit["initial_password"]), True)
    reg.close()
    login = LoginService(ctx)
    session = login.authenticate(registered, unit["initial_password"])
    login.change_password(session, unit["initial_password"], password, password)
    login.data_update_job(session).run(JobContext())
    ctx.close()
