"""The preview every import shows before anything is applied, and the flow around it.

`ImportFlow` reads and checks a file as a job (progress, 取消), shows `ImportPreviewDialog`
(共N行, 有效M行, 错误K行, the errors row by row, 保存错误文件), and applies the valid rows as a
second job only when the user clicks 确认导入有效数据. It knows nothing of the template: the
caller passes the read and apply functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client.documents.imports import ImportResult, ImportRow, RowError, write_error_workbook
from client.jobs import Job, JobContext
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.widgets.common import button, label

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
SavePathProvider = Callable[[str], str | None]
OpenPathProvider = Callable[[], str | None]

ERROR_HEADERS = ("行号", "列", "错误原因")


class ErrorTableModel(QAbstractTableModel):
    """行号, 列, 错误原因 of every error (model/view: a file may have 100,000 of them)."""

    def __init__(self, errors: Sequence[RowError], parent: Any = None) -> None:
        super().__init__(parent)
        self.errors = errors

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.errors)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ERROR_HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        error = self.errors[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (f"第{error.row}行", error.column or "整行", error.reason)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() < 2:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ERROR_HEADERS[section]
        return None


class ImportPreviewDialog(QDialog):
    """What a checked file holds; 确认导入有效数据 accepts, 取消 applies nothing."""

    def __init__(self, ui: UiServices, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.import_result = result
        self.runner = ui.runner(self)
        self.save_path_provider: SavePathProvider = lambda name: ask_save_path(
            self, "保存错误文件", name
        )
        self.save_handle: JobHandle[int] | None = None
        self.setObjectName("dialog_import_preview")
        self.setWindowTitle(f"{result.spec.title} - 导入检查结果")
        self.setModal(True)
        self.resize(760, 480)

        layout = QVBoxLayout(self)
        self.summary = label(self._summary_text(), "label_import_summary")
        layout.addWidget(self.summary)
        self.table = QTableView()
        self.table.setObjectName("table_import_errors")
        self.model = ErrorTableModel(result.errors, self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 80)
        header.resizeSection(1, 110)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(result.errors))
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.btn_save_errors = button("保存错误文件", "btn_import_save_errors")
        self.btn_save_errors.setEnabled(bool(result.errors))
        self.btn_save_errors.clicked.connect(self.save_errors)
        buttons.addWidget(self.btn_save_errors)
        buttons.addStretch(1)
        self.btn_confirm = button("确认导入有效数据", "btn_import_confirm", primary=True)
        self.btn_confirm.setEnabled(result.valid_count > 0)
        self.btn_confirm.setDefault(result.valid_count > 0)  # Enter confirms, Esc cancels
        self.btn_confirm.clicked.connect(self.accept)
        self.btn_cancel = button("取消", "btn_import_cancel")
        self.btn_cancel.clicked.connect(self.reject)
        buttons.addWidget(self.btn_confirm)
        buttons.addWidget(self.btn_cancel)
        layout.addLayout(buttons)

    def _summary_text(self) -> str:
        r = self.import_result
        text = f"共{r.total:,}行，有效{r.valid_count:,}行，错误{r.error_count:,}行。"
        if r.error_count and r.valid_count:
            return text + "可以只导入有效数据，或保存错误文件，改正后重新导入。"
        if r.error_count:
            return text + "没有可以导入的数据，请保存错误文件，按错误原因改正后重新导入。"
        return text + "请确认导入。"

    def save_errors(self) -> JobHandle[int] | None:
        """Write the error workbook where the user chooses (as a job)."""
        suggested = f"{self.import_result.spec.title}错误数据.xlsx"
        chosen = self.save_path_provider(suggested)
        if not chosen:
            return None
        result, prompts = self.import_result, self.ui.prompts

        def done(count: int) -> None:
            prompts.info(self, f"错误文件已保存，共{count:,}行。请按“错误原因”列改正后重新导入。")

        self.save_handle = self.runner.run(
            Job("保存错误文件", lambda ctx: write_error_workbook(result, chosen, ctx)), done
        )
        return self.save_handle


class ImportFlow(Generic[T]):
    """Read → preview → (confirmed) apply. `read` and `apply` run as jobs."""

    def __init__(
        self,
        ui: UiServices,
        parent: QWidget | None,
        title: str,
        read: Callable[[JobContext], ImportResult],
        apply: Callable[[list[ImportRow], JobContext], T],
        done_message: Callable[[T], str],
        on_applied: Callable[[T], None] | None = None,
    ) -> None:
        self.ui = ui
        self.parent = parent
        self.title = title
        self._read = read
        self._apply = apply
        self._done_message = done_message
        self._on_applied = on_applied
        self.runner = ui.runner(parent)
        self.result: ImportResult | None = None
        self.preview: ImportPreviewDialog | None = None
        self.read_handle: JobHandle[ImportResult] | None = None
        self.apply_handle: JobHandle[T] | None = None
        self.applied: T | None = None

    def start(self) -> JobHandle[ImportResult]:
        self.read_handle = self.runner.run(
            Job(self.title, self._read),
            self._show_preview,
            label=lambda p: f"{p.phase}… {p.done:,}/{p.total:,}" if p.total else p.phase,
        )
        return self.read_handle

    def _show_preview(self, result: ImportResult) -> None:
        self.result = result
        self.preview = ImportPreviewDialog(self.ui, result, self.parent)
        self.preview.accepted.connect(self._confirmed)
        self.preview.open()

    def _confirmed(self) -> None:
        assert self.result is not None
        rows = self.result.valid
        self.apply_handle = self.runner.run(
            Job(self.title, lambda ctx: self._apply(rows, ctx)), self._applied
        )

    def _applied(self, value: T) -> None:
        self.applied = value
        self.ui.prompts.info(self.parent, self._done_message(value), title=self.title)
        if self._on_applied is not None:
            self._on_applied(value)


def ask_open_path(parent: QWidget | None, title: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent, title, str(Path.home()), "Excel 文件 (*.xlsx);;所有文件 (*)"
    )
    return path or None


def ask_save_path(parent: QWidget | None, title: str, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested), "Excel 文件 (*.xlsx)"
    )
    return path or None
