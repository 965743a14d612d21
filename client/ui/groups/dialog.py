"""分组管理 (manual §2.2 四 (一), §3.2 六): 批量导入, 新建分组, 保存 over the group tree.

The tree shows 分组名称 (edited in place), 保存时间 and 操作 (添加子分组, 删除). Edits are
staged in a `GroupDraft` (each refused at once when it breaks a rule) and written together
on 保存; closing with unsaved edits asks first. 批量导入 saves pending edits, then reads and
checks the file, previews it and applies only the confirmed rows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.errors import user_message
from client.groups.draft import DraftNode, GroupDraft
from client.groups.imports import apply_group_tree, read_group_tree, write_group_tree_template
from client.groups.rules import MAX_LEVELS, GroupRuleError
from client.groups.service import GroupService
from client.storage.unit_db import UnitDatabase
from client.ui.context import UiServices
from client.ui.groups.assign import AssignGroupDialog
from client.ui.import_flow import (
    ImportFlow,
    OpenPathProvider,
    SavePathProvider,
    ask_open_path,
    ask_save_path,
)
from client.ui.widgets.common import button, label

__all__ = ["AssignGroupDialog", "GroupManagerDialog"]

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_COLUMN, SAVED_COLUMN, ACTIONS_COLUMN = 0, 1, 2
TITLE = "分组管理"
UNSAVED = "未保存"
CHANGED = "已修改，未保存"

ItemOrKey = QTreeWidgetItem | int


class GroupManagerDialog(QDialog):
    def __init__(self, ui: UiServices, db: UnitDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.prompts = ui.prompts
        self.service = GroupService(db)
        self.draft = GroupDraft(self.service.tree())
        self.items: dict[int, QTreeWidgetItem] = {}
        self.import_flow: ImportFlow[int] | None = None
        self.open_path_provider: OpenPathProvider = lambda: ask_open_path(self, "导入分组文件")
        self.save_path_provider: SavePathProvider = lambda name: ask_save_path(
            self, "下载模板", name
        )
        self._filling = False
        self.setObjectName("dialog_groups")
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.resize(720, 520)
        self._build()
        self._refill()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        toolbar = QHBoxLayout()
        self.btn_import = button("批量导入", "btn_groups_import")
        menu = QMenu(self.btn_import)
        menu.setObjectName("menu_groups_import")
        self.action_template = menu.addAction("下载导入模板")
        self.action_template.setObjectName("action_groups_template")
        self.action_template.triggered.connect(lambda: self.download_template())
        self.action_import = menu.addAction("导入分组文件")
        self.action_import.setObjectName("action_groups_import_file")
        self.action_import.triggered.connect(lambda: self.import_file())
        self.btn_import.setMenu(menu)
        self.btn_new = button("新建分组", "btn_group_new")
        self.btn_new.clicked.connect(lambda: self.add_root())
        self.btn_save = button("保存", "btn_groups_save", primary=True)
        self.btn_save.clicked.connect(lambda: self.save())
        for b in (self.btn_import, self.btn_new, self.btn_save):
            toolbar.addWidget(b)
        toolbar.addStretch(1)
        layout.addLayout(toolbar)

        self.tree = QTreeWidget()
        self.tree.setObjectName("tree_groups")
        self.tree.setHeaderLabels(["分组名称", "保存时间", "操作"])
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.tree.header()
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(SAVED_COLUMN, 170)
        header.resizeSection(ACTIONS_COLUMN, 170)
        header.setStretchLastSection(False)
        self.tree.itemChanged.connect(self._item_changed)
        layout.addWidget(self.tree, 1)

        bottom = QHBoxLayout()
        self.status = label("", "label_groups_status")
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.btn_close = button("关闭", "btn_groups_close")
        self.btn_close.clicked.connect(self.reject)
        bottom.addWidget(self.btn_close)
        layout.addLayout(bottom)

    # -- the tree widget mirrors the draft -------------------------------------------------
    def _refill(self) -> None:
        self._filling = True
        try:
            self.tree.clear()
            self.items.clear()
            for node in self.draft.children(None):
                self._add_item(node, None)
            self.tree.expandAll()
        finally:
            self._filling = False

    def _add_item(self, node: DraftNode, parent: QTreeWidgetItem | None) -> None:
        item = QTreeWidgetItem([node.name, self._saved_text(node), ""])
        item.setData(NAME_COLUMN, KEY_ROLE, node.key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        self.items[node.key] = item
        self.tree.setItemWidget(item, ACTIONS_COLUMN, self._actions(node))
        for child in self.draft.children(node.key):
            self._add_item(child, item)

    def _actions(self, node: DraftNode) -> QWidget:
        box = QWidget()
        box.setObjectName(f"group_actions_{node.key}")
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        add = button("添加子分组", "btn_group_add_child", link=True)
        add.clicked.connect(lambda: self.add_child(node.key))
        policy = add.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # 删除 stays in its column
        add.setSizePolicy(policy)
        add.setVisible(self.draft.level(node.key) < MAX_LEVELS)  # no 4th level
        remove = button("删除", "btn_group_delete", link=True)
        remove.clicked.connect(lambda: self.delete(node.key))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        return box

    def _saved_text(self, node: DraftNode) -> str:
        if node.is_new:
            return UNSAVED
        if node.is_changed:
            return CHANGED
        return node.saved_at.strftime("%Y-%m-%d %H:%M:%S") if node.saved_at else ""

    def item(self, key: ItemOrKey) -> QTreeWidgetItem:
        return key if isinstance(key, QTreeWidgetItem) else self.items[key]

    def item_by_path(self, path: str) -> QTreeWidgetItem | None:
        key = next((n.key for n in self.draft.walk() if self.draft.path(n.key) == path), None)
        return None if key is None else self.items[key]

    def _key(self, item_or_key: ItemOrKey) -> int:
        if isinstance(item_or_key, QTreeWidgetItem):
            return int(item_or_key.data(NAME_COLUMN, KEY_ROLE))
        return item_or_key

    def _refuse(self, error: GroupRuleError) -> None:
        self._say(error.message, error=True)
        self.prompts.warning(self, error.message, title=TITLE)

    def _say(self, text: str, error: bool = False) -> None:
        """The status line: red for a refused edit, plain for what happened."""
        self.status.setProperty("role", "error" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)

    # -- 新建分组 / 添加子分组 / rename / 删除 ----------------------------------------------------
    def add_root(self, name: str | None = None) -> QTreeWidgetItem | None:
        try:
            node = self.draft.add_root(name)
        except GroupRuleError as exc:
            self._refuse(exc)
            return None
        return self._added(node, name is None)

    def add_child(self, parent: ItemOrKey, name: str | None = None) -> QTreeWidgetItem | None:
        try:
            node = self.draft.add_child(self._key(parent), name)
        except GroupRuleError as exc:
            self._refuse(exc)
            return None
        return self._added(node, name is None)

    def _added(self, node: DraftNode, edit: bool) -> QTreeWidgetItem:
        self._refill()
        item = self.items[node.key]
        self.tree.setCurrentItem(item)
        self._say("已添加分组，修改名称后请点击【保存】。")
        if edit:
            self.tree.editItem(item, NAME_COLUMN)
        return item

    def rename(self, item_or_key: ItemOrKey, name: str) -> bool:
        item = self.item(item_or_key)
        item.setText(NAME_COLUMN, name)  # goes through _item_changed
        return self.draft.node(self._key(item)).name == name.strip()

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != NAME_COLUMN:
            return
        key = self._key(item)
        node = self.draft.node(key)
        try:
            self.draft.rename(key, item.text(NAME_COLUMN))
        except GroupRuleError as exc:
            self._set_item_text(item, node.name)
            self._refuse(exc)
            return
        self._set_item_text(item, node.name)
        self._say("")

    def _set_item_text(self, item: QTreeWidgetItem, name: str) -> None:
        self._filling = True
        try:
            item.setText(NAME_COLUMN, name)
            item.setText(SAVED_COLUMN, self._saved_text(self.draft.node(self._key(item))))
        finally:
            self._filling = False

    def delete(self, item_or_key: ItemOrKey) -> int:
        """删除 after confirmation; sub-groups go too. Returns the groups removed (0 if not)."""
        key = self._key(item_or_key)
        node = self.draft.node(key)
        below = sum(1 for _ in self.draft.walk(key))
        text = f"确定删除分组“{node.name}”吗？"
        if below:
            text += f"其下的{below}个子分组也会一并删除，"
        text += "分组中的人员将变为无分组。删除在点击【保存】后生效。"
        if not self.prompts.confirm(self, text, title="删除分组"):
            return 0
        removed = self.draft.delete(key)
        self._refill()
        self._say(f"已删除{removed}个分组，请点击【保存】。")
        return removed

    # -- 保存 ----------------------------------------------------------------------------
    def save(self) -> bool:
        edits = self.draft.edits()
        if not edits:
            self._say("没有需要保存的修改。")
            return True
        try:
            self.service.apply_tree_edits(edits)
        except GroupRuleError as exc:
            self._refuse(exc)
            return False
        except Exception as exc:  # a database fault: say so, keep the draft
            self.prompts.error(self, user_message(exc), title=TITLE)
            return False
        self.reload()
        self._say("保存成功。")
        return True

    def reload(self) -> None:
        self.draft = GroupDraft(self.service.tree())
        self._refill()

    def reject(self) -> None:
        if self.draft.dirty and not self.prompts.confirm(
            self, "分组有未保存的修改，确定不保存就关闭吗？", title=TITLE
        ):
            return
        super().reject()

    # -- 批量导入 ----------------------------------------------------------------------------
    def download_template(self, path: str | None = None) -> str | None:
        chosen = path or self.save_path_provider("批量导入分组模板.xlsx")
        if not chosen:
            return None
        try:
            write_group_tree_template(chosen)
        except Exception as exc:
            self.prompts.error(self, user_message(exc), title="下载导入模板")
            return None
        self.prompts.info(self, "模板已下载，请在模板中填写分组后点击【导入分组文件】。")
        return chosen

    def import_file(self, path: str | None = None) -> ImportFlow[int] | None:
        if self.draft.dirty:
            if not self.prompts.confirm(
                self, "导入前需要先保存当前的修改，是否保存？", title="批量导入"
            ):
                return None
            if not self.save():
                return None
        chosen = path or self.open_path_provider()
        if not chosen:
            return None
        service = self.service
        self.import_flow = ImportFlow(
            self.ui,
            self,
            "批量导入分组",
            lambda ctx: read_group_tree(chosen, ctx),
            lambda rows, ctx: apply_group_tree(service, rows),
            lambda created: f"导入成功，新增{created}个分组。",
            lambda created: self.reload(),
        )
        self.import_flow.start()
        return self.import_flow
