"""代收单位 menu part: 城乡居民个人缴费 (社保费缴纳（自主）, 社保费缴纳（核定）, 缴费记录查询; §3.21–§3.23).

Only entries whose page works end to end are listed; client/collector/module.py places them.
社保费缴纳（自主） is shown in 税务自主 regions, 社保费缴纳（核定） in 税务代征 ones (the collection
modes of the region, as client.fees.rules names them).
"""

from __future__ import annotations

from client.fees.rules import COLLECTED_FOR_OTHERS, SELF_COLLECTED
from client.modules import MenuEntry, MenuGroup

PAGES = "client.ui.personal_payment"

PERSONAL_MENU: tuple[MenuEntry | MenuGroup, ...] = (
    MenuGroup(
        "城乡居民个人缴费",
        (
            MenuEntry(
                "personal_pay_self",
                "社保费缴纳（自主）",
                f"{PAGES}.pay_page:PersonalPayPage",
                modes=frozenset({SELF_COLLECTED}),
            ),
            MenuEntry(
                "personal_pay_verified",
                "社保费缴纳（核定）",
                f"{PAGES}.pay_page:VerifiedPayPage",
                modes=frozenset({COLLECTED_FOR_OTHERS}),
            ),
            MenuEntry(
                "personal_payments", "缴费记录查询", f"{PAGES}.records_page:PersonalPaymentsPage"
            ),
        ),
    ),
)
