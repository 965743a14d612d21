"""完税证明 of a whole year in one click (beyond the manual): every ticket of the unit whose
费款所属期 falls in the year is 开具'd (and, when asked, the issued ones 补开'd), saved as one
PDF per ticket in a folder or as one combined PDF, with progress and cancel.

Each ticket goes through the same `TaxCertificates` call as a single 开具, so a retry after a
dropped connection never issues twice. Cancel stops between tickets; what was issued until then
is saved, never thrown away (it could otherwise only be had again through 补开)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.certificates.rules import ISSUE, REISSUE, CertificateError, check_save_path
from client.certificates.tickets import TaxCertificates, write_tickets_pdf
from client.jobs import JobCancelled, JobContext

PHASE = "正在开具完税证明"
NOTHING = (
    "所选年度没有可以开具的完税证明（税款入库后才能开具；已开具的可勾选“包括已开具的（补开）”）。"
)


@dataclass
class YearResult:
    year: int
    tickets: list[dict[str, Any]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    voided: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        text = f"{self.year}年共开具{len(self.tickets)}张完税证明，保存为{len(self.files)}个文件。"
        if self.cancelled:
            text = "已取消。" + text
        if self.voided:
            text += f"另有{len(self.voided)}张税收票证已作废，无法补开。"
        return text


def print_year(
    service: TaxCertificates,
    year: int,
    target: Path,
    *,
    combined: bool,
    include_issued: bool,
    ctx: JobContext,
) -> YearResult:
    """`target` is the folder (one file per ticket) or the combined PDF's path."""
    folder = Path(target) if not combined else Path(target).parent
    check_save_path(folder / "probe.pdf")
    start, end = f"{year:04d}-01", f"{year:04d}-12"
    ctx.progress("正在从征收子系统查询完税证明信息", 0, None)
    todo = [(ISSUE, t) for t in service.query(ISSUE, start, end)]
    result = YearResult(year)
    if include_issued:
        for t in service.query(REISSUE, start, end):
            if t["status"] == "已作废":
                result.voided.append(t)
            else:
                todo.append((REISSUE, t))
    if not todo:
        raise CertificateError(NOTHING)
    held: list[dict[str, Any]] = []

    def gather(_path: Path, fresh: dict[str, Any]) -> None:
        held.append(fresh)

    try:
        for done, (mode, ticket) in enumerate(todo):
            ctx.progress(PHASE, done, len(todo))
            try:
                ctx.check_cancelled()
            except JobCancelled:
                result.cancelled = True
                break
            if combined:
                fresh = service.print_ticket(mode, ticket, folder / "combined.pdf", gather)
            else:
                path = folder / service.suggested_name(ticket, mode)
                fresh = service.print_ticket(mode, ticket, path)
                result.files.append(path)
            result.tickets.append(fresh)
        ctx.progress(PHASE, len(result.tickets), len(todo))
    finally:
        if combined and held:
            write_tickets_pdf(Path(target), held)
            result.files.append(Path(target))
    return result
