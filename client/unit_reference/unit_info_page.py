"""系统设置-单位信息 (manual §4.4), and the 更新 and list-page glue shared with the two
查询统计 pages of the same data (单位参保信息, 工程项目参保信息).

The client cannot change 单位信息: the form is read-only and 更新 only downloads it again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit

from client.ui.jobs import JobHandle
from client.ui.pages import BasePage, PageContext
from client.ui.widgets.common import button, label
from client.unit_reference import service
from client.unit_reference.pages import start_update
from client.unit_reference.service import UNIT_INFO, UnitInfoRecord

# The form of the manual's screenshot: one or two (field, label) pairs per row.
FORM_ROWS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("taxpayer_id", "纳税人识别号"),),
    (("unit_name", "单位名称"),),
    (("tax_authority", "主管税务机关"),),
    (("finance_officer", "财务负责人"), ("legal_representative", "法定代表人（或单位负责人）")),
    (("industry", "行业"),),
    (("enterprise_type", "企业类型"),),
    (("address", "地址"), ("postal_code", "邮政编码")),
    (("phone", "联系电话"), ("email", "电子邮箱")),
    (("listed", "上市公司"),),
)
READ_ONLY_NOTE = (
    "单位信息从管理子系统获取，客户端不能修改；如信息有误，请到主管税务机关办理变更后点击【更新】。"
)


class UnitInfoPage(BasePage):
    """单位信息: 基本信息 as last downloaded, 数据更新时间, and 更新."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_unit_info")
        self.update_handle: JobHandle[int] | None = None
        self.content.addWidget(label("单位信息", role="section"))

        box = QGroupBox("基本信息", self)
        box.setObjectName("group_basic_info")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        self.fields: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for row, pairs in enumerate(FORM_ROWS):
            for position, (key, title) in enumerate(pairs):
                self._add_field(
                    grid, row, position * 2, key, title, span=3 if len(pairs) == 1 else 1
                )
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        box.setMaximumWidth(900)
        self.content.addWidget(box)

        self.fetched_label = label("", "label_fetched_at")
        self.reason_label = label("", "label_unit_info_empty", role="hint")
        self.btn_update = button("更新", "btn_unit_info_update", primary=True)
        self.btn_update.clicked.connect(self.update_data)
        row_layout = QHBoxLayout()
        row_layout.addWidget(self.fetched_label)
        row_layout.addSpacing(16)
        row_layout.addWidget(self.btn_update)
        row_layout.addStretch(1)
        self.content.addLayout(row_layout)
        self.content.addWidget(self.reason_label)
        self.content.addWidget(label(READ_ONLY_NOTE, "label_unit_info_note"))
        self.content.addStretch(1)
        self.refresh()

    def _add_field(
        self, grid: QGridLayout, row: int, column: int, key: str, title: str, span: int
    ) -> None:
        caption = label(f"{title}：", f"label_{key}")
        editor = QLineEdit(self)
        editor.setObjectName(f"field_{key}")
        editor.setReadOnly(True)
        grid.addWidget(caption, row, column)
        grid.addWidget(editor, row, column + 1, 1, span)
        self.labels[key] = caption
        self.fields[key] = editor

    def refresh(self) -> None:
        info = service.unit_info(self.ctx.session.db)
        self.show_info(info)

    def show_info(self, info: UnitInfoRecord | None) -> None:
        for key, editor in self.fields.items():
            value = getattr(info, key) if info is not None else None
            if key == "listed":
                text = service.format_listed(value) if info is not None else ""
            else:
                text = "" if value is None else str(value)
            editor.setText(text)
            editor.setCursorPosition(0)
        fetched = info.fetched_at if info is not None else None
        self.fetched_label.setText(
            f"数据更新时间：{fetched:%Y-%m-%d %H:%M:%S}" if fetched else "数据更新时间：尚未下载"
        )
        reason = "" if info is not None else service.empty_reason(self.ctx.session.db, UNIT_INFO)
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))

    def value(self, key: str) -> str:
        """The text shown for a field (tests)."""
        return self.fields[key].text()

    def update_data(self) -> None:
        """更新: download 单位信息 again."""

        def done(count: int) -> None:
            self.refresh()
            self.prompts.info(self, service.update_message(UNIT_INFO, count))

        self.update_handle = start_update(self, UNIT_INFO, done)
