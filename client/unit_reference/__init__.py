"""单位信息, 单位参保信息 and 工程项目参保信息: reference data of the unit from 管理子系统.

`service` (no Qt) downloads and keeps them; the pages live beside it (`unit_info_page`) and
in `client.employer` (the two 查询统计 lists).
"""

from __future__ import annotations

from client.unit_reference.service import (
    DATA_SETS,
    PROJECTS,
    TITLES,
    UNIT_INFO,
    UNIT_INSURANCE,
    DownloadStamp,
    LevyNames,
    UnitInfoRecord,
    download,
    empty_reason,
    format_rate,
    insurance_source,
    last_download,
    projects_source,
    sync_unit_reference,
    unit_info,
)

__all__ = [
    "DATA_SETS",
    "PROJECTS",
    "TITLES",
    "UNIT_INFO",
    "UNIT_INSURANCE",
    "DownloadStamp",
    "LevyNames",
    "UnitInfoRecord",
    "download",
    "empty_reason",
    "format_rate",
    "insurance_source",
    "last_download",
    "projects_source",
    "sync_unit_reference",
    "unit_info",
]
