"""`python -m installer payload ONEDIR [--version V] [--out dist/payload]`: the payload of a
build — `<out>/<version>/` (the onedir's program files + manifest.json) and
`<out>/社保费管理客户端-<version>.zip` (the same at its root), as the contract describes."""

from __future__ import annotations

import shutil
from pathlib import Path

from installer.manifest import APP, Manifest, make_zip, program_files, write_manifest


def zip_name(version: str) -> str:
    return f"{APP}-{version}.zip"


def build_payload(onedir: Path, out: Path, version: str) -> tuple[Path, Path, Manifest]:
    """Copy the onedir's program files (not its installed-modules state) and describe them."""
    target = out / version
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for rel, path in program_files(onedir):
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
    manifest = write_manifest(target, version)
    archive = make_zip(target, out / zip_name(version))
    return target, archive, manifest
