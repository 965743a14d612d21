"""The shared shape of the manual's list pages, described declaratively.

A page file declares a `ListPageSpec` (columns, query conditions, toolbar actions, row
actions, summary) and shows it with `ListPage(spec, source, services)`, where `source` is
a `client.storage.listing.ListSource` (usually a `QueryListSource`).
"""

from __future__ import annotations

from client.ui.listpage.context import PageServices
from client.ui.listpage.model import ListTableModel
from client.ui.listpage.page import ListPage
from client.ui.listpage.spec import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    Condition,
    DateRangeCondition,
    ListPageSpec,
    MonthRangeCondition,
    RowAction,
    TextCondition,
    export_action,
    format_amount,
    format_date,
    format_datetime,
    format_month,
)

__all__ = [
    "FUZZY_PLACEHOLDER",
    "Action",
    "Column",
    "ComboCondition",
    "Condition",
    "DateRangeCondition",
    "ListPage",
    "ListPageSpec",
    "ListTableModel",
    "MonthRangeCondition",
    "PageServices",
    "RowAction",
    "TextCondition",
    "export_action",
    "format_amount",
    "format_date",
    "format_datetime",
    "format_month",
]
