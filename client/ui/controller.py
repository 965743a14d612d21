"""The shell's flow: 选择地区 → 单位管理 → 添加单位 / 登录 → 数据更新 → main window."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from client.jobs import Job
from client.modules import ModuleDescriptor, load_modules
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.unit_manager import UnitManagerWindow

if TYPE_CHECKING:  # the login and main-window chain is imported when first used, not at start
    from PySide6.QtWidgets import QDialog, QWidget

    from client.account.data_update import LoginUpdateResult
    from client.account.login import DateCheck
    from client.app_context import UnitSession
    from client.backup.service import RestoreResult
    from client.storage.app_models import RegisteredUnit
    from client.ui.add_unit_wizard import AddUnitWizard
    from client.ui.login_flow import AuthDialog
    from client.ui.main_window import MainWindow
    from client.ui.region_dialog import RegionDialog
    from client.ui.upgrade_dialog import StartCheck

log = logging.getLogger(__name__)


class AppController:
    def __init__(self, ui: UiServices) -> None:
        self.ui = ui
        self.region_dialog: RegionDialog | None = None
        self.unit_manager: UnitManagerWindow | None = None
        self.dialog: QDialog | None = None  # the flow's current dialog
        self.main_window: MainWindow | None = None
        self.modules, self.module_errors = load_modules(ui.app.modules_installed)
        self.restore_handle: JobHandle[RestoreResult] | None = None
        self.upgrade_check: StartCheck | None = None
        ui.restore_backup = self.restore_backup

    # -- start ---------------------------------------------------------------------------
    def start(self) -> None:
        from client.legacy.importer import import_at_first_start, legacy_region

        app = self.ui.app
        self.legacy = import_at_first_start(app.app_db, app.settings)
        if isinstance(self.legacy, str):  # an old folder that could not be read
            self.ui.prompts.warning(None, self.legacy, title="导入旧版数据")
        elif self.legacy is not None:
            self.ui.prompts.info(None, self.legacy.message(), title="导入旧版数据")
        if self.ui.app.region() is None:
            from client.ui.region_dialog import RegionDialog

            self.region_dialog = RegionDialog(self.ui, preselect=legacy_region(app.app_db))
            self.region_dialog.region_chosen.connect(lambda _r: self.show_unit_manager())
            self.region_dialog.show()
            self.region_dialog.load()
            self.check_for_upgrade(self.region_dialog)
        else:
            self.show_unit_manager()

    def show_unit_manager(self) -> None:
        if self.unit_manager is None:
            self.unit_manager = UnitManagerWindow(self.ui, self.modules.keys())
            self.unit_manager.login_requested.connect(self.begin_login)
            self.unit_manager.add_requested.connect(self.open_add_wizard)
        self.unit_manager.refresh()
        self.unit_manager.show()
        self.unit_manager.raise_()
        self.check_for_upgrade(self.unit_manager)
        for key, reason in self.module_errors.items():
            self.ui.prompts.error(
                self.unit_manager, f"业务模块“{key}”加载失败，请使用安装程序修复：{reason}"
            )
        self.module_errors = {}

    # -- 升级 (§1.3) ---------------------------------------------------------------------
    def check_for_upgrade(self, window: QWidget) -> StartCheck | None:
        """The manual checks for a new version when the client starts, before 单位管理
        (§1.3.1): the first window starts the check, in the background. A check still
        running offers its answer over the window now in front; a check that failed (no
        network yet, a proxy still to set) is tried again when the next window shows."""
        from client.ui.upgrade_dialog import check_at_start

        check = self.upgrade_check
        if check is None or check.error is not None:
            self.upgrade_check = check_at_start(self.ui, window)
        elif check.result is None:
            check.window = window
        return self.upgrade_check

    # -- 添加单位 ------------------------------------------------------------------------
    def open_add_wizard(self, kind: str) -> AddUnitWizard:
        from client.ui.add_unit_wizard import AddUnitWizard

        wizard = AddUnitWizard(self.ui, kind, self.unit_manager)
        wizard.unit_added.connect(self._unit_added)
        self.dialog = wizard
        wizard.open()
        return wizard

    def _unit_added(self, unit: RegisteredUnit) -> None:
        assert self.unit_manager is not None
        self.unit_manager.set_kind(unit.kind)
        self.ui.prompts.info(
            self.unit_manager, f"单位“{unit.taxpayer_name}”添加成功，请点击【登录】进入系统。"
        )

    # -- 登录 ----------------------------------------------------------------------------
    def begin_login(self, unit: RegisteredUnit) -> AuthDialog:
        from client.ui.login_flow import AuthDialog

        dialog = AuthDialog(self.ui, unit, self.unit_manager)
        dialog.authenticated.connect(self._authenticated)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _authenticated(self, session: UnitSession) -> None:
        from client.ui.login_flow import ChangePasswordDialog

        if session.initial_password:
            dialog = ChangePasswordDialog(self.ui, session, forced=True, parent=self.unit_manager)
            dialog.changed.connect(lambda: self._check_date(session))
            dialog.rejected.connect(self._abandon_login)
            self.dialog = dialog
            dialog.open()
        else:
            self._check_date(session)

    def _abandon_login(self) -> None:
        self.ui.app.end_session()
        self.dialog = None

    def _check_date(self, session: UnitSession) -> None:
        from client.account.login import LoginService

        runner = self.ui.runner(self.unit_manager)

        def checked(check: DateCheck) -> None:
            if check.warning:
                self.ui.prompts.warning(self.unit_manager, check.warning, title="系统日期提醒")
            self._update_data(session)

        def failed(error: BaseException) -> None:
            log.warning("date check failed: %s", error)
            self._update_data(session)

        self.date_handle = runner.run(
            Job("检查系统日期", lambda _c: LoginService(self.ui.app).date_check(session)),
            checked,
            failed,
            progress=False,
        )

    def _update_data(self, session: UnitSession) -> None:
        from client.ui.login_flow import DataUpdateDialog

        dialog = DataUpdateDialog(self.ui, session, self.unit_manager)
        dialog.completed.connect(lambda result: self.show_main(session, result))
        dialog.abandoned.connect(self._abandon_login)
        self.dialog = dialog
        dialog.open()
        dialog.start()

    # -- main window ---------------------------------------------------------------------
    def module_for(self, kind: str) -> ModuleDescriptor | None:
        return self.modules.get(kind)

    def show_main(self, session: UnitSession, _result: LoginUpdateResult | None = None) -> None:
        from client.legacy.importer import apply_pending_groups
        from client.ui.main_window import MainWindow

        module = self.module_for(session.kind)
        if module is None:
            self.ui.prompts.error(
                self.unit_manager, "该业务模块未安装或加载失败，请使用安装程序修复。"
            )
            self._abandon_login()
            return
        unit = session.unit
        applied = apply_pending_groups(self.ui.app.app_db, unit.kind, unit.unit_id, session.db)
        self.main_window = MainWindow(self.ui, session, module)
        self.main_window.switch_unit_requested.connect(self.switch_unit)
        self.dialog = None
        if self.unit_manager is not None:
            self.unit_manager.hide()
        self.main_window.show()
        self.check_for_upgrade(self.main_window)
        if applied is not None:
            missing = f"，{applied.not_found}人在本单位名单中未找到" if applied.not_found else ""
            self.ui.prompts.info(
                self.main_window,
                f"已导入旧版客户端的{applied.groups}个分组，{applied.assigned}人已分组{missing}。",
                title="导入旧版数据",
            )

    def switch_unit(self) -> None:
        """单位管理 in the title bar: back to the unit list to log in to another unit."""
        if self.main_window is not None:
            self.main_window.close()
            self.main_window.deleteLater()
            self.main_window = None
        self.ui.app.end_session()
        self.show_unit_manager()

    # -- 恢复 (系统设置-备份恢复) ----------------------------------------------------------------
    def restore_backup(self, folder: Path) -> JobHandle[RestoreResult]:
        """Close the main window, the session and the app database; restore the checked backup
        (a job); open the databases again and show 单位管理 with the result."""
        from client.backup.manifest import BackupError
        from client.backup.service import restore

        app = self.ui.app
        if self.main_window is not None:
            self.main_window.close()
            self.main_window.deleteLater()
            self.main_window = None
        app.close_databases()
        paths = app.paths

        def reopen() -> None:
            app.reopen_databases()
            self.show_unit_manager()

        def done(result: RestoreResult) -> None:
            reopen()
            safety = f"\n恢复前的数据已备份到：{result.safety.folder}" if result.safety else ""
            self.ui.prompts.info(
                self.unit_manager,
                f"恢复成功，已恢复{result.manifest.created_at.replace('T', ' ')}的备份"
                f"（{len(result.manifest.units)}个单位）。请重新登录。{safety}",
                title="恢复",
            )

        def failed(error: BaseException) -> None:
            reopen()
            message = error.message if isinstance(error, BackupError) else str(error)
            self.ui.prompts.error(
                self.unit_manager, f"恢复失败：{message}当前数据未改变。", title="恢复"
            )

        self.restore_handle = self.ui.runner(None).run(
            Job("恢复", lambda ctx: restore(paths, folder, ctx)), done, failed, cancellable=False
        )
        return self.restore_handle
