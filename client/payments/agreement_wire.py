"""The wire layout of 三方协议 (docs/http-contract.md, 费款缴纳 › 三方协议), checked before
anything is kept: an answer of another shape raises `MalformedResponseError`, so the local
list is never replaced by half of one."""

from __future__ import annotations

import re
from typing import Any

from client.sync.errors import MalformedResponseError

# 协议状态
UNVERIFIED, VERIFYING, VERIFIED, FAILED, ENDED = (
    "未验证",
    "验证中",
    "验证通过",
    "验证失败",
    "协议终止",
)
STATUSES = (UNVERIFIED, VERIFYING, VERIFIED, FAILED, ENDED)
# 批扣标志 (shown as 协议用途)
FEE_BATCH, ALL_BATCH, NO_BATCH = "费批扣", "所有批扣", "所有非批扣"
DEDUCTION_FLAGS = (FEE_BATCH, ALL_BATCH, NO_BATCH)

REQUIRED_TEXT = (
    "agreement_id", "bank_code", "bank_name", "branch_code", "branch_name", "region_code",
    "tax_authority", "account_name", "account_number", "account_masked", "deduction_flag",
    "status", "created_at",
)  # fmt: skip
OPTIONAL_TEXT = (
    "agreement_number", "tripartite_number", "agreement_name", "customer_name",
    "clearing_bank_code", "reason", "verified_on", "ended_at",
)  # fmt: skip
FIELDS = (*REQUIRED_TEXT, *OPTIONAL_TEXT, "allow_deduction")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"agreement {what}")


def agreement(entry: Any) -> dict[str, Any]:
    """One agreement as a row of `pay_agreements` (without `fetched_at`)."""
    if not isinstance(entry, dict):
        raise _fail("entry is not an object")
    missing = [k for k in FIELDS if k not in entry]
    if missing:
        raise _fail(f"fields missing: {missing}")
    for key in REQUIRED_TEXT:
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise _fail(f"{key} is not a non-empty string: {entry[key]!r}")
    for key in OPTIONAL_TEXT:
        if entry[key] is not None and not isinstance(entry[key], str):
            raise _fail(f"{key} is not a string: {entry[key]!r}")
    if not isinstance(entry["allow_deduction"], bool):
        raise _fail(f"allow_deduction is not a boolean: {entry['allow_deduction']!r}")
    if entry["status"] not in STATUSES:
        raise _fail(f"status {entry['status']!r}")
    if entry["deduction_flag"] not in DEDUCTION_FLAGS:
        raise _fail(f"deduction_flag {entry['deduction_flag']!r}")
    if entry["verified_on"] is not None and not _DAY.match(entry["verified_on"]):
        raise _fail(f"verified_on {entry['verified_on']!r}")
    return {k: entry[k] for k in FIELDS}


def agreements(payload: Any) -> list[dict[str, Any]]:
    """The list answer (`{"agreements": [...]}`), every entry checked; ids do not repeat."""
    entries = payload.get("agreements") if isinstance(payload, dict) else None
    if not isinstance(entries, list):
        raise _fail("list answer has no agreements list")
    rows = [agreement(e) for e in entries]
    if len({r["agreement_id"] for r in rows}) != len(rows):
        raise _fail("agreement_id repeats")
    return rows
