"""更新数据明细 (manual §2.2 二, §3.2 四): the records one update changed, with 导出."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from client.storage.listing import MappedSource
from client.storage.settings import AppSettings
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    TextCondition,
)
from client.ui.pages import PageContext
from client.ui.widgets.common import button, label
from client.updates.changes import KIND_TITLES, ChangeList, describe

CODE_TABLES = ("id_types", "insured_status", "levy_items", "levy_categories",
               "levy_subcategories", "special_categories")  # fmt: skip


class ChangesDialog(QDialog):
    def __init__(
        self, ctx: PageContext, run_id: int, who: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_update_details")
        self.setWindowTitle("更新数据明细")
        self.resize(1100, 620)
        app_db = ctx.ui.app.app_db
        codes = {name: app_db.code_table(name) for name in CODE_TABLES}
        self.changes = ChangeList(ctx.session.db, run_id, codes)
        counts = self.changes.counts()
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                f"本次更新共变更{sum(counts.values())}条{who}信息：新增{counts['added']}条，"
                f"变更{counts['changed']}条，删除{counts['removed']}条。",
                "label_update_counts",
            )
        )
        spec = ListPageSpec(
            page_key="update_details",
            title="更新数据明细",
            columns=[
                Column("kind", "变更类型", 80, formatter=lambda k: KIND_TITLES.get(k, k)),
                Column("name", "姓名", 110),
                Column("id_number", "证件号码", 180),
                Column("detail", "变更内容", 560, sortable=False),
            ],
            conditions=[
                ComboCondition("kind", "变更类型", [(t, k) for k, t in KIND_TITLES.items()]),
                TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
            ],
            actions=[Action("export", "导出", lambda page: page.export_all())],
            checkable=False,
            export_name=f"更新数据明细_{who}",
        )

        def described(row: dict[str, Any]) -> dict[str, Any]:
            row["detail"] = describe(row["kind"], row["detail"], codes)
            return row

        self.list = ListPage(
            spec,
            MappedSource(self.changes.source(), described),
            PageServices(AppSettings(app_db), ctx.ui.prompts, ctx.ui.runner(self)),
        )
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = button("关闭", "btn_update_details_close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
