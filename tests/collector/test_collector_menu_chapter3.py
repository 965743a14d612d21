"""The 代收单位 menu lists every page of the manual's chapter 3 (issue 13's "Done when"): §3.2–§3.26,
titled as the manual titles them ("组-页" is the group and its entry; 首页 §3.1 is the home tab,
not a menu entry). 社保费缴纳（自主） (§3.21) is shown in 税务自主 regions and 社保费缴纳（核定）
(§3.22) in 税务代征 ones, so the two visible menus together list them all. Each entry's page class
imports and each has its 操作手册 text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from client.collector.module import DESCRIPTOR
from client.fees.rules import COLLECTED_FOR_OTHERS, SELF_COLLECTED
from client.guide.texts import guide_text
from client.modules import MenuEntry, import_object

# The manual's chapter 3 (table of contents for §3.2–§3.23; §3.24–§3.26 are only headed in
# the body), one title a page.
CHAPTER_3 = {
    "3.2": "城乡居民参保信息更新",
    "3.3": "外部参保城乡居民导入",
    "3.4": "城乡居民缴费档次查询",
    "3.5": "城乡居民申报缴费状态查询（自主）",
    "3.6": "社保费代收代报（自主）",
    "3.7": "社保费代收代报（核定）",
    "3.8": "社保费申报记录",
    "3.9": "费款缴纳-缴费",
    "3.10": "费款缴纳-缴费凭证打印记录",
    "3.11": "费款缴纳-三方协议缴费记录",
    "3.12": "社保费缴费证明打印",
    "3.13": "社保费完税证明-税收完税证明（非印刷）开具",
    "3.14": "社保费完税证明-税收完税证明（非印刷）补开",
    "3.15": "查询统计-社保费申报明细查询",
    "3.16": "查询统计-单位参保信息查询",
    "3.17": "缴费授权-社保费批扣费额设置",
    "3.18": "缴费授权-居民银行账户管理",
    "3.19": "缴费授权-居民两两协议签订",
    "3.20": "缴费授权-社保费批扣清册查询",
    "3.21": "城乡居民个人缴费-社保费缴纳（自主）",
    "3.22": "城乡居民个人缴费-社保费缴纳（核定）",
    "3.23": "城乡居民个人缴费-缴费记录查询",
    "3.24": "社保费完税证明-税收完税证明查验",
    "3.25": "社保费完税证明-个人税收完税证明（非印刷）开具",
    "3.26": "社保费完税证明-个人税收完税证明（非印刷）补开",
}
ONLY_IN = {"3.21": SELF_COLLECTED, "3.22": COLLECTED_FOR_OTHERS}
MANUAL = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "003_54e4dd1e05f5037f.txt"
HEADING = re.compile(r"^3\.(\d+) (.+?)(?:\t\d+)?$")


def place(title: str) -> tuple[tuple[str, ...], str]:
    """The menu path and entry title of a manual title: "组-页" → ((组,), 页)."""
    group, dash, page = title.partition("-")
    return ((group,), page) if dash else ((), title)


def visible(mode: str) -> dict[tuple[tuple[str, ...], str], MenuEntry]:
    return {(path, entry.title): entry for entry, path in DESCRIPTOR.entries(mode)}


def test_the_titles_are_the_manuals() -> None:
    """CHAPTER_3 is what the manual heads its pages with (when the manual is at hand)."""
    if not MANUAL.is_file():
        pytest.skip("the manual is not beside this checkout")
    found: dict[str, str] = {}
    for line in MANUAL.read_text(encoding="utf-8").splitlines():
        match = HEADING.match(line.strip())
        if match and 2 <= int(match.group(1)) <= 26:
            found.setdefault(f"3.{match.group(1)}", "".join(match.group(2).split()))
    assert found == CHAPTER_3


def test_both_modes_together_list_every_page_of_chapter_3() -> None:
    menus = {mode: visible(mode) for mode in (SELF_COLLECTED, COLLECTED_FOR_OTHERS)}
    missing = []
    for section, title in CHAPTER_3.items():
        shown_in = {mode for mode, menu in menus.items() if place(title) in menu}
        if not shown_in:
            missing.append(f"§{section} {title}")
        elif section in ONLY_IN:
            assert shown_in == {ONLY_IN[section]}, (section, shown_in)
        else:
            assert shown_in == set(menus), (section, shown_in)  # both regions show it
    assert missing == []
    home = [title for menu in menus.values() for (_path, title) in menu if title == "首页"]
    assert home == []  # 首页 is the home tab, not an entry


@pytest.mark.parametrize("section", list(CHAPTER_3))
def test_each_page_imports_and_has_its_guide(section: str) -> None:
    title = CHAPTER_3[section]
    mode = ONLY_IN.get(section, SELF_COLLECTED)
    entry = visible(mode)[place(title)]
    page = import_object(entry.page)
    assert isinstance(page, type) and issubclass(page, QWidget), entry.page
    text = guide_text("collector", entry.key)
    assert text and text.strip(), f"§{section} {title}: no 操作手册 text for {entry.key}"
