"""A small payload shaped like the PyInstaller onedir (no PyInstaller run in tests), and a
snapshot of an installation to compare states before and after an operation."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from installer import desktop
from installer.journal import LOCK_FILE, LOG_FILE
from installer.manifest import APP, Manifest, write_manifest

CLIENT_SCRIPT = '#!/bin/sh\necho started > "$(dirname "$0")/../../started.txt"\n'


def make_payload(folder: Path, version: str = "1.4.0", extra: int = 0) -> Manifest:
    """Client and setup executables, a shared library, common data, and each module's files;
    `extra` more common files make it bigger (the benchmark)."""
    files: dict[str, bytes] = {
        APP: CLIENT_SCRIPT.encode(),
        "setup": b"#!/bin/sh\nexit 0\n",
        "_internal/libpython.so": bytes(range(256)) * 200 + version.encode(),
        "_internal/client/ui/style.qss": b"QWidget { font-size: 14px; }\n",
        "_internal/client/employer/roster/columns.json": f'{{"v": "{version}"}}'.encode(),
        "_internal/client/employer/wages/template.json": b'{"columns": ["\xe5\xb7\xa5\xe8\xb5\x84"]}',
        "_internal/client/collector/grades.json": b'{"grades": [1, 2, 3]}',
        "_internal/client/collector/external/map.json": b"{}",
    }
    for index in range(extra):
        files[f"_internal/lib/mod{index // 100}/file{index}.pyc"] = hashlib.sha256(
            f"{version}-{index}".encode()
        ).digest() * (1 + index % 64)
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name in (APP, "setup"):
        (folder / name).chmod(0o755)
    return write_manifest(folder, version)


def snapshot(root: Path, with_desktop: bool = True) -> dict[str, str]:
    """Every file of an installation (not the log or lock) and the desktop entries, hashed."""
    found: dict[str, str] = {}
    if root.exists():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in (LOG_FILE, LOCK_FILE) and rel != "started.txt":
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    for path in desktop.linux_entry_paths() if with_desktop else ():
        if path.exists():
            found[f"<desktop>/{path.parent.name}/{path.name}"] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


@pytest.fixture
def desktop_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The applications menu and the desktop redirected into the test's folder."""
    apps_home = tmp_path / "xdg-data"
    desk = tmp_path / "Desktop"
    desk.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(apps_home))
    monkeypatch.setenv(desktop.DESKTOP_DIR_ENV, str(desk))
    return apps_home / "applications", desk


def env_with(**values: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(values)
    return env
