"""系统设置 (参数设置中心, manual chapter 4) pages shared by both modules."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from client.jobs import Job
from client.modules import MenuEntry, MenuGroup
from client.sync.reference import sync_rule_files
from client.ui.network_settings import NetworkSettingsPanel
from client.ui.pages import BasePage, PageContext
from client.ui.password_form import PasswordChangeForm
from client.ui.widgets.common import button, label

SYSTEM_MENU = MenuGroup(
    "系统设置",
    (
        MenuEntry("network", "网络管理", "client.ui.system_pages:NetworkPage"),
        MenuEntry("backup", "备份恢复", "client.ui.backup_page:BackupPage"),
        MenuEntry("password", "申报密码设置", "client.ui.system_pages:PasswordPage"),
        MenuEntry("rule_files", "规则文件更新", "client.ui.system_pages:RuleFilesPage"),
        MenuEntry("unit_info", "单位信息", "client.unit_reference.unit_info_page:UnitInfoPage"),
    ),
)


class NetworkPage(BasePage):
    """网络管理 (§4.1)."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_network")
        self.content.addWidget(label("网络管理", role="section"))
        self.panel = NetworkSettingsPanel(ctx.ui, self)
        self.content.addWidget(self.panel)
        self.content.addStretch(1)


class PasswordPage(BasePage):
    """申报密码设置 (§4.3/§4.5): old + new twice; no offline reset."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_password")
        self.content.addWidget(label("申报密码设置", role="section"))
        self.content.addWidget(
            label("忘记申报密码时无法在客户端重置，请携带有效证件到主管税务机关办税服务厅办理。")
        )
        self.form = PasswordChangeForm(ctx.ui, ctx.session, self)
        self.form.btn_ok.setText("保存")  # §4.5.2 二: 【保存】 (the forced change keeps 确定)
        self.form.setMaximumWidth(620)
        self.content.addWidget(self.form)
        self.content.addStretch(1)


class RuleFilesPage(BasePage):
    """规则文件更新 (§4.5): files are downloaded at every login; 更新 on demand."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_rule_files")
        self.content.addWidget(label("规则文件更新", role="section"))
        self.summary = label("", "label_rule_files_summary")
        self.content.addWidget(self.summary)
        self.btn_update = button("更新", "btn_rule_files_update", primary=True)
        row = QHBoxLayout()
        row.addWidget(self.btn_update)
        row.addStretch(1)
        self.content.addLayout(row)
        self.table = QTableWidget(0, 4, objectName="table_rule_files")
        self.table.setHorizontalHeaderLabels(("序号", "规则文件", "版本", "更新时间"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.content.addWidget(self.table, 1)
        self.btn_update.clicked.connect(self.update_files)
        self.handle = None
        self.refresh()

    def refresh(self) -> None:
        files = self.ctx.ui.app.app_db.rule_files()
        self.table.setRowCount(len(files))
        for row, f in enumerate(files):
            values = (str(row + 1), f.name, f.version, f"{f.updated_at:%Y-%m-%d %H:%M:%S}")
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.summary.setText(f"本地共有{len(files)}个规则文件。规则文件在每次登录时自动更新。")

    def update_files(self) -> None:
        session = self.ctx.session

        def done(count: int) -> None:
            self.refresh()
            if count:
                self.prompts.info(self, f"规则文件更新完成，本次更新了{count}个规则文件。")
            else:
                self.prompts.info(self, "规则文件已是最新版本，无需更新。")

        self.handle = self.runner.run(
            Job("规则文件更新", lambda c: sync_rule_files(session.api, self.ctx.ui.app.app_db, c)),
            done,
        )
