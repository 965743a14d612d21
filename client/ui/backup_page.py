"""系统设置-备份恢复 (manual §4.2): three tabs — 备份设置 (备份 to the default or a chosen
folder, a prompt before and the result after), 自动备份 (on exit, at most N copies) and 恢复设置
(the backups in the folder, or a chosen backup; checked, confirmed, then restored by the
shell, which closes every database first and opens them again afterwards)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from client.backup.manifest import BackupError, Manifest
from client.backup.service import (
    BackupResult,
    BackupSettings,
    default_folder,
    inspect_backup,
    list_backups,
    make_backup,
    size_text,
)
from client.jobs import Job, JobContext
from client.ui.jobs import JobHandle
from client.ui.pages import BasePage, PageContext
from client.ui.widgets.common import button, label

NO_HANDLER = "请在主窗口的“系统设置-备份恢复”中恢复数据。"
NOTHING_CHOSEN = "请先在列表中选择要恢复的备份，或点击【从选择的位置恢复】。"


def manifest_summary(manifest: Manifest) -> str:
    units = "、".join(u["name"] for u in manifest.units) or "无"
    return (
        f"备份时间：{manifest.created_at.replace('T', ' ')}　类型：{manifest.kind_title}　"
        f"客户端版本：V{manifest.client_version}　大小：{size_text(manifest.size)}\n单位：{units}"
    )


class BackupPage(BasePage):
    """备份恢复."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_backup")
        self.handle: JobHandle[object] | None = None
        self.last_backup: BackupResult | None = None
        # where a folder is asked for; tests answer with a path
        self.folder_provider: Callable[[str, str], str | None] = self._ask_folder
        self.content.addWidget(label("备份恢复", role="section"))
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs_backup")
        self.tabs.addTab(self._backup_tab(), "备份设置")
        self.tabs.addTab(self._auto_tab(), "自动备份")
        self.tabs.addTab(self._restore_tab(), "恢复设置")
        self.content.addWidget(self.tabs, 1)
        self.load_settings()

    # -- building ---------------------------------------------------------------------------
    @property
    def app(self):  # type: ignore[no-untyped-def]
        return self.ctx.ui.app

    def _backup_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.radio_default = QRadioButton("备份到默认路径")
        self.radio_default.setObjectName("radio_backup_default")
        self.radio_chosen = QRadioButton("备份到选择路径")
        self.radio_chosen.setObjectName("radio_backup_chosen")
        group = QButtonGroup(tab)
        group.addButton(self.radio_default)
        group.addButton(self.radio_chosen)
        self.label_default = label("", "label_backup_default")
        layout.addWidget(self.radio_default)
        layout.addWidget(self.label_default)
        layout.addWidget(self.radio_chosen)
        row = QHBoxLayout()
        self.edit_folder = QLineEdit(objectName="edit_backup_folder")
        self.edit_folder.setPlaceholderText("备份路径")
        browse = button("浏览…", "btn_backup_browse")
        browse.clicked.connect(lambda: self._browse(self.edit_folder, "选择备份路径"))
        row.addWidget(self.edit_folder, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        actions = QHBoxLayout()
        self.btn_backup = button("备份", "btn_backup", primary=True)
        self.btn_backup.clicked.connect(self.backup_now)
        actions.addWidget(self.btn_backup)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(
            label(
                "备份内容包括客户端的全部数据（已添加的单位及其申报、缴费等本地数据），"
                "每次备份生成一个以备份时间命名的文件夹。"
            )
        )
        layout.addStretch(1)
        self.radio_default.toggled.connect(lambda on: self.edit_folder.setEnabled(not on))
        return tab

    def _auto_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.check_auto = QCheckBox("启动自动备份（退出软件后自动备份）")
        self.check_auto.setObjectName("check_auto_backup")
        form.addRow(self.check_auto)
        self.spin_keep = QSpinBox(objectName="spin_auto_keep")
        self.spin_keep.setRange(1, 99)
        self.spin_keep.setSuffix(" 份")
        self.spin_keep.setFixedWidth(110)
        keep = QHBoxLayout()
        keep.addWidget(self.spin_keep)
        keep.addStretch(1)
        form.addRow("最多保留份数：", keep)
        row = QHBoxLayout()
        self.edit_auto_folder = QLineEdit(objectName="edit_auto_folder")
        browse = button("浏览…", "btn_auto_browse")
        browse.clicked.connect(lambda: self._browse(self.edit_auto_folder, "选择自动备份路径"))
        row.addWidget(self.edit_auto_folder, 1)
        row.addWidget(browse)
        form.addRow("备份路径：", row)
        self.btn_save_auto = button("保存", "btn_save_auto", primary=True)
        self.btn_save_auto.clicked.connect(self.save_auto)
        save = QHBoxLayout()
        save.addWidget(self.btn_save_auto)
        save.addStretch(1)
        form.addRow("", save)
        return tab

    def _restore_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.label_restore_folder = label("", "label_restore_folder")
        layout.addWidget(self.label_restore_folder)
        self.table = QTableWidget(0, 6, objectName="table_backups")
        self.table.setHorizontalHeaderLabels(
            ("备份时间", "类型", "单位数", "大小", "客户端版本", "位置")
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.btn_restore = button("恢复", "btn_restore", primary=True)
        self.btn_restore.clicked.connect(self.restore_selected)
        self.btn_restore_chosen = button("从选择的位置恢复", "btn_restore_chosen")
        self.btn_restore_chosen.clicked.connect(self.restore_chosen)
        refresh = button("刷新", "btn_backups_refresh")
        refresh.clicked.connect(self.refresh_list)
        row.addWidget(self.btn_restore)
        row.addWidget(self.btn_restore_chosen)
        row.addWidget(refresh)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(
            label("恢复前会先把当前数据备份到默认路径（恢复前备份），恢复后需要重新登录。")
        )
        return tab

    # -- settings --------------------------------------------------------------------------
    def settings(self) -> BackupSettings:
        return BackupSettings.load(self.app.app_db)

    def load_settings(self) -> None:
        s = self.settings()
        self.label_default.setText(f"默认路径：{default_folder(self.app.paths)}")
        self.radio_default.setChecked(not s.folder)
        self.radio_chosen.setChecked(bool(s.folder))
        self.edit_folder.setText(s.folder)
        self.edit_folder.setEnabled(bool(s.folder))
        self.check_auto.setChecked(s.auto_enabled)
        self.spin_keep.setValue(s.auto_keep)
        self.edit_auto_folder.setText(s.auto_folder or str(default_folder(self.app.paths)))
        self.refresh_list()

    def backup_folder(self) -> Path:
        chosen = self.edit_folder.text().strip()
        if self.radio_chosen.isChecked() and chosen:
            return Path(chosen)
        return default_folder(self.app.paths)

    def save_auto(self) -> None:
        folder = self.edit_auto_folder.text().strip()
        if folder == str(default_folder(self.app.paths)):
            folder = ""
        current = self.settings()
        updated = BackupSettings(
            current.folder, self.check_auto.isChecked(), self.spin_keep.value(), folder
        )
        updated.save(self.app.app_db)
        state = (
            f"已启动自动备份，退出软件后自动备份，最多保留{updated.auto_keep}份。"
            if updated.auto_enabled
            else "已关闭自动备份。"
        )
        self.prompts.info(self, f"保存成功。{state}", title="自动备份")

    def _browse(self, edit: QLineEdit, title: str) -> None:
        chosen = self.folder_provider(title, edit.text())
        if chosen:
            edit.setText(chosen)

    def _ask_folder(self, title: str, start: str) -> str | None:
        return QFileDialog.getExistingDirectory(self, title, start) or None

    # -- 备份 --------------------------------------------------------------------------------
    def backup_now(self) -> JobHandle[BackupResult] | None:
        folder = self.backup_folder()
        if self.radio_chosen.isChecked() and not self.edit_folder.text().strip():
            self.prompts.warning(self, "请先选择备份路径。", title="备份")
            return None
        units = len(self.app.app_db.units("employer")) + len(self.app.app_db.units("collector"))
        if not self.prompts.confirm(
            self,
            f"将备份客户端的全部数据（{units}个单位）到：\n{folder}\n备份期间请勿关闭客户端，是否继续？",
            title="备份",
        ):
            return None
        stored = self.settings()
        chosen = str(folder) if self.radio_chosen.isChecked() else ""
        if chosen != stored.folder:
            BackupSettings(chosen, stored.auto_enabled, stored.auto_keep, stored.auto_folder).save(
                self.app.app_db
            )
        paths = self.app.paths

        def done(result: BackupResult) -> None:
            self.last_backup = result
            self.refresh_list()
            self.prompts.info(
                self,
                f"备份成功。\n备份位置：{result.folder}\n共{len(result.manifest.files)}个数据文件，"
                f"{size_text(result.manifest.size)}，用时{result.seconds:.1f}秒。",
                title="备份",
            )

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, BackupError) else str(error)
            self.prompts.error(self, f"备份失败：{message}", title="备份")

        self.handle = self.runner.run(
            Job("备份", lambda ctx: make_backup(paths, folder, "manual", ctx)), done, failed
        )
        return self.handle  # type: ignore[return-value]

    # -- 恢复 --------------------------------------------------------------------------------
    def refresh_list(self) -> None:
        folder = self.backup_folder()
        self.label_restore_folder.setText(f"以下为备份路径“{folder}”中的备份：")
        self.backups = list_backups(folder)
        if folder != default_folder(self.app.paths):  # 恢复前备份 live in the default folder
            self.backups += list_backups(default_folder(self.app.paths))
            self.backups.sort(key=lambda b: b[1].created_at, reverse=True)
        self.table.setRowCount(len(self.backups))
        for row, (path, m) in enumerate(self.backups):
            values = (
                m.created_at.replace("T", " "), m.kind_title, str(len(m.units)),
                size_text(m.size), f"V{m.client_version}", str(path),
            )  # fmt: skip
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if self.backups:
            self.table.selectRow(0)

    def restore_selected(self) -> JobHandle[object] | None:
        row = self.table.currentRow()
        if not self.backups or row < 0:
            self.prompts.warning(self, NOTHING_CHOSEN, title="恢复")
            return None
        return self.restore_from(self.backups[row][0])

    def restore_chosen(self) -> JobHandle[object] | None:
        chosen = self.folder_provider(
            "选择备份文件夹（内含manifest.json）", str(self.backup_folder())
        )
        if not chosen:
            return None
        return self.restore_from(Path(chosen))

    def restore_from(self, location: Path) -> JobHandle[object] | None:
        """Check the backup (a job), ask, then hand it to the shell to restore."""
        handler = getattr(self.ctx.ui, "restore_backup", None)
        if handler is None:
            self.prompts.error(self, NO_HANDLER, title="恢复")
            return None

        def checked(found: tuple[Path, Manifest]) -> None:
            folder, manifest = found
            if self.prompts.confirm(
                self,
                f"将用以下备份替换客户端当前的全部数据：\n{manifest_summary(manifest)}\n"
                "当前数据会先备份到默认路径。恢复后需要重新登录，是否继续？",
                title="恢复",
            ):
                handler(folder)

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, BackupError) else str(error)
            self.prompts.error(self, f"不能恢复：{message}当前数据未改变。", title="恢复")

        def check(ctx: JobContext) -> tuple[Path, Manifest]:
            return inspect_backup(location, ctx)

        self.handle = self.runner.run(Job("校验备份", check), checked, failed)
        return self.handle
