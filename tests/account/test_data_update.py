"""数据更新 at login: rules, registration info, notices and records, with one progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client.account.data_update import login_update
from client.jobs import JobContext
from client.storage.app_db import AppDatabase, RegionChoice
from client.storage.paths import resolve_data_dir
from client.sync.api import ApiClient


def test_first_login_is_full_then_incremental(backend: Any, tmp_path: Path) -> None:
    created = backend.create_taxpayer(employees_per_unit=120, unit_numbers=[["1234", "1234"]])
    info = created["units"][0]
    app_db = AppDatabase(resolve_data_dir(tmp_path / "client"))
    app_db.choose_region(RegionChoice("440300", "深圳市", "税务自主", True, True))
    api = ApiClient(backend.url)
    api.login(info["unit_id"], info["initial_password"])
    lookup = api.lookup_units(created["taxpayer_id"], "440300", "employer")[0]
    unit = app_db.add_unit(
        kind="employer",
        unit_id=lookup.unit_id,
        taxpayer_id=lookup.taxpayer_id,
        taxpayer_name=lookup.taxpayer_name,
        tax_authority=lookup.tax_authority,
        tax_section=lookup.tax_section,
    )
    unit_db = app_db.open_unit_db(unit)
    try:
        ctx = JobContext()
        first = login_update(api, app_db, unit_db, unit, ctx)
        assert first.records.mode == "full"
        assert first.records.total == 120
        assert first.rule_files_updated >= 8
        assert app_db.code_table("levy_items")["10201"]
        assert first.notices >= 1 and app_db.notices()
        regs = unit_db.registrations()
        assert [r.unit_number for r in regs] == ["1234", "1234"]
        assert {r.agency_type for r in regs} == {"社保", "医保"}
        bar = [p.done for p in ctx.history]
        assert bar == sorted(bar) and bar[-1] == 100

        backend.mutate(info["unit_id"], "employees", change=3, seed=2)
        again = login_update(api, app_db, unit_db, unit, JobContext())
        assert again.records.mode == "incremental"
        assert again.records.counts.changed == 3
        assert again.rule_files_updated == 0  # versions unchanged, nothing downloaded
    finally:
        unit_db.close()
        app_db.close()
        api.close()
