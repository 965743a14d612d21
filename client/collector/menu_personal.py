"""代收单位 menu part: 城乡居民个人缴费 (社保费缴纳（自主）, 社保费缴纳（核定）, 缴费记录查询; §3.21–§3.23).

Only entries whose page works end to end are listed; client/collector/module.py places them.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

PERSONAL_MENU: tuple[MenuEntry | MenuGroup, ...] = ()
