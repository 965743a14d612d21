"""Small reference data synced at login: rule files, 参保登记信息 and 通知公告."""

from __future__ import annotations

from client.jobs import JobContext
from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient


def sync_rule_files(api: ApiClient, app_db: AppDatabase, ctx: JobContext) -> int:
    """Download the rule files whose version changed; returns how many were updated."""
    ctx.progress("rules", 0, None)
    known = app_db.rule_versions()
    stale = [ref for ref in api.rule_index() if known.get(ref.code) != ref.version]
    files = []
    for n, ref in enumerate(stale, start=1):
        ctx.check_cancelled()
        files.append(api.rule_file(ref.code).model_dump())
        ctx.progress("rules", n, len(stale))
    app_db.save_rule_files(files)
    ctx.progress("rules", len(stale), len(stale))
    return len(files)


def sync_registration(api: ApiClient, unit_db: UnitDatabase, unit_id: str, ctx: JobContext) -> int:
    ctx.progress("registration", 0, 1)
    info = api.registration(unit_id)
    unit_db.replace_registrations([row.model_dump() for row in info.registrations])
    ctx.progress("registration", 1, 1)
    return len(info.registrations)


def sync_notices(api: ApiClient, app_db: AppDatabase, ctx: JobContext) -> int:
    ctx.progress("notices", 0, None)
    page = api.notices(app_db.feed_cursor("notices"))
    count = app_db.save_notices((n.model_dump() for n in page.notices), page.cursor)
    ctx.progress("notices", 1, 1)
    return count
