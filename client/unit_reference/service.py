"""单位信息, 单位参保信息 and 工程项目参保信息 from 管理子系统: download, local copy, lists.

All three are small and read in full. 更新 checks the whole body first (a wrong shape raises
`MalformedResponseError` and nothing is written), then replaces the local table and stamps
`downloads` in one transaction, so an empty page can tell "not downloaded yet" from
"nothing registered".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import Table, and_, delete, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from client.jobs import JobContext
from client.storage.app_db import AppDatabase
from client.storage.listing import QueryListSource, contains, custom, equals
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Download, Project, UnitInfo, UnitInsurance
from client.sync.api import ApiClient
from client.sync.errors import MalformedResponseError

# Data sets, named as their tables (and their rows in `downloads`).
UNIT_INFO = "unit_info"
UNIT_INSURANCE = "unit_insurance"
PROJECTS = "projects"
DATA_SETS = (UNIT_INFO, UNIT_INSURANCE, PROJECTS)
TITLES = {UNIT_INFO: "单位信息", UNIT_INSURANCE: "单位参保信息", PROJECTS: "工程项目参保信息"}

INSURANCE_STATUSES = ("正常", "暂停", "注销")
PROJECT_STATUSES = ("在建", "停工", "竣工")

NOT_DOWNLOADED = "尚未下载{title}，请点击【更新】从管理子系统获取。"
NOTHING_REGISTERED = {
    UNIT_INFO: "管理子系统中没有本单位的单位信息。",
    UNIT_INSURANCE: "管理子系统中没有本单位的参保登记信息。",
    PROJECTS: "管理子系统中没有本单位的工程项目参保登记信息。",
}
NO_MATCH = "没有符合查询条件的{title}。"
MISSING_LEVY_NAMES = (
    "部分征收项目、征收品目或征收子目的名称无法显示，是规则文件不正确导致的，"
    "请到【系统设置-规则文件更新】中点击【更新】，然后重新打开本页面。"
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FieldKind = Literal["text", "date", "decimal"]


# -- wire layouts -----------------------------------------------------------------------
@dataclass(frozen=True)
class WireField:
    """One field of a record: its type, whether it may be null, its allowed values."""

    name: str
    kind: FieldKind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> str | None:
        """The reason `value` is not acceptable, or None."""
        if value is None:
            return "missing" if self.required else None
        if not isinstance(value, str) or (self.required and not value.strip()):
            return f"not a non-empty string: {value!r}"
        if self.kind == "date" and not (_DATE.fullmatch(value) and _is_date(value)):
            return f"not a date: {value!r}"
        if self.kind == "decimal" and _decimal(value) is None:
            return f"not a decimal: {value!r}"
        if self.choices and value not in self.choices:
            return f"not one of {self.choices}: {value!r}"
        return None


@dataclass(frozen=True)
class ListLayout:
    """A list data set: where it comes from, its record layout and its local table."""

    name: str
    path: str  # after /mgmt/units/{unit_id}/ (the API client adds /api/v1)
    table: Table
    fields: tuple[WireField, ...]
    unique: str | None = None  # a field that must not repeat (the table's primary key)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


INSURANCE_LAYOUT = ListLayout(
    UNIT_INSURANCE,
    "insurance",
    UnitInsurance.__table__,  # type: ignore[arg-type]
    (
        WireField("unit_number", required=True),
        WireField("agency", required=True),
        WireField("levy_item", required=True),
        WireField("levy_category", required=True),
        WireField("levy_subcategory"),
        WireField("start_date", "date"),
        WireField("end_date", "date"),
        WireField("status", required=True, choices=INSURANCE_STATUSES),
        WireField("unit_rate", "decimal"),
        WireField("personal_rate", "decimal"),
        WireField("tax_authority"),
    ),
)
PROJECTS_LAYOUT = ListLayout(
    PROJECTS,
    "projects",
    Project.__table__,  # type: ignore[arg-type]
    (
        WireField("project_number", required=True),
        WireField("project_name", required=True),
        WireField("project_address"),
        WireField("contract_amount", "decimal"),
        WireField("start_date", "date"),
        WireField("end_date", "date"),
        WireField("unit_number"),
        WireField("agency"),
        WireField("levy_item"),
        WireField("status", required=True, choices=PROJECT_STATUSES),
        WireField("registered_on", "date"),
    ),
    unique="project_number",
)
LAYOUTS = {UNIT_INSURANCE: INSURANCE_LAYOUT, PROJECTS: PROJECTS_LAYOUT}


@dataclass(frozen=True)
class UnitInfoRecord:
    """单位信息 (manual §4.4) as the client keeps it; `fetched_at` is 数据更新时间."""

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
    fetched_at: datetime | None = None


INFO_REQUIRED = ("taxpayer_id", "unit_name", "tax_authority")
INFO_OPTIONAL = (
    "finance_officer", "legal_representative", "industry", "enterprise_type",
    "address", "postal_code", "phone", "email",
)  # fmt: skip


@dataclass(frozen=True)
class DownloadStamp:
    name: str
    fetched_at: datetime
    count: int


# -- checking a body ----------------------------------------------------------------------
def parse_unit_info(payload: Any) -> dict[str, Any]:
    """The info body as a row of `unit_info`, or MalformedResponseError."""
    if not isinstance(payload, dict):
        raise _malformed(UNIT_INFO, "body is not an object")
    row: dict[str, Any] = {"id": 1}
    for name in (*INFO_REQUIRED, *INFO_OPTIONAL):
        if name not in payload:
            raise _malformed(UNIT_INFO, f"{name} is missing")
        problem = WireField(name, required=name in INFO_REQUIRED).check(payload[name])
        if problem:
            raise _malformed(UNIT_INFO, f"{name} {problem}")
        row[name] = payload[name]
    if not isinstance(payload.get("listed"), bool):
        raise _malformed(UNIT_INFO, f"listed is not a boolean: {payload.get('listed')!r}")
    row["listed"] = payload["listed"]
    return row


def parse_records(layout: ListLayout, payload: Any) -> list[dict[str, Any]]:
    """A list body as rows of the layout's table, or MalformedResponseError."""
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise _malformed(layout.name, "body has no records list")
    if payload.get("fields") != layout.field_names:
        raise _malformed(layout.name, f"unknown field layout {payload.get('fields')!r}")
    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    width = len(layout.fields)
    for number, record in enumerate(payload["records"]):
        if not isinstance(record, list) or len(record) != width:
            raise _malformed(layout.name, f"record {number} is not a list of {width} values")
        for spec, value in zip(layout.fields, record, strict=True):
            problem = spec.check(value)
            if problem:
                raise _malformed(layout.name, f"record {number}: {spec.name} {problem}")
        row = dict(zip(layout.field_names, record, strict=True))
        if layout.unique is not None:
            if row[layout.unique] in seen:
                raise _malformed(layout.name, f"record {number}: {layout.unique} repeats")
            seen.add(row[layout.unique])
        rows.append(row)
    return rows


