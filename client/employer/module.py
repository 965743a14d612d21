"""用人单位 module descriptor (manual chapter 2). Only pages that work are listed."""

from __future__ import annotations

from client.modules import ModuleDescriptor

DESCRIPTOR = ModuleDescriptor(
    key="employer",
    title="用人单位",
    feed="employees",
    menu=(),
    quick_buttons=("network", "password", "rule_files"),
)
