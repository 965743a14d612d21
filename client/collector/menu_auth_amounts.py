"""代收单位 menu part: 缴费授权: 社保费批扣费额设置 (§3.17); ROLL_ENTRIES: 社保费批扣清册查询 (§3.20).

Only entries whose page works end to end are listed; client/collector/module.py places them.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

AMOUNT_ENTRIES: tuple[MenuEntry | MenuGroup, ...] = (
    MenuEntry(
        "auth_amounts",
        "社保费批扣费额设置",
        "client.ui.authorisation.amounts_page:AmountSettingsPage",
    ),
)

ROLL_ENTRIES: tuple[MenuEntry | MenuGroup, ...] = (
    MenuEntry(
        "auth_rolls",
        "社保费批扣清册查询",
        "client.ui.authorisation.rolls_page:DeductionRollsPage",
    ),
)
