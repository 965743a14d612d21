"""单位信息, 单位参保信息, 工程项目参保信息: download, local copy, bad bodies, empty reasons."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from client.jobs import CancelToken, JobCancelled, JobContext
from client.storage.app_db import AppDatabase
from client.storage.paths import resolve_data_dir
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Project, UnitInsurance
from client.sync.api import ApiClient
from client.sync.errors import MalformedResponseError
from client.sync.reference import sync_rule_files
from client.unit_reference import service
from client.unit_reference.service import (
    MISSING_LEVY_NAMES,
    PROJECTS,
    UNIT_INFO,
    UNIT_INSURANCE,
    LevyNames,
)

MGMT = "/mgmt/units"
INSURANCE_FIELDS = [
    "unit_number", "agency", "levy_item", "levy_category", "levy_subcategory",
    "start_date", "end_date", "status", "unit_rate", "personal_rate", "tax_authority",
]  # fmt: skip
PROJECT_FIELDS = [
    "project_number", "project_name", "project_address", "contract_amount", "start_date",
    "end_date", "unit_number", "agency", "levy_item", "status", "registered_on",
]  # fmt: skip
INFO = {
    "taxpayer_id": "91440300MA5FTEST01", "unit_name": "深圳市测试科技有限公司",
    "tax_authority": "国家税务总局深圳市南山区税务局", "finance_officer": "王丽",
    "legal_representative": None, "industry": "软件和信息技术服务业",
    "enterprise_type": "有限责任公司", "address": None, "postal_code": "518057",
    "phone": "0755-26781234", "email": None, "listed": False,
}  # fmt: skip
INSURANCE = [
    ["1234", "南山分局", "10201", "102010001", "10201000101", "2016-05-01", None, "正常",
     "0.1600", "0.0800", "国家税务总局深圳市南山区税务局"],
    ["1234", "南山分局", "10204", "102040001", None, "2016-05-01", "2024-12-31", "注销",
     "0.0040", "0", None],
]  # fmt: skip
PROJECT_ROWS = [
    ["GC001", "南山区科技园B座装修工程", "深圳市南山区", "12500000.00", "2025-03-01",
     "2026-12-31", "1234", "南山分局", "10204", "在建", "2025-02-20"],
    ["GC002", "宝安区厂房扩建工程", None, None, "2023-01-01", "2023-06-30", "1234", None,
     "10204", "竣工", "2022-12-20"],
    ["GC003", "福田区道路改造", None, "300.50", "2024-07-01", None, None, None, None,
     "停工", None],
]  # fmt: skip


# -- a stub 管理子系统 for bodies the real server never sends --------------------------------
class StubApi:
    def __init__(self) -> None:
        self.bodies: dict[str, Any] = {
            "info": dict(INFO),
            "insurance": {"fields": list(INSURANCE_FIELDS), "records": copy.deepcopy(INSURANCE)},
            "projects": {"fields": list(PROJECT_FIELDS), "records": copy.deepcopy(PROJECT_ROWS)},
        }

    def get_json(self, path: str, **params: Any) -> Any:
        return copy.deepcopy(self.bodies[path.rsplit("/", 1)[1]])


def download(name: str, api: Any, db: UnitDatabase) -> int:
    return service.download(name, api, db, "U1", JobContext())


def table_rows(db: UnitDatabase, model: Any, fields: list[str]) -> list[list[Any]]:
    with db.read() as session:
        order = model.row_id if model is UnitInsurance else model.project_number
        return [
            [getattr(row, f) for f in fields]
            for row in session.scalars(select(model).order_by(order))
        ]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield database
    database.close()


def test_stub_download_keeps_every_value(db: UnitDatabase) -> None:
    api = StubApi()
    assert [download(n, api, db) for n in service.DATA_SETS] == [1, 2, 3]
    assert table_rows(db, UnitInsurance, INSURANCE_FIELDS) == INSURANCE
    assert table_rows(db, Project, PROJECT_FIELDS) == PROJECT_ROWS
    info = service.unit_info(db)
    assert info is not None and info.fetched_at is not None
    assert {k: getattr(info, k) for k in INFO} == INFO
    stamp = service.last_download(db, PROJECTS)
    assert stamp is not None and stamp.count == 3


def _wrong_fields(api: StubApi) -> None:
    api.bodies["insurance"]["fields"] = INSURANCE_FIELDS[::-1]


def _short_row(api: StubApi) -> None:
    api.bodies["insurance"]["records"][1] = INSURANCE[1][:-1]


def _number_for_text(api: StubApi) -> None:
    api.bodies["insurance"]["records"][0][0] = 1234


def _unknown_status(api: StubApi) -> None:
    api.bodies["insurance"]["records"][0][7] = "作废"


def _bad_date(api: StubApi) -> None:
    api.bodies["insurance"]["records"][0][5] = "2016-02-30"


def _bad_rate(api: StubApi) -> None:
    api.bodies["insurance"]["records"][0][8] = "16%"


def _missing_required(api: StubApi) -> None:
    api.bodies["insurance"]["records"][0][3] = None


def _no_records(api: StubApi) -> None:
    api.bodies["insurance"] = {"fields": INSURANCE_FIELDS}


@pytest.mark.parametrize(
    "breakage",
    [_wrong_fields, _short_row, _number_for_text, _unknown_status, _bad_date, _bad_rate,
     _missing_required, _no_records],
)  # fmt: skip
def test_a_bad_insurance_body_changes_nothing(db: UnitDatabase, breakage: Any) -> None:
    api = StubApi()
    download(UNIT_INSURANCE, api, db)
    before = service.last_download(db, UNIT_INSURANCE)
    breakage(api)
    with pytest.raises(MalformedResponseError) as caught:
        download(UNIT_INSURANCE, api, db)
    assert "数据格式不正确" in caught.value.message
    assert table_rows(db, UnitInsurance, INSURANCE_FIELDS) == INSURANCE
    assert service.last_download(db, UNIT_INSURANCE) == before


def test_a_repeated_project_number_is_refused(db: UnitDatabase) -> None:
    api = StubApi()
    api.bodies["projects"]["records"].append(list(PROJECT_ROWS[0]))
    with pytest.raises(MalformedResponseError):
        download(PROJECTS, api, db)
    assert service.last_download(db, PROJECTS) is None
    assert db.count(PROJECTS) == 0


@pytest.mark.parametrize(
    "change",
    [{"listed": "否"}, {"unit_name": None}, {"email": 5}, {"phone": ...}],
)
def test_a_bad_info_body_changes_nothing(db: UnitDatabase, change: dict[str, Any]) -> None:
    api = StubApi()
    download(UNIT_INFO, api, db)
    for key, value in change.items():
        if value is ...:
            del api.bodies["info"][key]
        else:
            api.bodies["info"][key] = value
    with pytest.raises(MalformedResponseError):
        download(UNIT_INFO, api, db)
    info = service.unit_info(db)
    assert info is not None and info.unit_name == INFO["unit_name"] and info.email is None
    api.bodies["info"] = ["not", "an", "object"]
    with pytest.raises(MalformedResponseError):
        download(UNIT_INFO, api, db)


def test_cancelled_sync_keeps_what_was_there(db: UnitDatabase) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        service.sync_unit_reference(StubApi(), db, "U1", JobContext(cancel_token=token))  # type: ignore[arg-type]
    assert all(service.last_download(db, name) is None for name in service.DATA_SETS)


def test_filters_of_both_lists(db: UnitDatabase) -> None:
    api = StubApi()
    download(UNIT_INSURANCE, api, db)
    download(PROJECTS, api, db)
    insurance = service.insurance_source(db)
    assert insurance.count({}) == 2
    assert insurance.count({"status": "注销", "unit_number": "1234"}) == 1
    assert insurance.count({"levy_item": "10201"}) == 1
    assert insurance.count({"unit_number": "123"}) == 0  # 单位编号 is exact
    projects = service.projects_source(db)

    def numbers(**filters: Any) -> list[str]:
        return [r["project_number"] for r in projects.rows(filters, [])]

    assert numbers() == ["GC001", "GC002", "GC003"]  # latest 登记日期 first, blank last
    assert numbers(project_name="工程") == ["GC001", "GC002"]
    assert numbers(status="停工") == ["GC003"]
    # 项目期间: 开工..竣工 overlaps the range; an open 竣工日期 runs on.
    assert numbers(period=(date(2024, 1, 1), None)) == ["GC001", "GC003"]
    assert numbers(period=(None, date(2023, 1, 1))) == ["GC002"]
    assert numbers(period=(date(2023, 7, 1), date(2024, 6, 30))) == []
    assert numbers(period=(date(2023, 6, 30), date(2023, 6, 30))) == ["GC002"]


def test_display_formats() -> None:
    assert service.format_rate("0.1600") == "16.00%"
    assert service.format_rate("0.004") == "0.40%"
    assert service.format_rate(None) == ""
    assert service.format_listed(True) == "是" and service.format_listed(False) == "否"


# -- against the real mock backend --------------------------------------------------------
class Unit:
    def __init__(self, backend: Any, tmp_path: Path, projects: int) -> None:
        created = backend.admin_post(
            "taxpayers",
            {"kind": "employer", "region": "440300", "units": 1, "employees_per_unit": 3,
             "projects_per_unit": projects},
        )  # fmt: skip
        unit = created["units"][0]
        self.unit_id: str = unit["unit_id"]
        self.api = ApiClient(backend.url, retries=3, backoff=0.01)
        self.api.login(self.unit_id, unit["initial_password"])
        self.db = UnitDatabase(tmp_path / f"{self.unit_id}.sqlite3", tmp_path / "backups")

    def server(self, path: str) -> Any:
        return self.api.get_json(f"{MGMT}/{self.unit_id}/{path}")

    def close(self) -> None:
        self.api.close()
        self.db.close()


@pytest.fixture
def unit(backend: Any, tmp_path: Path) -> Iterator[Unit]:
    made = Unit(backend, tmp_path, projects=3)
    yield made
    made.close()


def test_login_sync_copies_what_the_server_has(unit: Unit) -> None:
    ctx = JobContext()
    counts = service.sync_unit_reference(unit.api, unit.db, unit.unit_id, ctx)
    insurance, projects = unit.server("insurance"), unit.server("projects")
    assert counts == {UNIT_INFO: 1, UNIT_INSURANCE: len(insurance["records"]),
                      PROJECTS: len(projects["records"])}  # fmt: skip
    assert counts[UNIT_INSURANCE] > 0 and counts[PROJECTS] == 3
    assert table_rows(unit.db, UnitInsurance, INSURANCE_FIELDS) == insurance["records"]
    assert table_rows(unit.db, Project, PROJECT_FIELDS) == sorted(
        projects["records"], key=lambda r: r[0]
    )
    info = service.unit_info(unit.db)
    assert info is not None
    assert {k: getattr(info, k) for k in INFO} == unit.server("info")
    assert ctx.last is not None and ctx.last.fraction == 1.0
    for name, count in counts.items():
        stamp = service.last_download(unit.db, name)
        assert stamp is not None and stamp.count == count


def test_an_admin_change_shows_after_the_next_refresh(backend: Any, unit: Unit) -> None:
    service.sync_unit_reference(unit.api, unit.db, unit.unit_id, JobContext())
    first = service.last_download(unit.db, UNIT_INSURANCE)
    backend.admin_patch(f"units/{unit.unit_id}/info", {"unit_name": "改名后的单位", "listed": True})
    record = dict(zip(INSURANCE_FIELDS, INSURANCE[0], strict=True))
    record["unit_number"] = "9999"
    backend.admin_post(f"units/{unit.unit_id}/insurance", record)
    gone = unit.server("projects")["records"][0][0]
    backend.admin_delete(f"units/{unit.unit_id}/projects/{gone}")

    info = service.unit_info(unit.db)
    assert info is not None and info.unit_name != "改名后的单位"  # not before 更新
    counts = service.sync_unit_reference(unit.api, unit.db, unit.unit_id, JobContext())
    info = service.unit_info(unit.db)
    assert info is not None and info.unit_name == "改名后的单位" and info.listed is True
    assert service.insurance_source(unit.db).count({"unit_number": "9999"}) == 1
    assert counts[PROJECTS] == 2
    assert service.projects_source(unit.db).count({"project_number": gone}) == 0
    second = service.last_download(unit.db, UNIT_INSURANCE)
    assert first is not None and second is not None and second.fetched_at >= first.fetched_at


def test_a_malformed_body_leaves_the_local_copy(backend: Any, unit: Unit) -> None:
    service.sync_unit_reference(unit.api, unit.db, unit.unit_id, JobContext())
    before = table_rows(unit.db, UnitInsurance, INSURANCE_FIELDS)
    stamp = service.last_download(unit.db, UNIT_INSURANCE)
    backend.admin_delete(f"units/{unit.unit_id}/insurance")
    backend.add_fault("malformed", path_prefix=f"/api/v1{MGMT}/{unit.unit_id}/insurance", count=1)
    with pytest.raises(MalformedResponseError):
        service.download(UNIT_INSURANCE, unit.api, unit.db, unit.unit_id)
    assert table_rows(unit.db, UnitInsurance, INSURANCE_FIELDS) == before
    assert service.last_download(unit.db, UNIT_INSURANCE) == stamp
    # The next 更新 gets the real (now empty) list.
    assert service.download(UNIT_INSURANCE, unit.api, unit.db, unit.unit_id) == 0
    assert service.empty_reason(unit.db, UNIT_INSURANCE) == "管理子系统中没有本单位的参保登记信息。"


def test_empty_reasons(backend: Any, tmp_path: Path) -> None:
    bare = Unit(backend, tmp_path, projects=0)
    try:
        assert service.empty_reason(bare.db, UNIT_INSURANCE) == (
            "尚未下载单位参保信息，请点击【更新】从管理子系统获取。"
        )
        assert service.empty_reason(bare.db, PROJECTS) == (
            "尚未下载工程项目参保信息，请点击【更新】从管理子系统获取。"
        )
        counts = service.sync_unit_reference(bare.api, bare.db, bare.unit_id, JobContext())
        assert counts[PROJECTS] == 0
        assert service.empty_reason(bare.db, PROJECTS) == (
            "管理子系统中没有本单位的工程项目参保登记信息。"
        )
        assert service.update_message(PROJECTS, 0) == (
            "更新完成。管理子系统中没有本单位的工程项目参保登记信息。"
        )
        # Rows exist, so an empty page means the query conditions exclude them all.
        assert service.empty_reason(bare.db, UNIT_INSURANCE) == "没有符合查询条件的单位参保信息。"
    finally:
        bare.close()


def test_missing_levy_names_point_at_the_rule_files(unit: Unit, tmp_path: Path) -> None:
    service.sync_unit_reference(unit.api, unit.db, unit.unit_id, JobContext())
    app_db = AppDatabase(resolve_data_dir(tmp_path / "client"))
    try:
        names = LevyNames(app_db)
        assert names.missing_hint(unit.db, UNIT_INSURANCE) == MISSING_LEVY_NAMES
        assert "规则文件不正确" in MISSING_LEVY_NAMES
        sync_rule_files(unit.api, app_db, JobContext())
        names.reload()
        assert names.missing_hint(unit.db, UNIT_INSURANCE) == ""
        assert names.missing_hint(unit.db, PROJECTS) == ""
        assert names.levy_item("10201") == "企业职工基本养老保险费"
        assert ("工伤保险费", "10204") in names.levy_item_options()
    finally:
        app_db.close()
