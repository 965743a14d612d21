"""代收单位 menu part: 缴费授权: 居民银行账户管理 (§3.18), 居民两两协议签订 (§3.19).

Only entries whose page works end to end are listed; client/collector/module.py places them.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

ACCOUNT_ENTRIES: tuple[MenuEntry | MenuGroup, ...] = (
    MenuEntry(
        "auth_accounts",
        "居民银行账户管理",
        "client.ui.authorisation.accounts_page:AccountsPage",
    ),
    MenuEntry(
        "auth_agreements",
        "居民两两协议签订",
        "client.ui.authorisation.agreements_page:AgreementsPage",
    ),
)
