"""数据更新 at login: rule files, registration info, notices, 单位信息, the unit's 社保费
items (for 首页 待办事项) and the module's records.

One job whose progress runs from 0 to 100 over all phases (manual §2.1.2: the data
update screen shows one progress bar until 100%).
"""

from __future__ import annotations

from dataclasses import dataclass

from client.fees.items import FeeItems
from client.fees.rules import categories_for
from client.jobs import JobContext
from client.storage.app_db import AppDatabase
from client.storage.app_models import RegisteredUnit
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.engine import FeedSyncer, FeedSyncResult
from client.sync.feeds import FEED_FOR_KIND
from client.sync.reference import sync_notices, sync_registration, sync_rule_files
from client.unit_reference.service import sync_unit_reference

PHASE_LABELS = {
    "rules": "正在更新规则文件",
    "registration": "正在更新参保登记信息",
    "notices": "正在更新通知公告",
    "reference": "正在更新单位信息",
    "fees": "正在获取社保费申报信息",
    "employees": "正在更新职工参保信息",
    "residents": "正在更新城乡居民参保信息",
}


@dataclass
class LoginUpdateResult:
    rule_files_updated: int
    registrations: int
    notices: int
    reference: dict[str, int]
    records: FeedSyncResult
    fee_items_waiting: int = 0  # 社保费 items waiting to be declared (首页 待办事项)


def login_update(
    api: ApiClient,
    app_db: AppDatabase,
    unit_db: UnitDatabase,
    unit: RegisteredUnit,
    ctx: JobContext,
    *,
    page_size: int | None = None,
) -> LoginUpdateResult:
    """Full sync of the records on a unit's first login, incremental afterwards."""
    spec = FEED_FOR_KIND[unit.kind]
    rules = sync_rule_files(api, app_db, ctx.sub(0, 8, PHASE_LABELS["rules"]))
    ctx.check_cancelled()
    regs = sync_registration(
        api, unit_db, unit.unit_id, ctx.sub(8, 12, PHASE_LABELS["registration"])
    )
    ctx.check_cancelled()
    notices = sync_notices(api, app_db, ctx.sub(12, 15, PHASE_LABELS["notices"]))
    ctx.check_cancelled()
    reference = sync_unit_reference(
        api, unit_db, unit.unit_id, ctx.sub(15, 19, PHASE_LABELS["reference"])
    )
    ctx.check_cancelled()
    fee_items = ctx.sub(19, 22, PHASE_LABELS["fees"])
    fee_items.progress(PHASE_LABELS["fees"], 0, 1)
    waiting = FeeItems(api, unit_db, unit.unit_id).refresh(categories_for(unit.kind))
    fee_items.progress(PHASE_LABELS["fees"], 1, 1)
    ctx.check_cancelled()
    syncer = FeedSyncer(api, unit_db, unit.unit_id, spec, **_size(page_size))
    records = syncer.run(ctx.sub(22, 100, PHASE_LABELS[spec.name]))
    ctx.progress("done", 100, 100)
    return LoginUpdateResult(rules, regs, notices, reference, records, waiting)


def _size(page_size: int | None) -> dict[str, int]:
    return {} if page_size is None else {"page_size": page_size}
