"""A login that expires mid-session: the clerk is asked for the 申报密码 again (安全认证) and
the work under way goes on — the working list is kept and the submission is sent once."""

from __future__ import annotations

import os
import threading
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from client.domain.wages import BY_ITEM, DAILY  # noqa: E402
from client.sync.errors import TokenInvalidError  # noqa: E402
from client.ui.reauth import Reauthenticator, install_reauthentication  # noqa: E402
from tests.employer.conftest import PASSWORD, EmployerEnv  # noqa: E402
from tests.employer.test_wage_pages import Pages, rows  # noqa: E402


@pytest.fixture
def pages(qtbot: Any, employer_env: EmployerEnv, monkeypatch: pytest.MonkeyPatch) -> Pages:
    monkeypatch.setenv("SHEBAOFEI_FEEDBACK_DELAY_SECONDS", "30")
    return Pages(qtbot, employer_env)


def expire(backend: Any, unit_id: str) -> None:
    assert backend.admin_post("sessions/expire", {"unit_id": unit_id})["expired"] >= 1


def declarations(backend: Any, env: EmployerEnv) -> list[dict[str, Any]]:
    """The unit's wage declarations on the server (read with a fresh login)."""
    import httpx

    with httpx.Client(base_url=f"{backend.url}/api/v1", trust_env=False) as http:
        token = http.post(
            "/mgmt/auth/login", json={"unit_id": env.unit_id, "password": PASSWORD}
        ).json()["token"]
        answer = http.get(
            f"/mgmt/units/{env.unit_id}/wage-declarations",
            headers={"Authorization": f"Bearer {token}"},
        )
    return list(answer.json()["declarations"])


def answer_dialog(qtbot: Any, hook: Reauthenticator, password: str | None) -> None:
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=20_000)
    dialog = hook.dialog
    assert "登录已超时" in dialog.windowTitle()
    if password is None:
        qtbot.mouseClick(dialog.btn_cancel, Qt.MouseButton.LeftButton)
        return
    dialog.edit_password.setText(password)
    qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)


def test_a_submission_under_an_expired_login_goes_on_after_security_auth(
    qtbot: Any, pages: Pages, backend: Any
) -> None:
    env = pages.env
    hook = install_reauthentication(pages.ui, env.session)
    page = pages.page(DAILY, BY_ITEM)
    page.add_all_paying()
    pages.wait(page)
    listed = rows(page)
    assert len(listed) >= 3
    page.list.set_checked(0)
    page.list.set_checked(1)
    old_token = env.session.api.token
    expire(backend, env.unit_id)

    # 取消 first: the submission stops with the expiry sentence, the list is untouched.
    page.submit()
    answer_dialog(qtbot, hook, None)
    pages.wait(page)
    assert isinstance(page.handle.error, TokenInvalidError)
    assert "重新登录" in pages.prompts.last.text
    assert rows(page) == listed
    assert declarations(backend, env) == []

    # A wrong password keeps the dialog; the right one lets the submission go on.
    page.list.set_checked(0)
    page.list.set_checked(1)
    page.submit()
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=20_000)
    dialog = hook.dialog
    dialog.edit_password.setText("Wrong2026x")
    qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "申报密码错误" in dialog.status.text(), timeout=20_000)
    assert dialog.isVisible() and not page.handle.done
    answer_dialog(qtbot, hook, PASSWORD)
    pages.wait(page)
    assert page.handle.error is None, page.handle.error
    assert env.session.api.token not in (None, old_token)
    sent = declarations(backend, env)
    assert len(sent) == 1  # sent once, after the new login
    # The two submitted rows wait for feedback; the rest of the working list is as it was.
    after = {r["id"]: r for r in rows(page)}
    assert set(after) == {r["id"] for r in listed}
    waiting = [r for r in after.values() if r["state"] == "待反馈"]
    assert len(waiting) == 2
    untouched = [r for r in listed if after[r["id"]]["state"] != "待反馈"]
    assert len(untouched) == len(listed) - 2
    assert all(after[r["id"]] == r for r in untouched)
    assert hook.asked == 2


def test_requests_that_expire_together_share_one_dialog(
    qtbot: Any, pages: Pages, backend: Any
) -> None:
    env = pages.env
    hook = install_reauthentication(pages.ui, env.session)
    expire(backend, env.unit_id)
    results: list[Any] = []

    def fetch() -> None:
        try:
            results.append(env.session.api.registration(env.unit_id))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            results.append(exc)

    workers = [threading.Thread(target=fetch) for _ in range(3)]
    for worker in workers:
        worker.start()
    answer_dialog(qtbot, hook, PASSWORD)
    qtbot.waitUntil(lambda: len(results) == 3, timeout=30_000)
    for worker in workers:
        worker.join(timeout=10)
    assert all(not isinstance(r, Exception) for r in results), results
    assert hook.asked == 1


def test_the_login_dialog_installs_the_renewal(qtbot: Any, backend: Any, make_shell: Any) -> None:
    from tests.shell.test_shell_flow import NEW_PASSWORD, login
    from tests.shell.test_shell_more import registered_shell

    controller, created = registered_shell(qtbot, backend, make_shell, employees=20)
    window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    session = window.session
    assert isinstance(session.api.reauthenticate, Reauthenticator)
    expire(backend, created["units"][0]["unit_id"])
    # A request from the UI thread itself: the dialog runs modally right there.
    from PySide6.QtCore import QTimer

    def answer() -> None:
        hook = session.api.reauthenticate
        if hook.dialog is None:
            QTimer.singleShot(50, answer)
            return
        hook.dialog.edit_password.setText(NEW_PASSWORD)
        hook.dialog.btn_ok.click()

    QTimer.singleShot(50, answer)
    info = session.api.registration(session.unit.unit_id)
    assert info is not None
