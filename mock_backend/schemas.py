"""Pydantic models of the HTTP contract (requests, and responses for the OpenAPI document).

Feed pages are written straight from row tuples by orjson; their models here only describe
them in /docs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AMOUNT_PATTERN = r"^\d{1,9}\.\d{2}$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- public ------------------------------------------------------------------------------
class Health(BaseModel):
    status: str
    version: str


class ServerTime(BaseModel):
    now: str
    today: str


class Region(BaseModel):
    code: str
    name: str
    employer_online: bool
    collector_online: bool
    collection_mode: Literal["税务自主", "税务代征"]


class RegionList(BaseModel):
    regions: list[Region]


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


# -- registration and login --------------------------------------------------------------
class Unit(BaseModel):
    unit_id: str
    taxpayer_id: str
    taxpayer_name: str
    registered_on: str
    taxpayer_status: str
    unit_type: str
    kind: Literal["employer", "collector"]
    region: str
    tax_authority: str
    tax_section: str


class UnitLookup(BaseModel):
    taxpayer_id: str
    units: list[Unit]


class LoginRequest(_In):
    unit_id: str = Field(min_length=1, max_length=32)
    password: str = Field(max_length=64)


class LoginResult(BaseModel):
    token: str
    expires_at: str
    initial_password: bool
    unit: Unit


class PasswordChangeRequest(_In):
    old_password: str = Field(max_length=64)
    new_password: str = Field(max_length=64)


class PasswordChanged(BaseModel):
    initial_password: bool


class Registration(BaseModel):
    unit_number: str
    agency: str
    agency_type: str
    tax_authority: str
    tax_section: str


class RegistrationInfo(BaseModel):
    unit: Unit
    registrations: list[Registration]


# -- feeds (documentation only) ----------------------------------------------------------
class ChangesPage(BaseModel):
    feed: str
    fields: list[str]
    item_fields: list[str]
    cursor: int
    has_more: bool
    total: int
    upserts: list[list[Any]]
    removals: list[list[int]]


class SnapshotPage(BaseModel):
    feed: str
    fields: list[str]
    item_fields: list[str]
    snapshot_seq: int
    total: int
    records: list[list[Any]]
    next_after_id: int | None


class FeedDump(BaseModel):
    fields: list[str]
    item_fields: list[str]
    records: list[list[Any]]


# -- rules and notices -------------------------------------------------------------------
class RuleFileRef(BaseModel):
    code: str
    name: str
    version: str


class RuleIndex(BaseModel):
    files: list[RuleFileRef]


class RuleFile(RuleFileRef):
    content: dict[str, Any]


class Notice(BaseModel):
    id: int
    seq: int
    title: str
    body: str
    published_at: str
    withdrawn: bool


class NoticePage(BaseModel):
    cursor: int
    notices: list[Notice]


# -- admin -------------------------------------------------------------------------------
class CreateTaxpayerRequest(_In):
    kind: Literal["employer", "collector"]
    region: str
    units: int = Field(1, ge=1, le=50)
    employees_per_unit: int = Field(20, ge=0, le=500_000)
    residents_per_unit: int = Field(20, ge=0, le=500_000)
    unit_numbers: list[list[str]] | None = None
    seed: int | None = None
    projects_per_unit: int | None = Field(None, ge=0, le=20)


class MutateRequest(_In):
    add: int = Field(0, ge=0, le=200_000)
    change: int = Field(0, ge=0, le=200_000)
    remove: int = Field(0, ge=0, le=200_000)
    seed: int = 0


class MutateResult(BaseModel):
    added: list[int]
    changed: list[int]
    removed: list[int]


class EmployeeItemIn(_In):
    unit_number: str
    person_number: str
    levy_item: str
    levy_category: str
    levy_subcategory: str
    special_category: str = "10"
    base: str = Field(pattern=AMOUNT_PATTERN)
    start_month: str = Field(pattern=MONTH_PATTERN)
    end_month: str | None = Field(None, pattern=MONTH_PATTERN)


class ResidentItemIn(_In):
    person_number: str
    levy_item: str
    levy_category: str
    levy_subcategory: str
    start_month: str = Field(pattern=MONTH_PATTERN)
    end_month: str | None = Field(None, pattern=MONTH_PATTERN)


class RecordIn(_In):
    """An employee or resident for the admin API; gender and birth date default from the ID."""

    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=32)
    id_type: str = "01"
    gender: Literal["男", "女"] | None = None
    birth_date: str | None = Field(None, pattern=DATE_PATTERN)
    status: str = "1"
    phone: str | None = None
    township: str | None = None
    village: str | None = None
    items: list[dict[str, Any]] = []


class RecordPatch(_In):
    name: str | None = Field(None, min_length=1, max_length=64)
    id_number: str | None = None
    id_type: str | None = None
    gender: Literal["男", "女"] | None = None
    birth_date: str | None = Field(None, pattern=DATE_PATTERN)
    status: str | None = None
    phone: str | None = None
    township: str | None = None
    village: str | None = None
    items: list[dict[str, Any]] | None = None


class FaultRequest(_In):
    kind: Literal["latency", "error", "drop", "malformed"]
    ratio: float = Field(1.0, ge=0.0, le=1.0)
    count: int | None = Field(None, ge=1)
    path_prefix: str = "/api/v1"
    method: str | None = None
    status: int = Field(503, ge=400, le=599)
    latency_ms: int = Field(0, ge=0, le=600_000)
    after_bytes: int = Field(0, ge=0)
    seed: int = 0
    code: str | None = None
    message: str | None = None


class DelayRequest(_In):
    seconds: float = Field(ge=0, le=3600)


class ClockRequest(_In):
    now: str | None = None
    offset_seconds: float | None = None


class NoticeRequest(_In):
    region: str
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)


class RuleBumpRequest(_In):
    region: str
    content: dict[str, Any] | None = None


# -- unit reference data -----------------------------------------------------------------
RATE_PATTERN = r"^\d\.\d{4}$"
CONTRACT_AMOUNT_PATTERN = r"^\d{1,13}\.\d{2}$"


class UnitInfo(BaseModel):
    taxpayer_id: str
    unit_name: str
    tax_authority: str
    finance_officer: str | None
    legal_representative: str | None
    industry: str | None
    enterprise_type: str | None
    address: str | None
    postal_code: str | None
    phone: str | None
    email: str | None
    listed: bool


class ReferenceTable(BaseModel):
    """单位参保信息 or 工程项目: records as arrays in the order of `fields`."""

    fields: list[str]
    records: list[list[Any]]


class UnitInfoPatch(_In):
    """Admin: the 单位信息 fields to change (null clears a nullable field)."""

    taxpayer_id: str | None = Field(None, min_length=1, max_length=20)
    unit_name: str | None = Field(None, min_length=1, max_length=200)
    tax_authority: str | None = Field(None, min_length=1, max_length=200)
    finance_officer: str | None = Field(None, max_length=50)
    legal_representative: str | None = Field(None, max_length=50)
    industry: str | None = Field(None, max_length=100)
    enterprise_type: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    postal_code: str | None = Field(None, max_length=10)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=100)
    listed: bool | None = None


class InsuranceIn(_In):
    """Admin: one 单位参保信息 row; replaces the unit's row with the same 单位编号 and 征收品目.

    Omitted `agency`, `tax_authority` and rates default from the unit's registration and the
    region's rates; an explicit null stays null (not allowed for `agency`).
    """

    unit_number: str = Field(min_length=1, max_length=30)
    agency: str | None = Field(None, min_length=1, max_length=200)
    levy_item: str = Field(pattern=r"^\d{5}$")
    levy_category: str = Field(pattern=r"^\d{9}$")
    levy_subcategory: str | None = Field(None, pattern=r"^\d{11}$")
    start_date: str | None = Field(None, pattern=DATE_PATTERN)
    end_date: str | None = Field(None, pattern=DATE_PATTERN)
    status: Literal["正常", "暂停", "注销"] = "正常"
    unit_rate: str | None = Field(None, pattern=RATE_PATTERN)
    personal_rate: str | None = Field(None, pattern=RATE_PATTERN)
    tax_authority: str | None = Field(None, max_length=200)


class InsuranceCount(BaseModel):
    count: int


class ProjectIn(_In):
    """Admin: one 工程项目. Omitted `project_number` is generated; omitted `unit_number`,
    `agency`, `levy_item` and `registered_on` default to the unit's first 社保 number, its
    agency, 10204 and the server's today; an explicit null stays null."""

    project_number: str | None = Field(None, min_length=1, max_length=40)
    project_name: str = Field(min_length=1, max_length=200)
    project_address: str | None = Field(None, max_length=300)
    contract_amount: str | None = Field(None, pattern=CONTRACT_AMOUNT_PATTERN)
    start_date: str | None = Field(None, pattern=DATE_PATTERN)
    end_date: str | None = Field(None, pattern=DATE_PATTERN)
    unit_number: str | None = Field(None, max_length=30)
    agency: str | None = Field(None, max_length=200)
    levy_item: str | None = Field(None, pattern=r"^\d{5}$")
    status: Literal["在建", "停工", "竣工"] = "在建"
    registered_on: str | None = Field(None, pattern=DATE_PATTERN)


class ProjectCreated(BaseModel):
    project_number: str
