"""A SIGKILL at every checkpoint of an upgrade, its confirmation and a rollback leaves a
working installation: current.json names a version whose folder is complete, and the next
run gets to the end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installer.journal import DIE_AT_ENV
from installer.manifest import Manifest, verify_folder
from installer.upgrade import (
    apply_upgrade,
    choose_version,
    confirm_started,
    read_current,
    rollback,
    version_folder,
)
from tests.upgrade.payloads import install

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL checkpoints: POSIX")


def run_killed(code: str, die_at: int) -> int:
    env = {**os.environ, DIE_AT_ENV: str(die_at), "PYTHONUTF8": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    return done.returncode


def assert_working(root: Path) -> str:
    state = read_current(root)
    assert state is not None
    for version in (state.version, state.previous):
        if version is None:
            continue
        folder = version_folder(root, version)
        manifest = Manifest.read(folder / "manifest.json")
        assert manifest.version == version
        assert verify_folder(folder, manifest, ("employer", "collector")) == [], version
    return state.version


def test_a_kill_at_any_point_leaves_the_old_or_the_new_version(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    base = install(tmp_path / "base", packages["1.0.0"])
    steps = {
        "apply": f"from installer.upgrade import apply_upgrade; "
        f"apply_upgrade(__import__('pathlib').Path(r'{{root}}'), r'{packages['1.1.0']}')",
        "confirm": "from installer.upgrade import confirm_started; "
        "confirm_started(__import__('pathlib').Path(r'{root}'))",
        "rollback": "from installer.upgrade import rollback; "
        "rollback(__import__('pathlib').Path(r'{root}'))",
    }
    kills = 0
    for step, template in steps.items():
        for die_at in range(1, 30):
            root = tmp_path / f"{step}-{die_at}"
            shutil.copytree(base, root)
            if step != "apply":
                apply_upgrade(root, packages["1.1.0"])
            code = run_killed(template.format(root=root), die_at)
            if code == 0:
                break  # every checkpoint of this step has been tried
            assert code == -9, f"{step} at {die_at} exited with {code}"
            kills += 1
            version = assert_working(root)
            # The next run gets to the end from whatever the kill left.
            if step == "apply":
                if version == "1.0.0":
                    apply_upgrade(root, packages["1.1.0"])
                assert read_current(root).version == "1.1.0"  # type: ignore[union-attr]
            elif step == "confirm":
                confirm_started(root)  # the new version's next start confirms and tidies
                assert choose_version(root) == "1.1.0"
                assert not version_folder(root, "1.0.0").exists()
            else:
                if version == "1.1.0":
                    rollback(root)
                assert choose_version(root) == "1.0.0"  # the next start tidies
                assert not version_folder(root, "1.1.0").exists()
            assert_working(root)
            current = json.loads((root / "current.json").read_text(encoding="utf-8"))
            assert set(current) == {"version", "previous", "pending_first_start"}
        else:
            pytest.fail(f"{step} never finished")
    assert kills >= 8
