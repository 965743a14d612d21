"""A unit database cut short is found when the unit logs in: the clerk downloads afresh or
restores a backup, never a crash; the damaged file is kept aside, not deleted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from client.backup.service import default_folder, make_backup  # noqa: E402
from client.storage.integrity import (  # noqa: E402
    DAMAGED_FOLDER,
    DamagedDatabaseError,
    database_problem,
    set_aside,
)
from client.storage.unit_db import UnitDatabase  # noqa: E402
from client.ui.controller import AppController  # noqa: E402
from client.ui.login_flow import AuthDialog  # noqa: E402
from tests.shell.test_shell_flow import NEW_PASSWORD, login  # noqa: E402
from tests.shell.test_shell_more import registered_shell  # noqa: E402

EMPLOYEES = 300


def _unit_db(controller: AppController) -> Path:
    files = list(controller.ui.app.paths.units_dir.glob("*.sqlite3"))
    assert len(files) == 1
    return files[0]


def _cut_in_half(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)


def _logged_in_once(qtbot: Any, backend: Any, make_shell: Any) -> AppController:
    controller, _created = registered_shell(qtbot, backend, make_shell, employees=EMPLOYEES)
    window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    assert window.session.db.count("employees") == EMPLOYEES
    controller.switch_unit()  # the session ends, its database closes
    return controller


def _login_meets_damage(qtbot: Any, controller: AppController) -> AuthDialog:
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    assert isinstance(auth, AuthDialog)
    auth.edit_password.setText(NEW_PASSWORD)
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: auth.handle is not None and auth.handle.done, timeout=30_000)
    qtbot.waitUntil(lambda: getattr(auth, "repair_dialog", None) is not None)
    assert "本地数据文件已损坏" in auth.status.text()
    assert controller.ui.app.session is None and controller.main_window is None
    return auth


def test_cut_short_unit_database_is_downloaded_afresh(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller = _logged_in_once(qtbot, backend, make_shell)
    path = _unit_db(controller)
    _cut_in_half(path)
    damaged_bytes = path.read_bytes()

    # 取消 first: nothing moves.
    auth = _login_meets_damage(qtbot, controller)
    repair = auth.repair_dialog
    assert not repair.btn_restore.isEnabled()  # no backup holds the unit
    assert "只能重新下载" in repair.findChild(type(auth.status), "label_damaged_database").text()
    qtbot.mouseClick(repair.btn_cancel, Qt.MouseButton.LeftButton)
    assert path.read_bytes() == damaged_bytes
    auth.reject()

    # 重新下载: the file goes aside, the login runs again and the data comes back whole.
    auth = _login_meets_damage(qtbot, controller)
    qtbot.mouseClick(auth.repair_dialog.btn_download, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=60_000)
    window = controller.main_window
    assert window.session.db.count("employees") == EMPLOYEES
    kept = list((controller.ui.app.paths.root / DAMAGED_FOLDER).glob("*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes
    assert database_problem(path) is None


def test_cut_short_unit_database_is_restored_from_a_backup(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller = _logged_in_once(qtbot, backend, make_shell)
    paths = controller.ui.app.paths
    backup = make_backup(paths, default_folder(paths))
    path = _unit_db(controller)
    _cut_in_half(path)

    auth = _login_meets_damage(qtbot, controller)
    repair = auth.repair_dialog
    assert repair.btn_restore.isEnabled()
    qtbot.mouseClick(repair.btn_restore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: controller.restore_handle is not None and controller.restore_handle.done,
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: "恢复成功" in (controller.ui.prompts.last.text or ""))
    assert backup.manifest.created_at.replace("T", " ") in controller.ui.prompts.last.text
    assert database_problem(path) is None
    assert list((paths.root / DAMAGED_FOLDER).glob("*.sqlite3"))
    # The restored unit logs in without a download of everything (its data is there).
    window = login(qtbot, controller, 0, NEW_PASSWORD, None)
    assert window.session.db.count("employees") == EMPLOYEES


def test_database_problem_finds_each_kind_of_damage(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite3"
    assert database_problem(path) is None  # not there yet: a new database
    db = UnitDatabase(path, tmp_path / "b")
    db.add_message("测试", "标题", "正文" * 2000)
    db.close()
    assert database_problem(path) is None
    whole = path.read_bytes()

    path.write_bytes(whole[:60])
    assert "header" in (database_problem(path) or "")
    path.write_bytes(b"PK\x03\x04" + whole[4:])
    assert "not an SQLite" in (database_problem(path) or "")
    path.write_bytes(whole[: len(whole) // 2])
    assert "cut short" in (database_problem(path) or "")
    # Pages overwritten with zeros somewhere in the middle: quick_check finds it.
    page = int.from_bytes(whole[16:18], "big")
    broken = bytearray(whole)
    broken[page : 3 * page] = bytes(2 * page)
    path.write_bytes(bytes(broken))
    assert database_problem(path) is not None

    moved = set_aside(path, tmp_path)
    assert not path.exists() and moved.read_bytes() == bytes(broken)
    assert moved.parent == tmp_path / DAMAGED_FOLDER
    error = DamagedDatabaseError(path, "x")
    assert "重新下载" in error.message and "从备份恢复" in error.message


def _app_folder_with_backup(tmp_path: Path) -> Path:
    from client.app_context import AppContext
    from client.storage.app_db import RegionChoice

    root = tmp_path / "data"
    ctx = AppContext.open(str(root), "http://127.0.0.1:9")
    ctx.app_db.choose_region(RegionChoice("440300", "深圳市", "税务自主", True, True))
    make_backup(ctx.paths, default_folder(ctx.paths))
    ctx.close()
    _cut_in_half(root / "app.sqlite3")
    return root


def _open_region(root: Path) -> Any:
    from client.app_context import AppContext

    ctx = AppContext.open(str(root), "http://127.0.0.1:9")
    try:
        return ctx.region()
    finally:
        ctx.close()


def test_a_damaged_app_database_is_restored_from_the_newest_backup(tmp_path: Path) -> None:
    from client.ui.data_folder_guard import hold_data_folder
    from client.ui.prompts import PromptService

    root = _app_folder_with_backup(tmp_path)
    prompts = PromptService.scripted([True])  # 从备份恢复
    lock = hold_data_folder(str(root), prompts=prompts)
    try:
        assert "是否从备份恢复" in prompts.history[0].text
        assert "已从" in prompts.last.text and "备份恢复" in prompts.last.text
        assert database_problem(root / "app.sqlite3") is None
        region = _open_region(root)
        assert region is not None and region.code == "440300"
        assert list((root / DAMAGED_FOLDER).glob("app.*.sqlite3"))
    finally:
        lock.release()


def test_a_damaged_app_database_can_start_clean(tmp_path: Path) -> None:
    from client.ui.data_folder_guard import hold_data_folder
    from client.ui.prompts import PromptService

    root = _app_folder_with_backup(tmp_path)
    prompts = PromptService.scripted([False])  # 重新开始
    lock = hold_data_folder(str(root), prompts=prompts)
    try:
        assert "重新开始" in prompts.last.text
        assert not (root / "app.sqlite3").exists()
        assert _open_region(root) is None  # a clean start: the region is chosen again
        assert list((root / DAMAGED_FOLDER).glob("app.*.sqlite3"))
    finally:
        lock.release()
