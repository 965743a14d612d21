"""代收单位 module descriptor (manual chapter 3). Only pages that work are listed."""

from __future__ import annotations

from client.modules import ModuleDescriptor

DESCRIPTOR = ModuleDescriptor(
    key="collector",
    title="代收单位",
    feed="residents",
    menu=(),
    quick_buttons=("unit_info", "network", "password", "rule_files"),
)
