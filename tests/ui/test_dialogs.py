"""DetailDialog (查看) and CountdownDialog (N 秒后自动获取)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QPushButton

from client.ui.dialogs import (
    FEEDBACK_DELAY_ENV,
    CountdownDialog,
    DetailDialog,
    DetailSection,
    DetailTable,
)
from client.ui.dialogs.countdown import feedback_delay
from client.ui.listpage import Column

pytestmark = pytest.mark.ui

ITEM_COLUMNS = [
    Column("person_number", "人员编号"),
    Column("levy_item", "征收项目"),
    Column("base", "缴费基数（元）", kind="amount"),
    Column("start_month", "开始缴费月份", kind="month"),
    Column("end_month", "终止缴费月份", kind="month", formatter=lambda v: v or "长期"),
]


def employee_detail() -> DetailDialog:
    unit_a = DetailSection(
        "",
        fields=[("社保经办机构", "深圳市社会保险基金管理局")],
        tables=[
            DetailTable(
                ITEM_COLUMNS,
                [
                    {"person_number": "P001", "levy_item": "基本养老保险费", "base": "10033.33",
                     "start_month": "2019-11", "end_month": "2020-10"},
                    {"person_number": "P001", "levy_item": "生育保险", "base": 7002.2,
                     "start_month": "202001", "end_month": None},
                ],
            )
        ],
    )  # fmt: skip
    unit_b = DetailSection(
        "",
        fields=[("社保经办机构", "深圳市医疗保障局")],
        tables=[DetailTable(ITEM_COLUMNS, [])],
    )
    return DetailDialog(
        "职工参保明细",
        [
            DetailSection(
                "基本信息",
                fields=[
                    ("姓名", "张三"),
                    ("证件类型", "居民身份证"),
                    ("证件号码", "440300199001011234"),
                    ("性别", "女"),
                    ("出生日期", "1990-01-01"),
                    ("分组", None),
                ],
            ),
            DetailSection(
                "参保信息",
                switch_label="单位编号",
                variants=[("10001", unit_a), ("10002", unit_b)],
            ),
        ],
    )


def test_detail_dialog_shows_sections_and_tables(qtbot: Any) -> None:
    dialog = employee_detail()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "职工参保明细"
    assert dialog.objectName() == "dialog_detail"
    assert dialog.field_text("姓名") == "张三"
    assert dialog.field_text("证件号码") == "440300199001011234"
    assert dialog.field_text("分组") == ""
    assert dialog.field_text("社保经办机构") == "深圳市社会保险基金管理局"
    (table,) = dialog.visible_tables()
    assert dialog.table_texts(table) == [
        ["P001", "基本养老保险费", "10,033.33", "2019-11", "2020-10"],
        ["P001", "生育保险", "7,002.20", "2020-01", "长期"],
    ]
    header = [table.model().headerData(i, Qt.Orientation.Horizontal) for i in range(5)]
    assert header == [c.title for c in ITEM_COLUMNS]
    with pytest.raises(KeyError):
        dialog.field_text("不存在")


def test_detail_switch_changes_the_section(qtbot: Any) -> None:
    dialog = employee_detail()
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "combo_switch_1")
    assert [combo.itemText(i) for i in range(combo.count())] == ["10001", "10002"]
    combo.setCurrentIndex(1)
    assert dialog.field_text("社保经办机构") == "深圳市医疗保障局"
    (table,) = dialog.visible_tables()
    assert dialog.table_texts(table) == []
    dialog.choose_variant(1, "10001")
    assert dialog.field_text("社保经办机构") == "深圳市社会保险基金管理局"


def test_detail_closes_with_button_and_escape(qtbot: Any) -> None:
    dialog = employee_detail()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    button = dialog.findChild(QPushButton, "btn_close")
    assert button.text() == "关闭"
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.fixture
def no_env_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FEEDBACK_DELAY_ENV, raising=False)


def test_countdown_accepts_by_itself(qtbot: Any, no_env_delay: None) -> None:
    dialog = CountdownDialog(delay_seconds=1)
    qtbot.addWidget(dialog)
    assert dialog.seconds_left == 1
    assert "1 秒后自动获取" in dialog.label.text()
    assert "正在获取反馈信息，请稍候" in dialog.label.text()
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        dialog.show()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.seconds_left == 0


def test_countdown_counts_down(qtbot: Any, no_env_delay: None) -> None:
    dialog = CountdownDialog(delay_seconds=3)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.seconds_left == 2, timeout=2500)
    assert "2 秒后自动获取" in dialog.label.text()
    assert dialog.isVisible()
    dialog.reject()


def test_fetch_now_accepts_at_once(qtbot: Any, no_env_delay: None) -> None:
    dialog = CountdownDialog()
    qtbot.addWidget(dialog)
    assert dialog.seconds_left == 20
    dialog.show()
    button = dialog.findChild(QPushButton, "btn_fetch_now")
    assert button.text() == "立即获取"
    with qtbot.waitSignal(dialog.accepted, timeout=500):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_cancel_closes_without_fetching(qtbot: Any, no_env_delay: None) -> None:
    dialog = CountdownDialog(delay_seconds=1)
    qtbot.addWidget(dialog)
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    dialog.show()
    assert dialog.counting
    qtbot.mouseClick(dialog.findChild(QPushButton, "btn_cancel"), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.counting  # the countdown cannot fire after 取消
    assert accepted == []


def test_delay_from_environment(monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> None:
    monkeypatch.setenv(FEEDBACK_DELAY_ENV, "0")
    assert feedback_delay(20) == 0
    dialog = CountdownDialog()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.show()
    monkeypatch.setenv(FEEDBACK_DELAY_ENV, "not a number")
    assert feedback_delay(None) == 20
    assert feedback_delay(5) == 5
