#!/usr/bin/env python3
"""Developer entry point: `python dev.py run | test | bench | soak | build`.

Works with the system Python alone (3.11+) on Debian without a display and on Windows:
it creates `.venv` when missing, installs the project with the extras the command needs
(again whenever pyproject.toml changes), then runs the command inside that environment.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = "backend,dev"
DEFAULT_PORT = 8765  # the client's built-in server address is http://127.0.0.1:8765
APP_NAME = "社保费管理客户端"  # build.spec's onedir and executable name
DIST = ROOT / "dist" / APP_NAME
PAYLOAD = ROOT / "dist" / "payload"
PYTEST_NO_TESTS = 5


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def log(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[arg-type]


def _installed_extras(stamp: Path, digest: str) -> set[str]:
    """The extras the stamp says are installed for this pyproject.toml and Python (else none)."""
    if not stamp.exists():
        return set()
    lines = stamp.read_text(encoding="utf-8").split()
    if not lines or lines[0] != digest:
        return set()
    return set(lines[1].split(",")) if len(lines) > 1 else set()


def ensure_venv(extras: str = EXTRAS) -> Path:
    """Create the virtual environment and install the project with `extras` when needed.

    Extras already installed are kept, so `build` after `test` does not make the next
    `test` reinstall everything.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python is first
        sys.exit("需要 Python 3.11 或更新版本 (Python 3.11+ is required).")
    python = venv_python()
    if not python.exists():
        log(f"creating virtual environment in {VENV}")
        if VENV.exists():
            shutil.rmtree(VENV)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + sys.version.encode()
    ).hexdigest()
    stamp = VENV / ".dev-installed"
    have = _installed_extras(stamp, digest)
    wanted = set(extras.split(","))
    if not wanted <= have:
        every = ",".join(sorted(have | wanted))
        log(f"installing the project with extras [{every}] (first run takes a few minutes)")
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
                f"{ROOT}[{every}]",
            ]
        )
        stamp.write_text(f"{digest}\n{every}\n", encoding="utf-8")
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


