"""The dialogs of 城乡居民个人缴费: 缴费确认 (choose 微信/支付宝/政融支付) and the payment dialog that
shows the order's QR code and follows the order's state until it settles.

The state is asked of the server off the UI thread (one request at a time, a QTimer checks
for the answer), so a slow network never freezes the window.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from client.errors import user_message
from client.personal_payment import rules
from client.personal_payment.qr import qr_matrix
from client.ui.listpage.spec import format_amount

log = logging.getLogger(__name__)

DEFAULT_POLL_MS = 2000  # SHEBAOFEI_PAY_POLL_MS shortens it in tests
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
METHOD_OBJECTS = {"微信": "radio_wechat", "支付宝": "radio_alipay", "政融支付": "radio_zrpay"}


class MethodDialog(QDialog):
    """缴费确认: the amount and 缴费年度, and the 支付方式 to choose; 确认 needs one chosen."""

    def __init__(self, amount: str, years: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_pay_method")
        self.setWindowTitle("缴费确认")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        summary = QLabel(f"缴费金额: {format_amount(amount)} 元, 缴费年度: {years} 年", self)
        summary.setObjectName("label_pay_summary")
        layout.addWidget(summary)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for method in rules.METHODS:
            title, note = rules.METHOD_LABELS[method]
            radio = QRadioButton(f"{title}\n{note}", self)
            radio.setObjectName(METHOD_OBJECTS[method])
            self.group.addButton(radio)
            self.radios[method] = radio
            layout.addWidget(radio)
        self.error = QLabel("", self)
        self.error.setObjectName("label_error")
        self.error.setStyleSheet("color: #c0392b;")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_confirm = QPushButton("确认", self)
        self.btn_confirm.setObjectName("btn_confirm")
        self.btn_confirm.setDefault(True)
        self.btn_confirm.clicked.connect(self._confirm)
        self.btn_cancel = QPushButton("取消", self)
        self.btn_cancel.setObjectName("btn_cancel")
        self.btn_cancel.clicked.connect(self.reject)
        buttons.addWidget(self.btn_confirm)
        buttons.addWidget(self.btn_cancel)
        layout.addLayout(buttons)

    @property
    def method(self) -> str | None:
        return next((m for m, r in self.radios.items() if r.isChecked()), None)

    def choose(self, method: str) -> None:
        self.radios[method].setChecked(True)

    def _confirm(self) -> None:
        try:
            rules.check_method(self.method)
        except rules.PaymentRuleError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class QrWidget(QWidget):
    """A QR code painted module by module (black on white, with the quiet zone)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qr_code")
        self.text = text
        self.matrix = qr_matrix(text)
        self.setMinimumSize(QSize(240, 240))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(240, 240)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("white"))
            count = len(self.matrix) + 2 * QUIET_ZONE
            side = min(self.width(), self.height())
            module = side // count  # whole pixels: no blurred edges for a scanner
            origin = (side - module * count) / 2 + QUIET_ZONE * module
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("black"))
            for r, line in enumerate(self.matrix):
                for c, dark in enumerate(line):
                    if dark:
                        painter.drawRect(
                            QRectF(origin + c * module, origin + r * module, module, module)
                        )
        finally:
            painter.end()


class PaymentDialog(QDialog):
    """扫码支付: the QR code of the order's payment page, the amount and the order's state,
    asked every few seconds until it is 支付成功, 支付失败 or 已关闭; then the result."""

    def __init__(
        self,
        order: dict[str, Any],
        fetch: Callable[[str], dict[str, Any]],
        parent: QWidget | None = None,
        on_settled: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_payment_qr")
        self.setWindowTitle("扫码支付")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.order = order
        self.order_url = order["pay_url"] or ""  # what the QR code carries
        self.fetch = fetch
        self.on_settled = on_settled
        self.polls = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pay-poll")
        self._future: Future[dict[str, Any]] | None = None

        layout = QVBoxLayout(self)
        title, note = rules.METHOD_LABELS.get(order["method"], (order["method"], ""))
        hint = QLabel(f"请缴费人{note or '扫码支付'}（{title}）", self)
        hint.setObjectName("label_hint")
        layout.addWidget(hint)
        self.qr = QrWidget(self.order_url, self)
        layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.amount = QLabel(f"缴费金额: {format_amount(order['amount'])} 元", self)
        self.amount.setObjectName("label_amount")
        layout.addWidget(self.amount)
        number = QLabel(f"订单号: {order['order_id']}", self)
        number.setObjectName("label_order_id")
        layout.addWidget(number)
        self.state = QLabel("", self)
        self.state.setObjectName("label_state")
        layout.addWidget(self.state)
        self.result = QLabel("", self)
        self.result.setObjectName("label_result")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_close = QPushButton("关闭", self)
        self.btn_close.setObjectName("btn_close")
        self.btn_close.clicked.connect(self.reject)
        buttons.addWidget(self.btn_close)
        layout.addLayout(buttons)

        self.poll_ms = int(os.environ.get("SHEBAOFEI_PAY_POLL_MS", DEFAULT_POLL_MS))
        self.timer = QTimer(self)
        self.timer.setInterval(
            max(self.poll_ms // 4, 50)
        )  # looks for an answer; asks every poll_ms
        self.timer.timeout.connect(self._tick)
        self._ask_in = 0  # the first answer is asked for at once
        self._show(order)
        if order["state"] == rules.WAITING:
            self.timer.start()

    @property
    def settled(self) -> bool:
        return self.order["state"] in rules.SETTLED

    def _show(self, order: dict[str, Any]) -> None:
        self.order = {**self.order, **{k: v for k, v in order.items() if k != "pay_url"}}
        self.state.setText(f"订单状态: {order['state']}")
        self.result.setText(rules.result_text(order["state"], order.get("reason")))

    def _tick(self) -> None:
        if self._future is not None:
            if not self._future.done():
                return
            future, self._future = self._future, None
            try:
                answer = future.result()
            except Exception as exc:  # shown, and asked again at the next turn
                self.result.setText(f"{user_message(exc)}（正在重试查询订单状态）")
            else:
                self.polls += 1
                self._show(answer)
                if self.settled:
                    self.timer.stop()
                    self.btn_close.setDefault(True)
                    if self.on_settled is not None:
                        self.on_settled(self.order)
                    return
        self._ask_in -= self.timer.interval()
        if self._ask_in <= 0:
            self._ask_in = self.poll_ms
            self._future = self._pool.submit(self.fetch, self.order["order_id"])

    def done(self, result: int) -> None:  # closing stops the polling (the order goes on)
        self.timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().done(result)
