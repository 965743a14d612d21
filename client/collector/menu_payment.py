"""代收单位 menu part: 费款缴纳 (缴费, 缴费凭证打印记录, 三方协议缴费记录) and 社保费缴费证明打印 (manual §3.9–§3.12).

Only entries whose page works end to end are listed; client/collector/module.py places them.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

PAYMENT_MENU: tuple[MenuEntry | MenuGroup, ...] = ()
