"""税收完税证明（非印刷） 开具 and 补开 (manual §2.14, §2.15, §3.13, §3.14), the 代收单位's
个人税收完税证明（非印刷） 开具 and 补开 of a resident (§3.25, §3.26), and 查验 (§2.26, §3.24).

Unit and personal tickets are one service with a `TicketScope`: the server path, the pages'
names and the file names differ; the ticket, its PDF and the retry rules are the same.

开具 and 补开 go through the stored `Submitter`, one kind per ticket: the request is kept
until the PDF is on disk. When the connection drops after the server counted the print, or
the file cannot be written, the next click sends the same key again, the server answers its
first answer, and the same print is saved — a ticket is never issued twice by a retry, and
the print count never moves for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from client.certificates import wire
from client.certificates.rules import (
    ISSUE,
    REISSUE,
    CertificateError,
    check_period,
    check_save_path,
    person_query,
    ticket_file_name,
    verify_body,
)
from client.fees.journal import FeeJournal
from client.jobs import JobContext
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.sync.submissions import Submitter
from client.sync.unit_service import UnitService

ISSUE_TITLE = "税收完税证明（非印刷）开具"
REISSUE_TITLE = "税收完税证明（非印刷）补开"
WriteTicket = Callable[[Path, dict[str, Any]], None]


@dataclass(frozen=True)
class TicketScope:
    """Whose tickets: the unit's own, or (代收单位) one resident's."""

    path: str  # under /collect/units/<unit>/
    issue_title: str
    reissue_title: str
    noun: str  # what the journal calls the document
    personal: bool = False

    def action(self, mode: str) -> tuple[str, str]:
        """(journal action, page title) of 开具 or 补开."""
        verb = "开具" if mode == ISSUE else "补开"
        return f"{verb}{self.noun}", self.issue_title if mode == ISSUE else self.reissue_title


UNIT_TICKETS = TicketScope("tax-certificates", ISSUE_TITLE, REISSUE_TITLE, "完税证明")
PERSONAL_TICKETS = TicketScope(
    "personal-tax-certificates",
    "个人税收完税证明（非印刷）开具",
    "个人税收完税证明（非印刷）补开",
    "个人完税证明",
    personal=True,
)


def write_ticket_pdf(path: Path, ticket: dict[str, Any], watermark: str | None = None) -> None:
    from client.documents.tax_certificate import TaxCertificate
    from client.documents.tax_certificate_pdf import write_tax_certificate

    cert = TaxCertificate.from_wire(ticket)
    if watermark:
        write_tax_certificate(path, cert, watermark=watermark)
    else:
        write_tax_certificate(path, cert)


def write_tickets_pdf(path: Path, tickets: list[dict[str, Any]]) -> None:
    from client.documents.tax_certificate import TaxCertificate
    from client.documents.tax_certificate_pdf import write_tax_certificates

    write_tax_certificates(path, [TaxCertificate.from_wire(t) for t in tickets])


@dataclass
class VerifyResult:
    match: bool
    message: str = ""
    ticket: dict[str, Any] = field(default_factory=dict)


class TaxCertificates(UnitService):
    PATH = "/collect/units/{unit_id}"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        journal: FeeJournal,
        write: WriteTicket = write_ticket_pdf,
        scope: TicketScope = UNIT_TICKETS,
    ) -> None:
        super().__init__(api, db, unit_id)
        self.journal = journal
        self.submitter = Submitter(api, db)
        self.write = write
        self.scope = scope

    @property
    def base(self) -> str:
        return f"{self.path}/{self.scope.path}"

    # -- 查询 ------------------------------------------------------------------------------
    def query(
        self,
        mode: str,
        start: str | None,
        end: str | None,
        ctx: JobContext | None = None,
        person: dict[str, str | None] | None = None,
    ) -> list[dict[str, Any]]:
        """The tickets of 费款所属期 start..end the page lists: 未开具 ones for 开具, issued
        and voided ones for 补开. Personal tickets need `person` (姓名, 证件类型, 证件号码;
        姓名 or 证件号码 given), checked before anything is sent."""
        params: dict[str, Any] = {}
        if self.scope.personal:
            person = person or {}
            params = person_query(person.get("name"), person.get("id_type"),
                                  person.get("id_number"))  # fmt: skip
        start, end = check_period(start, end)
        if ctx:
            ctx.progress("正在从征收子系统查询完税证明信息", 0, 1)
        params = {k: v for k, v in params.items() if v is not None}
        found = wire.tickets(
            self.api.get_json(self.base, mode=mode, period_from=start, period_to=end, **params)
        )
        if ctx:
            ctx.progress("正在从征收子系统查询完税证明信息", 1, 1)
        return found

    # -- 开具 / 补开 ----------------------------------------------------------------------
    def issue(
        self, ticket: dict[str, Any], path: Path, write: WriteTicket | None = None
    ) -> dict[str, Any]:
        return self.print_ticket(ISSUE, ticket, path, write)

    def reissue(
        self, ticket: dict[str, Any], path: Path, write: WriteTicket | None = None
    ) -> dict[str, Any]:
        return self.print_ticket(REISSUE, ticket, path, write)

    def suggested_name(self, ticket: dict[str, Any], mode: str) -> str:
        return ticket_file_name(ticket, reissue=mode == REISSUE, personal=self.scope.personal)

    def print_ticket(
        self, mode: str, ticket: dict[str, Any], path: Path, write: WriteTicket | None = None
    ) -> dict[str, Any]:
        """开具 or 补开; `write` (default: the ticket PDF at `path`) keeps the print, e.g. to
        gather a year's tickets into one combined PDF."""
        write = write or self.write
        target = check_save_path(path)
        action, page = self.scope.action(mode)
        kind = f"certificate_{mode}:{ticket['ticket_id']}"  # WS… unit, GR… personal ids
        printed: list[dict[str, Any]] = []

        def apply(_conn: Connection, answer: Any, _ids: list[int]) -> None:
            # Inside the transaction that forgets the stored request: a file that cannot
            # be written keeps it, so the next click saves this same print.
            fresh = wire.ticket(answer)
            write(target, fresh)
            printed.append(fresh)

        try:
            if self.submitter.pending(kind):
                self.submitter.resend_pending(kind, apply)
            else:
                self.submitter.submit(kind, f"{self.base}/{ticket['ticket_id']}/{mode}", {}, [],
                                      apply)  # fmt: skip
        except ApiError as error:
            if error.code:  # the server refused: 已开具, 已作废, …
                self._record(action, page, ticket, "失败", error.message)
            raise
        except OSError as error:
            raise CertificateError(
                f"完税证明已{'开具' if mode == ISSUE else '补开'}，但文件没有保存成功"
                f"（{error.strerror or error}）。请检查保存位置后再次点击，将保存同一份证明，"
                "不会重复开具。"
            ) from None
        fresh = printed[-1]
        self._record(action, page, fresh, "成功", f"第{fresh['print_count']}次打印，保存到{target}")
        return fresh

    def _record(
        self, action: str, page: str, ticket: dict[str, Any], result: str, detail: str
    ) -> None:
        self.journal.record(
            action, page, result, declaration_ids=[ticket["e_ticket_number"]],
            item_count=len(ticket.get("rows") or ()), amount=Decimal(ticket["amount"]),
            detail=detail,
        )  # fmt: skip

    # -- 查验 ------------------------------------------------------------------------------
    def verify(self, form: dict[str, str | None]) -> VerifyResult:
        body = verify_body(form)
        answer = self.api.post_json("/collect/tax-certificates/verify", body)
        if not isinstance(answer, dict) or not isinstance(answer.get("match"), bool):
            raise wire.MalformedResponseError(technical="certificate verify answer")
        if not answer["match"]:
            return VerifyResult(False, str(answer.get("message") or ""))
        return VerifyResult(True, "", wire.ticket(answer.get("result")) | {
            "ticket_kind_name": answer["result"].get("ticket_kind_name", ""),
            "ticket_word_name": answer["result"].get("ticket_word_name", ""),
        })  # fmt: skip
