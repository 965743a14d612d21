"""操作手册 (manual §2.1, §3.1): every menu page of both modules has a guide text, and the
title bar's 【操作手册】 saves a PDF with the title, every visible page and embedded fonts;
an unwritable place gives the clerk's error and leaves no temporary file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from client import __version__
from client.collector.module import DESCRIPTOR as COLLECTOR
from client.employer.module import DESCRIPTOR as EMPLOYER
from client.guide.texts import GUIDE_TEXTS, guide_text
from client.modules import ModuleDescriptor
from client.ui.context import UiServices
from client.ui.guide import guide_sections
from client.ui.main_window import MainWindow
from client.ui.prompts import PromptService
from client.ui.system_pages import SYSTEM_MENU
from tests.employer.conftest import EmployerEnv, open_employer
from tests.support.pdf import compact, needs_poppler, pdf_text, pdffonts

SYSTEM = ModuleDescriptor("system", "系统设置", "", (SYSTEM_MENU,))
ASCII_WORDS = tuple("abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize("module", [EMPLOYER, COLLECTOR], ids=lambda m: m.key)
def test_every_menu_page_has_a_clerk_facing_text(module: ModuleDescriptor) -> None:
    keys = [e.key for e, _ in (*module.entries(), *SYSTEM.entries())]
    missing = [k for k in keys if not guide_text(module.key, k)]
    assert not missing, f"no 操作手册 text for {missing}"
    for key in keys:
        text = guide_text(module.key, key)
        assert text is not None
        assert text.endswith("。"), key
        sentences = text.count("。")
        assert 1 <= sentences <= 4, (key, sentences)
        # Clerk-facing Chinese: no developer English words (HTTP/SOCKS5/PDF allowed).
        assert not any(ch in text for ch in ASCII_WORDS), (key, text)


def test_every_text_belongs_to_a_menu_page() -> None:
    """No orphan text: a renamed key would leave its text behind and its page without one."""
    known = {e.key for m in (EMPLOYER, COLLECTOR, SYSTEM) for e, _ in m.entries()}
    qualified = {f"{m.key}:{e.key}" for m in (EMPLOYER, COLLECTOR) for e, _ in m.entries()}
    assert set(GUIDE_TEXTS) <= known | qualified


def test_shared_keys_read_as_the_module_shows_them() -> None:
    assert "代收代报" not in guide_text("employer", "fee_records")  # type: ignore[operator]
    assert guide_text("collector", "fee_records") != guide_text("employer", "fee_records")
    assert "核定信息" in (guide_text("collector", "fee_verified") or "")


def test_sections_follow_the_visible_menu() -> None:
    自主 = [s.title for s in guide_sections(EMPLOYER, "税务自主")]
    核定 = [s.title for s in guide_sections(EMPLOYER, "税务核定")]
    assert "日常缴费工资申报" in 自主 and "日常缴费工资申报" not in 核定
    assert 自主 == [e.title for e, _ in (*EMPLOYER.entries("税务自主"), *SYSTEM.entries())]
    assert guide_sections(EMPLOYER, "税务自主")[1].path == ("缴费工资申报",)


@pytest.fixture
def employer_env(backend: Any, tmp_path: Path) -> Any:
    env = open_employer(backend, tmp_path / "client", employees=5)
    yield env
    env.app.close()


@pytest.fixture
def window(qtbot: Any, employer_env: EmployerEnv) -> MainWindow:
    ui = UiServices(employer_env.app, PromptService.scripted(), show_delay_ms=0)
    win = MainWindow(ui, employer_env.session, EMPLOYER)
    qtbot.addWidget(win)
    win.show()
    return win


@needs_poppler
def test_manual_button_saves_the_guide_pdf(window: MainWindow, tmp_path: Path) -> None:
    assert window.btn_manual.text() == "操作手册"
    target = tmp_path / "手册.pdf"
    saved = window.save_manual(str(target))
    assert saved == target and target.is_file()
    prompts = window.ui.prompts
    assert prompts.last is not None and prompts.last.kind == "info"
    assert prompts.last.text == f"操作手册已保存到：{target}"

    text = compact(pdf_text(target))
    assert compact(f"社保费管理客户端操作手册（{EMPLOYER.title}）") in text
    assert f"V{__version__}" in text
    mode = window.session.region.collection_mode
    visible = [*EMPLOYER.entries(mode), *SYSTEM.entries()]
    position = -1
    for number, (entry, path) in enumerate(visible, start=1):
        heading = compact(f"{number}. {' > '.join((*path, entry.title))}")
        found = text.find(heading, position + 1)
        assert found > position, heading  # every visible page, numbered in menu order
        position = found
    assert compact(f"{len(visible) + 1}.") not in text[position:]  # nothing after them
    first = guide_text("employer", visible[0][0].key)
    assert first is not None and compact(first[:20]) in text
    rows = pdffonts(target)
    assert rows
    for row in rows:
        assert row[-5:-2] == ["yes", "yes", "yes"], row
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".~*"))


def test_manual_into_a_missing_folder_says_so(window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "没有这个文件夹"
    assert window.save_manual(str(folder / "手册.pdf")) is None
    last = window.ui.prompts.last
    assert last is not None and last.kind == "error" and last.title == "操作手册"
    assert last.text == "保存操作手册的文件夹不存在，请换一个位置后重试。"
    assert not folder.exists()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
