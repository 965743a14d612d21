"""申报缴费状态 downloaded from the real backend: every resident × 征收品目 of the year (the feed's
and the 正常参保 external ones), declared and paid ones as the server says, page by page; a
download cut off or cancelled keeps the previous snapshot."""

from __future__ import annotations

from typing import Any

import pytest

from client.collector.external import ExternalResidents
from client.collector.statuses import ResidentStatuses
from client.jobs import CancelToken, JobCancelled, JobContext
from client.sync.errors import NetworkError
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents
from tests.collector.external_people import PENSION, registered

MEDICAL = "102110001"


def snapshot(svc: ResidentStatuses) -> dict[tuple[int, str], dict[str, Any]]:
    return {(r["resident_id"], r["levy_category"]): r
            for r in svc.source().rows({"year": YEAR}, [])}  # fmt: skip


def test_the_year_as_the_server_has_it(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    outsider = registered(cu.backend, "郭美玲", (PENSION,))
    ExternalResidents(cu.session.api, cu.session.db, cu.unit_id).add_one(
        outsider["name"], "01", outsider["id_number"])  # fmt: skip
    pension = insured_residents(cu, PENSION)
    paid, unpaid = pension[0], pension[1]
    declare(cu, [{**paid, "levy_category": PENSION, "grade": "03"},
                 {**outsider, "levy_category": PENSION, "grade": "02"}], pay=True)  # fmt: skip
    declare(cu, [{**unpaid, "levy_category": PENSION, "grade": "05"}])

    svc = ResidentStatuses(cu.session.api, cu.session.db, cu.unit_id, page_size=7)
    requests: list[Any] = []
    get = svc.api.get_json
    svc.api.get_json = lambda *a, **k: requests.append(k) or get(*a, **k)  # type: ignore[method-assign]
    done = svc.download(YEAR)
    assert len(requests) > 2 and [r["limit"] for r in requests] == [7] * len(requests)
    rows = snapshot(svc)
    assert done.count == len(rows)
    assert {r["resident_id"] for r in rows.values()} >= {p["id"] for p in pension}
    outsider_rows = [r for r in rows.values() if r["id_number"] == outsider["id_number"]]
    assert [(r["levy_category"], r["declare_status"], r["pay_status"], r["grade"])
            for r in outsider_rows] == [(PENSION, "已申报", "已缴费", "02")]  # fmt: skip
    assert outsider_rows[0]["resident_id"] >= 900_000_000
    got = rows[(paid["id"], PENSION)]
    assert (got["declare_status"], got["pay_status"], got["grade"]) == ("已申报", "已缴费", "03")
    assert got["paid_at"] and got["declaration_id"]
    got = rows[(unpaid["id"], PENSION)]
    assert (got["declare_status"], got["pay_status"], got["paid_at"]) == ("已申报", "未缴费", None)
    undeclared = [r for r in rows.values() if r["declare_status"] == "未申报"]
    assert undeclared and all(r["pay_status"] is None for r in undeclared)
    counts = svc.counts({"year": YEAR, "levy_category": PENSION})
    assert (counts.declared, counts.paid) == (3, 2)
    # the list's order is the server's: by resident, then 征收品目
    keys = [(r["resident_id"], r["levy_category"]) for r in svc.source().rows({"year": YEAR}, [])]
    assert keys == sorted(keys)


def test_a_cut_off_or_cancelled_update_keeps_the_previous_data(
    collector_unit: CollectorUnit,
) -> None:
    cu = collector_unit
    svc = ResidentStatuses(cu.session.api, cu.session.db, cu.unit_id, page_size=5)
    svc.download(YEAR)
    before = snapshot(svc)
    when = svc.downloaded(YEAR)
    person = insured_residents(cu, MEDICAL)[0]
    declare(cu, [{**person, "levy_category": MEDICAL, "grade": "01"}])

    svc.api.retries = 0
    path = f"/api/v1/mgmt/units/{cu.unit_id}/resident-statuses"
    cu.backend.add_fault("drop", path_prefix=path, method="GET", count=5, after_bytes=20)
    try:
        with pytest.raises(NetworkError):
            svc.download(YEAR)
    finally:
        cu.backend.clear_faults()
    assert snapshot(svc) == before and svc.downloaded(YEAR) == when

    token = CancelToken()

    def progress(p: Any) -> None:
        if p.done >= 10:
            token.cancel()

    with pytest.raises(JobCancelled):
        svc.download(YEAR, JobContext(progress, token))
    assert snapshot(svc) == before and svc.downloaded(YEAR) == when

    svc.download(YEAR)  # complete: the declaration shows now
    assert snapshot(svc)[(person["id"], MEDICAL)]["declare_status"] == "已申报"
    assert before[(person["id"], MEDICAL)]["declare_status"] == "未申报"
