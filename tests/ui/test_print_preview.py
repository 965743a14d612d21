"""打印预览 of a generated 申报表: pages shown, zoom, 另存为 (an identical copy, errors in
Chinese), 打印 to a PDF-format QPrinter (all pages, a page range, cancel), preview only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPageRanges
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QPushButton

from client.documents.fee_form_pdf import PERSONS, FeeFormHeader, FeeFormLine, write_fee_form
from client.ui import print_preview
from client.ui.print_preview import PrintPreviewDialog
from client.ui.prompts import PromptService

pytestmark = pytest.mark.ui

TITLE = "打印社会保险费申报表"
SUGGESTED = "社会保险费申报表_2024-05.pdf"


@pytest.fixture(scope="module")
def form_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A three-page-or-more PERSONS form and its page count."""
    lines = (
        FeeFormLine(
            "深圳市社会保险基金管理局",
            "1000123456",
            "企业职工基本养老保险费",
            "职工基本养老保险(单位缴纳)",
            "2024-05",
            "2024-05",
            Decimal("5284.00"),
            "16%",
            Decimal("845.44") + i,
            person_number=f"P{i:08d}",
            name="张三",
            id_type="居民身份证",
            id_number=f"4403001990{i:08d}",
        )  # fmt: skip
        for i in range(80)
    )
    path = tmp_path_factory.mktemp("preview") / "申报表.pdf"
    header = FeeFormHeader("91440300MA5G7XKQ3R", "深圳市示例科技有限公司", "2024-05-17")
    result = write_fee_form(path, header, lines, PERSONS)
    assert result.pages >= 3
    return path, result.pages


def open_preview(qtbot: Any, path: Path, prompts: PromptService, **kw: Any) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(path, TITLE, SUGGESTED, prompts, **kw)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    return printer


def page_count(path: Path) -> int:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    count = document.pageCount()
    document.close()
    return count


def test_preview_shows_every_page_and_the_count(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService
) -> None:
    path, pages = form_pdf
    dialog = open_preview(qtbot, path, prompts)
    assert dialog.objectName() == "dialog_print_preview"
    assert dialog.windowTitle() == TITLE
    assert dialog.isModal()  # .open(): window-modal, no nested event loop
    view = dialog.findChild(QPdfView, "pdf_view")
    assert view is not None and view.document().pageCount() == pages
    assert view.pageMode() == QPdfView.PageMode.MultiPage
    count = dialog.findChild(QLabel, "label_page_count")
    assert count is not None and count.text() == f"共 {pages} 页"
    for name in ("btn_print", "btn_save_as", "btn_close_preview"):
        found = dialog.findChild(QPushButton, name)
        assert found is not None and found.isVisible() and found.isEnabled()
    assert prompts.history == []


