"""build.spec, read the way PyInstaller reads it but with its build steps recorded, not run.

PyInstaller itself takes minutes; `python dev.py build` runs it and starts the result.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from client.modules import MODULE_PATHS, load_module
from installer import bundle

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build.spec"


class Step:
    """Stands in for Analysis/PYZ/EXE/COLLECT: keeps its arguments."""

    calls: list[Step]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.pure = self.scripts = self.binaries = self.datas = ()
        self.calls.append(self)


def run_spec(platform: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Step]]:
    steps: dict[str, list[Step]] = {}
    names = {}
    for name in ("Analysis", "PYZ", "EXE", "COLLECT"):
        steps[name] = []
        names[name] = type(name, (Step,), {"calls": steps[name]})
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts the project in front
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    exec(code, {"SPECPATH": str(ROOT), "__file__": str(SPEC), **names})
    return steps


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Step]]:
    return run_spec("linux", monkeypatch)


def analysis(steps: dict[str, list[Step]], entry: Path) -> Step:
    return next(a for a in steps["Analysis"] if a.args[0] == [str(entry)])


def test_three_executables_in_one_onedir_folder(steps: dict[str, list[Step]]) -> None:
    assert [e.kwargs["name"] for e in steps["EXE"]] == ["社保费管理客户端", "mock_backend", "setup"]
    assert all(e.kwargs["exclude_binaries"] for e in steps["EXE"])  # onedir, not onefile
    (collect,) = steps["COLLECT"]
    assert collect.kwargs["name"] == "社保费管理客户端"
    assert [a for a in collect.args if isinstance(a, Step)] == steps["EXE"]


def test_entry_scripts_exist_and_run_the_packages_mains() -> None:
    for entry, package in (
        (bundle.CLIENT_ENTRY, "client"),
        (bundle.BACKEND_ENTRY, "mock_backend"),
        (bundle.SETUP_ENTRY, "installer"),
    ):
        assert entry.is_file()
        assert f"from {package}.__main__ import main" in entry.read_text(encoding="utf-8")
    assert 'main(["setup", *sys.argv[1:]])' in bundle.SETUP_ENTRY.read_text(encoding="utf-8")


def test_client_is_windowed_on_windows_only(monkeypatch: pytest.MonkeyPatch) -> None:
    windows = run_spec("win32", monkeypatch)["EXE"]
    linux = run_spec("linux", monkeypatch)["EXE"]
    # the backend keeps its console log; setup's window has none (silent runs: exit code + log)
    assert [e.kwargs["console"] for e in windows] == [False, True, False]
    assert [e.kwargs["console"] for e in linux] == [True, True, True]


def test_icon_only_when_the_file_exists(steps: dict[str, list[Step]]) -> None:
    expected = [str(bundle.ICON)] if bundle.ICON.exists() else None
    assert all(e.kwargs["icon"] == expected for e in steps["EXE"])


def test_every_data_source_exists_and_lands_beside_its_module(
    steps: dict[str, list[Step]],
) -> None:
    assert analysis(steps, bundle.CLIENT_ENTRY).kwargs["datas"]
    for step in steps["Analysis"]:
        for source, folder in step.kwargs["datas"]:
            path = Path(source)
            assert path.is_file(), source
            assert "__pycache__" not in path.parts
            # Path(__file__).parent / name must find it in the bundle as in the checkout
            assert path.parent.relative_to(ROOT).as_posix() == folder


def test_client_bundles_its_stylesheet_and_every_migration_script(
    steps: dict[str, list[Step]],
) -> None:
    datas = {
        Path(src).relative_to(ROOT).as_posix()
        for src, _ in analysis(steps, bundle.CLIENT_ENTRY).kwargs["datas"]
    }
    assert "client/ui/style.qss" in datas
    migrations = ROOT / "client" / "storage" / "migrations"
    for kind in ("app", "unit"):
        assert f"client/storage/migrations/{kind}/env.py" in datas
        assert f"client/storage/migrations/{kind}/__init__.py" in datas  # its HEAD line is read
        versions = sorted((migrations / kind / "versions").glob("*.py"))
        assert versions
        assert {f"client/storage/migrations/{kind}/versions/{v.name}" for v in versions} <= datas


def test_no_file_of_the_client_is_left_out(steps: dict[str, list[Step]]) -> None:
    """A data file added later with a new kind of name must be bundled or this fails."""
    datas = {Path(src) for src, _ in analysis(steps, bundle.CLIENT_ENTRY).kwargs["datas"]}
    files = {
        p
        for p in (ROOT / "client").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".py", ".pyc"}
    }
    assert files - datas == set()


def test_data_suffixes_match_pyproject_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    assert {p.removeprefix("*") for p in patterns} == bundle.DATA_SUFFIXES


def test_pages_named_by_strings_are_hidden_imports(steps: dict[str, list[Step]]) -> None:
    hidden = set(analysis(steps, bundle.CLIENT_ENTRY).kwargs["hiddenimports"])
    named = {path.partition(":")[0] for path in MODULE_PATHS.values()}
    for key in MODULE_PATHS:
        named |= {entry.page.partition(":")[0] for entry, _ in load_module(key).entries()}
    assert named <= hidden
    assert "pypinyin" in hidden  # found with find_spec, never imported


def test_setup_bundles_the_maintenance_program_and_its_window(
    steps: dict[str, list[Step]],
) -> None:
    setup = analysis(steps, bundle.SETUP_ENTRY)
    hidden = set(setup.kwargs["hiddenimports"])
    assert {"installer.maintenance", "installer.window", "installer.setup_cli"} <= hidden
    assert "mock_backend" in setup.kwargs["excludes"]
    assert not any(".entry_" in m for m in hidden)  # not the client's or backend's main


def test_the_client_keeps_what_its_pdf_library_imports(steps: dict[str, list[Step]]) -> None:
    """reportlab.lib.utils does `from PIL import Image` at import: excluding Pillow made the
    built client fail at its first PDF import (found by dev.py build's start check)."""
    import reportlab.lib.utils

    source = Path(reportlab.lib.utils.__file__).read_text(encoding="utf-8")
    excluded = set(analysis(steps, bundle.CLIENT_ENTRY).kwargs["excludes"])
    if "from PIL import" in source:
        assert "PIL" not in excluded


def test_each_executable_leaves_the_other_package_out(steps: dict[str, list[Step]]) -> None:
    client = analysis(steps, bundle.CLIENT_ENTRY)
    backend = analysis(steps, bundle.BACKEND_ENTRY)
    assert "mock_backend" in client.kwargs["excludes"]
    assert not any(m.startswith("mock_backend") for m in client.kwargs["hiddenimports"])
    assert {"client", "PySide6"} <= set(backend.kwargs["excludes"])
    assert "mock_backend.routes.wages" in backend.kwargs["hiddenimports"]


def test_package_modules_names_packages_and_modules(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "sub/__init__.py", "sub/b.py"):
        (pkg / name).write_text("", encoding="utf-8")
    assert bundle.package_modules("pkg", tmp_path) == ["pkg", "pkg.a", "pkg.sub", "pkg.sub.b"]


def test_package_datas_skips_code_outside_source_trees_and_caches(tmp_path: Path) -> None:
    pkg = tmp_path / "client"
    migrations = tmp_path / "client" / "storage" / "migrations" / "app"
    (pkg / "__pycache__").mkdir(parents=True)
    migrations.mkdir(parents=True)
    (pkg / "code.py").write_text("", encoding="utf-8")
    (pkg / "look.qss").write_text("", encoding="utf-8")
    (pkg / "notes.md").write_text("", encoding="utf-8")
    (pkg / "__pycache__" / "x.json").write_text("", encoding="utf-8")
    (migrations / "env.py").write_text("", encoding="utf-8")
    datas = bundle.package_datas("client", tmp_path)
    assert [(Path(s).relative_to(tmp_path).as_posix(), d) for s, d in datas] == [
        ("client/look.qss", "client"),
        ("client/storage/migrations/app/env.py", "client/storage/migrations/app"),
    ]
