"""`python -m installer setup ...` (the frozen `setup[.exe]`): the maintenance program.

Without an action it opens the window (installer.window). With one it runs silently:

    setup --install employer,collector --dir D [--payload P] [--quiet]
    setup --repair [employer,collector] --dir D [--payload P]
    setup --uninstall collector|all --dir D [--remove-data [--data-dir X]]
    setup --status --dir D

Exit codes: 0 done; 1 unexpected error (see the log); 2 bad command line or module name;
3 payload missing or a payload file altered; 4 disk full or the folder not writable;
5 another maintenance run holds the folder; 6 nothing (or not that module) installed.
Every run appends to D/maintenance.log (or --log FILE).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import traceback
from pathlib import Path

from installer import journal, maintenance
from installer.manifest import MANIFEST, PayloadError
from installer.modules_state import ModuleChoiceError, parse_modules
from installer.state import default_install_dir

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PAYLOAD = 3
EXIT_DISK = 4
EXIT_BUSY = 5
EXIT_NOT_INSTALLED = 6


def default_payload() -> Path | None:
    """The folder the maintenance program runs from, when it is a payload (frozen)."""
    if getattr(sys, "frozen", False):
        here = Path(sys.executable).resolve().parent
        if (here / MANIFEST).exists():
            return here
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--install", metavar="MODULES", help="安装：employer,collector")
    action.add_argument(
        "--repair", metavar="MODULES", nargs="?", const="", help="修复（默认全部已安装业务）"
    )
    action.add_argument("--uninstall", metavar="MODULES", help="卸载：employer、collector 或 all")
    action.add_argument("--status", action="store_true", help="以 JSON 显示安装状态")
    parser.add_argument("--dir", type=Path, help="安装目录（默认为用户程序目录）")
    parser.add_argument("--payload", type=Path, help="安装包目录或 zip（默认为本程序所在目录）")
    parser.add_argument("--quiet", action="store_true", help="不显示进度，只用退出码和日志")
    parser.add_argument("--remove-data", action="store_true", help="卸载最后一个业务时删除本机数据")
    parser.add_argument("--data-dir", type=Path, help="客户端数据目录（--remove-data 用）")
    parser.add_argument("--log", type=Path, help="日志文件（默认为 安装目录/maintenance.log）")
    parser.add_argument(
        "--offered", default="employer,collector", help="本地区已上线的业务（窗口用）"
    )


def run(args: argparse.Namespace) -> int:
    root = (args.dir or default_install_dir()).expanduser().resolve()
    if args.log:
        journal.LOG_FILE_OVERRIDE = args.log
    if args.install is None and args.repair is None and args.uninstall is None and not args.status:
        if args.quiet:
            print("--quiet 需要同时给出 --install、--repair 或 --uninstall", file=sys.stderr)
            return EXIT_USAGE
        from installer.window import run_window

        return run_window(root, args.payload or default_payload(), parse_modules(args.offered))

    def say(text: str) -> None:
        if not args.quiet:
            print(text, flush=True)

    last = [-1]

    def progress(done: int, total: int, text: str) -> None:
        if args.quiet or total <= 0:
            return
        percent = done * 100 // total
        if percent != last[0] and (percent % 10 == 0 or done == total):
            last[0] = percent
            print(f"{percent:3d}% {text}", flush=True)

    if args.uninstall is not None and running_inside(root):
        return relaunch_outside(root)
    payload = args.payload or default_payload()
    try:
        if args.status:
            print(json.dumps(maintenance.status(root).as_json(), ensure_ascii=False))
            return EXIT_OK
        if args.uninstall is not None:
            modules = None if args.uninstall.strip() == "all" else parse_modules(args.uninstall)
            result = maintenance.uninstall(
                root, modules, args.remove_data, args.data_dir, progress=progress
            )
        else:
            if payload is None:
                print("请用 --payload 指定安装包目录或 zip 文件", file=sys.stderr)
                return EXIT_USAGE
            if args.install is not None:
                result = maintenance.install(
                    parse_modules(args.install), payload, root, progress=progress
                )
            else:
                modules = parse_modules(args.repair) if args.repair.strip() else None
                result = maintenance.repair(root, payload, modules, progress=progress)
    except ModuleChoiceError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except PayloadError as exc:
        return _refused(root, exc, EXIT_PAYLOAD)
    except journal.LockBusyError as exc:
        return _refused(root, exc, EXIT_BUSY)
    except maintenance.MaintenanceError as exc:
        return _refused(root, exc, exc.exit_code)
    except Exception:
        journal.log_line(root, "unexpected error:\n" + traceback.format_exc())
        print(f"意外错误，详情见日志 {journal.log_path(root)}", file=sys.stderr)
        return EXIT_ERROR
    say(result.message)
    journal.log_line(root, f"ok: {result.message}")
    return EXIT_OK


def running_inside(root: Path) -> bool:
    """Whether this is the frozen setup of the installation itself (程序和功能 → 卸载)."""
    if sys.platform != "win32" or not getattr(sys, "frozen", False):
        return False
    return root in Path(sys.executable).resolve().parents


def relaunch_outside(root: Path) -> int:
    """Windows keeps a running program's files: copy this version folder to %TEMP% and run
    the same command from there, detached, so that it can remove the installation.
    Windows only; not run by the tests (docs/installer.md)."""
    import subprocess
    import tempfile

    here = Path(sys.executable).resolve().parent
    copy = Path(tempfile.mkdtemp(prefix="shebaofei-setup-")) / here.name
    shutil.copytree(here, copy)
    journal.log_line(root, f"uninstall: continuing from a copy in {copy}")
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
        subprocess, "CREATE_NEW_PROCESS_GROUP", 0
    )
    subprocess.Popen([str(copy / Path(sys.executable).name), *sys.argv[1:]], creationflags=flags)
    return EXIT_OK


def _refused(root: Path, exc: Exception, code: int) -> int:
    print(exc, file=sys.stderr)
    journal.log_line(root, f"exit {code}: {exc}")
    return code
