"""The maintenance program (issue 14): 修复 of an installation with 10 changed files.

The payload is the built one (dist/payload/<version>/, after `python dev.py build`) when
there is one, else a generated onedir of the same shape: 3,000 files, about 150 MB, sizes
from 1 KB to 1 MB like Qt's libraries and Python's compiled modules.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from pathlib import Path

from benchmarks.common import BenchEnv, Report
from client import __version__
from installer import desktop, maintenance
from installer.manifest import APP, Manifest, write_manifest

NAME = "installer"
ROOT = Path(__file__).resolve().parent.parent
FILES = 3000
CHANGED = 10
DESKTOP_ENV = ("XDG_DATA_HOME", desktop.DESKTOP_DIR_ENV)


def generated_payload(folder: Path) -> Manifest:
    rng = random.Random(14)
    block = hashlib.sha256(b"payload").digest() * 32768  # 1 MiB of bytes to cut from
    parts = (
        "_internal/PySide6",
        "_internal/lib",
        "_internal/client/employer",
        "_internal/client/collector",
    )
    for index in range(FILES):
        size = min(len(block), int(rng.lognormvariate(9.5, 1.5)) + 1024)
        rel = f"{parts[index % len(parts)]}/pkg{index // 50}/file{index}.bin"
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(index.to_bytes(4, "big") + block[: size - 4])
    (folder / APP).write_bytes(b"#!/bin/sh\n")
    return write_manifest(folder, "9.9.9")


def run(report: Report, env: BenchEnv) -> None:
    saved = {name: os.environ.get(name) for name in DESKTOP_ENV}
    os.environ["XDG_DATA_HOME"] = str(env.root / "installer-xdg")  # not the real menu
    os.environ[desktop.DESKTOP_DIR_ENV] = str(env.root / "installer-desktop")
    try:
        measure(report, env)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def measure(report: Report, env: BenchEnv) -> None:
    built = ROOT / "dist" / "payload" / __version__
    if (built / "manifest.json").exists():
        payload, kind = built, "built payload"
        manifest = Manifest.read(built / "manifest.json")
    else:
        payload, kind = env.root / "installer-payload", "generated payload"
        manifest = generated_payload(payload)
    entries = manifest.entries()
    size_mb = sum(e.size for e in entries) / 1024 / 1024
    print(f"  {kind}: {len(entries):,} files, {size_mb:,.0f} MB", flush=True)
    target = env.root / "installer-D"
    started = time.perf_counter()
    maintenance.install(["employer", "collector"], payload, target)
    report.add(f"install both modules ({len(entries):,} files)", time.perf_counter() - started, "s")

    version_dir = target / "versions" / manifest.version
    rng = random.Random(10)
    changed = rng.sample(entries, CHANGED)
    for index, entry in enumerate(changed):
        path = version_dir / entry.path
        if index % 2:
            path.unlink()
        else:
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0xFF  # same size, one byte different: only the hash sees it
            path.write_bytes(bytes(data))
    started = time.perf_counter()
    result = maintenance.repair(target, payload)
    seconds = time.perf_counter() - started
    if sorted(result.changed) != sorted(e.path for e in changed):
        raise RuntimeError(
            f"repair restored {len(result.changed)} files, not the {CHANGED} changed"
        )
    report.add(f"repair: {CHANGED} changed files of {len(entries):,} checked", seconds, "s")
    started = time.perf_counter()
    maintenance.uninstall(target, None)
    report.add("uninstall both modules", time.perf_counter() - started, "s")
