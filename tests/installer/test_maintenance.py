"""安装、修复、卸载 of a folder from a payload (manual §1.4.1-§1.4.3), without Qt."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from client import installed
from installer import maintenance
from installer.journal import JOURNAL, STAGING, LockBusyError, folder_lock
from installer.maintenance import DiskFullError, NotInstalledError, install, repair, uninstall
from installer.manifest import (
    APP,
    Manifest,
    Payload,
    PayloadError,
    make_zip,
    part_of,
    verify_folder,
)
from tests.installer.fake_payload import make_payload, snapshot

pytestmark = pytest.mark.usefixtures("desktop_dirs")

EMPLOYER_FILE = "_internal/client/employer/roster/columns.json"
COLLECTOR_FILE = "_internal/client/collector/grades.json"
COMMON_FILE = "_internal/libpython.so"


@pytest.fixture(autouse=True)
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(installed.ENV, raising=False)


def version_dir(root: Path, version: str = "1.4.0") -> Path:
    return root / "versions" / version


def test_each_file_belongs_to_one_part_by_its_path() -> None:
    assert part_of("client/employer/roster/page.py") == "employer"
    assert part_of("_internal/client/collector/grades.json") == "collector"
    assert part_of("_internal/client/ui/style.qss") == "common"
    assert part_of("client/employer.py") == "common"  # a module file, not the package
    assert part_of("社保费管理客户端.exe") == "common"


def test_manifest_lists_every_file_once_with_size_and_hash(
    payload: Path, payload_manifest: Manifest
) -> None:
    paths = [e.path for e in payload_manifest.entries()]
    assert len(paths) == len(set(paths)) == 8
    assert {e.path for e in payload_manifest.parts["employer"]} == {
        EMPLOYER_FILE,
        "_internal/client/employer/wages/template.json",
    }
    assert "manifest.json" not in paths
    assert verify_folder(payload, payload_manifest) == []
    raw = json.loads((payload / "manifest.json").read_text(encoding="utf-8"))
    assert raw["format"] == 1 and raw["version"] == "1.4.0" and raw["app"] == APP


def test_install_both_modules(
    tmp_path: Path, payload: Path, payload_manifest: Manifest, desktop_dirs: tuple[Path, Path]
) -> None:
    root = tmp_path / "D"
    seen: list[tuple[int, int]] = []
    result = install(["employer", "collector"], payload, root, lambda d, t, _: seen.append((d, t)))
    assert result.modules == ("employer", "collector")
    assert seen[-1] == (8, 8)
    assert verify_folder(version_dir(root), payload_manifest) == []
    assert json.loads((root / "current.json").read_text(encoding="utf-8"))["version"] == "1.4.0"
    assert installed.installed_modules(root) == ("employer", "collector")
    # the frozen client, started from versions/<v>/, finds the state two folders up
    assert installed.state_dir(version_dir(root)) == root
    apps, desk = desktop_dirs
    entry = (apps / "shebaofei-client.desktop").read_text(encoding="utf-8")
    assert f'Exec="{version_dir(root) / APP}"' in entry and f"Name={APP}" in entry
    assert (desk / "shebaofei-client.desktop").read_text(encoding="utf-8") == entry
    assert "[Desktop Action maintain]\nName=修复或卸载" in entry  # the menu's repair/uninstall
    assert f'Exec="{version_dir(root) / "setup"}"' in entry
    assert not (root / STAGING).exists() and not (root / JOURNAL).exists()
    assert "安装: done" in (root / "maintenance.log").read_text(encoding="utf-8")


def test_install_employer_then_collector_keeps_the_first(
    tmp_path: Path, payload: Path, payload_manifest: Manifest
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    assert not (version_dir(root) / COLLECTOR_FILE).exists()
    assert verify_folder(version_dir(root), payload_manifest, ["employer"]) == []
    assert installed.installed_modules(root) == ("employer",)
    result = install(["collector"], payload, root)
    assert result.changed == [e.path for e in payload_manifest.parts["collector"]]
    assert installed.installed_modules(root) == ("employer", "collector")
    assert verify_folder(version_dir(root), payload_manifest) == []


def test_repair_restores_deleted_and_altered_files_and_spares_the_data(
    tmp_path: Path, payload: Path, payload_manifest: Manifest, data_dir: Path
) -> None:
    root = tmp_path / "D"
    install(["employer", "collector"], payload, root)
    data_before = snapshot(data_dir, with_desktop=False)
    (version_dir(root) / COMMON_FILE).unlink()
    (version_dir(root) / EMPLOYER_FILE).write_bytes(b'{"v": "1.4.1"}')  # same size, other bytes
    (version_dir(root) / COLLECTOR_FILE).write_bytes(b"damaged")
    (root / "installed-modules.json").write_text("{broken", encoding="utf-8")
    result = repair(root, payload)
    assert sorted(result.changed) == sorted([COMMON_FILE, EMPLOYER_FILE, COLLECTOR_FILE])
    assert "恢复了 3 个文件" in result.message
    assert verify_folder(version_dir(root), payload_manifest) == []
    assert installed.installed_modules(root) == ("employer", "collector")
    assert snapshot(data_dir, with_desktop=False) == data_before
    assert repair(root, payload).changed == []  # nothing left to restore


def test_repair_of_one_module_checks_common_and_that_module_only(
    tmp_path: Path, payload: Path, payload_manifest: Manifest
) -> None:
    root = tmp_path / "D"
    install(["employer", "collector"], payload, root)
    (version_dir(root) / EMPLOYER_FILE).unlink()
    (version_dir(root) / COLLECTOR_FILE).unlink()
    (version_dir(root) / APP).unlink()
    assert sorted(repair(root, payload, ["employer"]).changed) == sorted([APP, EMPLOYER_FILE])
    assert [d.path for d in verify_folder(version_dir(root), payload_manifest)] == [COLLECTOR_FILE]
    assert (version_dir(root) / APP).stat().st_mode & 0o111  # still executable


def test_uninstall_one_module_then_the_other_keeps_the_data(
    tmp_path: Path,
    payload: Path,
    payload_manifest: Manifest,
    data_dir: Path,
    desktop_dirs: tuple[Path, Path],
) -> None:
    root = tmp_path / "D"
    install(["employer", "collector"], payload, root)
    data_before = snapshot(data_dir, with_desktop=False)
    result = uninstall(root, ["collector"])
    assert result.modules == ("employer",) and result.message == "代收单位业务已卸载"
    assert installed.installed_modules(root) == ("employer",)
    assert not (version_dir(root) / "_internal/client/collector").exists()  # emptied folders go
    assert verify_folder(version_dir(root), payload_manifest, ["employer"]) == []
    apps, desk = desktop_dirs
    assert (apps / "shebaofei-client.desktop").exists()
    result = uninstall(root, ["employer"])
    assert "已从本机移除" in result.message and "本机数据已保留" in result.message
    assert sorted(p.name for p in root.iterdir()) == [".maintenance.lock", "maintenance.log"]
    assert not (apps / "shebaofei-client.desktop").exists()
    assert not (desk / "shebaofei-client.desktop").exists()
    assert snapshot(data_dir, with_desktop=False) == data_before
    with pytest.raises(NotInstalledError, match="没有安装社保费管理客户端"):
        uninstall(root, None)


def test_uninstall_all_with_remove_data(tmp_path: Path, payload: Path, data_dir: Path) -> None:
    root = tmp_path / "D"
    install(["collector"], payload, root)
    with pytest.raises(NotInstalledError, match="用人单位业务尚未安装"):
        uninstall(root, ["employer"])
    uninstall(root, None, remove_data=True)
    assert not data_dir.exists()


def test_remove_data_refuses_a_folder_that_holds_the_installation(
    tmp_path: Path, payload: Path
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    with pytest.raises(maintenance.MaintenanceError, match="未删除任何数据"):
        uninstall(root, None, remove_data=True, data_dir=tmp_path)
    assert installed.installed_modules(root) == ("employer",)


@pytest.mark.parametrize("fault", ["missing", "altered", "truncated"])
def test_a_bad_payload_file_is_refused_and_the_installation_untouched(
    tmp_path: Path, payload: Path, fault: str
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    before = snapshot(root)
    target = payload / "_internal/client/collector/external/map.json"
    if fault == "missing":
        target.unlink()
        message = "安装包缺少文件 _internal/client/collector/external/map.json"
    else:
        target.write_bytes(b"[]" if fault == "altered" else b"")
        message = "已被修改或损坏"
    with pytest.raises(PayloadError, match=message):
        install(["collector"], payload, root)
    assert snapshot(root) == before
    assert not (root / STAGING).exists()
    assert "refused" in (root / "maintenance.log").read_text(encoding="utf-8")


def test_a_missing_payload_or_manifest_is_refused(tmp_path: Path, payload: Path) -> None:
    with pytest.raises(PayloadError, match="找不到安装包"):
        install(["employer"], tmp_path / "nowhere", tmp_path / "D")
    (payload / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(PayloadError, match="无法读取安装包清单"):
        install(["employer"], payload, tmp_path / "D")
    assert not (tmp_path / "D" / "versions").exists()


def test_a_zip_payload_installs_the_same_files(
    tmp_path: Path, payload: Path, payload_manifest: Manifest
) -> None:
    archive = make_zip(payload, tmp_path / f"{APP}-1.4.0.zip")
    root = tmp_path / "D"
    install(["employer", "collector"], archive, root)
    assert verify_folder(version_dir(root), payload_manifest) == []
    assert (version_dir(root) / APP).stat().st_mode & 0o111
    with Payload(archive) as opened:
        assert opened.manifest == payload_manifest


def test_full_disk_before_copying_is_refused(
    tmp_path: Path, payload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    before = snapshot(root)
    monkeypatch.setattr(maintenance, "free_space", lambda path: 1024)
    with pytest.raises(DiskFullError, match="磁盘空间不足"):
        install(["collector"], payload, root)
    assert snapshot(root) == before


def test_full_disk_while_copying_leaves_the_old_installation(
    tmp_path: Path, payload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    shutil.rmtree(tmp_path / "payload" / "2.0.0", ignore_errors=True)
    newer = tmp_path / "payload" / "2.0.0"
    make_payload(newer, "2.0.0")
    before = snapshot(root)
    copied: list[str] = []
    real_copy = Payload.copy_to

    def copy_until_full(self: Payload, entry: object, target: Path) -> None:
        if len(copied) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        copied.append(str(target))
        real_copy(self, entry, target)  # type: ignore[arg-type]

    monkeypatch.setattr(Payload, "copy_to", copy_until_full)
    with pytest.raises(DiskFullError, match="原有安装未改动"):
        install(["employer", "collector"], newer, root)
    assert snapshot(root) == before
    assert not (root / STAGING).exists()


def test_a_second_run_on_the_same_folder_is_refused(tmp_path: Path, payload: Path) -> None:
    root = tmp_path / "D"
    with folder_lock(root), pytest.raises(LockBusyError, match="另一个"):
        install(["employer"], payload, root)
    install(["employer"], payload, root)  # the lock went with the first run


def test_repair_needs_an_installation_and_the_same_version(tmp_path: Path, payload: Path) -> None:
    root = tmp_path / "D"
    with pytest.raises(NotInstalledError, match="无法修复"):
        repair(root, payload)
    install(["employer"], payload, root)
    with pytest.raises(NotInstalledError, match="代收单位业务尚未安装"):
        repair(root, payload, ["collector"])
    newer = tmp_path / "payload" / "2.0.0"
    make_payload(newer, "2.0.0")
    with pytest.raises(PayloadError, match="版本 2.0.0 与已安装的版本 1.4.0 不同"):
        repair(root, newer)


def test_installing_a_newer_payload_replaces_the_version_and_keeps_the_modules(
    tmp_path: Path, payload: Path
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    newer = tmp_path / "payload" / "2.0.0"
    manifest = make_payload(newer, "2.0.0")
    install(["collector"], newer, root)  # manual §1.4.1.2.1: the new package adds a module
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["2.0.0"]
    assert installed.installed_modules(root) == ("employer", "collector")
    assert verify_folder(version_dir(root, "2.0.0"), manifest) == []


def test_repair_and_an_added_module_keep_a_pending_upgrade_state(
    tmp_path: Path, payload: Path
) -> None:
    root = tmp_path / "D"
    install(["employer"], payload, root)
    pending = {"version": "1.4.0", "previous": "1.3.0", "pending_first_start": True}
    (root / "current.json").write_text(json.dumps(pending), encoding="utf-8")
    (root / "versions" / "1.3.0").mkdir()
    repair(root, payload)
    install(["collector"], payload, root)
    assert json.loads((root / "current.json").read_text(encoding="utf-8")) == pending
    (root / "current.json").unlink()  # lost: repair writes it again for the one version
    shutil.rmtree(root / "versions" / "1.3.0")
    repair(root, payload)
    assert json.loads((root / "current.json").read_text(encoding="utf-8"))["version"] == "1.4.0"


def test_a_step_that_fails_after_the_commit_is_finished_by_the_next_run(
    tmp_path: Path, payload: Path, payload_manifest: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file the running client holds: the repair is committed,
    so it says to close the client and run again, and the next run completes it."""
    root = tmp_path / "D"
    install(["employer", "collector"], payload, root)
    (version_dir(root) / COMMON_FILE).write_bytes(b"damaged")
    real_replace = os.replace

    def busy(src: object, dst: object) -> None:
        if str(dst).endswith(COMMON_FILE):
            raise PermissionError(13, "in use")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", busy)
    with pytest.raises(maintenance.MaintenanceError, match="请关闭社保费管理客户端后重新运行"):
        repair(root, payload)
    assert (root / JOURNAL).exists()
    monkeypatch.setattr(os, "replace", real_replace)
    assert maintenance.status(root).installed  # any next run finishes the journal first
    assert not (root / JOURNAL).exists()
    assert verify_folder(version_dir(root), payload_manifest) == []


def test_the_maintenance_core_imports_no_qt() -> None:
    """Only installer/window.py is Qt; the silent CLI runs where there is no display."""
    import ast

    folder = Path(__file__).resolve().parents[2] / "installer"
    for name in ("manifest", "journal", "state", "maintenance", "desktop", "setup_cli", "payload"):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        modules: set[str] = set()
        for node in tree.body:  # top level only: setup_cli opens the window lazily
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module or "")
        assert not any(m.startswith(("PySide6", "installer.window")) for m in modules), name