def _malformed(name: str, problem: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"{name}: {problem}")


# -- downloading (更新) --------------------------------------------------------------------
def download(
    name: str, api: ApiClient, db: UnitDatabase, unit_id: str, ctx: JobContext | None = None
) -> int:
    """更新 one data set: fetch, check, replace the local copy; returns the row count."""
    ctx = ctx or JobContext()
    ctx.progress(name, 0, 2)
    ctx.check_cancelled()
    if name == UNIT_INFO:
        rows = [parse_unit_info(api.get_json(f"/mgmt/units/{unit_id}/info"))]
        table: Table = UnitInfo.__table__  # type: ignore[assignment]
    else:
        layout = LAYOUTS[name]
        rows = parse_records(layout, api.get_json(f"/mgmt/units/{unit_id}/{layout.path}"))
        table = layout.table
    ctx.progress(name, 1, 2)
    ctx.check_cancelled()
    _replace(db, name, table, rows)
    ctx.progress(name, 2, 2)
    return len(rows)


def sync_unit_reference(
    api: ApiClient, db: UnitDatabase, unit_id: str, ctx: JobContext
) -> dict[str, int]:
    """更新 单位信息, 单位参保信息 and 工程项目参保信息 (at login); counts by data set.

    Each data set is replaced in its own transaction; a failure stops here and leaves the
    data sets not yet replaced as they were.
    """
    counts: dict[str, int] = {}
    share = 100 / len(DATA_SETS)
    for done, name in enumerate(DATA_SETS):
        step = ctx.sub(done * share, (done + 1) * share, name)
        counts[name] = download(name, api, db, unit_id, step)
    return counts


def _replace(db: UnitDatabase, name: str, table: Table, rows: list[dict[str, Any]]) -> None:
    with db.write_session() as session:
        session.execute(delete(table))
        if rows:
            session.execute(insert(table), rows)
        session.merge(Download(name=name, fetched_at=datetime.now(), count=len(rows)))


# -- reading the local copy ------------------------------------------------------------------
def last_download(db: UnitDatabase, name: str) -> DownloadStamp | None:
    """When a data set was last downloaded (and how many rows came), or None if never."""
    with db.read() as session:
        row = session.get(Download, name)
        return None if row is None else DownloadStamp(row.name, row.fetched_at, row.count)


def unit_info(db: UnitDatabase) -> UnitInfoRecord | None:
    with db.read() as session:
        row = session.get(UnitInfo, 1)
        if row is None:
            return None
        values = {
            f.name: getattr(row, f.name) for f in fields(UnitInfoRecord) if f.name != "fetched_at"
        }
    stamp = last_download(db, UNIT_INFO)
    return UnitInfoRecord(**values, fetched_at=stamp.fetched_at if stamp else None)


