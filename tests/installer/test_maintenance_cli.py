"""The silent command line QA drives: `python -m installer setup ... --quiet`, exit codes, log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client import installed
from installer import maintenance, setup_cli
from installer.__main__ import main
from installer.journal import folder_lock

pytestmark = pytest.mark.usefixtures("desktop_dirs")


@pytest.fixture(autouse=True)
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(installed.ENV, raising=False)


def setup(*args: str | Path) -> int:
    return main(["setup", *(str(a) for a in args)])


def test_install_repair_uninstall_silently_with_a_log(
    tmp_path: Path, payload: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "D"
    code = setup("--install", "employer,collector", "--dir", root, "--payload", payload)
    assert code == setup_cli.EXIT_OK
    out = capsys.readouterr().out
    assert "100% 正在安装" in out and out.rstrip().endswith("用人单位业务、代收单位业务安装完成")
    assert setup("--status", "--dir", root) == 0
    assert json.loads(capsys.readouterr().out) == {
        "dir": str(root),
        "installed": True,
        "version": "1.4.0",
        "modules": ["employer", "collector"],
    }
    (root / "versions/1.4.0/_internal/client/collector/grades.json").unlink()
    assert setup("--repair", "--dir", root, "--payload", payload, "--quiet") == 0
    assert capsys.readouterr().out == ""  # --quiet: the exit code and the log say it
    assert (root / "versions/1.4.0/_internal/client/collector/grades.json").exists()
    assert setup("--uninstall", "collector", "--dir", root, "--quiet") == 0
    assert installed.installed_modules(root) == ("employer",)
    assert setup("--uninstall", "all", "--dir", root, "--quiet") == 0
    assert not (root / "versions").exists() and data_dir.exists()
    log = (root / "maintenance.log").read_text(encoding="utf-8")
    for line in (
        "ok: 用人单位业务、代收单位业务安装完成",
        "ok: 用人单位业务、代收单位业务修复完成，恢复了 1 个文件",
        "ok: 代收单位业务已卸载",
        "ok: 用人单位业务已卸载，社保费管理客户端已从本机移除，本机数据已保留",
    ):
        assert line in log


def test_remove_data_on_the_last_uninstall(tmp_path: Path, payload: Path, data_dir: Path) -> None:
    root = tmp_path / "D"
    assert setup("--install", "collector", "--dir", root, "--payload", payload, "--quiet") == 0
    assert setup("--uninstall", "collector", "--dir", root, "--remove-data", "--quiet") == 0
    assert not data_dir.exists()


def test_exit_codes_of_refusals(
    tmp_path: Path,
    payload: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "D"
    assert setup("--install", "payroll", "--dir", root, "--payload", payload) == 2
    assert "未知的模块：payroll" in capsys.readouterr().err
    assert setup("--quiet", "--dir", root) == 2
    assert setup("--repair", "--dir", root, "--payload", payload) == 6
    assert "没有安装社保费管理客户端" in capsys.readouterr().err
    assert setup("--install", "employer", "--dir", root, "--payload", tmp_path / "none") == 3
    (payload / "_internal/client/employer/wages/template.json").write_bytes(b"tampered")
    assert setup("--install", "employer", "--dir", root, "--payload", payload) == 3
    assert "已被修改或损坏" in capsys.readouterr().err
    assert not (root / "versions").exists()
    assert setup("--install", "collector", "--dir", root, "--payload", payload, "--quiet") == 0
    assert setup("--uninstall", "employer", "--dir", root) == 6
    with folder_lock(root):
        assert setup("--uninstall", "collector", "--dir", root) == 5
    monkeypatch.setattr(maintenance, "free_space", lambda path: 0)
    assert setup("--install", "collector", "--dir", tmp_path / "E", "--payload", payload) == 4
    assert "磁盘空间不足" in capsys.readouterr().err
    log = (root / "maintenance.log").read_text(encoding="utf-8")
    assert "exit 3: 安装包文件 _internal/client/employer/wages/template.json 已被修改" in log
    assert "exit 6: 用人单位业务尚未安装，无法卸载" in log


def test_log_option_writes_elsewhere(
    tmp_path: Path, payload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("installer.journal.LOG_FILE_OVERRIDE", None)
    log = tmp_path / "qa" / "run.log"
    root = tmp_path / "D"
    code = setup(
        "--install", "employer", "--dir", root, "--payload", payload, "--log", log, "--quiet"
    )
    assert code == 0
    assert "ok: 用人单位业务安装完成" in log.read_text(encoding="utf-8")
    assert not (root / "maintenance.log").exists()


def test_payload_command_makes_the_folder_and_zip_of_a_onedir(
    tmp_path: Path, payload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from installer.manifest import Manifest, verify_folder

    onedir = payload  # a onedir as dev.py build leaves it: with the QA modules state
    (onedir / installed.STATE_FILE).write_text("{}", encoding="utf-8")
    (onedir / "manifest.json").unlink()
    out = tmp_path / "out"
    assert main(["payload", str(onedir), "--version", "2.1.0", "--out", str(out)]) == 0
    manifest = Manifest.read(out / "2.1.0" / "manifest.json")
    assert manifest.version == "2.1.0" and len(manifest.entries()) == 8
    assert not (out / "2.1.0" / installed.STATE_FILE).exists()
    assert verify_folder(out / "2.1.0", manifest) == []
    archive = out / "社保费管理客户端-2.1.0.zip"
    assert str(archive) in capsys.readouterr().out
    root = tmp_path / "D"
    assert setup("--install", "employer", "--dir", root, "--payload", archive, "--quiet") == 0
    assert json.loads((root / "current.json").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_without_an_action_the_window_opens_on_the_payload_it_runs_from(
    tmp_path: Path, payload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import installer.window

    opened: list[tuple[Path, Path | None, tuple[str, ...]]] = []
    monkeypatch.setattr(installer.window, "run_window", lambda *args: opened.append(args) or 0)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(payload / "setup"))  # frozen, in the payload
    assert setup("--dir", tmp_path / "D", "--offered", "代收单位") == 0
    assert opened == [((tmp_path / "D").resolve(), payload.resolve(), ("collector",))]
