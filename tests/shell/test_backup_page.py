"""系统设置-备份恢复 in the running shell (pytest-qt, real backend): 备份 while logged in (the
prompt before, the result after), 自动备份 settings saved, a damaged backup refused with the
data untouched, 恢复 of the backup through the shell (main window closed, databases closed and
opened again, 单位管理 with the result, the unit there to log in again)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from client.backup.service import BackupSettings, default_folder, list_backups
from client.ui.backup_page import BackupPage
from tests.shell.test_shell_flow import NEW_PASSWORD, add_unit, choose_region, login


def test_backup_and_restore_in_the_shell(
    qtbot: Any, backend: Any, make_shell: Any, tmp_path: Path
) -> None:
    employer = backend.create_taxpayer(units=1, employees_per_unit=12, unit_numbers=[["5566"]])
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    add_unit(qtbot, controller, "employer", employer["taxpayer_id"], "556600")
    window = login(qtbot, controller, 0, "556600", NEW_PASSWORD)
    app = controller.ui.app
    prompts = controller.ui.prompts
    assert "备份恢复" in window.menu_titles()

    page = window.open_page("backup")
    assert isinstance(page, BackupPage)
    assert [page.tabs.tabText(i) for i in range(3)] == ["备份设置", "自动备份", "恢复设置"]
    assert page.table.rowCount() == 0

    # 备份 to the default folder: asked first, then the result
    prompts.answer(False)
    assert page.backup_now() is None and "1个单位" in prompts.last.text
    prompts.answer(True)
    handle = page.backup_now()
    qtbot.waitUntil(lambda: handle.done, timeout=30_000)
    assert handle.error is None, handle.error
    assert prompts.last.text.startswith("备份成功")
    backups = list_backups(default_folder(app.paths))
    assert len(backups) == 1 and page.table.rowCount() == 1
    good = backups[0][0]

    # 自动备份: switched on, 3 copies, saved
    page.check_auto.setChecked(True)
    page.spin_keep.setValue(3)
    page.save_auto()
    assert BackupSettings.load(app.app_db).auto_enabled
    assert BackupSettings.load(app.app_db).auto_keep == 3

    # the clerk works on: a setting changes after the backup
    app.app_db.set_setting("marker", "after")

    # a damaged copy of the backup is refused; nothing changes
    damaged = tmp_path / "坏的备份"
    damaged.mkdir()
    manifest = json.loads((good / "manifest.json").read_text(encoding="utf-8"))
    (damaged / "manifest.json").write_text(
        json.dumps({**manifest, "app": "别的软件"}, ensure_ascii=False), encoding="utf-8"
    )
    page.folder_provider = lambda _title, _start: str(damaged)
    handle = page.restore_chosen()
    qtbot.waitUntil(lambda: handle.done, timeout=30_000)
    assert prompts.last.text.startswith("不能恢复") and "别的软件" in prompts.last.text
    assert controller.main_window is window and app.app_db.get_setting("marker") == "after"

    # 恢复 of the good one: confirmed, restored, 单位管理 shown, the marker gone
    page.table.selectRow(0)
    prompts.answer(True)
    handle = page.restore_selected()
    qtbot.waitUntil(lambda: handle.done, timeout=30_000)
    qtbot.waitUntil(
        lambda: controller.restore_handle is not None and controller.restore_handle.done,
        timeout=60_000,
    )
    assert controller.restore_handle.error is None, controller.restore_handle.error
    assert prompts.last.text.startswith("恢复成功")
    assert controller.main_window is None and controller.unit_manager.isVisible()
    assert app.session is None
    assert app.app_db.get_setting("marker") is None  # the data of the backup
    assert not BackupSettings.load(app.app_db).auto_enabled  # saved after the backup
    kinds = sorted(m.kind for _f, m in list_backups(default_folder(app.paths)))
    assert kinds == ["before-restore", "manual"]
    # the unit is there and logs in again
    controller.unit_manager.set_kind("employer")
    assert controller.unit_manager.table.rowCount() == 1
    window = login(qtbot, controller, 0, NEW_PASSWORD, None)
    assert window.session.db.count("employees") == 12
