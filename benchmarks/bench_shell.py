"""The shell: start to 单位管理, and login of a 100,000-employee unit with no changes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import BenchEnv, Report

NAME = "shell"
START_RUNS = 7  # a 2-core machine shared with other work: the best shows the client's own cost


def start_seconds(data_dir: Path, url: str) -> float:
    """Process start until the client reports its first window, as a clerk waits."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "client",
            "--data-dir",
            str(data_dir),
            "--server",
            url,
            "--quit-after-start",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=30)
    if "单位管理" not in line:
        raise RuntimeError(f"the client did not open 单位管理: {line!r}")
    return elapsed


def login_seconds(data_dir: Path, url: str, password: str) -> tuple[float, int]:
    """From 确定 in 安全认证 until the main window shows, through the real dialogs."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from client.app_context import AppContext
    from client.ui.app import make_application
    from client.ui.context import UiServices
    from client.ui.controller import AppController
    from client.ui.prompts import PromptService

    app = make_application(["bench"])
    _quiet_offscreen_warnings()
    ctx = AppContext.open(str(data_dir), url)
    controller = AppController(UiServices(ctx, PromptService.scripted()))
    controller.start()
    unit = ctx.app_db.units("employer")[0]
    dialog = controller.begin_login(unit)
    dialog.edit_password.setText(password)
    started = time.perf_counter()
    dialog.btn_ok.click()
    deadline = started + 120
    while controller.main_window is None or not controller.main_window.isVisible():
        QApplication.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > deadline:
            raise RuntimeError("login did not reach the main window")
    elapsed = time.perf_counter() - started
    employees = controller.main_window.session.db.count("employees")
    controller.main_window.close()
    ctx.close()
    app.processEvents()
    return elapsed, employees


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns that it cannot raise() or size windows; those lines
    would break up the figures. Every other Qt message still reaches stderr."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind: object, _context: object, message: str) -> None:
        if not message.startswith("This plugin does not support"):
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def run(report: Report, env: BenchEnv) -> None:
    backend = env.backend(report)
    data_dir = env.synced_client(report)
    runs = [start_seconds(data_dir, backend.url) for _ in range(START_RUNS)]
    report.add(f"start to 单位管理 window (best of {START_RUNS})", min(runs), "s", "≤ 0.5 s")
    report.add(f"  median of the {START_RUNS} starts", statistics.median(runs), "s")
    report.add("  spread of the starts (slowest − best)", max(runs) - min(runs), "s")
    elapsed, employees = login_seconds(data_dir, backend.url, env.client_password)
    report.add(
        f"login to main window, {employees:,} synced employees, no changes",
        elapsed,
        "s",
        "≤ 2 s",
    )
