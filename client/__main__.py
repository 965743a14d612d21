"""`python -m client [--server URL] [--data-dir DIR]`: start 社保费管理客户端."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client.app_context import AppContext

log = logging.getLogger("client")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m client", description="社保费管理客户端")
    parser.add_argument("--server", help="税务系统地址，例如 http://127.0.0.1:8765")
    parser.add_argument("--data-dir", help="数据文件夹（默认为系统用户数据目录）")
    parser.add_argument(
        "--quit-after-start",
        action="store_true",
        help="显示第一个窗口后打印所用时间并退出（安装检查与性能测试用）",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--sync-page-worker"]:  # the packaged client as a sync's page worker
        from client.sync.page_worker import main as page_worker

        return page_worker(argv[1:])
    args = parse_args(argv)
    from client.app_context import AppContext
    from client.logging_setup import setup_logging
    from client.ui.app import make_application
    from client.ui.context import UiServices
    from client.ui.controller import AppController
    from client.ui.prompts import PromptService
    from client.upgrade.startup import confirm_start, prepare_start

    if prepare_start():  # a new version whose first start failed: the old one was started
        return 0
    app = make_application(sys.argv[:1])
    from client.ui.data_folder_guard import hold_data_folder

    _lock = hold_data_folder(args.data_dir, quiet=args.quit_after_start)  # in use/read-only: exit
    context = AppContext.open(args.data_dir, args.server)
    setup_logging(context.paths.logs_dir)
    log.info("client starting, data in %s, server %s", context.paths.root, context.server_url)
    controller = AppController(UiServices(context, PromptService()))
    controller.start()
    confirm_start()  # the first window is up: an upgraded version counts as started
    if args.quit_after_start:
        from PySide6.QtCore import QTimer

        def report_and_quit() -> None:
            shown = app.activeWindow() or next(
                (w for w in app.topLevelWidgets() if w.isVisible()), None
            )
            title = shown.windowTitle() if shown is not None else "(no window)"
            print(f"first window shown: {title}", flush=True)
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    code = app.exec()
    context.end_session()
    _auto_backup(context)
    context.close()
    return int(code)


def _auto_backup(context: AppContext) -> None:
    """自动备份 on exit (§4.2), when the clerk switched it on; a failure is logged only."""
    from client.backup.service import BackupSettings, auto_backup

    try:
        made = auto_backup(context.paths, BackupSettings.load(context.app_db))
    except Exception:
        log.exception("automatic backup on exit failed")
        return
    if made is not None:
        log.info("automatic backup on exit: %s", made.folder)


if __name__ == "__main__":
    sys.exit(main())
