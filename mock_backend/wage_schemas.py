"""Pydantic models of 缴费工资申报 for the OpenAPI document.

The request body is checked by `wage_input` (Chinese messages, 422 INVALID_DECLARATION);
the models here describe it and the answers in /docs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

DeclarationStatus = Literal["待反馈", "全部申报成功", "全部申报失败", "部分申报成功"]


class WageItemIn(BaseModel):
    unit_number: str = Field(description="单位编号")
    levy_item: str = Field(description="征收项目代码 (税务自主 items only)")
    levy_category: str = Field(description="征收品目代码")
    old_wage: str | None = Field(None, description="原缴费工资, e.g. 4492.00")
    new_wage: str = Field(description="新缴费工资, e.g. 6000.00 (0 or less fails the row)")


class WageRowIn(BaseModel):
    employee_id: int
    id_number: str
    effective_month: str | None = Field(
        None, description="生效年月 YYYY-MM; required for daily, null for annual"
    )
    items: list[WageItemIn] = Field(min_length=1)


class WageDeclarationIn(BaseModel):
    declaration_type: Literal["daily", "annual"]
    mode: Literal["by_employee", "by_item"]
    tax_authority: str
    rows: list[WageRowIn] = Field(min_length=1, max_length=100_000)


class WageSubmitted(BaseModel):
    declaration_id: str
    status: Literal["待反馈"]
    submitted_at: str
    rows: int
    processing_delay_seconds: int


class WageDeclarationSummary(BaseModel):
    declaration_id: str
    declaration_type: Literal["daily", "annual"]
    mode: Literal["by_employee", "by_item"]
    tax_authority: str
    submitted_at: str
    rows: int
    succeeded: int
    failed: int
    status: DeclarationStatus


class WageDeclarationList(BaseModel):
    declarations: list[WageDeclarationSummary]


class WageDeclarationDetail(WageDeclarationSummary):
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[employee_id, name, id_type, id_number, old_wage, new_wage,"
        " effective_month, status (待反馈/成功/失败), reason]"
    )


def request_body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` documenting a JSON body the route reads itself ($defs inlined)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline(schema)}},
        }
    }
