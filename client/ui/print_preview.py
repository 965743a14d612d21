"""打印预览: any PDF of the client (申报表, 缴费凭证 …) shown with QtPdf, printed through
QPrinter and saved as a copy (另存为).

The preview is the file itself, so what is printed and what is saved are exactly what the
clerk sees. Printing renders each chosen page with QtPdf at the printer's resolution (at
most MAX_PRINT_DPI, a page image stays below 40 MB) and paints it scaled to the printable
area; one page is printed per event-loop turn, so a form of thousands of pages keeps the
window alive and can be cancelled from its progress dialog.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from client.documents.atomic_write import temp_path_for
from client.errors import user_message
from client.ui.prompts import PromptService
from client.ui.widgets.common import button, label

MAX_PRINT_DPI = 300
PROGRESS_DELAY_MS = 800  # a print run still going after this shows its progress with 取消
ZOOM_STEP, MIN_ZOOM, MAX_ZOOM = 1.25, 0.25, 5.0

CANNOT_OPEN = "无法打开该PDF文件（文件不存在或已损坏），请关闭预览后重新生成。"
PRINTER_UNAVAILABLE = "无法开始打印，请检查打印机是否已连接并处于就绪状态后重试。"
NO_PAGES_CHOSEN = "所选的页码范围内没有可打印的页面，请重新选择页码范围。"
SAVE_DENIED = "没有权限保存到该位置，或同名文件正被其他程序打开。请换一个位置，或关闭该文件后重试。"
SAVE_FOLDER_MISSING = "保存位置不存在，请重新选择保存位置。"
SOURCE_MISSING = "原文件已不存在，请关闭预览后重新生成。"
PRINT_INTERRUPTED = (
    "打印中断：打印机没有接受新的一页（已发送 {printed} 页），请检查打印机后重新打印。"
)

DONE, CANCELLED, FAILED = "done", "cancelled", "failed"  # how a print run ended

SavePathProvider = Callable[[str], str | None]
PrinterFactory = Callable[[], QPrinter | None]


class PrintPreviewDialog(QDialog):
    """The PDF at `pdf_path`, all pages, with 打印 / 另存为 / 关闭; `allow_output=False`
    shows it only (查验 预览). Open it with `.open()` (window-modal, no nested loop).

    Tests replace `save_path_provider` (suggested name -> chosen path or None) and
    `printer_factory` (-> a set-up QPrinter, or None to cancel) instead of the dialogs."""

    print_finished = Signal(int)  # pages sent to the printer (fewer when cancelled)

    def __init__(
        self,
        pdf_path: str | os.PathLike[str],
        title: str,
        suggested_name: str,
        prompts: PromptService,
        parent: QWidget | None = None,
        *,
        allow_output: bool = True,
    ) -> None:
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.suggested_name = suggested_name
        self.prompts = prompts
        self.save_path_provider: SavePathProvider = self._ask_save_path
        self.printer_factory: PrinterFactory | None = None  # None: ask with QPrintDialog
        self.print_run: _PrintRun | None = None
        self.progress: QProgressDialog | None = None
        self._pending_printer: QPrinter | None = None
        self.setObjectName("dialog_print_preview")
        self.setWindowTitle(title)

        self.document = QPdfDocument(self)
        loaded = self.document.load(str(self.pdf_path)) == QPdfDocument.Error.None_
        self.page_count = self.document.pageCount() if loaded else 0
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        self.btn_print = button("打印", "btn_print", primary=True)
        self.btn_save_as = button("另存为", "btn_save_as")
        self.btn_fit_width = button("适合宽度", "btn_fit_width")
        self.btn_zoom_in = button("放大", "btn_zoom_in")
        self.btn_zoom_out = button("缩小", "btn_zoom_out")
        self.btn_close = button("关闭", "btn_close_preview")
        self.label_current_page = label("", "label_current_page")
        self.label_page_count = label(f"共 {self.page_count} 页", "label_page_count")
        self.label_error = label(CANNOT_OPEN, "label_preview_error", role="error")

        tools = QHBoxLayout()
        for widget in (self.btn_print, self.btn_save_as, self.btn_fit_width,
                       self.btn_zoom_in, self.btn_zoom_out):  # fmt: skip
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(self.label_current_page)
        tools.addWidget(self.label_page_count)
        tools.addWidget(self.btn_close)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.label_error)
        layout.addWidget(self.view, 1)

        self.btn_print.clicked.connect(self.print_document)
        self.btn_save_as.clicked.connect(self.save_as)
        self.btn_fit_width.clicked.connect(self.fit_width)
        self.btn_zoom_in.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self.btn_zoom_out.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self.btn_close.clicked.connect(self.reject)
        self.view.pageNavigator().currentPageChanged.connect(self._show_current_page)
        self._show_current_page(0)

        self.btn_print.setVisible(allow_output)
        self.btn_save_as.setVisible(allow_output)
        self.label_error.setVisible(not loaded)
        for widget in (self.btn_print, self.btn_save_as, self.btn_fit_width,
                       self.btn_zoom_in, self.btn_zoom_out):  # fmt: skip
            widget.setEnabled(loaded and self.page_count > 0)
        (self.btn_print if allow_output and loaded else self.btn_close).setDefault(True)
        screen = self.screen().availableGeometry()
        self.resize(min(1180, int(screen.width() * 0.92)), min(820, int(screen.height() * 0.9)))

    # -- view -------------------------------------------------------------------------
    def _show_current_page(self, page: int) -> None:
        if self.page_count:
            self.label_current_page.setText(f"第 {page + 1} 页")

    def fit_width(self) -> None:
        """适合宽度: the page's width fills the view (also on resizing)."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def zoom(self, step: float) -> None:
        """放大/缩小 from the zoom in effect, fitted width included."""
        factor = min(max(self.zoom_factor() * step, MIN_ZOOM), MAX_ZOOM)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)

    def zoom_factor(self) -> float:
        """The zoom shown: in 适合宽度 QPdfView keeps no factor, so it is worked out as
        QPdfView does (a point is logical DPI / 72 pixels at 1.0)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or not self.page_count:
            return self.view.zoomFactor()
        margins = self.view.documentMargins()
        room = self.view.viewport().width() - margins.left() - margins.right()
        page_width = self.document.pagePointSize(0).width() * self.view.logicalDpiX() / 72
        return room / page_width if page_width > 0 else 1.0

    # -- 另存为 ------------------------------------------------------------------------
    def save_as(self) -> Path | None:
        """Copy the previewed file where the clerk chooses; the saved path, or None."""
        chosen = self.save_path_provider(self.suggested_name)
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            copy_file(self.pdf_path, target)
        except OSError as exc:
            self.prompts.error(self, save_error_message(exc, self.pdf_path))
            return None
        self.prompts.info(self, f"另存为成功，文件已保存到：{target}")
        return target

    def _ask_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "另存为", str(Path.home() / suggested), "PDF 文件 (*.pdf)"
        )
        return path or None

    # -- 打印 --------------------------------------------------------------------------
    def print_document(self) -> None:
        """打印: the injected printer, else the system's print dialog (window-modal, the
        pages print when it is accepted)."""
        if self.print_run is not None or not self.page_count:
            return
        if self.printer_factory is not None:
            printer = self.printer_factory()
            if printer is not None:
                self.print_to(printer)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        size = self.document.pagePointSize(0)
        landscape = size.width() > size.height()
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("dialog_print")
        dialog.setMinMax(1, self.page_count)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        self._pending_printer = printer  # alive until the dialog answers
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def print_to(self, printer: QPrinter) -> _PrintRun | None:
        """Start printing the pages the printer's settings choose; a run that takes longer
        than PROGRESS_DELAY_MS shows its progress with 取消. `print_finished` tells the end."""
        self._pending_printer = None
        current = self.view.pageNavigator().currentPage()
        pages = pages_to_print(printer, self.page_count, current)
        if not pages:
            self.prompts.warning(self, NO_PAGES_CHOSEN)
            return None
        run = _PrintRun(self.document, printer, pages, self)
        if not run.begin():
            self.prompts.error(self, PRINTER_UNAVAILABLE)
            return None
        self.print_run = run
        if len(run.pages) > 1:
            total = len(run.pages)
            progress = QProgressDialog(f"正在打印，共 {total} 页…", "取消", 0, total, self)
            progress.setObjectName("progress_print")
            progress.setWindowTitle("打印")
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(PROGRESS_DELAY_MS)  # shows itself when slow
            progress.setAutoClose(False)
            progress.setAutoReset(False)
            progress.canceled.connect(run.cancel)
            run.advanced.connect(progress.setValue)
            self.progress = progress
        run.finished.connect(self._print_done)
        run.start()
        return run

    def cancel_print(self) -> None:
        if self.print_run is not None:
            self.print_run.cancel()

    def _print_done(self, printed: int, outcome: str) -> None:
        self.print_run = None
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if outcome == CANCELLED:
            self.prompts.info(self, f"已取消打印（已发送 {printed} 页）。")
        elif outcome == FAILED:
            self.prompts.error(self, PRINT_INTERRUPTED.format(printed=printed))
        else:
            self.prompts.info(self, f"已发送到打印机，共 {printed} 页。")
        self.print_finished.emit(printed)

    def done(self, result: int) -> None:
        """Closing stops a print run and releases the file."""
        self.cancel_print()
        self.document.close()
        super().done(result)


class _PrintRun(QObject):
    """Paints the chosen pages on the printer, one per event-loop turn."""

    advanced = Signal(int)  # pages printed so far
    finished = Signal(int, str)  # pages printed, DONE / CANCELLED / FAILED

    def __init__(
        self, document: QPdfDocument, printer: QPrinter, pages: list[int], parent: QObject
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.printer = printer
        # Copies are the application's job when the printer cannot make them itself.
        copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
        if printer.collateCopies():
            self.pages = pages * copies
        else:
            self.pages = [page for page in pages for _ in range(copies)]
        self.printed = 0
        self.painter = QPainter()
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._step)

    def begin(self) -> bool:
        return self.painter.begin(self.printer)

    def start(self) -> None:
        self.timer.start()

    def _step(self) -> None:
        if self.printed and not self.printer.newPage():
            self._end(FAILED)
            return
        paint_page(self.painter, self.printer, self.document, self.pages[self.printed])
        self.printed += 1
        self.advanced.emit(self.printed)
        if self.printed == len(self.pages):
            self._end(DONE)

    def cancel(self) -> None:
        if self.timer.isActive():
            self.printer.abort()
            self._end(CANCELLED)

    def _end(self, outcome: str) -> None:
        self.timer.stop()
        if self.painter.isActive():
            self.painter.end()
        self.finished.emit(self.printed, outcome)


def paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    """One PDF page rendered at the printer's resolution (capped) and painted centred in
    the printable area, aspect kept."""
    area = printer.pageRect(QPrinter.Unit.DevicePixel)
    points = document.pagePointSize(page)
    if points.width() <= 0 or points.height() <= 0:
        return
    scale = min(area.width() / points.width(), area.height() / points.height())
    drawn = QSizeF(points.width() * scale, points.height() * scale)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    pixels = QSize(
        max(1, round(min(drawn.width(), points.width() * dpi / 72))),
        max(1, round(min(drawn.height(), points.height() * dpi / 72))),
    )
    image = document.render(page, pixels)
    target = QRectF(
        (area.width() - drawn.width()) / 2, (area.height() - drawn.height()) / 2,
        drawn.width(), drawn.height(),
    )  # fmt: skip
    painter.drawImage(target, image)


def pages_to_print(printer: QPrinter, count: int, current: int) -> list[int]:
    """The 0-based pages the print settings choose: all, the current one or a range."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        return [current] if 0 <= current < count else []
    if mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [p - 1 for p in range(1, count + 1) if ranges.contains(p)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            return list(range(first - 1, min(last or count, count)))
    return list(range(count))


def copy_file(source: Path, target: Path) -> None:
    """Copy through a temporary file beside `target`: a failed copy leaves no half file
    and keeps an existing one."""
    if target.exists() and source.exists() and os.path.samefile(source, target):
        return
    tmp = temp_path_for(target)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def save_error_message(exc: OSError, source: Path) -> str:
    """The clerk's sentence for a failed 另存为."""
    if isinstance(exc, PermissionError):
        return SAVE_DENIED
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        return SOURCE_MISSING if not source.exists() else SAVE_FOLDER_MISSING
    return user_message(exc)
