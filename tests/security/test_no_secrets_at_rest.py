"""After a real walk, no password, token or full ID number sits in the client's files.

The walk: first login with the forced 申报密码 change, the full sync, a 缴费工资申报
(submitted, processed, feedback fetched), a login that expires and is renewed through
安全认证, an export the clerk asked for (outside the data folder: it may hold ID numbers),
a backup, and the end of the session. Then every file of the data folder is read:

* SQLite files (and their -wal/-journal) legitimately hold ID numbers in the business
  tables, so they are scanned for the password and the tokens only;
* everything else (logs, JSON, key file, documents, manifests) for all three.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from client.backup.service import default_folder, make_backup  # noqa: E402
from client.domain.wages import BY_ITEM, DAILY  # noqa: E402
from client.logging_setup import setup_logging  # noqa: E402
from client.storage.integrity import SQLITE_MAGIC  # noqa: E402
from client.storage.settings import ProxyConfig  # noqa: E402
from mock_backend.ids import is_valid_id_number  # noqa: E402
from tests.employer.conftest import EmployerEnv  # noqa: E402
from tests.employer.test_wage_pages import Pages, fetch_now, rows  # noqa: E402
from tests.shell.test_shell_flow import NEW_PASSWORD, login  # noqa: E402
from tests.shell.test_shell_more import registered_shell  # noqa: E402
from tests.support.proxies import HttpProxy  # noqa: E402

FULL_ID = re.compile(rb"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
SQLITE_SIDE = ("-wal", "-journal", "-shm")
PROXY_PASSWORD = "Proxy-Secret-7731"


def is_sqlite(path: Path) -> bool:
    if path.name.endswith(SQLITE_SIDE):
        return True
    with path.open("rb") as f:
        return f.read(16) == SQLITE_MAGIC


def scan(root: Path, secrets: list[str], id_numbers: set[str]) -> list[str]:
    """What was found where: `file: what` lines."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = str(path.relative_to(root))
        for secret in secrets:
            if secret.encode() in data:
                found.append(f"{name}: secret {secret[:4]}…")
        if is_sqlite(path):
            continue
        for number in id_numbers:
            if number.encode() in data:
                found.append(f"{name}: ID {number[:6]}…")
        for match in FULL_ID.finditer(data):
            if is_valid_id_number(match.group().decode().upper()):  # a real one, by its check
                found.append(f"{name}: ID-shaped {match.group()[:6]!r}…")
    return found


def test_no_password_token_or_id_number_at_rest(
    qtbot: Any, backend: Any, make_shell: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SHEBAOFEI_FEEDBACK_DELAY_SECONDS", "30")
    root_logger = logging.getLogger()
    level = root_logger.level
    controller, created = registered_shell(qtbot, backend, make_shell, employees=40)
    paths = controller.ui.app.paths
    log_file = setup_logging(paths.logs_dir)
    handler = root_logger.handlers[-1]
    tokens: list[str] = []
    # The whole walk goes through an HTTP proxy with a user and password (网络设置).
    proxy = HttpProxy("clerk", PROXY_PASSWORD)
    controller.ui.app.set_proxy(
        ProxyConfig("http", "127.0.0.1", proxy.port, "clerk", PROXY_PASSWORD)
    )
    try:
        window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
        session = window.session
        tokens.append(session.api.token)
        unit_id = session.unit.unit_id
        # Something that would carry ID numbers into the log if it were not masked.
        people = backend.dump(unit_id, "employees")
        fields = people["fields"]
        id_numbers = {dict(zip(fields, r, strict=True))["id_number"] for r in people["records"]}
        assert len(id_numbers) == 40
        sample = sorted(id_numbers)[0]
        logging.getLogger("client.test").info("looking at %s", sample)
        try:
            raise ValueError(f"证件号码{sample}不在本单位")
        except ValueError:
            logging.getLogger("client.test").exception("a failure naming a person")

        # 缴费工资申报: a working list, a submission, processing and feedback.
        env = EmployerEnv(controller.ui.app, session, created)
        pages = Pages(qtbot, env)
        page = pages.page(DAILY, BY_ITEM)
        page.add_all_paying()
        pages.wait(page)
        # The login expires just before 提交申报; 安全认证 renews it and the submission goes on.
        backend.admin_post("sessions/expire", {"unit_id": unit_id})
        hook = session.api.reauthenticate
        page.list.set_checked(0)
        page.submit()
        qtbot.waitUntil(lambda: hook.dialog is not None, timeout=20_000)
        hook.dialog.edit_password.setText(NEW_PASSWORD)
        qtbot.mouseClick(hook.dialog.btn_ok, Qt.MouseButton.LeftButton)
        pages.wait(page)
        assert page.handle.error is None, page.handle.error
        tokens.append(session.api.token)
        assert tokens[0] != tokens[1]
        for d in session.api.get_json(f"/mgmt/units/{unit_id}/wage-declarations")["declarations"]:
            backend.admin_post(f"units/{unit_id}/wage-declarations/{d['declaration_id']}/process")
        fetch_now(pages, pages.records)

        # An export the clerk asked for: it holds ID numbers, in the clerk's own folder.
        chosen = tmp_path / "exports" / "工资申报.xlsx"
        chosen.parent.mkdir()
        page.list.save_path_provider = lambda _s: str(chosen)
        handle = page.list.export_all()
        qtbot.waitUntil(lambda: handle.done, timeout=20_000)
        assert chosen.exists() and len(rows(page)) > 0

        make_backup(paths, default_folder(paths))
        controller.switch_unit()
    finally:
        proxy.close()
        root_logger.removeHandler(handler)
        handler.close()
        root_logger.setLevel(level)

    text = log_file.read_text(encoding="utf-8")
    assert "looking at " + sample[:6] in text  # the log was written, masked
    assert "a failure naming a person" in text
    assert proxy.requests > 10  # the walk went through the proxy
    found = scan(paths.root, [NEW_PASSWORD, PROXY_PASSWORD, *tokens], id_numbers)
    assert found == []
    assert not str(chosen).startswith(str(paths.root))
