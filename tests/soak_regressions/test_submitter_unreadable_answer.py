"""Found by the soak's fault walk: a declaration the server accepted, whose answer came back
unreadable (cut short or of the wrong shape), was forgotten by the Submitter as if the
server had refused it, and the clerk was told 本次未做任何修改. Such an outcome is unknown:
the request stays stored, the clerk is told to submit again, and the retry confirms the
first answer instead of declaring twice."""

from __future__ import annotations

from typing import Any

import pytest

from client.fees.rules import DECLARING, INITIAL, declaration_page
from client.sync.errors import MalformedResponseError
from client.sync.submissions import SubmissionUncertainError, Submitter
from tests.fees.conftest import insured_normally


def _daily_items(unit: Any) -> list[str]:
    with unit.session.db.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.exec_driver_sql(
            "SELECT * FROM fee_items WHERE state = ? AND category = 'daily'"
            " AND data_source = '01'", (INITIAL,)
        )]  # fmt: skip
    insured_normally(unit, rows)
    return [r["item_id"] for r in rows]


def _server_declarations(unit: Any) -> int:
    answer = unit.session.api.get_json(f"/mgmt/units/{unit.unit_id}/fee-declarations")
    records = answer.get("declarations", answer.get("records", []))
    return len(records)


@pytest.mark.parametrize("fault", ["malformed", "wrong_shape"])
def test_an_unreadable_answer_to_a_declaration_keeps_it_pending(fee_unit: Any, fault: str) -> None:
    unit = fee_unit(employees=6)
    service = unit.service()
    ids = _daily_items(unit)
    assert ids
    plan = service.plan(declaration_page("daily", "税务自主"), ids)
    path = f"/api/v1/mgmt/units/{unit.unit_id}/fee-declarations"
    if fault == "malformed":  # invalid JSON: the backend's fault cuts the real answer
        unit.backend.add_fault("malformed", path_prefix=path, method="POST", count=1)
    else:  # valid JSON of another shape (what a broken gateway may send)
        real_post = service.api.post_json
        calls = []

        def wrong_shape(*args: Any, **kw: Any) -> Any:
            answer = real_post(*args, **kw)
            calls.append(answer)
            return ["unexpected"] if len(calls) == 1 else answer

        service.api.post_json = wrong_shape  # type: ignore[method-assign]
    with pytest.raises(SubmissionUncertainError) as err:
        service.submit(plan)
    assert "不会重复提交" in err.value.message
    assert Submitter(service.api, service.db).pending("fee_declaration")  # kept, not forgotten
    unit.backend.clear_faults()
    # the clerk submits again: the first answer is confirmed, nothing is declared twice
    again = service.submit(service.plan(declaration_page("daily", "税务自主"), ids))
    assert again.resent
    assert not Submitter(service.api, service.db).pending("fee_declaration")
    with unit.session.db.engine.connect() as conn:
        states = {r[0] for r in conn.exec_driver_sql(
            f"SELECT state FROM fee_items WHERE item_id IN ({','.join('?' * len(ids))})", tuple(ids)
        )}  # fmt: skip
    assert states == {DECLARING}


def test_a_refusal_is_still_forgotten(fee_unit: Any) -> None:
    """A 4xx answer means the server did nothing: the stored request is dropped."""
    unit = fee_unit(employees=6)
    service = unit.service()
    ids = _daily_items(unit)
    path = f"/api/v1/mgmt/units/{unit.unit_id}/fee-declarations"
    unit.backend.add_fault("error", path_prefix=path, method="POST", status=409, count=1,
                           code="CONFLICT", message="该数据已申报。")  # fmt: skip
    try:
        with pytest.raises(Exception) as err:
            service.submit(service.plan(declaration_page("daily", "税务自主"), ids))
    finally:
        unit.backend.clear_faults()
    assert not isinstance(err.value, SubmissionUncertainError | MalformedResponseError)
    assert not Submitter(service.api, service.db).pending("fee_declaration")
