"""Taking over the older 单位社保费管理客户端's data folder (docs/legacy-data.md): the service
without Qt on a seeded example folder (the shell's first start: tests/shell/test_legacy_start.py)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert

from client.groups.service import GroupService
from client.legacy.importer import (
    apply_pending_groups,
    import_at_first_start,
    legacy_region,
    should_import,
)
from client.legacy.reader import LEGACY_ENV
from client.storage.app_db import AppDatabase
from client.storage.paths import resolve_data_dir
from client.storage.settings import AppSettings
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee


def make_legacy(folder: Path, units: list[tuple[str, str, str, str, str]],
                groups: dict[str, list[tuple[int, str, int | None, list[str]]]],
                proxy: str = "类型=HTTP\n地址=10.0.0.8\n端口=3128\n用户名=zhang\n") -> Path:  # fmt: skip
    """An old data folder: units (DWLX, DWBH, NSRSBH, DWMC, BZ) and per DWBH its groups
    (FZID, FZMC, SJFZID, members)."""
    (folder / "data").mkdir(parents=True)
    (folder / "config.ini").write_bytes(
        f"[地区]\n代码=440300\n名称=深圳市\n[网络]\n{proxy}".encode("gb18030")
    )  # fmt: skip
    conn = sqlite3.connect(folder / "data" / "dwxx.db")
    conn.execute("CREATE TABLE DWXX (DWLX, DWBH, NSRSBH, DWMC, ZGSWJG, SWKF, BZ, TJSJ)")
    for kind, unit_id, taxpayer, name, remark in units:
        conn.execute("INSERT INTO DWXX VALUES (?, ?, ?, ?, '国家税务总局深圳市税务局', '第一税务所',"
                     " ?, '2019-05-01')", (kind, unit_id, taxpayer, name, remark))  # fmt: skip
    conn.commit()
    conn.close()
    for unit_id, tree in groups.items():
        kind = next(u[0] for u in units if u[1] == unit_id)
        (folder / "data" / f"{kind}_{unit_id}").mkdir()
        conn = sqlite3.connect(folder / "data" / f"{kind}_{unit_id}" / "fz.db")
        conn.execute("CREATE TABLE FZ (FZID, FZMC, SJFZID)")
        conn.execute("CREATE TABLE FZCY (FZID, ZJHM)")
        for key, name, parent, members in tree:
            conn.execute("INSERT INTO FZ VALUES (?, ?, ?)", (key, name, parent))
            conn.executemany("INSERT INTO FZCY VALUES (?, ?)", [(key, m) for m in members])
        conn.commit()
        conn.close()
    return folder


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


NUMBERS = ["440301198001010011", "440301198502020022", "440301199003030033"]


def test_units_groups_proxy_and_region_are_taken_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = make_legacy(
        tmp_path / "旧版",
        [("1", "U100", "91440300MA5G7XKQ3R", "深圳市甲公司", "财务部张三负责"),
         ("2", "C200", "12440300MB2C3D4E5F", "某街道代收点", "")],
        {"U100": [(1, "销售部", None, [NUMBERS[0]]), (2, "华南区", 1, [NUMBERS[1]]),
                  (3, "一组", 2, [NUMBERS[2], "440301200001010044"])]},
    )  # fmt: skip
    before = digest(old)
    monkeypatch.setenv(LEGACY_ENV, str(old))
    paths = resolve_data_dir(tmp_path / "client")
    app = AppDatabase(paths)
    settings = AppSettings(app)
    result = import_at_first_start(app, settings)
    assert result is not None and not isinstance(result, str)
    assert (result.units_added, result.units_present, result.groups_waiting) == (2, 0, 1)
    assert "导入2个单位" in result.message() and "网络代理设置已导入" in result.message()
    (employer,) = app.units("employer")
    assert (employer.unit_id, employer.taxpayer_name, employer.remark) == (
        "U100", "深圳市甲公司", "财务部张三负责")  # fmt: skip
    assert [u.unit_id for u in app.units("collector")] == ["C200"]
    proxy = settings.proxy()
    assert (proxy.mode, proxy.host, proxy.port, proxy.username) == (
        "http",
        "10.0.0.8",
        3128,
        "zhang",
    )
    assert legacy_region(app) == "440300"
    assert not should_import(app) and import_at_first_start(app, settings) is None  # once

    # the unit's people arrive with its first 数据更新, then the groups are built
    db = UnitDatabase(paths.unit_db("employer", "U100"), paths.migration_backups_dir)
    assert apply_pending_groups(app, "employer", "U100", db) is None  # nobody yet: waits
    with db.write() as conn:
        conn.execute(insert(Employee), [
            {"id": i + 1, "seq": i + 1, "name": f"职工{i}", "gender": "男", "id_type": "01",
             "id_number": n, "status": "1", "updated_at": "2026-11-01 08:00:00"}
            for i, n in enumerate(NUMBERS)
        ])  # fmt: skip
    applied = apply_pending_groups(app, "employer", "U100", db)
    assert applied is not None and (applied.groups, applied.assigned, applied.not_found) == (
        3,
        3,
        1,
    )
    groups = GroupService(db)
    assert set(groups.path_index()) == {"销售部", "销售部/华南区", "销售部/华南区/一组"}
    assert groups.group_of(3).path == "销售部/华南区/一组"
    assert apply_pending_groups(app, "employer", "U100", db) is None  # done once
    db.close()
    app.close()
    assert digest(old) == before  # the old folder is never changed


def test_an_unreadable_old_folder_is_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "旧版"
    (old / "data").mkdir(parents=True)
    (old / "data" / "dwxx.db").write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv(LEGACY_ENV, str(old))
    app = AppDatabase(resolve_data_dir(tmp_path / "client"))
    message = import_at_first_start(app, AppSettings(app))
    assert isinstance(message, str) and message.startswith("旧版客户端的单位数据无法读取")
    assert import_at_first_start(app, AppSettings(app)) is None
    assert app.units("employer") == []
    app.close()
