"""First start of the real shell with an older 单位社保费管理客户端 folder present (real backend):
the import is announced, 选择地区 opens with the old region selected, 单位管理 lists the unit with
its 备注, and after the first login the unit's old 分组 are built with their members."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from client.groups.service import GroupService
from client.legacy.reader import LEGACY_ENV
from tests.legacy.test_legacy_import import make_legacy
from tests.shell.test_shell_flow import NEW_PASSWORD, login


def test_first_start_of_the_shell_takes_the_old_data(
    qtbot: Any, backend: Any, make_shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = backend.create_taxpayer(units=1, employees_per_unit=10, unit_numbers=[["7788"]])
    unit = created["units"][0]
    records = backend.dump(unit["unit_id"], "employees")
    fields = records["fields"]
    numbers = [r[fields.index("id_number")] for r in records["records"]][:4]
    old = make_legacy(
        tmp_path / "旧版",
        [("1", unit["unit_id"], created["taxpayer_id"], unit["taxpayer_name"], "老客户端的备注")],
        {unit["unit_id"]: [(1, "车间", None, numbers[:2]), (2, "夜班", 1, numbers[2:])]},
        proxy="类型=无\n",  # a proxy here would stand between the shell and the test backend
    )
    monkeypatch.setenv(LEGACY_ENV, str(old))
    controller = make_shell(backend.url)
    controller.start()
    prompts = controller.ui.prompts
    assert "导入1个单位" in prompts.last.text
    dialog = controller.region_dialog
    qtbot.waitUntil(lambda: dialog.load_handle is not None and dialog.load_handle.done)
    assert dialog.regions[dialog.list.currentRow()].code == "440300"  # preselected
    dialog.enter()
    manager = controller.unit_manager
    assert manager is not None and manager.isVisible()
    manager.set_kind("employer")
    assert manager.table.rowCount() == 1
    assert controller.ui.app.app_db.units("employer")[0].remark == "老客户端的备注"
    window = login(qtbot, controller, 0, unit["initial_password"], NEW_PASSWORD)
    assert "已导入旧版客户端的2个分组，4人已分组" in prompts.last.text
    groups = GroupService(window.session.db)
    assert set(groups.path_index()) == {"车间", "车间/夜班"}
