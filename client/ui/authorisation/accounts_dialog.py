"""新增居民银行账户 (manual §3.18 二、(二)): 第一步 人员基本信息录入 (the three facts, 下一步 asks
the 管理子系统), 第二步 the account form (银行行别 → 行政区划 → 开户网点, 银行账号, 账户性质,
the three 是/否 flags) and 保存. Checks and requests are the page's service's."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from client.authorisation.accounts import ACCOUNT_NATURES, FLAGS, AccountForm
from client.authorisation.people import AreaResident
from client.ui.authorisation.accounts_bank_picker import FIELD_WIDTH, PICK
from client.ui.authorisation.steps_dialog import ResidentStepsDialog
from client.ui.authorisation.three_facts import required

TITLE = "新增居民银行账户"


def yes_no_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setMinimumWidth(FIELD_WIDTH)
    combo.addItem(PICK, None)
    combo.addItem("是", True)
    combo.addItem("否", False)
    return combo


class AccountDialog(ResidentStepsDialog):
    OBJECT_NAME = "dlg_resident_account"
    TITLE = TITLE
    WIDTH = 600
    FIRST_STEP = "人员基本信息录入"
    SECOND_STEP = "银行账户信息录入"
    ACCOUNT_TITLE = "银行账号"
    ERROR_NAME = "label_account_error"

    def _found(self, resident: AreaResident) -> None:
        super()._found(resident)
        self.picker.combo_bank.setFocus()

    def _rows(self, step: QWidget, form: QFormLayout) -> None:
        self._bank_rows(step, form)
        self.combo_nature = QComboBox()
        self.combo_nature.setObjectName("combo_account_nature")
        self.combo_nature.addItem(PICK, None)
        for nature in ACCOUNT_NATURES:
            self.combo_nature.addItem(nature, nature)
        form.addRow(required("账户性质"), self.combo_nature)
        self.flag_combos: dict[str, QComboBox] = {}
        for field, title in FLAGS.items():
            self.flag_combos[field] = yes_no_combo(f"combo_{field}")
            form.addRow(required(title), self.flag_combos[field])
        self.edit_account_number.returnPressed.connect(self.save)

    def form(self) -> AccountForm:
        flags = {field: combo.currentData() for field, combo in self.flag_combos.items()}
        return AccountForm(
            self.picker.fields(self.edit_account_number.text()),
            str(self.combo_nature.currentData() or ""),
            **flags,
        )

    def set_flags(self, refund: bool, preferred: bool, social: bool) -> None:
        for field, value in zip(FLAGS, (refund, preferred, social), strict=True):
            combo = self.flag_combos[field]
            combo.setCurrentIndex(combo.findData(value))

    def _field_widgets(self) -> dict[str, QWidget]:
        return {**super()._field_widgets(), "account_nature": self.combo_nature,
                **self.flag_combos}  # fmt: skip
