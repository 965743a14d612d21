"""城乡居民参保信息更新 (manual §3.2): the resident roster on the shared roster page shape.

Toolbar as the manual lists it: 更新 (增量更新/全量更新), 导出 (按查询结果; `export_choices` is
where 按申报模板 joins), 更新数据导出, 信息维护 (下载导入模板/导入文件), 分组管理; 统计 参保总数,
医疗, 养老 above the list; 查看 and 编辑 per row.
"""

from __future__ import annotations

from datetime import date

from client.collector.page_parts import (
    download_info_template,
    export_declaration_template,
    import_info,
    info_menu,
)
from client.errors import user_message
from client.roster.resident_fields import ResidentFieldStore
from client.roster.resident_import import RosterPeople
from client.roster.residents import ResidentDetail, ResidentRosterService
from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase
from client.ui.dialogs.detail import DetailSection, DetailTable
from client.ui.import_flow import ImportFlow
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    Condition,
    TextCondition,
)
from client.ui.pages import PageContext
from client.ui.roster.page import RosterPageShape
from client.ui.roster.resident_edit import ResidentEditDialog

ITEM_COLUMNS = (
    Column("person_number", "人员编号", 100),
    Column("levy_item", "征收项目", 150),
    Column("levy_category", "征收品目", 220),
    Column("levy_subcategory", "征收子目", 150),
    Column("start_month", "开始缴费月份", 95, kind="month"),
    Column("end_month", "终止缴费月份", 95),
)


