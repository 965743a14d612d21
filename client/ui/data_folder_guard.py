"""At start, before any database opens: one client per data folder, a folder that can be
written, and an app database that is whole.

A folder in use or read-only: the clerk is told why in one sentence and the client exits.
A damaged `app.sqlite3` (units list, settings): it is moved to `damaged/` and the clerk
chooses 从备份恢复 (the newest backup in the default folder) or 重新开始 (region chosen
again, units added again — their own databases in `units/` are kept and used again).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from client.storage.errors import StorageError
from client.storage.integrity import database_problem, set_aside
from client.storage.lock import DataFolderInUseError, DataFolderLock, claim_data_folder
from client.storage.paths import data_root

if TYPE_CHECKING:
    from client.ui.prompts import PromptService

log = logging.getLogger(__name__)

EXIT_IN_USE = 0  # nothing is wrong: the other window is the one to use
EXIT_NOT_WRITABLE = 1
APP_DB = "app.sqlite3"


def hold_data_folder(
    explicit: str | None, quiet: bool = False, prompts: PromptService | None = None
) -> DataFolderLock:
    """The data folder's lock, held until the process ends; SystemExit after telling the
    clerk (a message box, or only standard output when `quiet`) when it cannot be had."""
    root = data_root(explicit)
    try:
        lock = claim_data_folder(root)
    except StorageError as exc:
        in_use = isinstance(exc, DataFolderInUseError)
        print(exc.message, file=sys.stdout, flush=True)
        if not quiet:
            _prompts(prompts).warning(
                None, exc.message, "客户端已在运行" if in_use else "无法启动客户端"
            )
        raise SystemExit(EXIT_IN_USE if in_use else EXIT_NOT_WRITABLE) from None
    problem = database_problem(root / APP_DB)
    if problem is not None:
        recover_app_database(root, problem, None if quiet else _prompts(prompts))
    return lock


def recover_app_database(root: Path, problem: str, prompts: PromptService | None) -> str:
    """Move the damaged app database aside, then restore the newest backup (when the clerk
    agrees) or start clean; what happened, as told to the clerk."""
    from client.backup.service import default_folder, list_backups, restore
    from client.storage.paths import DataPaths

    log.warning("app database is damaged: %s", problem)
    moved = set_aside(root / APP_DB, root)
    paths = DataPaths(root)
    backups = [
        (folder, manifest)
        for folder, manifest in list_backups(default_folder(paths))
        if any(f.path == APP_DB for f in manifest.files)
    ]
    head = f"客户端的数据文件已损坏，无法打开，已另存为{moved}。"
    if backups and prompts is not None:
        folder, manifest = backups[0]
        when = manifest.created_at.replace("T", " ")
        question = (
            f"{head}\n可以从{when}的备份恢复（会替换客户端的全部数据，当前数据会先另行备份），"
            "或重新开始（需重新选择地区并添加单位，各单位已下载的数据仍会保留）。是否从备份恢复？"
        )
        if prompts.confirm(None, question, "数据文件损坏", yes="从备份恢复", no="重新开始"):
            try:
                restore(paths, folder)
            except Exception as exc:  # the backup itself refused: start clean instead
                log.exception("restoring %s at start failed", folder)
                reason = getattr(exc, "message", "") or str(exc)
                told = f"从备份恢复失败：{reason}客户端将重新开始，请重新选择地区并添加单位。"
            else:
                told = f"已从{when}的备份恢复客户端数据。"
            prompts.info(None, told, "数据文件损坏")
            return told
    told = head + "客户端将重新开始：请重新选择地区并添加单位，各单位已下载的数据仍会保留。"
    print(told, file=sys.stdout, flush=True)
    if prompts is not None:
        prompts.warning(None, told, "数据文件损坏")
    return told


def _prompts(prompts: PromptService | None) -> PromptService:
    if prompts is not None:
        return prompts
    from client.ui.prompts import PromptService

    return PromptService()