def cmd_soak(args: argparse.Namespace) -> int:
    """The crash and fault suite (soak/): SIGKILLs and a fault proxy, a few minutes."""
    python = ensure_venv()
    env = headless_env()
    if args.seed is not None:
        env["SOAK_SEED"] = str(args.seed)
    return run([python, "-m", "soak"], env=env)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether the mock backend could listen on `port` (bound the way it binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def backend_port(requested: int | None) -> int:
    """The port asked for; by default the client's built-in 8765, else any free one."""
    if requested is not None:
        return requested
    if port_is_free(DEFAULT_PORT):
        return DEFAULT_PORT
    log(
        f"port {DEFAULT_PORT} is busy, so the mock backend takes a free port; a client started "
        f"without --server (which uses http://127.0.0.1:{DEFAULT_PORT}) will not reach it"
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    python = ensure_venv()
    port = backend_port(args.port)
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
            str(port),
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
    except KeyboardInterrupt:  # Ctrl+C in the terminal: the client is already stopped
        return 130
    finally:
        backend.terminate()
        try:
            backend.wait(timeout=10)
        except subprocess.TimeoutExpired:
            backend.kill()


def executable(name: str, folder: Path = DIST) -> Path:
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def check_build(client_dir: Path = DIST) -> int:
    """Start the bundled mock backend and the bundled client (from `client_dir`) once, headless.

    The client runs with --quit-after-start: it opens its first window, reports it and
    exits. Its log file tells that it started even where a windowed .exe has no stdout.
    """
    env = {**headless_env(), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SHEBAOFEI_INSTALLED_MODULES", None)  # read the state file the build wrote
    scratch = ROOT / "build" / "check"
    shutil.rmtree(scratch / "backend", ignore_errors=True)
    shutil.rmtree(scratch / "client", ignore_errors=True)
    backend = subprocess.Popen(
        [
            str(executable("mock_backend")),
            "--port",
            "0",
            "--data-dir",
            str(scratch / "backend"),
            "--seed",
            "demo",
        ],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        assert backend.stdout is not None
        line = backend.stdout.readline()
        if not line.startswith("mock_backend ready on "):
            log(f"the bundled mock backend did not start: {line!r}")
            return 1
        url = line.split(" on ", 1)[1].strip()
        log(f"bundled mock backend at {url}; starting the bundled client")
        started = time.monotonic()
        client = subprocess.run(
            [
                str(executable(APP_NAME, client_dir)),
                "--server",
                url,
                "--data-dir",
                str(scratch / "client"),
                "--quit-after-start",
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=120,
        )
        seconds = time.monotonic() - started
    finally:
        backend.terminate()
        try:
            backend.wait(timeout=10)
        except subprocess.TimeoutExpired:
            backend.kill()
    log_file = scratch / "client" / "logs" / "client.log"
    log_text = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    shown = client.stdout.strip()
    if client.returncode != 0 or "client starting" not in log_text or "Traceback" in log_text:
        log(f"the bundled client failed (exit {client.returncode}) after {seconds:.1f} s")
        print(client.stdout, client.stderr, log_text, sep="\n", flush=True)
        return 1
    log(f"bundled client started and quit cleanly in {seconds:.1f} s: {shown or '(no stdout)'}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    python = ensure_venv("backend,dev,build")
    started = time.monotonic()
    log("pyinstaller build.spec (a few minutes)")
    code = run(
        [
            python,
            "-m",
            "PyInstaller",
            "build.spec",
            "--noconfirm",
            "--clean",
            "--distpath",
            ROOT / "dist",
            "--workpath",
            ROOT / "build",
        ],
        env=headless_env(),
    )
    if code != 0:
        log("pyinstaller failed; see the messages above")
        return code
    # A onedir used as it is (QA, Linux) gets the modules asked for; the payload leaves this
    # file out: the maintenance program writes the choice made when installing.
    if run([python, "-m", "installer", "modules", DIST, "--set", args.modules]) != 0:
        return 1
    log("payload: dist/payload/<version>/ with manifest.json, and its zip")
    if run([python, "-m", "installer", "payload", DIST, "--out", PAYLOAD]) != 0:
        return 1
    log(f"built in {time.monotonic() - started:.0f} s: {DIST}")
    log(f"  client:       {executable(APP_NAME)}")
    log(f"  mock backend: {executable('mock_backend')}")
    log(f"  maintenance:  {executable('setup')} (docs/installer.md)")
    if args.no_check:
        return 0
    installed = check_setup(args.modules)
    if installed is None:
        return 1
    return check_build(installed)


def check_setup(modules: str) -> Path | None:
    """Install the payload with its frozen maintenance program, silently, into build/check,
    then damage a file and repair it; the installed client is what check_build starts."""
    payload = max(
        (p for p in PAYLOAD.iterdir() if (p / "manifest.json").exists()), key=os.path.getmtime
    )
    scratch = ROOT / "build" / "check"
    root = scratch / "installed"
    env = {
        **headless_env(),
        "XDG_DATA_HOME": str(scratch / "xdg"),
        "SHEBAOFEI_DESKTOP_DIR": str(scratch / "desktop"),
    }
    setup = [str(executable("setup", payload)), "--dir", str(root), "--quiet"]
    if root.exists():
        run([*setup, "--uninstall", "all"], env=env)
    started = time.monotonic()
    if run([*setup, "--install", modules], env=env) != 0:
        log(f"the bundled maintenance program could not install; see {root / 'maintenance.log'}")
        return None
    version = root / "versions" / payload.name
    (version / "_internal" / "base_library.zip").unlink(missing_ok=True)
    if run([*setup, "--repair"], env=env) != 0 or not (version / "_internal").is_dir():
        log(f"the bundled maintenance program could not repair; see {root / 'maintenance.log'}")
        return None
    log(f"bundled setup installed and repaired {modules} in {time.monotonic() - started:.1f} s")
    return version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the mock backend with demo data and the client")
    p_run.add_argument("--data-dir", help="folder for the backend's and client's data (.data)")
    p_run.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"backend port (default {DEFAULT_PORT}, or a free one if that is busy; 0 = any free)",
    )
    p_run.set_defaults(func=cmd_run)
    p_test = sub.add_parser("test", help="lint and run the whole test suite headless")
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    p_test.set_defaults(func=cmd_test)
    p_bench = sub.add_parser("bench", help="run the benchmarks and print their figures")
    p_bench.add_argument("--json", help="also write the figures to this JSON file")
    p_bench.add_argument("--only", help="run only benchmarks whose name contains this")
    p_bench.set_defaults(func=cmd_bench)
    p_soak = sub.add_parser(
        "soak",
        help="kill the client at random moments and walk it "
        "through network faults; prints the figures (SOAK_* env vars scale)",
    )
    p_soak.add_argument("--seed", type=int, help="repeat a run (its seed is printed)")
    p_soak.set_defaults(func=cmd_soak)
    p_build = sub.add_parser(
        "build",
        help="build the onedir app with PyInstaller (dist/), its payload (dist/payload/), "
        "install it with the bundled setup and start it once headless",
    )
    p_build.add_argument(
        "--modules",
        default="employer,collector",
        help="installed-modules state written into the onedir (employer,collector)",
    )
    p_build.add_argument(
        "--no-check", action="store_true", help="do not start the built app afterwards"
    )
    p_build.set_defaults(func=cmd_build)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "test":
        args.pytest_args = [*extra, *args.pytest_args]
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
