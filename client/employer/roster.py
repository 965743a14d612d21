"""职工参保信息更新 (manual §2.2) under its older import path: the employee roster is
`client.roster.employees` on the roster both modules share (`client.roster.service`)."""

from __future__ import annotations

from client.roster.codes import CodeTables
from client.roster.employees import (
    EMPLOYEE_ROSTER,
    EmployeeDetail,
    InsuredItemRow,
    UnitNumberBlock,
)
from client.roster.employees import EmployeeRosterService as RosterService
from client.roster.service import RosterStats

__all__ = [
    "EMPLOYEE_ROSTER",
    "CodeTables",
    "EmployeeDetail",
    "InsuredItemRow",
    "RosterService",
    "RosterStats",
    "UnitNumberBlock",
]
