"""The start check as the shell runs it: when the client starts (manual §1.3.1: before
单位管理, not after a login) and, when nothing checked yet, once the main window of a
logged-in unit is shown, an installed client checks the channel in the background and offers
the newer version (real backend with demo data, a temporary D at 1.0.0)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.ui import upgrade_dialog
from client.ui.context import UiServices
from client.ui.controller import AppController
from client.ui.prompts import PromptService
from client.ui.upgrade_dialog import UpgradeDialog
from client.upgrade.layout import INSTALL_DIR_ENV
from tests.employer.conftest import open_employer
from tests.upgrade.payloads import b64, install


@pytest.fixture
def published(backend: Any, packages: dict[str, Path]) -> Iterator[Any]:
    backend.admin_post(
        "updates",
        {"version": "1.1.0", "notes": "新版本说明", "content_base64": b64(packages["1.1.0"])},
    )
    yield backend
    backend.admin_delete("updates")  # the shared server offers nothing to the other tests


def test_the_main_window_is_followed_by_the_offer_of_a_newer_version(
    qtbot: Any,
    published: Any,
    packages: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    monkeypatch.setenv(INSTALL_DIR_ENV, str(root))
    monkeypatch.setattr(upgrade_dialog, "_declined", set())
    env = open_employer(published, tmp_path / "client")
    controller = AppController(UiServices(env.app, PromptService.scripted(), show_delay_ms=0))
    try:
        controller.show_main(env.session)
        window = controller.main_window
        assert window is not None and window.isVisible()  # shown first, never blocked
        check = controller.upgrade_check
        assert check is not None
        qtbot.waitUntil(
            lambda: check.dialog is not None and check.dialog.isVisible(), timeout=30_000
        )
        dialog = check.dialog
        assert isinstance(dialog, UpgradeDialog) and dialog.parentWidget() is window
        assert dialog.info.version == "1.1.0" and not dialog.info.forced
        dialog.cancel()  # 取消: not offered again in this run
        assert not dialog.isVisible() and upgrade_dialog._declined == {"1.1.0"}
    finally:
        if controller.main_window is not None:
            controller.main_window.close()
        env.app.close()


def test_the_client_checks_at_start_over_the_unit_list(
    qtbot: Any,
    published: Any,
    packages: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """§1.3.1: starting the client triggers the check; the offer comes over 单位管理, before
    any 登录, and a login afterwards does not check (or offer) a second time."""
    root = install(tmp_path / "D", packages["1.0.0"])
    monkeypatch.setenv(INSTALL_DIR_ENV, str(root))
    monkeypatch.setattr(upgrade_dialog, "_declined", set())
    env = open_employer(published, tmp_path / "client")
    controller = AppController(UiServices(env.app, PromptService.scripted(), show_delay_ms=0))
    try:
        controller.start()  # the region is chosen: 单位管理 is the first window
        manager = controller.unit_manager
        assert manager is not None and manager.isVisible()
        check = controller.upgrade_check
        assert check is not None
        qtbot.waitUntil(
            lambda: check.dialog is not None and check.dialog.isVisible(), timeout=30_000
        )
        dialog = check.dialog
        assert isinstance(dialog, UpgradeDialog) and dialog.parentWidget() is manager
        assert dialog.info.version == "1.1.0"
        dialog.cancel()
        controller.show_main(env.session)
        assert controller.upgrade_check is check  # checked once, at start
    finally:
        if controller.main_window is not None:
            controller.main_window.close()
        if controller.unit_manager is not None:
            controller.unit_manager.close()
        env.app.close()
