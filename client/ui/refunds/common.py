"""What the 单位退费申请管理 page and its wizard share: the refund service of the logged-in unit
(on the fee scope: the journal, 证件类型, the list services) and the sentence for a failure."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from client.errors import user_message
from client.refunds import reasons
from client.refunds.applications import RefundApplications
from client.refunds.rules import RefundRuleError
from client.sync.errors import ApiError, NetworkError
from client.ui.fees.common import FeeScope
from client.ui.pages import PageContext


class RefundScope(FeeScope):
    def __init__(self, ctx: PageContext, page: QWidget) -> None:
        super().__init__(ctx, page)
        session = ctx.session
        self.refunds = RefundApplications(
            session.api, session.db, session.unit.unit_id, self.declarations.journal
        )


def error_text(error: BaseException) -> str:
    """A refusal in the server's (or our rules') own sentence with what to do; any other
    failure in its general sentence."""
    if isinstance(error, RefundRuleError):
        return error.message
    if isinstance(error, ApiError) and not isinstance(error, NetworkError) and error.code:
        return reasons.error_text(error)
    return user_message(error)
