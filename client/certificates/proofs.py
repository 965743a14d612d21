"""职工缴费证明 / 单位缴费证明 (manual §2.16, §2.17) and the 城乡居民 社保费缴费证明 (§3.12):
the 缴费清单 from the 管理子系统, why nothing was found, and the PDF of the ticked rows.

One `ProofKind` per kind of 证明 says what is asked and what is printed; the page, the query
and the document are the same code for all three."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from client.certificates import wire
from client.certificates.rules import NOTHING_TICKED, CertificateError, check_period
from client.documents import payment_proof
from client.documents.payment_proof_pdf import write_payment_proof
from client.domain.ids import ID_CARD, identity_number_error
from client.fees.journal import FeeJournal
from client.sync.api import ApiClient
from client.sync.unit_service import UnitCalls

YEAR_LABEL = "缴费年度"
YEAR_REQUIRED = "请选择缴费年度起止。"
YEAR_ORDER = "缴费年度起不能晚于缴费年度止。"


def check_years(start: str | None, end: str | None) -> tuple[str, str]:
    """缴费年度起止 (城乡居民): two years, the first not after the second."""
    start, end = str(start or "").strip(), str(end or "").strip()
    if not (len(start) == len(end) == 4 and start.isdigit() and end.isdigit()):
        raise CertificateError(YEAR_REQUIRED)
    if start > end:
        raise CertificateError(YEAR_ORDER)
    return start, end


@dataclass(frozen=True)
class ProofKind:
    """One kind of 缴费证明 as the pages query it: its document (layout, 证明 title, period
    label, how the person is called: `client.documents.payment_proof`), the page's name
    and the manual's "原因可能有" for an empty answer."""

    document: payment_proof.ProofKind
    title: str  # the page's and the journal's name
    reasons: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.document.key

    @property
    def person(self) -> bool:
        return self.document.is_person

    @property
    def period_label(self) -> str:
        return self.document.period_label

    @property
    def by_year(self) -> bool:
        """城乡居民 pay by 缴费年度 (YYYY), the others by 费款所属期 (YYYY-MM)."""
        return self.document.period_label == YEAR_LABEL


EMPLOYEE = ProofKind(
    payment_proof.EMPLOYEE, "职工缴费证明",
    ("未查询到该职工的登记信息，即职工参保登记信息菜单不存在该人员。",
     "职工在输入的费款所属期内未完成社保费缴纳。", "缴纳的费款未入库。"),
)  # fmt: skip
UNIT = ProofKind(
    payment_proof.UNIT, "单位缴费证明",
    ("单位在输入的费款所属期内未完成社保费缴纳。", "缴纳的费款未入库。"),
)  # fmt: skip
RESIDENT = ProofKind(
    payment_proof.RESIDENT, "社保费缴费证明",
    ("未查询到该城乡居民的登记信息，即“城乡居民参保信息更新”菜单和“外部参保城乡居民导入”菜单不存在该人员。",
     "城乡居民在输入的缴费年度内未完成社保费缴纳。", "缴纳的费款未入库。"),
)  # fmt: skip
KINDS = {k.key: k for k in (EMPLOYEE, UNIT, RESIDENT)}


@dataclass
class ProofQuery:
    """What one 查询 found: the rows (each with a `row_key`), or why there are none."""

    kind: ProofKind
    rows: list[dict[str, Any]]
    empty_code: str | None = None
    empty_message: str = ""
    person: dict[str, str] = field(default_factory=dict)
    period: tuple[str, str] = ("", "")

    @property
    def total(self) -> Decimal:
        return sum((Decimal(r["amount"]) for r in self.rows), Decimal("0.00"))

    def explanation(self) -> str:
        """The server's reason when it could tell, then the manual's list of possible ones."""
        lines = [self.empty_message] if self.empty_message else []
        lines.append("未查询到缴费清单信息，原因可能有：")
        lines += [f"{n}. {r}" for n, r in enumerate(self.kind.reasons, 1)]
        return "\n".join(lines)


