"""The installer's command line.

`python -m installer modules DIR [--set employer,collector | --remove]` shows or writes the
installed-modules state of a program folder; `python dev.py build` uses it to mark the QA
onedir. `python -m installer setup ...` is the maintenance program (installer/setup_cli.py,
docs/installer.md); `python -m installer payload ONEDIR` makes the payload of a build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from client import __version__
from installer.modules_state import (
    MODULE_TITLES,
    ModuleChoiceError,
    parse_modules,
    read_installed_modules,
    remove_installed_modules,
    write_installed_modules,
)
from installer.payload import build_payload
from installer.setup_cli import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_modules = sub.add_parser("modules", help="show or write the installed-modules state")
    p_modules.add_argument("program_dir", type=Path, help="the folder of the client executable")
    action = p_modules.add_mutually_exclusive_group()
    action.add_argument("--set", help="modules to mark installed: employer,collector")
    action.add_argument("--remove", action="store_true", help="delete the state (uninstall)")
    p_setup = sub.add_parser("setup", help="install, repair or uninstall (window or silent)")
    add_arguments(p_setup)
    p_payload = sub.add_parser("payload", help="make the payload folder and zip of a onedir")
    p_payload.add_argument(
        "onedir", type=Path, help="the PyInstaller onedir (dist/社保费管理客户端)"
    )
    p_payload.add_argument("--version", default=__version__, help="payload version")
    p_payload.add_argument("--out", type=Path, default=Path("dist") / "payload")
    args = parser.parse_args(argv)
    if args.command == "setup":
        return run(args)
    if args.command == "payload":
        folder, archive, manifest = build_payload(args.onedir, args.out, args.version)
        counts = ", ".join(f"{part} {len(files)}" for part, files in manifest.parts.items())
        print(f"{folder} ({counts} files)\n{archive} ({archive.stat().st_size // 1024} KB)")
        return 0

    if args.set is not None:
        try:
            modules = parse_modules(args.set)
        except ModuleChoiceError as exc:
            print(exc, file=sys.stderr)
            return 2
        path = write_installed_modules(args.program_dir, modules)
        print(f"{path}: {', '.join(f'{m} ({MODULE_TITLES[m]})' for m in modules)}")
        return 0
    if args.remove:
        removed = remove_installed_modules(args.program_dir)
        print("removed" if removed else "no installed-modules state here")
        return 0
    current = read_installed_modules(args.program_dir)
    if current is None:
        print("no installed-modules state here")
    else:
        print(", ".join(f"{m} ({MODULE_TITLES[m]})" for m in current) or "(none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
