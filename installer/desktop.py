"""Desktop integration of an installation: the shortcut "社保费管理客户端" and the uninstall
registration (Windows: a desktop .lnk and the 程序和功能 entry under HKCU; Linux: a .desktop
file in the applications menu, with a 安装维护 action, and a copy on the desktop).

The folders are redirectable for tests: `XDG_DATA_HOME` (the applications menu) and
`SHEBAOFEI_DESKTOP_DIR` (the desktop). The Windows functions run only on Windows and are
not exercised by the tests on Linux (docs/installer.md says what was tried where).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from installer.manifest import APP

DESKTOP_DIR_ENV = "SHEBAOFEI_DESKTOP_DIR"
DESKTOP_FILE = "shebaofei-client.desktop"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\SheBaoFeiClient"
PUBLISHER = "SheBaoFei"
# The older client's desktop shortcut: the manual (§1.3.1.2.1 二) has it renamed to APP once
# 社保费管理客户端 is installed, so ours replaces it (the older program itself stays).
LEGACY_SHORTCUT = "单位社保费管理客户端"
WINDOWS = sys.platform == "win32"


def applications_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "applications"


def desktop_dir() -> Path | None:
    """The desktop folder, if there is one (a headless server has none)."""
    explicit = os.environ.get(DESKTOP_DIR_ENV)
    if explicit:
        return Path(explicit)
    guess = Path(os.environ.get("XDG_DESKTOP_DIR") or Path.home() / "Desktop")
    return guess if guess.is_dir() else None


def linux_entry_paths() -> list[Path]:
    paths = [applications_dir() / DESKTOP_FILE]
    desktop = desktop_dir()
    if desktop is not None:
        paths.append(desktop / DESKTOP_FILE)
    return paths


def desktop_entry(client: Path, setup: Path | None, version: str) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP}",
        f"Comment={APP} {version}",
        f'Exec="{client}"',
        f"Path={client.parent}",
        "Terminal=false",
        "Categories=Office;Finance;",
    ]
    if setup is not None:
        lines += [
            "Actions=maintain;",
            "",
            "[Desktop Action maintain]",
            "Name=修复或卸载",
            f'Exec="{setup}"',
        ]
    return "\n".join(lines) + "\n"


def integrate(client: Path, setup: Path | None, version: str, install_dir: Path) -> None:
    """Create or refresh the shortcut and the uninstall registration for this version."""
    if WINDOWS:
        _windows_shortcut(client)
        _windows_register(client, setup, version, install_dir)
        return
    text = desktop_entry(client, setup, version)
    for path in linux_entry_paths():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o755)  # desktops only trust executable launchers
        os.replace(tmp, path)


def unintegrate() -> None:
    """Remove the shortcut and the uninstall registration (nothing there is fine)."""
    if WINDOWS:
        _windows_remove()
        return
    for path in linux_entry_paths():
        path.unlink(missing_ok=True)


# --- Windows only (not run by the tests; see docs/installer.md) -------------------------


def _powershell(script: str) -> None:
    encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    subprocess.run(
        ["powershell.exe", "-NoProfile", "-NonInteractive", "-EncodedCommand", encoded],
        check=True,
        capture_output=True,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


def _ps_quote(text: str | Path) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _windows_shortcut(client: Path) -> None:
    _powershell(
        "$shell = New-Object -ComObject WScript.Shell; "
        "$desktop = [Environment]::GetFolderPath('Desktop'); "
        f"$link = $shell.CreateShortcut((Join-Path $desktop {_ps_quote(APP + '.lnk')})); "
        f"$link.TargetPath = {_ps_quote(client)}; "
        f"$link.WorkingDirectory = {_ps_quote(client.parent)}; "
        f"$link.IconLocation = {_ps_quote(str(client) + ',0')}; "
        "$link.Save(); "
        f"Remove-Item -LiteralPath (Join-Path $desktop {_ps_quote(LEGACY_SHORTCUT + '.lnk')}) "
        "-ErrorAction SilentlyContinue"
    )


def _windows_register(client: Path, setup: Path | None, version: str, install_dir: Path) -> None:
    import winreg  # type: ignore[import-not-found,unused-ignore]

    uninstall = f'"{setup}" --uninstall all --dir "{install_dir}"' if setup else ""
    values: dict[str, str | int] = {
        "DisplayName": APP,
        "DisplayVersion": version,
        "Publisher": PUBLISHER,
        "InstallLocation": str(install_dir),
        "DisplayIcon": str(client),
        "UninstallString": uninstall,
        "ModifyPath": f'"{setup}" --dir "{install_dir}"' if setup else "",
        "NoRepair": 0,
    }
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
        for name, value in values.items():
            kind = winreg.REG_DWORD if isinstance(value, int) else winreg.REG_SZ  # type: ignore[attr-defined,unused-ignore]
            winreg.SetValueEx(key, name, 0, kind, value)  # type: ignore[attr-defined,unused-ignore]


def _windows_remove() -> None:
    import winreg  # type: ignore[import-not-found,unused-ignore]

    try:
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY)  # type: ignore[attr-defined,unused-ignore]
    except FileNotFoundError:
        pass
    _powershell(
        "$desktop = [Environment]::GetFolderPath('Desktop'); "
        f"Remove-Item -LiteralPath (Join-Path $desktop {_ps_quote(APP + '.lnk')}) "
        "-ErrorAction SilentlyContinue"
    )