class PaymentProofs(UnitCalls):
    PATH = "/mgmt/units/{unit_id}/payment-list"

    def __init__(
        self,
        api: ApiClient,
        unit_id: str,
        taxpayer: tuple[str, str],
        journal: FeeJournal,
        id_types: dict[str, str] | None = None,
    ) -> None:
        super().__init__(api, unit_id)
        self.taxpayer_id, self.taxpayer_name = taxpayer
        self.journal = journal
        self.id_types = id_types or {}

    def query(
        self,
        kind: ProofKind,
        start: str | None,
        end: str | None,
        name: str = "",
        id_type: str = "",
        id_number: str = "",
    ) -> ProofQuery:
        if kind.by_year:  # 缴费年度 起止, asked as the months of those years
            start, end = check_years(start, end)
            months = (f"{start}-01", f"{end}-12")
        else:
            start, end = check_period(start, end)
            months = (start, end)
        if kind.person:
            person = check_person(name, id_type, id_number)
            payload = self.api.get_json(
                f"{self.path}/persons", period_from=months[0], period_to=months[1], **person
            )
            rows, reason = wire.payment_list(payload, wire.PERSON_LIST_FIELDS)
            for n, row in enumerate(rows):
                row["row_key"] = n
        else:
            person = {}
            payload = self.api.get_json(
                f"{self.path}/unit", period_from=months[0], period_to=months[1]
            )
            rows, reason = wire.payment_list(payload, wire.UNIT_LIST_FIELDS)
            for n, row in enumerate(rows):
                row["row_key"] = n
                # 费款所属期起止 as one column (§2.17 图 打印页面: "2019-09-01至2019-09-30")
                row["period"] = f"{row['period_start']}至{row['period_end']}"
        return ProofQuery(
            kind, rows, (reason or {}).get("code"), (reason or {}).get("message", ""),
            person, (start, end),
        )  # fmt: skip

    def write_pdf(
        self, found: ProofQuery, rows: Sequence[dict[str, Any]], path: Path, today: date
    ) -> Path:
        """The 证明 of the ticked rows (in the query's order); journaled."""
        if not rows:
            raise CertificateError(NOTHING_TICKED)
        fields = wire.PERSON_LIST_FIELDS if found.kind.person else wire.UNIT_LIST_FIELDS
        records = []
        for row in rows:
            shown = dict(row)
            if found.kind.person:  # the 证明 names the 证件类型, not its code
                shown["id_type"] = self.id_types.get(row["id_type"], row["id_type"])
            records.append([shown[f] for f in fields])
        doc = payment_proof.ProofDocument.from_wire(
            fields, records, kind=found.kind.document, taxpayer_id=self.taxpayer_id,
            taxpayer_name=self.taxpayer_name, period_from=found.period[0],
            period_to=found.period[1], printed_on=today, issuer=self.taxpayer_name,
        )  # fmt: skip
        written = write_payment_proof(path, doc)
        amount = sum((Decimal(r["amount"]) for r in rows), Decimal("0.00"))
        self.journal.record(
            f"打印{found.kind.title}", found.kind.title, "成功",
            declaration_ids=[found.person.get("id_number", "")] if found.kind.person else [],
            item_count=len(rows), amount=amount,
            detail=f"{found.kind.period_label}{found.period[0]}至{found.period[1]}",
        )  # fmt: skip
        return Path(written)


def check_person(name: str, id_type: str, id_number: str) -> dict[str, str]:
    name, id_type, id_number = name.strip(), (id_type or "").strip(), id_number.strip().upper()
    if not name:
        raise CertificateError("请填写姓名。", "name")
    if not id_type:
        raise CertificateError("请选择证件类型。", "id_type")
    if not id_number:
        raise CertificateError("请填写证件号码。", "id_number")
    if id_type == ID_CARD:
        problem = identity_number_error(id_number)
        if problem:
            raise CertificateError(problem, "id_number")
    return {"name": name, "id_type": id_type, "id_number": id_number}
