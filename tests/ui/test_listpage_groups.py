"""Merged tick boxes (rows ticked together, 社保费申报's 勾选项) and link cells (点击缴费人数)
on the shared list page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Column as SqlColumn
from sqlalchemy import Integer, MetaData, String, Table, create_engine, insert, select

from client.storage.listing import QueryListSource
from client.ui.listpage import Column, ListPage, ListPageSpec, PageServices

pytestmark = pytest.mark.ui
meta = MetaData()
items = Table(
    "items",
    meta,
    SqlColumn("item_id", String, primary_key=True),
    SqlColumn("box", String),
    SqlColumn("headcount", Integer),
)
# boxes: A = 3 rows (one of them on page 2 with page size 4), B = 1, C = 2
ROWS = [("I1", "A", 5), ("I2", "A", 0), ("I3", "B", 7), ("I4", "C", 2), ("I5", "C", 3),
        ("I6", "A", 1)]  # fmt: skip


@pytest.fixture
def page(qtbot: Any, services: PageServices, tmp_path: Path) -> ListPage:
    engine = create_engine(f"sqlite:///{tmp_path / 'items.sqlite3'}")
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(items),
            [dict(zip(("item_id", "box", "headcount"), r, strict=True)) for r in ROWS],
        )
    source = QueryListSource(engine, select(items), key="item_id",
                             default_sort=[("box", True), ("item_id", True)])  # fmt: skip
    clicked: list[str] = []

    def members(box: str) -> list[str]:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(select(items.c.item_id).where(items.c.box == box))]

    spec = ListPageSpec(
        page_key="boxes",
        title="boxes",
        columns=[
            Column("item_id", "编号"),
            Column("box", "勾选项"),
            Column(
                "headcount",
                "缴费人数",
                kind="number",
                on_click=lambda _p, row: clicked.append(row["item_id"]),
                clickable=lambda row: bool(row["headcount"]),
            ),
        ],  # fmt: skip
        tick_group="box",
        tick_group_members=members,
    )
    widget = ListPage(spec, source, services)
    widget.clicked = clicked  # type: ignore[attr-defined]
    widget.set_page_size(1000)
    qtbot.addWidget(widget)
    return widget


def check_state(page: ListPage, row: int) -> Any:
    return page.model.index(row, 0).data(Qt.ItemDataRole.CheckStateRole)


def test_one_tick_box_per_group_ticks_the_whole_group(page: ListPage) -> None:
    keys = [r["item_id"] for r in page.rows]
    assert keys == ["I1", "I2", "I6", "I3", "I4", "I5"]
    # a tick box only on the first row of each group
    boxes = [check_state(page, i) is not None for i in range(len(keys))]
    assert boxes == [True, False, False, True, True, False]
    flags = page.model.flags(page.model.index(1, 0))
    assert not flags & Qt.ItemFlag.ItemIsUserCheckable
    page.model.setData(
        page.model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    assert sorted(page.checked_keys()) == ["I1", "I2", "I6"]
    page.model.setData(
        page.model.index(4, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    assert sorted(page.checked_keys()) == ["I1", "I2", "I4", "I5", "I6"]
    page.model.setData(page.model.index(0, 0), Qt.CheckState.Unchecked,
                       Qt.ItemDataRole.CheckStateRole)  # fmt: skip
    assert sorted(page.checked_keys()) == ["I4", "I5"]


def test_group_members_on_other_pages_are_ticked_too(page: ListPage) -> None:
    page.model.set_rows(page.rows[:2])  # a page showing I1, I2 of box A; I6 is on another
    page.set_checked(0)
    assert sorted(page.checked_keys()) == ["I1", "I2", "I6"]
    page.set_page_checked(False)
    assert page.checked_keys() == []


def test_link_cells_follow_the_click_only_where_clickable(page: ListPage) -> None:
    column = page.model.column_index("headcount")
    font = page.model.index(0, column).data(Qt.ItemDataRole.FontRole)
    assert font is not None and font.underline()
    assert page.model.index(1, column).data(Qt.ItemDataRole.FontRole) is None  # 0 persons
    page.click_cell(0, "headcount")
    assert page.clicked == ["I1"]  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        page.click_cell(1, "headcount")
    page.table.clicked.emit(page.model.index(3, column))
    assert page.clicked == ["I1", "I3"]  # type: ignore[attr-defined]
