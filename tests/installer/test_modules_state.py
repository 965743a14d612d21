"""The installed-modules state as the installer writes it and the client reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client import installed
from installer.__main__ import main as installer_main
from installer.modules_state import (
    ModuleChoiceError,
    parse_modules,
    read_installed_modules,
    remove_installed_modules,
    state_text,
    write_installed_modules,
)

CHOICES = [("employer",), ("collector",), ("employer", "collector")]


@pytest.fixture(autouse=True)
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment override would hide what the file says."""
    monkeypatch.delenv(installed.ENV, raising=False)


@pytest.mark.parametrize("choice", CHOICES)
def test_client_reads_what_the_installer_wrote(tmp_path: Path, choice: tuple[str, ...]) -> None:
    path = write_installed_modules(tmp_path, choice)
    assert path == tmp_path / installed.STATE_FILE
    assert installed.installed_modules(tmp_path) == choice
    assert read_installed_modules(tmp_path) == choice


def test_the_file_names_every_module_with_its_title_in_ascii(tmp_path: Path) -> None:
    path = write_installed_modules(tmp_path, ["collector"])
    raw = path.read_bytes()
    assert raw.isascii() and raw.endswith(b"\n")
    assert json.loads(raw)["modules"] == [
        {"key": "employer", "title": "用人单位", "installed": False},
        {"key": "collector", "title": "代收单位", "installed": True},
    ]


def test_modify_replaces_the_earlier_choice(tmp_path: Path) -> None:
    write_installed_modules(tmp_path, ["employer", "collector"])
    write_installed_modules(tmp_path, ["collector"])
    assert installed.installed_modules(tmp_path) == ("collector",)
    assert [p.name for p in tmp_path.iterdir()] == [installed.STATE_FILE]  # no temp file left


@pytest.mark.parametrize("bad", [[], ["employer", "payroll"], ["用人单位"]])
def test_a_bad_choice_is_refused_and_keeps_the_installed_state(
    tmp_path: Path, bad: list[str]
) -> None:
    write_installed_modules(tmp_path, ["employer"])
    with pytest.raises(ModuleChoiceError):
        write_installed_modules(tmp_path, bad)
    assert installed.installed_modules(tmp_path) == ("employer",)


def test_choice_text_takes_keys_or_titles_in_any_order() -> None:
    assert parse_modules("collector, employer") == ("employer", "collector")
    assert parse_modules("代收单位") == ("collector",)
    assert parse_modules("用人单位,employer") == ("employer",)
    with pytest.raises(ModuleChoiceError, match="至少选择一个模块"):
        parse_modules(" , ")
    with pytest.raises(ModuleChoiceError, match="未知的模块：payroll"):
        parse_modules("payroll")


def test_state_text_is_deterministic() -> None:
    assert state_text(["collector", "employer"]) == state_text(("employer", "collector"))


def test_uninstall_removes_the_state(tmp_path: Path) -> None:
    write_installed_modules(tmp_path, ["employer"])
    assert remove_installed_modules(tmp_path) is True
    assert read_installed_modules(tmp_path) is None
    assert installed.installed_modules(tmp_path) == ()  # not a checkout: nothing installed
    assert remove_installed_modules(tmp_path) is False


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"modules": "employer"}',
        '{"modules": [1]}',
        "[]",
        "null",
    ],
)
def test_a_damaged_file_reads_as_no_module(tmp_path: Path, content: str) -> None:
    (tmp_path / installed.STATE_FILE).write_text(content, encoding="utf-8")
    assert read_installed_modules(tmp_path) == ()
    assert installed.installed_modules(tmp_path) == ()  # the client does not crash on it


def test_command_line_writes_shows_and_removes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert installer_main(["modules", str(tmp_path)]) == 0
    assert "no installed-modules state" in capsys.readouterr().out
    assert installer_main(["modules", str(tmp_path), "--set", "代收单位"]) == 0
    assert installed.installed_modules(tmp_path) == ("collector",)
    assert installer_main(["modules", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "collector (代收单位)"
    assert installer_main(["modules", str(tmp_path), "--set", ""]) == 2
    assert "至少选择一个模块" in capsys.readouterr().err
    assert installed.installed_modules(tmp_path) == ("collector",)
    assert installer_main(["modules", str(tmp_path), "--remove"]) == 0
    assert not (tmp_path / installed.STATE_FILE).exists()
