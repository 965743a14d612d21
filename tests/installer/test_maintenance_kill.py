"""A kill at any point of 安装/修复/卸载 leaves the old or the new state.

The CLI runs in a subprocess that SIGKILLs itself at its N-th checkpoint
(SHEBAOFEI_SETUP_DIE_AT=N: while staging files, at the commit, between the journal's steps),
for every N until a run gets through. The next run (`setup --status`) finishes or discards
what was left; the installation must then equal the state before or the state after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from installer import desktop, maintenance
from installer.journal import DIE_AT_ENV
from tests.installer.fake_payload import snapshot

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def run_cli(args: list[str], die_at: int | None = None) -> int:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop(DIE_AT_ENV, None)
    if die_at is not None:
        env[DIE_AT_ENV] = str(die_at)
    return subprocess.run(
        [sys.executable, "-m", "installer", "setup", *args, "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    ).returncode


def damage(root: Path) -> None:
    version = root / "versions" / "1.4.0"
    (version / "_internal/libpython.so").unlink()
    (version / "_internal/client/employer/roster/columns.json").write_bytes(b"{}")
    (version / "社保费管理客户端").write_bytes(b"not a program")


def fresh(root: Path, payload: Path) -> None:
    pass


SCENARIOS: dict[str, tuple[Callable[[Path, Path], None], list[str]]] = {
    "install both": (fresh, ["--install", "employer,collector"]),
    "install a second module": (
        lambda root, payload: maintenance.install(["employer"], payload, root),
        ["--install", "collector"],
    ),
    "repair": (
        lambda root, payload: (maintenance.install(["employer"], payload, root), damage(root)),
        ["--repair"],
    ),
    "uninstall one module": (
        lambda root, payload: maintenance.install(["employer", "collector"], payload, root),
        ["--uninstall", "employer"],
    ),
    "uninstall the last module": (
        lambda root, payload: maintenance.install(["collector"], payload, root),
        ["--uninstall", "collector"],
    ),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_kill_at_any_checkpoint_leaves_the_old_or_the_new_state(
    tmp_path: Path, payload: Path, data_dir: Path, desktop_dirs: tuple[Path, Path], scenario: str
) -> None:
    prepare, args = SCENARIOS[scenario]
    root = tmp_path / "D"
    common = [*args, "--dir", str(root), "--payload", str(payload)]
    data_before = snapshot(data_dir, with_desktop=False)

    def reset() -> dict[str, str]:
        shutil.rmtree(root, ignore_errors=True)
        for path in desktop.linux_entry_paths():
            path.unlink(missing_ok=True)
        prepare(root, payload)
        return snapshot(root)

    old = reset()
    assert run_cli(common) == 0
    new = snapshot(root)
    assert new != old
    outcomes = []
    for die_at in range(1, 60):
        assert reset() == old
        code = run_cli(common, die_at)
        if code == 0:
            break  # past the last checkpoint: every point has been tried
        assert code == -9, f"kill at checkpoint {die_at}: exit {code}"
        assert run_cli(["--status", "--dir", str(root)]) == 0  # finishes or discards
        after = snapshot(root)
        assert after in (old, new), f"kill at checkpoint {die_at} left a third state"
        outcomes.append("old" if after == old else "new")
        assert not (root / ".staging").exists()
    else:
        pytest.fail("the operation never got past its checkpoints")
    assert "old" in outcomes and "new" in outcomes  # both sides of the commit were hit
    assert snapshot(data_dir, with_desktop=False) == data_before
