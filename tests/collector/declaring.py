"""A 代收单位's residents in the tests: the feed's, as the client synced them, and their
代收代报（自主） declarations made straight on the wire (the 代收代报 pages are not under test
here) and processed at once."""

from __future__ import annotations

from typing import Any

from tests.collector.conftest import CollectorUnit

YEAR = 2026


def insured_residents(cu: CollectorUnit, levy_category: str, year: int = YEAR) -> list[dict]:
    """Feed residents with an item of `levy_category` in force in `year` (synced locally),
    居民身份证 holders only: the tests type 证件类型 01 (the feed also has 护照 and others)."""
    with cu.session.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT r.id, r.name, r.id_type, r.id_number, r.township, r.village"
            " FROM residents r JOIN resident_items i ON i.resident_id = r.id"
            " WHERE i.levy_category = ? AND i.start_month <= ? AND r.id_type = '01'"
            " AND (i.end_month IS NULL OR i.end_month >= ?) ORDER BY r.id",
            (levy_category, f"{year}-12", f"{year}-01"),
        ).all()
    return [dict(r._mapping) for r in rows]


def declare(cu: CollectorUnit, rows: list[dict[str, Any]], pay: bool = False) -> list[str]:
    """Submit 代收代报（自主） rows, process them now (and pay them); the declaration ids."""
    body = {"rows": [{
        "name": r["name"], "id_type": r["id_type"], "id_number": r["id_number"],
        "levy_item": r["levy_category"][:5], "levy_category": r["levy_category"],
        "year": r.get("year", YEAR), "grade": r["grade"],
    } for r in rows]}  # fmt: skip
    answer = cu.session.api.post_json(f"/mgmt/units/{cu.unit_id}/resident-declarations", body)
    ids = [d["declaration_id"] for d in answer["declarations"]]
    for declaration_id in ids:
        done = cu.backend.process_fee_declaration(cu.unit_id, declaration_id)
        assert done["status"] == "申报成功", done
        if pay:
            cu.backend.pay_fee_declaration(cu.unit_id, declaration_id)
    return ids
