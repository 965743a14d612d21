"""First start: take over the older 单位社保费管理客户端's data (docs/legacy-data.md), no Qt.

At the first start (no unit yet, no import done before) the old folder's units are added to
单位管理 with their 备注, its proxy becomes the 网络设置 when none is set, its region is offered
preselected, and each unit's 分组 (by 证件号码) waits in the settings until the unit's first
数据更新 has brought its people; `apply_pending_groups` then builds the tree and assigns them.
Nothing is lost: a unit already added is left as it is, a member not (or no longer) in the
unit's list is counted, and the old folder is never changed.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from client.legacy.reader import LegacyData, LegacyError, find_legacy_folder, read_legacy
from client.storage.errors import UnitAlreadyAddedError
from client.storage.settings import ProxyConfig

log = logging.getLogger(__name__)

DONE_KEY = "legacy_import"
REGION_KEY = "legacy_region"
GROUPS_KEY = "legacy_groups.{kind}.{unit_id}"


@dataclass(frozen=True)
class LegacyImportResult:
    folder: Path
    units_added: int
    units_present: int
    groups_waiting: int
    proxy_taken: bool
    region_code: str | None

    def message(self) -> str:
        parts = [f"已从旧版“单位社保费管理客户端”（{self.folder}）导入{self.units_added}个单位"]
        if self.units_present:
            parts.append(f"{self.units_present}个单位此前已添加，保持不变")
        if self.groups_waiting:
            parts.append(f"{self.groups_waiting}个单位的分组将在首次登录更新数据后导入")
        if self.proxy_taken:
            parts.append("网络代理设置已导入")
        return "，".join(parts) + "。登录各单位时请使用原申报密码。"


def should_import(app_db: Any) -> bool:
    if app_db.get_setting(DONE_KEY) is not None:
        return False
    return not (app_db.units("employer") or app_db.units("collector"))


def import_legacy(app_db: Any, settings: Any, data: LegacyData) -> LegacyImportResult:
    added = present = waiting = 0
    for unit in data.units:
        try:
            row = app_db.add_unit(
                kind=unit.kind, unit_id=unit.unit_id, taxpayer_id=unit.taxpayer_id,
                taxpayer_name=unit.taxpayer_name, tax_authority=unit.tax_authority,
                tax_section=unit.tax_section,
            )  # fmt: skip
        except UnitAlreadyAddedError:
            present += 1
            continue
        added += 1
        if unit.remark:
            app_db.set_remark(row.id, unit.remark)
        if unit.groups:
            key = GROUPS_KEY.format(kind=unit.kind, unit_id=unit.unit_id)
            app_db.set_setting(key, [asdict(g) for g in unit.groups])
            waiting += 1
    proxy_taken = False
    if data.proxy and settings.proxy().mode == "none":
        try:
            port = int(data.proxy.get("port") or 0)
        except ValueError:
            port = 0
        config = ProxyConfig(
            data.proxy["kind"], data.proxy["host"], port, data.proxy.get("username", "")
        )
        if config.validation_error() is None:
            settings.set_proxy(config)
            proxy_taken = True
    if data.region_code:
        app_db.set_setting(REGION_KEY, data.region_code)
    app_db.set_setting(
        DONE_KEY,
        {"folder": str(data.folder), "units": added, "at": datetime.now().isoformat()},
    )
    log.info("legacy import from %s: %d units added, %d present", data.folder, added, present)
    return LegacyImportResult(data.folder, added, present, waiting, proxy_taken, data.region_code)


def import_at_first_start(app_db: Any, settings: Any) -> LegacyImportResult | str | None:
    """The import when this is a first start and an old folder exists: its result, the
    reason it could not be read (a sentence), or None when there was nothing to do."""
    if not should_import(app_db):
        return None
    folder = find_legacy_folder()
    if folder is None:
        return None
    try:
        data = read_legacy(folder)
    except LegacyError as exc:
        app_db.set_setting(DONE_KEY, {"folder": str(folder), "error": exc.message})
        return exc.message
    return import_legacy(app_db, settings, data)


def legacy_region(app_db: Any) -> str | None:
    value = app_db.get_setting(REGION_KEY)
    return str(value) if value else None


@dataclass(frozen=True)
class GroupsApplied:
    groups: int
    assigned: int
    not_found: int


def apply_pending_groups(app_db: Any, kind: str, unit_id: str, db: Any) -> GroupsApplied | None:
    """After the unit's 数据更新: the old 分组 tree, with its members found by 证件号码."""
    from client.groups.service import GroupService

    setting = GROUPS_KEY.format(kind=kind, unit_id=unit_id)
    pending = app_db.get_setting(setting)
    if not pending:
        return None
    table = "employees" if kind == "employer" else "residents"
    with db.engine.connect() as conn:
        people = dict(
            (str(n).upper(), int(i))
            for i, n in conn.exec_driver_sql(f"SELECT id, id_number FROM {table}")
        )
    if not people:
        return None  # the people are not here yet: keep waiting
    groups = GroupService(db)
    by_key = {int(g["key"]): g for g in pending}

    def path(key: int) -> tuple[str, ...]:
        names: list[str] = []
        seen: set[int] = set()
        current: int | None = key
        while current is not None and current in by_key and current not in seen:
            seen.add(current)
            names.insert(0, by_key[current]["name"])
            current = by_key[current]["parent"]
        return tuple(names[-3:])  # at most three levels (分组 rules)

    paths = {key: path(key) for key in by_key}
    groups.ensure_paths(sorted(set(paths.values()), key=len))
    index = groups.path_index()
    pairs: list[tuple[int, int]] = []
    missing = 0
    for key, group in by_key.items():
        group_id = index.get("/".join(paths[key]))
        for number in group["members"]:
            person = people.get(str(number).upper())
            if person is None or group_id is None:
                missing += 1
            else:
                pairs.append((person, group_id))
    assigned = groups.assign_many(pairs)
    app_db.set_setting(setting, None)
    log.info("legacy groups of %s %s: %d assigned, %d not found", kind, unit_id, assigned, missing)
    return GroupsApplied(len(by_key), assigned, missing)
