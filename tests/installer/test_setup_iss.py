"""installer/setup.iss, the Windows bootstrap, agrees with the Python side (Inno Setup
itself cannot run here): it packs the payload dev.py build makes, starts the maintenance
program that build.spec freezes, and its silent arguments are ones setup_cli accepts."""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path
from typing import Any

import dev
from installer.bundle import APP_NAME, SETUP_NAME
from installer.setup_cli import add_arguments

ROOT = Path(__file__).resolve().parents[2]
ISS = (ROOT / "installer" / "setup.iss").read_text(encoding="utf-8")
PASCAL_STRING = re.compile(r"'((?:[^']|'')*)'")


def defines() -> dict[str, str]:
    return dict(re.findall(r'^\s*#define (\w+) "([^"]*)"\s*$', ISS, re.MULTILINE))


def section(name: str) -> list[str]:
    body = ISS.split(f"[{name}]\n", 1)[1]
    body = re.split(r"^\[\w+\]$", body, maxsplit=1, flags=re.MULTILINE)[0]
    return [line for line in body.splitlines() if line.strip() and not line.startswith(";")]


def setup_values() -> dict[str, str]:
    return dict(line.split("=", 1) for line in section("Setup") if "=" in line)


def pascal_function(name: str) -> Any:
    """A Pascal function whose body is `Result := <concatenation>;`, as a Python function."""
    match = re.search(
        rf"^function {name}\((.*?)\): String;\s*begin\s*Result := (.*?);\s*end;",
        ISS,
        re.MULTILINE | re.DOTALL,
    )
    assert match, f"{name} not found in setup.iss"
    params = [
        p.strip() for group in match.group(1).split(";") for p in group.split(":")[0].split(",")
    ]
    expression = PASCAL_STRING.sub(lambda m: repr(m.group(1).replace("''", "'")), match.group(2))
    return lambda *args: eval(expression, dict(zip(params, args, strict=True)))


def test_the_payload_is_the_one_dev_build_makes() -> None:
    assert defines()["AppName"] == APP_NAME
    assert '#define PayloadDir SourcePath + "..\\dist\\payload\\" + AppVersion' in ISS
    assert dev.PAYLOAD == ROOT / "dist" / "payload"  # dist/payload/<version>/
    (files,) = section("Files")
    assert 'Source: "{#PayloadDir}\\*"' in files and 'DestDir: "{tmp}\\payload"' in files
    assert "recursesubdirs" in files


def test_it_starts_the_frozen_maintenance_program_and_returns_its_exit_code() -> None:
    assert defines()["SetupExe"] == f"{SETUP_NAME}.exe"
    assert "Exec(ExpandConstant('{tmp}\\payload\\{#SetupExe}'), MaintenanceArgs" in ISS
    assert "ewWaitUntilTerminated, ResultCode" in ISS
    assert re.search(r"function GetCustomSetupExitCode.*?Result := MaintenanceExitCode", ISS, re.S)


def test_silent_arguments_are_accepted_by_the_maintenance_program() -> None:
    args = pascal_function("SilentArgs")("employer,collector").split()
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parsed = parser.parse_args([*args, "--dir", "C:\\社保费"])
    assert parsed.install == "employer,collector" and parsed.quiet
    assert "{param:MODULES|employer,collector}" in ISS


def test_per_user_bootstrap_without_an_uninstaller_of_its_own() -> None:
    values = setup_values()
    assert values["PrivilegesRequired"] == "lowest"  # the HKCU 程序和功能 entry needs no admin
    assert values["Uninstallable"] == "no"  # the maintenance program uninstalls
    assert values["CreateAppDir"] == "no"


def test_default_version_is_the_projects() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert defines()["AppVersion"] == version