def empty_reason(db: UnitDatabase, name: str) -> str:
    """Why a page of this data set shows no rows: never downloaded, nothing registered in
    管理子系统, or nothing matches the query conditions."""
    title = TITLES[name]
    if last_download(db, name) is None:
        return NOT_DOWNLOADED.format(title=title)
    if db.count(name) == 0:
        return NOTHING_REGISTERED[name]
    return NO_MATCH.format(title=title)


def update_message(name: str, count: int) -> str:
    """What the clerk is told after 更新 of one data set."""
    if count == 0:
        return f"更新完成。{NOTHING_REGISTERED[name]}"
    if name == UNIT_INFO:
        return "单位信息更新完成。"
    return f"{TITLES[name]}更新完成，共获取{count:,}条记录。"


def insurance_source(db: UnitDatabase) -> QueryListSource:
    """单位参保信息 with the page's conditions: 单位编号, 征收项目, 参保状态."""
    t = INSURANCE_LAYOUT.table
    return QueryListSource(
        db.engine,
        select(*t.c),
        key="row_id",
        filters=[
            equals("unit_number", t.c.unit_number),
            equals("levy_item", t.c.levy_item),
            equals("status", t.c.status),
        ],
        default_sort=[("unit_number", True), ("levy_item", True), ("levy_category", True)],
    )


def projects_source(db: UnitDatabase) -> QueryListSource:
    """工程项目参保信息 with 工程项目编号, 工程项目名称 (模糊), 项目状态, 项目期间."""
    t = PROJECTS_LAYOUT.table
    return QueryListSource(
        db.engine,
        select(*t.c),
        key="project_number",
        filters=[
            equals("project_number", t.c.project_number),
            contains("project_name", t.c.project_name),
            equals("status", t.c.status),
            custom("period", lambda value: project_period_overlaps(t, value)),
        ],
        default_sort=[("registered_on", False)],
    )


def project_period_overlaps(t: Table, value: Sequence[Any]) -> ColumnElement[bool] | None:
    """项目期间: projects whose 开工日期..竣工日期 overlaps the chosen range (an open end
    on either side counts as unbounded)."""
    start, end = (_iso_day(v) for v in value)
    clauses: list[ColumnElement[bool]] = []
    if start is not None:
        clauses.append(or_(t.c.end_date.is_(None), t.c.end_date >= start))
    if end is not None:
        clauses.append(or_(t.c.start_date.is_(None), t.c.start_date <= end))
    return and_(*clauses) if clauses else None


# -- display -------------------------------------------------------------------------------
class LevyNames:
    """征收项目/品目/子目 code -> name, from the region's rule files; blank when unknown
    (the manual: names missing means the rule files are wrong)."""

    def __init__(self, app_db: AppDatabase | None) -> None:
        self.app_db = app_db
        self.tables: dict[str, dict[str, str]] = {}
        self.reload()

    def reload(self) -> None:
        codes = ("levy_items", "levy_categories", "levy_subcategories")
        self.tables = {c: self.app_db.code_table(c) if self.app_db else {} for c in codes}

    def levy_item(self, code: Any) -> str:
        return self.tables["levy_items"].get(code, "") if code else ""

    def levy_category(self, code: Any) -> str:
        return self.tables["levy_categories"].get(code, "") if code else ""

    def levy_subcategory(self, code: Any) -> str:
        return self.tables["levy_subcategories"].get(code, "") if code else ""

    def levy_item_options(self) -> list[tuple[str, str]]:
        """征收项目 choices for a query condition: (name, code) in code order."""
        return [(name, code) for code, name in sorted(self.tables["levy_items"].items())]

    def missing_hint(self, db: UnitDatabase, name: str) -> str:
        """The manual's 注意事项: rows whose codes have no name mean a wrong rule file."""
        columns: dict[str, Callable[[Any], str]] = (
            {
                "levy_item": self.levy_item,
                "levy_category": self.levy_category,
                "levy_subcategory": self.levy_subcategory,
            }
            if name == UNIT_INSURANCE
            else {"levy_item": self.levy_item}
        )
        t = LAYOUTS[name].table
        with db.read() as session:
            for column, lookup in columns.items():
                codes = session.scalars(select(t.c[column]).distinct()).all()
                if any(code and not lookup(code) for code in codes):
                    return MISSING_LEVY_NAMES
        return ""


def format_rate(value: Any) -> str:
    """费率 as a percentage: "0.1600" -> "16.00%"."""
    number = _decimal(value)
    if number is None:
        return "" if value in (None, "") else str(value)
    return f"{number * 100:.2f}%"


def format_listed(value: Any) -> str:
    return "是" if value else "否"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _iso_day(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()[:10] or None
