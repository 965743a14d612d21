"""升级 in the shell (pytest-qt, real mock backend): 关于 says whether this is the newest
version; a newer one is offered with its notes, downloaded with a progress bar, verified,
installed into a temporary D built from a fake payload (1.0.0 → 1.1.0) and the client
restarted; a forced one cannot be dismissed; a tampered one or a 取消 installs nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QPushButton, QWidget

from client import __version__
from client.app_context import AppContext
from client.ui import upgrade_dialog
from client.ui.about import UP_TO_DATE, AboutDialog
from client.ui.context import UiServices
from client.ui.prompts import PromptService
from client.ui.upgrade_dialog import UpgradeDialog, check_at_start
from client.upgrade.layout import INSTALL_DIR_ENV
from client.upgrade.service import Upgrader
from installer.upgrade import apply_upgrade, version_folder
from tests.upgrade.conftest import Channel
from tests.upgrade.payloads import install

PACKAGES_PATH = "/api/v1/updates/packages"
WAIT_MS = 30_000


class Env:
    def __init__(self, ui: UiServices, root: Path) -> None:
        self.ui = ui
        self.root = root
        self.spawned: list[tuple[list[str], Path]] = []
        self.quits = 0

    def upgrader(self) -> Upgrader:
        up = Upgrader.for_app(self.ui.app, self.root)
        up.spawn = lambda command, cwd: self.spawned.append((command, cwd))
        return up

    def current(self) -> dict[str, Any]:
        return dict(json.loads((self.root / "current.json").read_text(encoding="utf-8")))


@pytest.fixture
def env(
    channel: Channel, packages: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Env]:
    monkeypatch.delenv(INSTALL_DIR_ENV, raising=False)
    app = AppContext.open(str(tmp_path / "client"), channel.server.url)
    ui = UiServices(app, PromptService.scripted(), show_delay_ms=0)
    made = Env(ui, install(tmp_path / "D", packages["1.0.0"]))

    def quit_app() -> None:
        made.quits += 1

    monkeypatch.setattr(upgrade_dialog, "_quit_application", quit_app)
    monkeypatch.setattr(upgrade_dialog, "_declined", set())
    yield made
    app.close()


def child(widget: QWidget, kind: type[Any], name: str) -> Any:
    found = widget.findChild(kind, name)
    assert found is not None, name
    return found


def test_about_says_the_dev_checkout_is_the_newest(
    qtbot: Any, env: Env, channel: Channel, packages: dict[str, Path]
) -> None:
    about = AboutDialog(None, env.ui)  # a development checkout: no D, its own version
    qtbot.addWidget(about)
    about.show()
    assert child(about, QLabel, "label_version").text() == f"当前版本：V{__version__}"
    qtbot.waitUntil(
        lambda: about.check_handle is not None and about.check_handle.done, timeout=WAIT_MS
    )
    assert child(about, QLabel, "label_update_state").text() == UP_TO_DATE
    assert not child(about, QPushButton, "btn_about_upgrade").isVisible()
    # The channel's latest is this very version: still the newest.
    channel.publish(packages["1.0.0"], __version__)
    qtbot.mouseClick(child(about, QPushButton, "btn_check_update"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: about.check_handle is not None and about.check_handle.done, timeout=WAIT_MS
    )
    assert child(about, QLabel, "label_update_state").text() == UP_TO_DATE


def test_about_offers_a_newer_version_and_the_dialog_installs_it(
    qtbot: Any, env: Env, channel: Channel, packages: dict[str, Path]
) -> None:
    channel.publish(packages["1.1.0"], "1.1.0", notes="1. 新增备份恢复。\n2. 修复若干问题。")
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    about = AboutDialog(parent, env.ui, env.upgrader())
    about.show()
    assert child(about, QLabel, "label_version").text() == "当前版本：V1.0.0"
    qtbot.waitUntil(lambda: about.result is not None, timeout=WAIT_MS)
    assert child(about, QLabel, "label_update_state").text() == (
        "发现新版本V1.1.0，当前不是最新版本，建议升级。"
    )
    upgrade = child(about, QPushButton, "btn_about_upgrade")
    assert upgrade.isVisible()
    qtbot.mouseClick(upgrade, Qt.MouseButton.LeftButton)
    dialog = about.upgrade_dialog
    assert isinstance(dialog, UpgradeDialog) and dialog.isVisible() and not about.isVisible()
    assert "新增备份恢复" in child(dialog, QPlainTextEdit, "text_upgrade_notes").toPlainText()
    assert (
        child(dialog, QLabel, "label_upgrade_version")
        .text()
        .startswith("发现新版本V1.1.0（当前版本V1.0.0）")
    )
    assert child(dialog, QPushButton, "btn_upgrade_cancel").isVisible()

    seen: list[int] = []
    bar = child(dialog, QProgressBar, "progress_upgrade")
    bar.valueChanged.connect(seen.append)
    qtbot.mouseClick(child(dialog, QPushButton, "btn_upgrade_start"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.handle is not None and dialog.handle.done, timeout=WAIT_MS)
    assert dialog.handle is not None and dialog.handle.error is None
    assert seen and seen[-1] == 100 and any(0 < v < 100 for v in seen)
    # Installed next to the old version, which stays until the new one has started once.
    assert env.current() == {"version": "1.1.0", "previous": "1.0.0", "pending_first_start": True}
    assert (version_folder(env.root, "1.0.0") / "_internal/client/VERSION.txt").exists()
    exe = version_folder(env.root, "1.1.0") / "社保费管理客户端"
    assert env.spawned and env.spawned[0][0][0] == str(exe)  # the new version started…
    assert env.quits == 1 and not dialog.isVisible()  # …and this one quits


def test_a_forced_upgrade_at_start_cannot_be_dismissed(
    qtbot: Any, env: Env, channel: Channel, packages: dict[str, Path]
) -> None:
    channel.publish(packages["1.1.0"], "1.1.0", notes="安全更新", forced=True)
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    check = check_at_start(env.ui, window, env.upgrader())
    assert check is not None
    qtbot.waitUntil(lambda: check.dialog is not None and check.dialog.isVisible(), timeout=WAIT_MS)
    dialog = check.dialog
    assert dialog is not None and dialog.windowTitle() == "强制升级"
    assert child(dialog, QLabel, "label_upgrade_forced").text() == (
        "此版本为强制升级，升级完成前无法继续使用客户端。"
    )
    assert not child(dialog, QPushButton, "btn_upgrade_cancel").isVisible()
    assert child(dialog, QPushButton, "btn_upgrade_quit").isVisible()
    dialog.reject()  # Esc
    dialog.close()
    assert dialog.isVisible()
    qtbot.mouseClick(child(dialog, QPushButton, "btn_upgrade_start"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.handle is not None and dialog.handle.done, timeout=WAIT_MS)
    assert env.current()["version"] == "1.1.0"
    assert env.quits == 1 and len(env.spawned) == 1


def test_the_start_check_confirms_the_running_version_and_stays_quiet_when_newest(
    qtbot: Any, env: Env, packages: dict[str, Path]
) -> None:
    apply_upgrade(env.root, packages["1.1.0"])  # as if 1.1.0 was just installed and started
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    check = check_at_start(env.ui, window, env.upgrader())
    assert check is not None
    # It started: no longer pending, the previous version is gone.
    assert env.current() == {"version": "1.1.0", "previous": None, "pending_first_start": False}
    assert not version_folder(env.root, "1.0.0").exists()
    qtbot.waitUntil(lambda: check.handle.done, timeout=WAIT_MS)
    assert check.result is not None and not check.result.newer and check.dialog is None
    assert env.ui.prompts.history == []


def test_a_development_checkout_does_not_check_at_start(qtbot: Any, env: Env) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    assert check_at_start(env.ui, window) is None


def test_a_tampered_package_is_refused_in_the_dialog(
    qtbot: Any, env: Env, channel: Channel, packages: dict[str, Path]
) -> None:
    channel.publish(packages["1.1.0"], "1.1.0", tamper="package")
    before = env.current()
    up = env.upgrader()
    check = up.check()
    assert check.info is not None
    dialog = UpgradeDialog(env.ui, up, check.info)
    qtbot.addWidget(dialog)
    dialog.open()
    handle = dialog.start()
    qtbot.waitUntil(lambda: handle.done, timeout=WAIT_MS)
    last = env.ui.prompts.last
    assert last is not None and last.kind == "error" and last.title == "升级失败"
    assert last.text.startswith("升级包校验失败") and "当前版本保持不变" in last.text
    assert child(dialog, QLabel, "label_upgrade_status").text() == last.text
    assert not child(dialog, QPushButton, "btn_upgrade_start").isEnabled()
    assert env.current() == before and env.spawned == [] and env.quits == 0


def test_cancel_during_the_download_installs_nothing(
    qtbot: Any, env: Env, channel: Channel, packages: dict[str, Path]
) -> None:
    channel.publish(packages["1.1.0"], "1.1.0")
    channel.server.add_fault("latency", path_prefix=PACKAGES_PATH, latency_ms=800, count=1)
    up = env.upgrader()
    check = up.check()
    assert check.info is not None
    dialog = UpgradeDialog(env.ui, up, check.info)
    qtbot.addWidget(dialog)
    dialog.open()
    handle = dialog.start()
    qtbot.mouseClick(child(dialog, QPushButton, "btn_upgrade_cancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handle.done, timeout=WAIT_MS)
    assert handle.cancelled and not dialog.isVisible()
    assert env.current() == {"version": "1.0.0", "previous": None, "pending_first_start": False}
    assert env.spawned == [] and env.ui.prompts.history == []


def test_about_says_when_the_check_fails(qtbot: Any, env: Env, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once closed
    up = Upgrader(f"http://127.0.0.1:{port}", tmp_path / "downloads", env.root)
    about = AboutDialog(None, env.ui, up)
    qtbot.addWidget(about)
    about.show()
    qtbot.waitUntil(
        lambda: about.check_handle is not None and about.check_handle.done, timeout=WAIT_MS
    )
    text = child(about, QLabel, "label_update_state").text()
    assert text.startswith("检查更新失败：") and len(text) > len("检查更新失败：")
    assert child(about, QPushButton, "btn_check_update").isEnabled()
    assert env.ui.prompts.history == []  # said in the dialog, not in a message box
