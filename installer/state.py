"""What is installed in a folder D (docs/installer.md, "Appendix"), read without changing
anything: the current version and modules, the installed manifest, the default folders."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from client.installed import ALL_MODULES
from client.storage.paths import APP_AUTHOR, DATA_DIR_ENV
from client.storage.paths import APP_NAME as CLIENT_DATA_NAME
from installer.manifest import APP, MANIFEST, Manifest, PayloadError
from installer.modules_state import read_installed_modules

CURRENT = "current.json"
VERSIONS = "versions"
SETUP_NAME = "setup"  # the frozen maintenance program beside the client executable


@dataclass
class Installation:
    root: Path
    version: str | None = None
    modules: tuple[str, ...] = ()
    previous: str | None = None

    @property
    def installed(self) -> bool:
        return self.version is not None and bool(self.modules)

    @property
    def version_dir(self) -> Path:
        assert self.version is not None
        return self.root / VERSIONS / self.version

    def as_json(self) -> dict[str, Any]:
        return {
            "dir": str(self.root),
            "installed": self.installed,
            "version": self.version,
            "modules": list(self.modules),
        }


def default_install_dir() -> Path:
    """Per user, so neither the install nor the HKCU registration needs an administrator."""
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Programs" / APP
    return Path(platformdirs.user_data_dir("SheBaoFeiProgram", "SheBaoFei", roaming=False))


def default_data_dir() -> Path:
    """The client's data folder as client.storage.paths resolves it without --data-dir."""
    explicit = os.environ.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser().resolve()
    return Path(platformdirs.user_data_dir(CLIENT_DATA_NAME, APP_AUTHOR, roaming=False))


def executable_name(stem: str) -> str:
    return f"{stem}.exe" if os.name == "nt" else stem


def client_executable(manifest: Manifest) -> str | None:
    names = {e.path for e in manifest.parts.get("common", ())}
    for name in (f"{APP}.exe", APP):
        if name in names:
            return name
    return None


def setup_executable(manifest: Manifest) -> str | None:
    names = {e.path for e in manifest.parts.get("common", ())}
    for name in (f"{SETUP_NAME}.exe", SETUP_NAME):
        if name in names:
            return name
    return None


def read_state(root: Path) -> Installation:
    """What is installed in D (nothing: an Installation with version None)."""
    state = Installation(root)
    try:
        current = json.loads((root / CURRENT).read_text(encoding="utf-8"))
        version = current["version"]
        previous = current.get("previous")
    except (OSError, ValueError, KeyError, TypeError):
        versions = sorted(p.name for p in (root / VERSIONS).glob("*") if p.is_dir())
        if len(versions) != 1:
            return state
        version, previous = versions[0], None  # current.json lost: the only version it is
    if not (root / VERSIONS / str(version)).is_dir():
        return state
    state.version = str(version)
    state.previous = previous
    state.modules = read_installed_modules(root) or _modules_on_disk(state)
    return state


def _modules_on_disk(state: Installation) -> tuple[str, ...]:
    """A lost or damaged installed-modules.json: the modules whose files are there."""
    manifest = installed_manifest(state)
    if manifest is None:
        return ()
    return tuple(
        m
        for m in ALL_MODULES
        if any((state.version_dir / e.path).exists() for e in manifest.parts.get(m, ()))
    )


def installed_manifest(state: Installation) -> Manifest | None:
    try:
        return Manifest.read(state.version_dir / MANIFEST)
    except PayloadError:
        return None


def current_text(version: str) -> str:
    return json.dumps({"version": version, "previous": None, "pending_first_start": False}) + "\n"
