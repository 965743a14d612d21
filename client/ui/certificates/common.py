"""What the 证明打印 pages of both modules share: the certificate services of the logged-in unit
(on top of the fee scope: names, 证件类型, the journal), the list page of a server's answer to
查询 with its 费款所属期 and person conditions, the save-path question, and the sentence for a
failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from client.certificates.proofs import PaymentProofs
from client.certificates.rules import CertificateError
from client.certificates.tickets import PERSONAL_TICKETS, TaxCertificates
from client.errors import user_message
from client.ui.fees.common import FeeScope
from client.ui.listpage import Column, ListPageSpec
from client.ui.page_helpers import KeyedListPage, person_conditions
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

    def year_to_date(self) -> tuple[str, str]:
        """The 费款所属期 offered: January of this year to this month."""
        today = self.today()
        return f"{today.year:04d}-01", f"{today.year:04d}-{today.month:02d}"

    def person_columns(self, name: str = "name", number: str = "id_number") -> list[Column]:
        """姓名, 证件类型 and 证件号码 of the rows' person (`name`, `number`: their fields)."""
        return [
            Column(name, "姓名", 80),
            Column("id_type", "证件类型", 100, formatter=self.id_type),
            Column(number, "证件号码", 170),
        ]

    def person_conditions(self, *periods: Any) -> list[Any]:
        """姓名, 证件类型 and 证件号码 of the person asked for, then the `periods`."""
        return [*person_conditions(self.id_types), *periods]


class CertificateListPage(KeyedListPage):
    """A 证明 page listing the server's answer to 查询: `_spec` from `_columns` and
    `_conditions`, the person's conditions read back, and failures said under the title."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = CertificateScope(ctx, self)

    @property
    def title(self) -> str:
        return self.TITLE

    def refresh(self) -> None:
        """The rows are the last 查询's answer: nothing to reload when the tab is shown again."""

    def _columns(self) -> list[Column]:
        raise NotImplementedError

    def _conditions(self) -> list[Any]:
        raise NotImplementedError

    def _list_spec(self, **more: Any) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=self.title,
            columns=self._columns(),
            conditions=self._conditions(),
            **more,
        )

    def _failed(self, error: BaseException) -> None:
        self.failure(self.title, failure_text, requery=False)(error)


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
