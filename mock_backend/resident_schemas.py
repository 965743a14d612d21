"""Pydantic models of a 代收单位's resident endpoints (issue 12) for the OpenAPI document and
the admin request bodies. Request bodies of the unit's endpoints are read and checked by the
routes themselves (Chinese messages naming the row); these models only describe them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mock_backend.schemas import _In


class PersonIn(BaseModel):
    name: str
    id_type: str = Field(description="证件类型 code (rule file id_types)")
    id_number: str


class PersonsIn(BaseModel):
    persons: list[PersonIn]


class RegisteredPerson(BaseModel):
    person_number: str | None
    gender: str
    birth_date: str
    township: str
    village: str
    phone: str | None
    items: list[list[Any]] = Field(
        description="[person_number, levy_item, levy_category, levy_subcategory, start_month,"
        " end_month]"
    )


class LookupResult(BaseModel):
    name: str
    id_type: str
    id_number: str = Field(description="as sent")
    status: Literal["正常参保", "未参保"]
    person: RegisteredPerson | None


class LookupResults(BaseModel):
    results: list[LookupResult]


class ExternalCount(BaseModel):
    count: int = Field(description="external residents stored")
    registered: int = Field(description="of them 正常参保 now")


class GradePerson(BaseModel):
    name: str
    id_type: str
    id_number: str
    person_number: str | None
    township: str
    village: str


class GradeAnswer(BaseModel):
    person: GradePerson
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[levy_item, levy_category, grade, name, amount, current]"
    )


class StatusPage(BaseModel):
    year: int
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[resident_id, name, id_type, id_number, township, village, levy_item,"
        " levy_category, declare_status, pay_status, grade, amount, declaration_id,"
        " declared_at, paid_at]"
    )
    total: int = Field(description="rows (resident × 征收品目) of the whole snapshot")
    next_after_id: int | None


class ResidentRowIn(BaseModel):
    name: str
    id_type: str
    id_number: str
    levy_item: Literal["10210", "10211"]
    levy_category: str
    year: int
    grade: str = Field(description="缴费档次 of the resident_grades rule file")


class ResidentDeclarationIn(BaseModel):
    rows: list[ResidentRowIn] = Field(description="1–100,000 persons × 征收品目 × 年度")


# -- admin -------------------------------------------------------------------------------
class RegistryPersonIn(_In):
    name: str
    id_type: str = "01"
    id_number: str
    township: str = "城关街道"
    village: str = "城关社区第1组"
    levy_categories: list[str] = Field(
        description="城乡居民 征收品目 the person is insured in (102100001, 102110001…3)"
    )
    gender: str | None = Field(None, description="default: from the 居民身份证 number")
    birth_date: str | None = Field(None, description="default: from the 居民身份证 number")
    phone: str | None = None
    grade: str = Field("01", pattern=r"^\d{2}$", description="养老 档次 of the 征收子目")
    start_month: str = Field("2016-01", pattern=r"^\d{4}-\d{2}$")
    end_month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")


class RegistryIn(_In):
    region: str
    persons: list[RegistryPersonIn] = Field(min_length=1, max_length=100_000)


class RegistryAdded(BaseModel):
    count: int
    ids: list[int]
