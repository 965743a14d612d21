"""The start check as the shell runs it: when the client starts (manual §1.3.1: before
单位管理, not after a login) and, when nothing checked yet, once the main window of a
logged-in unit is shown, an installed client checks the channel in the background and offers
the newer version (real backend with demo data, a temporary D at 1.0.0)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.app_context import UnitSession
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


@pytest.fixture
def started(
    published: Any, packages: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppController, UnitSession]]:
    """An installed client at 1.0.0 (a temporary D) with one logged-in employer unit."""
    root = install(tmp_path / "D", packages["1.0.0"])
    monkeypatch.setenv(INSTALL_DIR_ENV, str(root))
    monkeypatch.setattr(upgrade_dialog, "_declined", set())
    env = open_employer(published, tmp_path / "client")
    made = AppController(UiServices(env.app, PromptService.scripted(), show_delay_ms=0))
    yield made, env.session
    for window in (made.main_window, made.unit_manager):
        if window is not None:
            window.close()
    env.app.close()


def offered_over(qtbot: Any, controller: AppController, window: Any) -> UpgradeDialog:
    """The start check's offer of 1.1.0, window-modal over `window`."""
    check = controller.upgrade_check
    assert check is not None
    qtbot.waitUntil(lambda: check.dialog is not None and check.dialog.isVisible(), timeout=30_000)
    dialog = check.dialog
    assert isinstance(dialog, UpgradeDialog) and dialog.parentWidget() is window
    assert dialog.info.version == "1.1.0" and not dialog.info.forced
    return dialog


def test_the_main_window_is_followed_by_the_offer_of_a_newer_version(
    qtbot: Any, started: tuple[AppController, UnitSession]
) -> None:
    controller, session = started
    controller.show_main(session)
    window = controller.main_window
    assert window is not None and window.isVisible()  # shown first, never blocked
    dialog = offered_over(qtbot, controller, window)
    dialog.cancel()  # 取消: not offered again in this run
    assert not dialog.isVisible() and upgrade_dialog._declined == {"1.1.0"}


def test_the_client_checks_at_start_over_the_unit_list(
    qtbot: Any, started: tuple[AppController, UnitSession]
) -> None:
    """§1.3.1: starting the client triggers the check; the offer comes over 单位管理, before
    any 登录, and a login afterwards does not check (or offer) a second time."""
    controller, session = started
    controller.start()  # the region is chosen: 单位管理 is the first window
    manager = controller.unit_manager
    assert manager is not None and manager.isVisible()
    check = controller.upgrade_check
    offered_over(qtbot, controller, manager).cancel()
    controller.show_main(session)
    assert controller.upgrade_check is check  # checked once, at start
