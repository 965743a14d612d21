"""The main window of a logged-in 用人单位 (pytest-qt, real backend): 首页 quick buttons,
待办事项 and 异常提醒 entries opening their pages, the 通知公告 reader, 消息中心 marking
messages read, 关于 with the version, tabs that close (首页 stays)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from client import __version__
from client.domain.wages import BY_EMPLOYEE, DAILY
from client.employer.module import DESCRIPTOR
from client.ui.context import UiServices
from client.ui.home_page import HomePage
from client.ui.main_window import HOME, MainWindow
from client.ui.prompts import PromptService
from client.wages.drafts import WageDrafts
from tests.employer.conftest import EmployerEnv


@pytest.fixture
def window(qtbot: Any, employer_env: EmployerEnv) -> MainWindow:
    ui = UiServices(employer_env.app, PromptService.scripted(), show_delay_ms=0)
    win = MainWindow(ui, employer_env.session, DESCRIPTOR)
    qtbot.addWidget(win)
    win.show()
    return win


def home(window: MainWindow) -> HomePage:
    page = window.pages[HOME]
    assert isinstance(page, HomePage)
    return page


def titles_of_tabs(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_quick_buttons_open_their_pages_and_tabs_close(qtbot: Any, window: MainWindow) -> None:
    page = home(window)
    assert list(page.quick_buttons) == [
        "roster", "wages_daily", "wages_annual", "wage_records", "fee_daily", "fee_records",
        "unit_insurance", "unit_info",
    ]  # fmt: skip
    for key, button in page.quick_buttons.items():
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.current_page() is window.pages[key], key
        assert window.tabs.tabText(window.tabs.currentIndex()) == window.entries[key][0].title
    assert len(titles_of_tabs(window)) == 1 + len(page.quick_buttons)
    # A second click selects the open tab rather than opening another one.
    qtbot.mouseClick(page.quick_buttons["roster"], Qt.MouseButton.LeftButton)
    assert titles_of_tabs(window).count("职工参保信息更新") == 1
    # Closing: 首页 cannot be closed, the others can.
    window.close_tab(0)
    assert titles_of_tabs(window)[0] == "首页"
    while window.tabs.count() > 1:
        window.close_tab(window.tabs.count() - 1)
    assert list(window.pages) == [HOME]


def test_reminders_open_the_page_they_are_about(
    qtbot: Any, window: MainWindow, employer_env: EmployerEnv
) -> None:
    page = home(window)
    # the login 数据更新 fetched this month's 社保费预处理信息: one line says how many wait
    # (a unit that sounds like construction also has 工程项目 items waiting: a line of its own)
    texts = [page.todo_list.item(i).text() for i in range(page.todo_list.count())]
    assert texts[0].endswith("条社保费预处理信息待申报。"), texts
    assert all(t.endswith(("条社保费预处理信息待申报。", "条工程项目工伤保险费信息待申报。"))
               for t in texts), texts  # fmt: skip
    page.todo_list.itemClicked.emit(page.todo_list.item(0))
    assert window.current_page() is window.pages["fee_daily"]
    drafts = WageDrafts(
        employer_env.app.app_db, employer_env.session.db, employer_env.session.unit.tax_authority,
        employer_env.app.local_today(), DAILY, BY_EMPLOYEE,
    )  # fmt: skip
    added = drafts.add_many("paying").added
    page.refresh()
    item = page.todo_list.item(0)
    assert item.text() == f"日常缴费工资申报列表中有{added}条数据尚未申报。"
    page.todo_list.itemClicked.emit(item)
    assert window.current_page() is window.pages["wages_daily"]


def test_notices_reader_and_message_center(qtbot: Any, window: MainWindow) -> None:
    app_db = window.ui.app.app_db
    notices = app_db.notices()
    assert notices, "the demo region publishes notices"
    # From 首页: the clicked notice is the one shown, and it is marked read.
    page = home(window)
    item = page.notice_list.item(1)
    page.notice_list.itemClicked.emit(item)
    dialog = page.notice_dialog
    assert dialog is not None and dialog.isVisible()
    assert notices[1].title in dialog.reader.toPlainText()
    assert next(n for n in app_db.notices() if n.id == notices[1].id).read
    dialog.accept()
    # From the title bar: every notice, the newest first.
    qtbot.mouseClick(window.btn_notices, Qt.MouseButton.LeftButton)
    reader = window.dialog
    assert reader is not None and reader.list.count() == len(notices)
    assert notices[0].title in reader.reader.toPlainText()
    reader.list.setCurrentRow(2)
    assert notices[2].title in reader.reader.toPlainText()
    reader.accept()

    # 消息中心: the unread count in the title bar goes once the center is opened.
    db = window.session.db
    db.add_message("系统消息", "测试消息", "消息内容")
    window.update_message_count()
    unread = db.unread_messages()
    assert unread >= 1 and window.btn_messages.text() == f"消息中心({unread})"
    qtbot.mouseClick(window.btn_messages, Qt.MouseButton.LeftButton)
    center = window.dialog
    assert center is not None and center.isVisible()
    assert db.unread_messages() == 0 and window.btn_messages.text() == "消息中心"
    center.accept()


def test_about_shows_the_version(qtbot: Any, window: MainWindow) -> None:
    assert window.btn_about.text() == f"关于 (V{__version__})"
    qtbot.mouseClick(window.btn_about, Qt.MouseButton.LeftButton)
    about = window.dialog
    assert about is not None and about.isVisible()
    assert about.findChild(type(window.status_unit), "label_version").text() == (
        f"当前版本：V{__version__}"
    )
    about.accept()


def test_page_maximize_and_restore(qtbot: Any, window: MainWindow) -> None:
    """Manual §1.2: 最大化 shows the current page alone, 还原 brings the menu back."""
    window.open_page("roster")
    assert window.menu.isVisible() and window.header.isVisible()
    qtbot.mouseClick(window.btn_maximize, Qt.MouseButton.LeftButton)
    assert not window.menu.isVisible() and not window.header.isVisible()
    assert window.btn_maximize.text() == "还原"
    assert window.current_page() is window.pages["roster"]
    qtbot.mouseClick(window.btn_maximize, Qt.MouseButton.LeftButton)
    assert window.menu.isVisible() and window.header.isVisible()
    assert window.btn_maximize.text() == "最大化"
    window.tabs.tabBar().tabBarDoubleClicked.emit(1)
    assert window.page_maximized
