"""The login expired mid-session: 安全认证 again, then the request that met the expiry goes on.

`install_reauthentication(ui, session)` gives the session's API client a hook. A request
answered 401 TOKEN_INVALID calls it on whatever thread it runs: the hook shows the
in-session 安全认证 dialog on the UI thread and waits for the clerk; on success the API
client sends the request once more (same idempotency key), so a submission or a download
under way finishes and nothing the clerk filled in is lost. Several requests that expire
together share one dialog. 取消 lets the original error through (“登录已失效…”).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog

from client.app_context import UnitSession
from client.ui.context import UiServices

log = logging.getLogger(__name__)

PURPOSE = "登录已超时，请重新输入申报密码。认证通过后，刚才的操作会继续进行，已填写的内容不会丢失。"
WAIT_STEP_SECONDS = 0.5


@dataclass
class _Ask:
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class Reauthenticator(QObject):
    """The hook; made on the UI thread (the main thread), called from any thread."""

    _ask = Signal(object)

    def __init__(self, ui: UiServices, session: UnitSession) -> None:
        super().__init__()
        self.ui = ui
        self.session = session
        self.dialog: QDialog | None = None
        self.asked = 0  # how many times the clerk was asked (tests, log)
        self._lock = threading.Lock()
        self._pending: _Ask | None = None
        self._ask.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def __call__(self) -> bool:
        with self._lock:
            ask = self._pending
            first = ask is None
            if ask is None:
                ask = self._pending = _Ask()
        on_ui_thread = threading.current_thread() is threading.main_thread()
        if first:
            if on_ui_thread:
                self._show(ask, modal=True)
            else:
                self._ask.emit(ask)
        elif on_ui_thread:
            return False  # a dialog is already up; the UI thread cannot wait for it
        while not ask.done.wait(WAIT_STEP_SECONDS):
            if getattr(self.session.api, "_closed", False):
                return False  # the session ended meanwhile
        return ask.ok

    def _show(self, ask: _Ask, modal: bool = False) -> None:
        from client.ui.dialogs.auth import SecurityAuthDialog

        self.asked += 1
        parent = QApplication.activeWindow()
        dialog = SecurityAuthDialog(self.ui, self.session, PURPOSE, parent)
        dialog.setWindowTitle("安全认证 - 登录已超时")
        self.dialog = dialog

        def finished(code: int) -> None:
            with self._lock:
                self._pending = None
            ask.ok = code == QDialog.DialogCode.Accepted
            log.info("re-login after expiry %s", "done" if ask.ok else "declined")
            ask.done.set()
            self.dialog = None

        dialog.finished.connect(finished)
        if modal:
            dialog.exec()
        else:
            dialog.open()


def install_reauthentication(ui: UiServices, session: UnitSession) -> Reauthenticator:
    """Give the session's API client the re-login hook (kept alive by the client)."""
    hook = Reauthenticator(ui, session)
    session.api.reauthenticate = hook
    return hook
