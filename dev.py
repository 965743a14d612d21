#!/usr/bin/env python3
"""Developer entry point: `python dev.py run | test | bench`.

Works with the system Python alone (3.11+) on Debian without a display and on Windows:
it creates `.venv` when missing, installs the project with the extras the command needs
(again whenever pyproject.toml changes), then runs the command inside that environment.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = "backend,dev"
PYTEST_NO_TESTS = 5


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def log(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[arg-type]


def ensure_venv() -> Path:
    """Create the virtual environment and install the project when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python is first
        sys.exit("需要 Python 3.11 或更新版本 (Python 3.11+ is required).")
    python = venv_python()
    if not python.exists():
        log(f"creating virtual environment in {VENV}")
        if VENV.exists():
            shutil.rmtree(VENV)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    stamp_text = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode() + sys.version.encode()
    ).hexdigest()
    stamp = VENV / ".dev-installed"
    if not stamp.exists() or stamp.read_text().strip() != stamp_text:
        log(f"installing the project with extras [{EXTRAS}] (first run takes a few minutes)")
        started = time.monotonic()
        subprocess.check_call(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-U", "pip"]
        )
        subprocess.check_call(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                "-e",
                f"{ROOT}[{EXTRAS}]",
            ]
        )
        stamp.write_text(stamp_text)
        log(f"installed in {time.monotonic() - started:.0f} s")
    return python


def headless_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONUTF8"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cmd_test(args: argparse.Namespace) -> int:
    python = ensure_venv()
    env = headless_env()
    log("ruff check")
    if run([python, "-m", "ruff", "check", "."], env=env) != 0:
        return 1
    log("ruff format --check")
    if run([python, "-m", "ruff", "format", "--check", "."], env=env) != 0:
        log("formatting differs: run `.venv/bin/ruff format .`")
        return 1
    log(f"pytest (QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']})")
    code = run([python, "-m", "pytest", *args.pytest_args], env=env)
    if code == PYTEST_NO_TESTS:
        log("pytest collected no tests: that is a failure, not a pass")
        return 1
    return code


def cmd_bench(args: argparse.Namespace) -> int:
    python = ensure_venv()
    extra = ["--json", args.json] if args.json else []
    if args.only:
        extra += ["--only", args.only]
    return run([python, "-m", "benchmarks", *extra], env=headless_env())


def cmd_run(args: argparse.Namespace) -> int:
    python = ensure_venv()
    data = Path(args.data_dir or ROOT / ".data").resolve()
    backend_dir = data / "backend"
    client_dir = data / "client"
    backend_dir.mkdir(parents=True, exist_ok=True)
    log(f"starting the mock backend (data in {backend_dir})")
    backend = subprocess.Popen(
        [
            str(python),
            "-m",
            "mock_backend",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--data-dir",
            str(backend_dir),
            "--seed",
            "demo",
            "--admin",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    url = None
    assert backend.stdout is not None
    for line in backend.stdout:
        print(line, end="", flush=True)
        if line.startswith("mock_backend ready on "):
            url = line.split(" on ", 1)[1].strip()
            break
    if url is None:
        backend.wait()
        log("the mock backend did not start; see the messages above")
        return 1
    log(f"mock backend at {url}; demo accounts: docs/demo-data.md")
    try:
        return run(
            [python, "-m", "client", "--server", url, "--data-dir", str(client_dir)],
            env={**os.environ, "PYTHONUTF8": "1"},
        )
    finally:
        backend.terminate()
        try:
            backend.wait(timeout=10)
        except subprocess.TimeoutExpired:
            backend.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the mock backend with demo data and the client")
    p_run.add_argument("--data-dir", help="folder for the backend's and client's data (.data)")
    p_run.add_argument("--port", type=int, default=0, help="backend port (0 = any free port)")
    p_run.set_defaults(func=cmd_run)
    p_test = sub.add_parser("test", help="lint and run the whole test suite headless")
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    p_test.set_defaults(func=cmd_test)
    p_bench = sub.add_parser("bench", help="run the benchmarks and print their figures")
    p_bench.add_argument("--json", help="also write the figures to this JSON file")
    p_bench.add_argument("--only", help="run only benchmarks whose name contains this")
    p_bench.set_defaults(func=cmd_bench)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "test":
        args.pytest_args = [*extra, *args.pytest_args]
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