class ResidentRosterPage(RosterPageShape):
    page_key = "resident_roster"
    object_name = "page_resident_roster"
    detail_object_name = "dialog_resident_detail"
    full_update_hint = "【更新】中的【全量更新】"
    service: ResidentRosterService

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.fields = ResidentFieldStore(ctx.session.db)
        self.info_people = RosterPeople(ctx.session.db, self.fields)
        self.edit_dialog: ResidentEditDialog | None = None
        self.info_import: ImportFlow[int] | None = None
        self.template_handle: JobHandle[int] | None = None

    def make_service(
        self, app_db: AppDatabase, db: UnitDatabase, today: date
    ) -> ResidentRosterService:
        return ResidentRosterService(app_db, db, today)

    # -- the page as the manual describes it -----------------------------------------------
    def columns(self) -> list[Column]:
        s = self.service
        return [
            Column("name", "姓名", 80),
            Column("gender", "性别", 45, align="center"),
            Column("id_type", "证件类型", 90, formatter=s.id_type_name),
            Column("id_number", "证件号码", 150),
            Column("township", "乡镇街道", 85),
            Column("village", "社区村组", 105),
            Column("insurance", "险种", 80, sortable=False),
            Column("status", "参保状态", 75, formatter=s.status_name),
            Column("phone", "手机号码", 105),
            Column("group_name", "分组", 85),
            Column("remark", "备注", 90),
            Column("updated_at", "更新时间", 135, kind="datetime"),
        ]

    def conditions(self) -> list[Condition]:
        s = self.service
        return [
            TextCondition("name", "姓名", placeholder="姓名或拼音首字母"),
            ComboCondition("id_type", "证件类型", s.id_type_options),
            TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
            ComboCondition("township", "乡镇街道", s.township_options),
            TextCondition("village", "社区村组", placeholder=FUZZY_PLACEHOLDER),
            ComboCondition("insurance", "险种", s.insurance_options),
            ComboCondition("status", "参保状态", s.status_options),
            TextCondition("phone", "手机号码", placeholder=FUZZY_PLACEHOLDER),
            self.group_condition(),
        ]

    def actions(self) -> list[Action]:
        return [
            Action(
                "update",
                "更新",
                children=(
                    self.update_action("update_incremental", "增量更新", "incremental"),
                    self.update_action("update_full", "全量更新", "full"),
                ),
            ),
            Action("export", "导出", children=tuple(self.export_choices())),
            Action("update_export", "更新数据导出", lambda _p: self.show_latest_changes()),
            info_menu(self.download_template, self.import_info),
            Action("group_manage", "分组管理", lambda _p: self.manage_groups()),
        ]

    def export_choices(self) -> list[Action]:
        """导出's drop-down (§3.2 三): 按查询结果, and 按申报模板 (the residents of the query in
        the 社保费代收代报（自主） import template, `client.collector.self_template`)."""
        return [
            Action("export_query", "按查询结果", lambda _p: self.export_query()),
            Action("export_template", "按申报模板", lambda _p: self.export_template()),
        ]

    # -- 导出 ----------------------------------------------------------------------------------
    def export_query(self) -> JobHandle[int] | None:
        """按查询结果: every resident of the query, with the list's columns."""
        return self.list.export_all(f"{self.kind.export_name}_按查询结果")

    def export_template(self, path: str | None = None) -> JobHandle[int] | None:
        """按申报模板: every resident of the query in the 社保费代收代报（自主） import template,
        one row per 征收品目 insured in the 缴费年度 (the 档次 filled in where it is clear), so the
        clerk records the collection in it and imports it there."""

        def told(count: int, year: int) -> str:
            return (
                f"导出成功，共{count:,}行（每位居民每个参保险种一行，缴费年度{year}），"
                "可核对缴费档次后在【社保费代收代报（自主）】中导入。"
            )

        handle = export_declaration_template(
            self, self.list, self.list.filters, self.kind.export_name, told, path
        )
        self.template_handle = handle or self.template_handle
        return handle

    # -- 查看 / 编辑 ------------------------------------------------------------------------
    def detail_sections(self, record_id: int) -> list[DetailSection] | None:
        detail = self.service.detail(record_id)
        return None if detail is None else resident_sections(detail)

    def edit(self, record_id: int) -> ResidentEditDialog | None:
        """编辑: 手机号码, 分组, 备注."""
        try:
            dialog = ResidentEditDialog(
                self.ctx.ui, self.fields, self.service.groups, record_id, self
            )
        except Exception as exc:  # gone since the list was read
            self.prompts.warning(self, user_message(exc))
            return None
        dialog.accepted.connect(self.list.refresh)
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    # -- 信息维护 ------------------------------------------------------------------------------
    def download_template(self, path: str | None = None) -> JobHandle[int] | None:
        """下载导入模板: the template filled with the residents of the query, to edit."""

        def done(count: int) -> None:
            self.prompts.info(
                self,
                f"模板已下载，含当前查询的{count:,}名城乡居民，"
                "请在模板中修改分组、手机号码、备注后点击【导入文件】。",
            )

        handle = download_info_template(self, self.info_people, path, self.list.source,
                                        dict(self.list.filters), self.list.total, done)  # fmt: skip
        self.template_handle = handle or self.template_handle
        return handle

    def import_info(self, path: str | None = None) -> ImportFlow[int] | None:
        """导入文件: check the file, preview, and save the confirmed rows' values."""
        flow = import_info(self, self.info_people, path, lambda _count: self.refresh())
        self.info_import = flow or self.info_import
        return flow


def resident_sections(detail: ResidentDetail) -> list[DetailSection]:
    basic = DetailSection(
        "基本信息",
        fields=[
            ("姓名", detail.name),
            ("证件类型", detail.id_type),
            ("证件号码", detail.id_number),
            ("性别", detail.gender),
            ("出生日期", detail.birth_date),
            ("参保状态", detail.status),
            ("乡镇街道", detail.township),
            ("社区村组", detail.village),
            ("险种", detail.insurance),
            ("手机号码", detail.phone),
            ("登记手机号码", detail.registered_phone),
            ("分组", detail.group),
            ("备注", detail.remark),
            ("更新时间", detail.updated_at),
        ],
    )
    items = DetailSection(
        "参保信息",
        tables=[DetailTable(ITEM_COLUMNS, [it.__dict__ for it in detail.items], title="参保险种")],
    )
    return [basic, items]
