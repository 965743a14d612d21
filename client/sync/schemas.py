"""The client's side of the HTTP contract (docs/http-contract.md) as pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Region(_Model):
    code: str
    name: str
    employer_online: bool
    collector_online: bool
    collection_mode: str


class RegionList(_Model):
    regions: list[Region]


class ServerTime(_Model):
    now: str
    today: str


class UnitInfo(_Model):
    unit_id: str
    taxpayer_id: str
    taxpayer_name: str
    registered_on: str | None = None
    taxpayer_status: str | None = None
    unit_type: str | None = None
    kind: str
    region: str
    tax_authority: str = ""
    tax_section: str = ""


class UnitLookup(_Model):
    taxpayer_id: str
    units: list[UnitInfo]


class LoginResult(_Model):
    token: str
    expires_at: str
    initial_password: bool
    unit: UnitInfo


class PasswordChanged(_Model):
    initial_password: bool


class RegistrationRow(_Model):
    unit_number: str
    agency: str
    agency_type: str
    tax_authority: str
    tax_section: str


class RegistrationInfo(_Model):
    unit: UnitInfo
    registrations: list[RegistrationRow]


class RuleFileRef(_Model):
    code: str
    name: str
    version: str


class RuleIndex(_Model):
    files: list[RuleFileRef]


class RuleFileContent(_Model):
    code: str
    name: str
    version: str
    content: dict[str, Any]


class NoticeRow(_Model):
    id: int
    seq: int
    title: str
    body: str
    published_at: str
    withdrawn: bool = False


class NoticePage(_Model):
    cursor: int
    notices: list[NoticeRow]
