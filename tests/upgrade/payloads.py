"""Small fake payloads (a zip with manifest.json, per docs/installer.md, "Appendix") and
an installed folder D built from one, for the upgrade tests."""

from __future__ import annotations

import base64
import random
import zipfile
from pathlib import Path

from installer.manifest import Payload, make_zip, write_manifest
from installer.modules_state import write_installed_modules
from installer.upgrade import CurrentState, version_folder, write_current

EXECUTABLE = "社保费管理客户端"
BIG = "_internal/data/big.bin"
BIG_SIZE = 400_000  # incompressible, so a download can be cut well before its end


def build_payload(folder: Path, version: str) -> Path:
    """`<folder>/社保费管理客户端-<version>.zip`: common files, one file per module, and a
    400 KB incompressible file."""
    source = folder / f"payload-{version}"
    files = {
        EXECUTABLE: f"#!/bin/sh\necho {version}\n".encode(),
        "_internal/client/VERSION.txt": version.encode(),
        "_internal/client/employer/menu.json": f'{{"employer": "{version}"}}'.encode(),
        "_internal/client/collector/menu.json": f'{{"collector": "{version}"}}'.encode(),
        BIG: random.Random(f"payload-{version}").randbytes(BIG_SIZE),
    }
    for rel, content in files.items():
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    write_manifest(source, version)
    return make_zip(source, folder / f"{EXECUTABLE}-{version}.zip")


def tampered_copy(
    package: Path, target: Path, member: str = "_internal/client/VERSION.txt"
) -> Path:
    """The same zip with one program file changed (its manifest entry left as it was)."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = data + b"-changed"
            out.writestr(info, data)
    return target


def install(
    root: Path, package: Path, modules: tuple[str, ...] = ("employer", "collector")
) -> Path:
    """D with the package's version installed as current (what the maintenance program
    leaves after an install)."""
    with Payload(package) as payload:
        folder = version_folder(root, payload.manifest.version)
        for entry in payload.manifest.entries(modules):
            payload.copy_to(entry, folder / entry.path)
        (folder / "manifest.json").write_text(payload.manifest.text(), encoding="utf-8")
        version = payload.manifest.version
    write_installed_modules(root, modules)
    write_current(root, CurrentState(version))
    return root


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")
