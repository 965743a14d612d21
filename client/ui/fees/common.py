"""What the 社保费申报 pages of both modules share: the services of the logged-in unit, the
code names, the wording of the module (职工 or 居民), and the columns of items and
declarations, declared once."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from client.fees.declare import FeeDeclarations
from client.fees.rules import (
    CATEGORY_TITLES,
    PROJECT,
    SOURCE_TITLES,
    SPECIAL,
    DeclarationPage,
    categories_for,
    rate_text,
)
from client.storage.listing import ListSource, MappedSource
from client.ui.listpage import Column, PageServices
from client.ui.listpage.spec import RowHandler
from client.ui.pages import PageContext
from client.unit_reference.service import LevyNames

PAYMENT_ENTRY = "fee_payment"  # 费款缴纳-缴费, once that page exists
WHERE_TO_PAY = "请通过电子税务局（社保费）、银行柜台或办税服务厅缴纳；缴费后可在本页面点击【同步】查看缴费状态。"


class FeeScope:
    """The fee services and names of the logged-in unit, as the pages need them."""

    def __init__(self, ctx: PageContext, page: QWidget) -> None:
        session = ctx.session
        self.ctx = ctx
        self.declarations = FeeDeclarations(session.api, session.db, session.unit.unit_id)
        self.items = self.declarations.items
        self.names = LevyNames(ctx.ui.app.app_db)
        self.id_types = ctx.ui.app.app_db.code_table("id_types")
        self.person = "职工" if ctx.module.feed == "employees" else "居民"
        self.collection_mode = session.region.collection_mode
        self.categories = categories_for(session.kind)
        self.services = PageServices(ctx.ui.app.settings, ctx.ui.prompts, ctx.ui.runner(page))

    @property
    def taxpayer(self) -> tuple[str, str]:
        unit = self.ctx.session.unit
        return unit.taxpayer_id, unit.taxpayer_name

    def id_type(self, code: Any) -> str:
        return self.id_types.get(code, code or "") if code else ""


def source_title(code: Any) -> str:
    return SOURCE_TITLES.get(code, code or "")


def category_title(code: Any) -> str:
    return CATEGORY_TITLES.get(code, code or "")


def with_rate(source: ListSource) -> MappedSource:
    """Rows with their 费率 as shown ("16%+8%"), from the unit and personal rates."""

    def add(row: dict[str, Any]) -> dict[str, Any]:
        row["rate"] = rate_text(row.get("unit_rate"), row.get("personal_rate"))
        return row

    return MappedSource(source, add)


def item_columns(
    scope: FeeScope, page: DeclarationPage | None, on_headcount: RowHandler | None
) -> list[Column]:
    """The columns of an item list (预处理信息 / 征集信息 / 特殊缴费 / 工程项目)."""
    names = scope.names
    categories = page.categories if page else (PROJECT, SPECIAL)
    sources = page.sources if page else ("01", "02", "03")
    serial = any(s != "01" for s in sources) or PROJECT in categories
    columns = [Column("unit_number", "单位编号", 100)]
    if PROJECT in categories:
        columns.append(Column("project_number", "工程项目编号", 170))
    if page is None or len(sources) > 1:
        columns.append(Column("data_source", "数据来源", 130, formatter=source_title))
    if serial:
        columns += [
            Column("collection_serial", "征集通知流水号", 170),
            Column("valid_until", "征集有效日期", 100, kind="date"),
        ]
    columns += [
        Column("period_start", "费款所属期起", 95, kind="month"),
        Column("period_end", "费款所属期止", 95, kind="month"),
        Column("levy_item", "征收项目", 160, formatter=names.levy_item),
        Column("levy_category", "征收品目", 200, formatter=names.levy_category),
    ]
    if SPECIAL in categories:
        columns.append(Column("special_type", "特殊缴费类型", 100, align="center"))
    if PROJECT not in categories or page is None:
        columns.append(
            Column(
                "headcount",
                "缴费人数",
                80,
                kind="number",
                on_click=on_headcount,
                clickable=lambda row: bool(row.get("headcount")),
            )  # fmt: skip
        )
    columns += [
        Column("base_total", "缴费基数（元）", 120, kind="amount"),
        Column("rate", "费率", 90, align="right", sortable=False),  # with_rate() adds it
        Column("unit_amount", "单位应缴（元）", 110, kind="amount"),
        Column("personal_amount", "个人应缴（元）", 110, kind="amount"),
        Column("amount", "应缴金额（元）", 120, kind="amount"),
        Column("agency", "社保经办机构", 200),
        Column("reason", "上次申报失败原因", 260, sortable=False),
    ]  # fmt: skip
    return columns
