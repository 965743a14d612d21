"""What the two 开户网点 cascades share — the employer's 三方协议 (行政区划 → 银行行别 → 网点) and
the resident's bank account / 两两协议 (银行行别 → 行政区划 → 网点, §3.18): reading the typed
行政区划, filling the 网点 list with its hint, and the 网点 offered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from client.payments.bank_codes import SEARCH_LIMIT

PICK = "请选择"
NOT_FOUND = "未找到匹配的网点，请换个关键字"


def chosen_code(combo: QComboBox) -> str:
    """The chosen entry's code of an editable combo; none while the typed text is not one."""
    index = combo.currentIndex()
    if index < 0 or combo.currentText() != combo.itemText(index):
        return ""
    return str(combo.itemData(index) or "")


def pick_by_name(combo: QComboBox, name: str) -> None:
    index = combo.findText(name, Qt.MatchFlag.MatchExactly)
    if index >= 0:
        combo.setCurrentIndex(index)


def offered_names(combo: QComboBox) -> list[str]:
    """The entries a combo offers now (without its 请选择 / hint line)."""
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemData(i) is not None]


def show_branches(
    combo: QComboBox,
    hint_label: QLabel,
    found: Sequence[Mapping[str, Any]],
    query: str,
    nothing_yet: str | None,
) -> None:
    """Fill the 网点 list from a search asked for SEARCH_LIMIT + 1: 请选择 and the first
    SEARCH_LIMIT, "未找到" for a keyword without match, or `nothing_yet` when the search
    could not run yet (None: the same as no match); the hint says when the list is cut."""
    shown = list(found[:SEARCH_LIMIT])
    combo.blockSignals(True)
    combo.clear()
    if nothing_yet is not None:
        combo.addItem(nothing_yet, None)
    elif shown:
        combo.addItem(PICK, None)
    else:
        combo.addItem(NOT_FOUND, None)
    for entry in shown:
        combo.addItem(entry["name"], entry["code"])
    combo.blockSignals(False)
    hint = ""
    if len(found) > SEARCH_LIMIT:
        hint = f"仅显示前{SEARCH_LIMIT}个网点，请输入更多关键字缩小范围。"
    elif query and shown:
        hint = f"找到{len(shown)}个网点，请在下拉列表中选择。"
    hint_label.setText(hint)
    hint_label.setVisible(bool(hint))
