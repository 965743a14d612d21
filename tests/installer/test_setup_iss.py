"""installer/setup.iss agrees with the Python side (Inno Setup itself cannot run here).

The Pascal functions that build installed-modules.json are evaluated in Python (they are
string concatenations only), so a typo in the JSON they write fails here, not on a
clerk's machine.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from client.installed import ALL_MODULES, STATE_FILE
from installer.bundle import APP_NAME, BACKEND_NAME
from installer.modules_state import MODULE_TITLES, state_text

ROOT = Path(__file__).resolve().parents[2]
ISS = (ROOT / "installer" / "setup.iss").read_text(encoding="utf-8")
PASCAL_STRING = re.compile(r"'((?:[^']|'')*)'")


def defines() -> dict[str, str]:
    return dict(re.findall(r'^\s*#define (\w+) "([^"]*)"\s*$', ISS, re.MULTILINE))


def section(name: str) -> list[str]:
    body = ISS.split(f"[{name}]\n", 1)[1]
    body = re.split(r"^\[\w+\]$", body, maxsplit=1, flags=re.MULTILINE)[0]
    return [line for line in body.splitlines() if line.strip() and not line.startswith(";")]


def entries(name: str) -> list[dict[str, str]]:
    """`Name: "x"; Description: "y"` lines as dicts."""
    found = []
    for line in section(name):
        if line.startswith("#"):
            continue
        found.append(dict(re.findall(r'(\w+): "?([^";]*)"?', line)))
    return found


def pascal_function(name: str) -> Any:
    """A Pascal function whose body is `Result := <concatenation>;`, as a Python function
    taking the names it may call (a dict) and then its arguments."""
    match = re.search(
        rf"^function {name}\((.*?)\): String;\s*begin\s*Result := (.*?);\s*end;",
        ISS,
        re.MULTILINE | re.DOTALL,
    )
    assert match, f"{name} not found in setup.iss"
    params = [
        param.strip()
        for group in match.group(1).split(";")
        for param in group.split(":")[0].split(",")
    ]
    expression = PASCAL_STRING.sub(lambda m: repr(m.group(1).replace("''", "'")), match.group(2))

    def call(namespace: dict[str, Any], *args: Any) -> Any:
        return eval(expression, {**namespace, **dict(zip(params, args, strict=True))})

    return call


def pascal_json(employer: bool, collector: bool) -> str:
    namespace: dict[str, Any] = {"JsonBool": lambda value: "true" if value else "false"}
    entry = pascal_function("ModuleEntry")
    namespace["ModuleEntry"] = lambda *args: entry(namespace, *args)
    return pascal_function("InstalledModulesJson")(namespace, employer, collector)


@pytest.mark.parametrize("choice", [("employer",), ("collector",), ("employer", "collector")])
def test_pascal_writes_the_same_state_as_python(choice: tuple[str, ...]) -> None:
    written = pascal_json("employer" in choice, "collector" in choice) + "\n"  # Json + #10
    assert written == state_text(choice)
    assert "Json + #10" in ISS


def test_json_bool_is_pascal_true_false() -> None:
    assert re.search(r"if Value then\s+Result := 'true'\s+else\s+Result := 'false';", ISS)


def test_one_component_per_module_with_the_manual_title() -> None:
    components = {c["Name"]: c for c in entries("Components")}
    for key in ALL_MODULES:
        assert components[key]["Description"] == MODULE_TITLES[key]
        assert f"WizardIsComponentSelected('{key}')" in ISS
    assert "Types" not in components["mockbackend"]  # QA only: never ticked by default


def test_state_file_is_written_by_the_wizard_not_copied_from_the_build() -> None:
    assert defines()["StateFile"] == STATE_FILE
    files = entries("Files")
    assert "\\{#StateFile}" in files[0]["Excludes"]
    assert any("{#StateFile}" in line for line in section("UninstallDelete"))


def test_the_onedir_and_executables_are_the_ones_build_spec_makes() -> None:
    assert defines()["AppName"] == APP_NAME
    assert defines()["BackendExe"] == f"{BACKEND_NAME}.exe"
    assert '#define DistDir SourcePath + "..\\dist\\" + AppName' in ISS
    backend = next(f for f in entries("Files") if f["Source"].endswith("{#BackendExe}"))
    assert backend["Components"] == "mockbackend"


def test_default_version_is_the_projects() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert defines()["AppVersion"] == version


def test_an_empty_choice_is_refused_in_the_wizard_and_in_silent_installs() -> None:
    assert re.search(r"CurPageID = wpSelectComponents\) and NoModuleChosen", ISS)
    assert re.search(
        r"function PrepareToInstall.*?if NoModuleChosen then\s+Result := NoModuleMessage",
        ISS,
        re.DOTALL,
    )
