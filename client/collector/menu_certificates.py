"""代收单位 menu part: 社保费完税证明 (开具, 补开, 查验, 个人税收完税证明（非印刷）开具/补开; manual §3.13, §3.14, §3.24–§3.26).

Only entries whose page works end to end are listed; client/collector/module.py places them.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

CERTIFICATE_MENU: tuple[MenuEntry | MenuGroup, ...] = ()
