"""The shortcut "社保费管理客户端" starts D/versions/<current>/: an upgrade points it at the new
version, a rollback back at the old one; a machine without our shortcut gets none."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer import desktop
from installer.upgrade import apply_upgrade, confirm_started, rollback, version_folder
from tests.upgrade.payloads import EXECUTABLE, install


@pytest.fixture
def desktops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(desktop.DESKTOP_DIR_ENV, str(tmp_path / "desktop"))
    (tmp_path / "desktop").mkdir()
    return desktop.linux_entry_paths()


def exec_line(path: Path) -> str:
    return next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("Exec="))


@pytest.mark.skipif(desktop.WINDOWS, reason="the .desktop entries of Linux")
def test_the_shortcut_follows_upgrade_and_rollback(
    tmp_path: Path, packages: dict[str, Path], desktops: list[Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    old = version_folder(root, "1.0.0") / EXECUTABLE
    desktop.integrate(old, None, "1.0.0", root)  # what the maintenance program made
    assert len(desktops) == 2 and all(exec_line(p) == f'Exec="{old}"' for p in desktops)

    apply_upgrade(root, packages["1.1.0"])
    new = version_folder(root, "1.1.0") / EXECUTABLE
    assert all(exec_line(p) == f'Exec="{new}"' for p in desktops)
    assert rollback(root) == "1.0.0"
    assert all(exec_line(p) == f'Exec="{old}"' for p in desktops)

    apply_upgrade(root, packages["1.1.0"])
    confirm_started(root)
    assert all(exec_line(p) == f'Exec="{new}"' for p in desktops)
    assert "社保费管理客户端 1.1.0" in desktops[0].read_text(encoding="utf-8")


@pytest.mark.skipif(desktop.WINDOWS, reason="the .desktop entries of Linux")
def test_no_shortcut_is_made_where_there_was_none(
    tmp_path: Path, packages: dict[str, Path], desktops: list[Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    other = tmp_path / "other-installation/versions/1.0.0" / EXECUTABLE
    desktop.integrate(other, None, "1.0.0", tmp_path / "other-installation")
    before = [p.read_text(encoding="utf-8") for p in desktops]
    apply_upgrade(root, packages["1.1.0"])
    assert [p.read_text(encoding="utf-8") for p in desktops] == before  # not ours: untouched
    for path in desktops:
        path.unlink()
    rollback(root)
    assert not any(p.exists() for p in desktops)


def test_the_windows_shortcut_replaces_the_older_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """§1.3.1.2.1 二: after the upgrade the desktop shortcut is named 社保费管理客户端; the
    older client's 单位社保费管理客户端 shortcut goes (read, not run: PowerShell is Windows')."""
    scripts: list[str] = []
    monkeypatch.setattr(desktop, "_powershell", scripts.append)
    desktop._windows_shortcut(Path("C:/D/versions/1.1.0/社保费管理客户端.exe"))
    (script,) = scripts
    made = script.index("社保费管理客户端.lnk")
    removed = script.index(
        "Remove-Item -LiteralPath (Join-Path $desktop '单位社保费管理客户端.lnk')"
    )
    assert made < script.index("$link.Save()") < removed
