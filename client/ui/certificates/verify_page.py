"""税收完税证明查验 (manual §2.26; 代收单位 §3.24): the paper ticket's fields (required ones marked
*), 查询 / 重置, the 查验结果, and 预览 that shows the ticket face only (no print, no save).

A ticket's QR code, read by a handheld scanner into 扫码录入, fills the form in one go."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from client.certificates.rules import TICKET_KIND, VERIFY_FIELDS, CertificateError
from client.certificates.tickets import VerifyResult, write_ticket_pdf
from client.jobs import Job, JobCancelled, JobContext
from client.ui.certificates.common import CertificateScope, failure_text
from client.ui.jobs import JobHandle
from client.ui.page_helpers import open_preview
from client.ui.pages import BasePage, PageContext
from client.ui.print_preview import PrintPreviewDialog
from client.ui.widgets.common import button, label

RESULT_FIELDS = (
    ("taxpayer_id", "纳税人识别号"), ("taxpayer_name", "纳税人名称"),
    ("e_ticket_number", "电子税票号码"), ("ticket_kind_name", "票证种类名称"),
    ("ticket_word_name", "票证字轨名称"), ("treasury_name", "收款国库名称"),
    ("ticket_number", "票证号码"), ("issued_on", "开具日期"), ("issuer", "开具人"),
    ("status", "票证状态"), ("voided_by", "作废人"), ("voided_on", "作废日期"),
    ("void_reason", "作废原因"),
)  # fmt: skip
PREVIEW_MARK = "仅供查验预览"


class VerifyCertificatePage(BasePage):
    KEY: ClassVar[str] = "cert_verify"
    TITLE: ClassVar[str] = "税收完税证明查验"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName(f"page_{self.KEY}")
        self.scope = CertificateScope(ctx, self)
        self.service = self.scope.tickets
        self.handle: JobHandle[Any] | None = None
        self.result: VerifyResult | None = None
        self.preview: PrintPreviewDialog | None = None
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.content.addWidget(self._build_form())
        self.content.addWidget(self._build_result())
        self.content.addStretch(1)
        self.reset()

    # -- layout ----------------------------------------------------------------------------
    def _build_form(self) -> QGroupBox:
        box = QGroupBox("税收完税证明票证信息", self)
        box.setObjectName("box_ticket_fields")
        grid = QGridLayout(box)
        for n, f in enumerate(VERIFY_FIELDS):
            row, col = divmod(n, 3)
            star = "<span style='color:#d32f2f'>*</span>" if f.required else ""
            caption = QLabel(f"{star}{f.label}：", box)
            caption.setObjectName(f"caption_{f.key}")
            grid.addWidget(caption, row, col * 2)
            grid.addWidget(self._input(f.key, box), row, col * 2 + 1)
        scan_row = len(VERIFY_FIELDS) // 3 + 1
        grid.addWidget(QLabel("扫码录入：", box), scan_row, 0)
        self.edit_scan = QLineEdit(box)
        self.edit_scan.setObjectName("edit_scan")
        self.edit_scan.setPlaceholderText(
            "用扫码枪扫描完税证明上的二维码，或粘贴二维码内容后按回车"
        )
        self.edit_scan.returnPressed.connect(self.fill_from_scan)
        grid.addWidget(self.edit_scan, scan_row, 1, 1, 5)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_query = button("查询", "btn_query", primary=True)
        self.btn_reset = button("重置", "btn_reset")
        buttons.addWidget(self.btn_query)
        buttons.addWidget(self.btn_reset)
        grid.addLayout(buttons, scan_row + 1, 0, 1, 6)
        self.label_error = label("", "label_verify_error", "error")
        grid.addWidget(self.label_error, scan_row + 2, 0, 1, 6)
        self.btn_query.clicked.connect(self.query)
        self.btn_reset.clicked.connect(self.reset)
        return box

    def _input(self, key: str, parent: QWidget) -> QWidget:
        if key == "ticket_kind":
            combo = QComboBox(parent)
            combo.addItem(TICKET_KIND)  # 默认自动加载票证种类信息
            widget: QLineEdit | QComboBox = combo
        elif key == "region_code":
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.lineEdit().setPlaceholderText("请选择或输入6位行政区划代码")
            for code, name in self.scope.ctx.ui.app.app_db.code_table("admin_divisions").items():
                combo.addItem(f"{name}（{code}）", code)
            widget = combo
        else:
            edit = QLineEdit(parent)
            edit.returnPressed.connect(self.query)
            widget = edit
        widget.setObjectName(f"edit_{key}")
        self.inputs[key] = widget
        return widget

    def _build_result(self) -> QGroupBox:
        box = QGroupBox("查验结果", self)
        box.setObjectName("box_verify_result")
        grid = QGridLayout(box)
        self.result_labels: dict[str, QLabel] = {}
        for n, (key, caption) in enumerate(RESULT_FIELDS):
            row, col = divmod(n, 3)
            grid.addWidget(QLabel(f"{caption}：", box), row, col * 2)
            value = QLabel("", box)
            value.setObjectName(f"result_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.result_labels[key] = value
            grid.addWidget(value, row, col * 2 + 1)
        last = len(RESULT_FIELDS) // 3 + 1
        self.label_message = label("", "label_verify_message", "section")
        grid.addWidget(self.label_message, last, 0, 1, 6)
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        self.btn_preview = button("预览", "btn_preview")
        self.btn_preview.clicked.connect(self.show_preview)
        row_buttons.addWidget(self.btn_preview)
        grid.addLayout(row_buttons, last + 1, 0, 1, 6)
        return box

    # -- the form --------------------------------------------------------------------------
    def set_field(self, key: str, value: str) -> None:
        widget = self.inputs[key]
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index < 0:
                index = widget.findText(value)
            if index >= 0:
                widget.setCurrentIndex(index)
            elif widget.isEditable():
                widget.setEditText(value)
        else:
            widget.setText(value)

    def form(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                text = widget.currentText().strip()
                data = widget.currentData()
                if key == "region_code":
                    match = widget.itemText(widget.currentIndex()) == text and data
                    values[key] = str(data) if match else "".join(re.findall(r"\d", text))
                else:
                    values[key] = text
            else:
                values[key] = widget.text()
        values["check_code"] = getattr(self, "_scanned_check_code", "") or ""
        return values

    def fill_from_scan(self) -> bool:
        from client.documents.tax_certificate import parse_qr_payload

        try:
            fields = parse_qr_payload(self.edit_scan.text().strip())
        except ValueError as error:
            self.label_error.setText(str(error))
            return False
        for key in self.inputs:
            if fields.get(key):
                self.set_field(key, str(fields[key]))
        self._scanned_check_code = str(fields.get("check_code") or "")
        self.label_error.setText("")
        return True

    def reset(self) -> None:
        """重置: empty conditions and no result."""
        for key, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                if key == "region_code":
                    widget.setCurrentIndex(-1)
                    widget.setEditText("")
                else:
                    widget.setCurrentIndex(0)
            else:
                widget.clear()
        self.edit_scan.clear()
        self._scanned_check_code = ""
        self.label_error.setText("")
        self.show_result(None)

    # -- 查询 ------------------------------------------------------------------------------
    def query(self) -> JobHandle[VerifyResult] | None:
        form = self.form()
        self.label_error.setText("")
        try:
            from client.certificates.rules import verify_body

            verify_body(form)  # the required fields, before anything is sent
        except CertificateError as error:
            self.label_error.setText(error.message)
            if error.field in self.inputs:
                self.inputs[error.field].setFocus()
            return None

        def run(_ctx: JobContext) -> VerifyResult:
            return self.service.verify(form)

        def failed(error: BaseException) -> None:
            if not isinstance(error, JobCancelled):
                self.label_error.setText(failure_text(error))

        self.handle = self.runner.run(Job("查验完税证明", run), self.show_result, failed,
                                      progress=False)  # fmt: skip
        return self.handle

    def show_result(self, result: VerifyResult | None) -> None:
        self.result = result
        ticket = result.ticket if result and result.match else {}
        for key, value in self.result_labels.items():
            value.setText(str(ticket.get(key) or ""))
        if result is None:
            self.label_message.setText("")
        elif result.match:
            self.label_message.setText("查验结果：与税务机关登记的票证信息一致。")
        else:
            self.label_message.setText(f"查验结果：{result.message}")
        self.btn_preview.setEnabled(bool(ticket))

    # -- 预览 ------------------------------------------------------------------------------
    def show_preview(self) -> PrintPreviewDialog | None:
        if not self.result or not self.result.match:
            return None
        ticket = self.result.ticket
        folder = Path(tempfile.mkdtemp(prefix="shebaofei-preview-"))
        path = folder / f"查验预览_{ticket['e_ticket_number']}.pdf"
        try:
            write_ticket_pdf(path, ticket, watermark=PREVIEW_MARK)
        except (OSError, ValueError) as error:
            self.prompts.error(self, failure_text(error), title=self.TITLE)
            return None
        self.preview = open_preview(self, path, "完税证明预览", self.prompts, allow_output=False)
        return self.preview
