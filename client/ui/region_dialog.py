"""选择地区 (manual §1.5.1 一): first start only; 立即进入 asks 是/否; permanent."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout

from client.jobs import Job
from client.storage.app_db import RegionChoice
from client.storage.errors import StorageError
from client.sync.schemas import Region
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.network_settings import NetworkSettingsDialog
from client.ui.widgets.common import HeaderBar, button, label, network_button


class RegionDialog(QDialog):
    region_chosen = Signal(object)

    def __init__(self, ui: UiServices, preselect: str | None = None) -> None:
        super().__init__()
        self.ui = ui
        self.preselect = preselect  # the older client's region, offered (still confirmed)
        self.runner = ui.runner(self)
        self.regions: list[Region] = []
        self.load_handle: JobHandle[list[Region]] | None = None
        self.setObjectName("dialog_region")
        self.setWindowTitle("社保费管理客户端 - 选择地区")
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 14)
        header = HeaderBar("选择地区")
        network_button(header, self.open_network_settings)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(24, 14, 24, 0)
        body.addWidget(label("请选择办理社保费业务的地区", role="dialog-title"))
        body.addWidget(
            label(
                "地区一旦确定将不能更改，请务必核对好地区后再进入系统。",
                "label_region_warning",
                "hint",
            )
        )
        self.list = QListWidget(objectName="list_regions")
        body.addWidget(self.list, 1)
        self.status = label("", "label_region_status", "error")
        body.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.btn_retry = button("重试", "btn_region_retry")
        self.btn_enter = button("立即进入", "btn_region_enter", primary=True)
        row.addWidget(self.btn_retry)
        row.addWidget(self.btn_enter)
        body.addLayout(row)
        layout.addLayout(body)
        self.btn_retry.hide()
        self.btn_enter.setEnabled(False)
        self.btn_retry.clicked.connect(self.load)
        self.btn_enter.clicked.connect(self.enter)
        self.list.itemDoubleClicked.connect(lambda _i: self.enter())
        self.list.currentRowChanged.connect(lambda r: self.btn_enter.setEnabled(r >= 0))

    def open_network_settings(self) -> None:
        NetworkSettingsDialog(self.ui, self).exec()

    def load(self) -> None:
        self.status.setText("正在获取地区列表…")
        self.btn_retry.hide()

        def run(_ctx):  # type: ignore[no-untyped-def]
            with self.ui.app.api() as api:
                return api.regions()

        def ok(regions: list[Region]) -> None:
            self.regions = regions
            self.list.clear()
            for region in regions:
                modules = [
                    t
                    for t, on in (
                        ("用人单位", region.employer_online),
                        ("代收单位", region.collector_online),
                    )
                    if on
                ]
                item = QListWidgetItem(f"{region.name}（{region.code}）  {'、'.join(modules)}")
                self.list.addItem(item)
            self.status.setText("")
            if self.preselect and any(r.code == self.preselect for r in regions):
                self.select(self.preselect)  # 进入 still asks to confirm

        def failed(error: BaseException) -> None:
            message = getattr(error, "message", "") or "获取地区列表失败。"
            self.status.setText(f"{message}")
            self.btn_retry.show()

        self.load_handle = self.runner.run(Job("获取地区", run), ok, failed, progress=False)

    def select(self, code: str) -> None:
        for i, region in enumerate(self.regions):
            if region.code == code:
                self.list.setCurrentRow(i)
                return
        raise KeyError(code)

    def enter(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            self.status.setText("请先选择地区。")
            return
        region = self.regions[row]
        question = (
            f"您选择的地区为“{region.name}”。地区一旦确定将不能更改，"
            "请确认是否为缴费单位办理社保业务的地区？"
        )
        if not self.ui.prompts.confirm(self, question, title="确认选择"):
            return
        try:
            chosen = self.ui.app.app_db.choose_region(
                RegionChoice(
                    region.code,
                    region.name,
                    region.collection_mode,
                    region.employer_online,
                    region.collector_online,
                )
            )
        except StorageError as exc:
            self.ui.prompts.error(self, exc.message)
            return
        self.region_chosen.emit(chosen)
        self.accept()
