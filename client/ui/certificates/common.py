"""What the 证明打印 pages of both modules share: the certificate services of the logged-in unit
(on top of the fee scope: names, 证件类型, the journal), the save-path question, and the
sentence for a failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from client.certificates.proofs import PaymentProofs
from client.certificates.rules import CertificateError
from client.certificates.tickets import PERSONAL_TICKETS, TaxCertificates
from client.errors import user_message
from client.ui.fees.common import FeeScope
from client.ui.pages import PageContext

SavePathProvider = Callable[[str], "str | None"]


class CertificateScope(FeeScope):
    def __init__(self, ctx: PageContext, page: QWidget) -> None:
        super().__init__(ctx, page)
        session = ctx.session
        journal = self.declarations.journal
        self.tickets = TaxCertificates(session.api, session.db, session.unit.unit_id, journal)
        self.personal_tickets = TaxCertificates(
            session.api, session.db, session.unit.unit_id, journal, scope=PERSONAL_TICKETS
        )
        self.proofs = PaymentProofs(
            session.api, session.unit.unit_id, self.taxpayer, journal, dict(self.id_types)
        )
        self.documents_dir = Path(ctx.ui.app.paths.documents_dir)

    def today(self):  # type: ignore[no-untyped-def]
        return self.ctx.ui.app.local_today()


def ask_save_path(parent: QWidget, title: str, folder: Path, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(folder / suggested), "PDF 文件 (*.pdf)"
    )
    if path and not path.lower().endswith(".pdf"):
        path += ".pdf"
    return path or None


def failure_text(error: BaseException) -> str:
    if isinstance(error, CertificateError):
        return error.message
    return user_message(error)
