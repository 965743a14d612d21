"""代收单位 module descriptor (manual chapter 3). Only pages that work are listed."""

from __future__ import annotations

from client.modules import MenuEntry, ModuleDescriptor

DESCRIPTOR = ModuleDescriptor(
    key="collector",
    title="代收单位",
    feed="residents",
    menu=(
        MenuEntry(
            "residents",
            "城乡居民参保信息更新",
            "client.collector.resident_roster_page:ResidentRosterPage",
        ),
    ),
    quick_buttons=("residents", "unit_info", "network", "password", "rule_files"),
)
