"""社保费批扣费额设置 (manual §3.17): the 缴费金额 a bank deducts for a resident, 险种 and
生效年度, kept by the 管理子系统. 新增 is two steps: the three facts and 参保险种 (the resident
must be in this agent's area and insured in the 险种), then 生效年度 and a 缴费金额 among
that year's 缴费档次. A second 有效 setting of the same resident, 险种 and year is refused by
the server; 作废 ends an 有效 one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from client.authorisation.people import AreaResident
from client.authorisation.rolls_source import RemoteListSource
from client.collector.persons import PersonError
from client.collector.resident_queries import ResidentQueries

INSURANCES: dict[str, str] = {"10210": "城乡居民基本养老保险", "10211": "城乡居民基本医疗保险"}
INSURANCE_SHORT: dict[str, str] = {"10210": "养老保险", "10211": "医疗保险"}
VALID, VOIDED = "有效", "已作废"
STATES = (VALID, VOIDED)
VOID_QUESTION = "是否确定作废此险种批扣费额信息? 作废后该险种将无法参与社保费批扣。"
CENT = Decimal("0.01")


class AmountError(PersonError):
    """A refusal before anything is sent (`field` names the input to correct)."""


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    amount: Decimal


@dataclass
class AmountCandidate:
    """新增 第一步's answer: the resident, the 险种 as insured, and the 档次 of each year."""

    resident: AreaResident
    insurance: str
    levy_category: str
    levy_subcategory: str
    agency: str
    grades: dict[int, list[Grade]]  # 生效年度 → 档次, newest year first
    valid: list[dict[str, Any]] = field(default_factory=list)  # 有效 settings of the 险种

    @property
    def insurance_name(self) -> str:
        return INSURANCES.get(self.insurance, self.insurance)

    @property
    def years(self) -> list[int]:
        return list(self.grades)

    def amounts(self, year: int) -> list[Decimal]:
        return [g.amount for g in self.grades.get(year, [])]

    def valid_years(self) -> set[int]:
        return {int(s["year"]) for s in self.valid}

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> AmountCandidate:
        grades = {
            int(y["year"]): [Grade(g["code"], g["name"], Decimal(g["amount"])) for g in y["grades"]]
            for y in body.get("years", [])
        }
        return cls(
            AreaResident.of(body["resident"]),
            str(body["insurance"]),
            str(body["levy_category"]),
            str(body["levy_subcategory"]),
            str(body.get("agency") or ""),
            grades,
            list(body.get("valid", [])),
        )


def check_insurance(value: Any) -> str:
    code = str(value or "").strip()
    if code not in INSURANCES:
        raise AmountError("请选择参保险种。", "insurance")
    return code


def check_amount(candidate: AmountCandidate, year: Any, text: Any) -> Decimal:
    """The 缴费金额 as Decimal (two places), which must be one of the year's 档次."""
    try:
        chosen = int(str(year).strip())
    except (TypeError, ValueError):
        raise AmountError("请选择生效年度。", "year") from None
    if chosen not in candidate.grades:
        raise AmountError("请选择生效年度。", "year")
    raw = str(text or "").strip().replace(",", "")
    if not raw:
        raise AmountError("请填写缴费金额。", "amount")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise AmountError(f"缴费金额“{raw}”不是有效的金额，请填写数字。", "amount") from None
    if not amount.is_finite() or amount <= 0:
        raise AmountError("缴费金额必须大于0。", "amount")
    if amount != amount.quantize(CENT):
        raise AmountError("缴费金额最多保留两位小数。", "amount")
    allowed = candidate.amounts(chosen)
    if amount not in allowed:
        options = "、".join(f"{a:.2f}" for a in allowed)
        raise AmountError(
            f"缴费金额{amount:.2f}元不是{chosen}年度{candidate.insurance_name}的缴费档次，"
            f"可选金额为{options}元。",
            "amount",
        )
    return amount.quantize(CENT)


def setting_row(row: dict[str, Any]) -> dict[str, Any]:
    """A listed setting with the names the page shows."""
    row["insurance_name"] = INSURANCES.get(row.get("insurance", ""), row.get("insurance", ""))
    return row


class AmountSettings(ResidentQueries):
    """The 管理子系统 calls of 社保费批扣费额设置 for one unit."""

    PATH = "/mgmt/units/{unit_id}/authorisation/amount-settings"

    def candidate(self, name: Any, id_type: Any, id_number: Any, insurance: Any) -> AmountCandidate:
        """新增 第一步 (下一步): facts checked here, then the server's answer or its sentence
        (RESIDENT_NOT_FOUND, NOT_INSURED 未查询到城乡居民参保信息)."""
        person = self.person(name, id_type, id_number)
        code = check_insurance(insurance)
        body = self.api.post_json(f"{self.path}/candidate", {**person.wire(), "insurance": code})
        return AmountCandidate.of(body)

    def save(self, candidate: AmountCandidate, year: Any, amount: Any) -> dict[str, Any]:
        """保存 one setting; the server refuses a second 有效 one (409 AMOUNT_EXISTS)."""
        value = check_amount(candidate, year, amount)
        body = {**candidate.resident.facts().wire(), "insurance": candidate.insurance,
                "year": int(year), "amount": f"{value:.2f}"}  # fmt: skip
        return setting_row(self.api.post_json(self.path, body))

    def void(self, setting_id: int) -> dict[str, Any]:
        """作废 an 有效 setting (the server refuses one already 已作废)."""
        return setting_row(self.api.post_json(f"{self.path}/{setting_id}/void", None))

    def source(self) -> RemoteListSource:
        """The list's rows, filtered by 姓名, 证件号码, 险种, 生效年度 and 有效标志."""
        return RemoteListSource(self.api, self.path, "setting_id", _list_params, (),
                                setting_row)  # fmt: skip


def _list_params(filters: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("name", "id_number", "insurance", "year", "state"):
        value = filters.get(key)
        if value not in (None, ""):
            out[key] = str(value).strip()
    return out