def test_zoom_in_out_and_fit_width(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService
) -> None:
    dialog = open_preview(qtbot, form_pdf[0], prompts)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    fitted = dialog.zoom_factor()
    qtbot.mouseClick(dialog.btn_zoom_in, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fitted * 1.25)
    qtbot.mouseClick(dialog.btn_zoom_out, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.btn_zoom_out, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomFactor() == pytest.approx(fitted / 1.25)
    for _ in range(20):
        qtbot.mouseClick(dialog.btn_zoom_out, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomFactor() == pytest.approx(print_preview.MIN_ZOOM)
    qtbot.mouseClick(dialog.btn_fit_width, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_save_as_copies_an_identical_file(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService, tmp_path: Path
) -> None:
    path, _ = form_pdf
    dialog = open_preview(qtbot, path, prompts)
    asked: list[str] = []
    dialog.save_path_provider = lambda name: asked.append(name) or str(tmp_path / "我的申报表")
    qtbot.mouseClick(dialog.btn_save_as, Qt.MouseButton.LeftButton)
    saved = tmp_path / "我的申报表.pdf"  # the extension is added when left out
    assert asked == [SUGGESTED]
    assert saved.read_bytes() == path.read_bytes()
    assert prompts.last is not None and prompts.last.kind == "info"
    assert str(saved) in prompts.last.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["我的申报表.pdf"]  # no temp file
    # 取消 in the file dialog: nothing happens
    dialog.save_path_provider = lambda name: None
    qtbot.mouseClick(dialog.btn_save_as, Qt.MouseButton.LeftButton)
    assert len(prompts.history) == 1


def test_save_as_failures_are_told_in_chinese(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    dialog = open_preview(qtbot, form_pdf[0], prompts)
    dialog.save_path_provider = lambda name: str(tmp_path / "no-such-folder" / "a.pdf")
    assert dialog.save_as() is None
    assert prompts.last is not None and prompts.last.kind == "error"
    assert prompts.last.text == print_preview.SAVE_FOLDER_MISSING

    target = tmp_path / "held.pdf"
    target.write_bytes(b"old")

    def refused(src: Any, dst: Any) -> None:
        raise PermissionError(13, "denied", str(dst))

    monkeypatch.setattr(print_preview.os, "replace", refused)
    dialog.save_path_provider = lambda name: str(target)
    assert dialog.save_as() is None
    assert prompts.last.text == print_preview.SAVE_DENIED
    assert target.read_bytes() == b"old"  # kept, and no temporary file left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held.pdf"]


def test_print_to_a_pdf_printer_prints_every_page(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService, tmp_path: Path
) -> None:
    path, pages = form_pdf
    dialog = open_preview(qtbot, path, prompts)
    out = tmp_path / "printed.pdf"
    dialog.printer_factory = lambda: pdf_printer(out)
    with qtbot.waitSignal(dialog.print_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.btn_print, Qt.MouseButton.LeftButton)
    assert finished.args == [pages]
    assert page_count(out) == pages
    assert prompts.last is not None and prompts.last.text == f"已发送到打印机，共 {pages} 页。"
    assert dialog.print_run is None


def test_print_honours_the_chosen_page_range(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService, tmp_path: Path
) -> None:
    path, pages = form_pdf
    dialog = open_preview(qtbot, path, prompts)
    out = tmp_path / "range.pdf"
    printer = pdf_printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    ranges = QPageRanges()
    ranges.addRange(2, 3)
    printer.setPageRanges(ranges)
    assert print_preview.pages_to_print(printer, pages, 0) == [1, 2]
    dialog.printer_factory = lambda: printer
    with qtbot.waitSignal(dialog.print_finished, timeout=60_000) as finished:
        dialog.print_document()
    assert finished.args == [2] and page_count(out) == 2

    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert print_preview.pages_to_print(printer, pages, 1) == [1]
    empty = QPageRanges()
    empty.addRange(pages + 1, pages + 5)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setPageRanges(empty)
    dialog.print_document()
    assert prompts.last is not None and prompts.last.text == print_preview.NO_PAGES_CHOSEN


def test_cancelling_a_print_stops_it(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(print_preview, "PROGRESS_DELAY_MS", 0)  # as if the printer were slow
    path, pages = form_pdf
    dialog = open_preview(qtbot, path, prompts)
    dialog.printer_factory = lambda: pdf_printer(tmp_path / "cancelled.pdf")
    clicked: list[int] = []

    def cancel_once_shown(done: int) -> None:
        progress = dialog.progress
        assert progress is not None and progress.objectName() == "progress_print"
        if progress.isVisible() and not clicked:
            assert progress.isModal()
            cancel = progress.findChild(QPushButton)
            assert cancel is not None and cancel.text() == "取消"
            clicked.append(done)
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(dialog.print_finished, timeout=60_000) as finished:
        dialog.print_document()
        assert dialog.print_run is not None
        dialog.print_run.advanced.connect(cancel_once_shown)
    assert clicked, "the progress dialog never showed while printing"
    assert finished.args == clicked and clicked[0] < pages
    assert prompts.last is not None and "已取消打印" in prompts.last.text
    assert dialog.print_run is None


def test_preview_only_hides_print_and_save_as(
    qtbot: Any, form_pdf: tuple[Path, int], prompts: PromptService
) -> None:
    dialog = open_preview(qtbot, form_pdf[0], prompts, allow_output=False)
    assert dialog.btn_print.isHidden() and dialog.btn_save_as.isHidden()
    assert dialog.btn_close.isVisible() and dialog.btn_zoom_in.isVisible()
    assert dialog.label_page_count.text() == f"共 {form_pdf[1]} 页"
    qtbot.mouseClick(dialog.btn_close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.result() == PrintPreviewDialog.DialogCode.Rejected
    assert dialog.document.status() == QPdfDocument.Status.Null  # file released


def test_a_broken_file_says_so_and_offers_nothing_to_print(
    qtbot: Any, prompts: PromptService, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    dialog = open_preview(qtbot, broken, prompts)
    assert dialog.label_error.isVisible() and dialog.label_error.text() == print_preview.CANNOT_OPEN
    assert dialog.label_page_count.text() == "共 0 页"
    assert not dialog.btn_print.isEnabled() and not dialog.btn_save_as.isEnabled()
    dialog.print_document()  # nothing to print: no prompt, no printer
    assert prompts.history == []
