"""The shell on a real X server: Xvfb at 1366x768, the first-start walk run on Qt's xcb
platform, and screenshots of the whole screen (unit list, login dialog, main window) saved
to artifacts/screenshots/xvfb for a person to look at.

`.ci/run` installs Xvfb; where it is missing (Windows, a bare workstation) the test says
so and skips, and the offscreen grabs of the same walk are still saved."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shell.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1366, 768
SHOTS = ("unit_manager", "login_dialog", "main_window")
WALK = "tests/shell/test_shell_flow.py::test_employer_first_start_to_main_window"


def free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb() -> Iterator[str]:
    if sys.platform == "win32" or shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed here (.ci/run installs it on Debian)")
    number = free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    socket_path = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 20
    while not socket_path.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"Xvfb did not start: {server.stderr.read().decode(errors='replace')}")
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_first_start_walk_on_a_real_x_server(xvfb: str) -> None:
    folder = ARTIFACTS / "xvfb"
    for name in SHOTS:
        (folder / f"{name}.png").unlink(missing_ok=True)
    env = {
        **os.environ,
        "DISPLAY": xvfb,
        "QT_QPA_PLATFORM": "xcb",
        "SHEBAOFEI_SCREENSHOTS": "screen",
    }
    walk = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", WALK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert walk.returncode == 0, walk.stdout[-4000:] + walk.stderr[-4000:]

    from PySide6.QtGui import QImage

    for name in SHOTS:
        image = QImage(str(folder / f"{name}.png"))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == (WIDTH, HEIGHT), name
        # Something was painted: a blank or one-color screen has a handful of colors.
        colors = {image.pixel(x, y) for x in range(0, WIDTH, 7) for y in range(0, HEIGHT, 7)}
        assert len(colors) > 20, f"{name}: only {len(colors)} colors"
