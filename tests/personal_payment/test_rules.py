"""城乡居民个人缴费 rules and wire checks without a server: tick groups, the 征集通知流水号 rule,
支付方式, exact sums, what 缴费 allows, malformed answers, the QR matrix (decoded from a PNG
drawn without Qt), and the menu entries by collection mode."""

from __future__ import annotations

import subprocess
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.personal_payment import rules, wire
from client.personal_payment.qr import qr_matrix
from client.sync.errors import MalformedResponseError


def _row(row_id: str, serial: str | None, amount: str) -> dict[str, Any]:
    return {"row_id": row_id, "collection_serial": serial, "amount": amount}


PENDING = [
    _row("FI1:1", "S1", "200.00"),
    _row("FI2:1", "S1", "380.10"),
    _row("FI3:1", None, "0.05"),
]


def test_rows_of_one_serial_are_one_group_and_paid_together() -> None:
    assert [rules.tick_group(r) for r in PENDING] == ["serial:S1", "serial:S1", "row:FI3:1"]
    with pytest.raises(rules.PaymentRuleError) as split:
        rules.check_selection(PENDING, PENDING[:1])
    assert split.value.message == rules.serial_split("S1")
    with pytest.raises(rules.PaymentRuleError) as nothing:
        rules.check_selection(PENDING, [])
    assert nothing.value.message == "请先勾选需要缴费的缴费信息。"
    assert rules.check_selection(PENDING, PENDING[2:]) == PENDING[2:]
    assert rules.total(PENDING) == Decimal("580.15")
    assert rules.total(rules.check_selection(PENDING, PENDING[:2])) == Decimal("580.10")


def test_methods_and_states() -> None:
    assert [rules.check_method(m) for m in ("微信", "支付宝", "政融支付")]
    for bad in (None, "", "现金"):
        with pytest.raises(rules.PaymentRuleError) as refused:
            rules.check_method(bad)
        assert refused.value.message == "请选择支付方式。"
    assert [s for s in rules.STATES if rules.may_continue(s)] == ["待支付"]
    assert rules.result_text("支付失败", "交易失败。").startswith("支付失败：交易失败。")
    assert rules.years_text([{"year": 2026}, {"year": 2025}, {"year": 2026}]) == "2025、2026"


def _order(**changes: Any) -> dict[str, Any]:
    base = {
        "order_id": "DD2026120500000001", "mode": "self", "name": "王芳", "id_type": "01",
        "id_number": "659001196001010011", "method": "微信", "amount": "380.00",
        "state": "待支付", "reason": None, "created_at": "2026-12-05 10:00:00",
        "finished_at": None, "levy_items": ["10210"], "years": [2026],
        "pay_url": "http://127.0.0.1:8765/pay/DD2026120500000001",
    }  # fmt: skip
    return {**base, **changes}


def test_malformed_answers_are_refused() -> None:
    assert wire.order(_order())["pay_url"].endswith("/pay/DD2026120500000001")
    for bad in (_order(state="已支付"), _order(amount=380), _order(pay_url="ftp://x"),
                _order(order_id=""), {"order_id": "x"}, None):  # fmt: skip
        with pytest.raises(MalformedResponseError):
            wire.order(bad)
    with pytest.raises(MalformedResponseError):
        wire.pending_rows({"person": {"name": "王芳"}, "rows": []})
    with pytest.raises(MalformedResponseError):
        wire.orders({"orders": "x"})


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "NaN", "1E+30", "380.001"])
def test_an_amount_that_is_not_a_finite_one_to_the_fen_is_a_malformed_answer(amount: str) -> None:
    with pytest.raises(MalformedResponseError):
        wire.order(_order(amount=amount))
    row = {k: "x" for k in wire.ROW_FIELDS} | {"year": 2026, "amount": amount}
    person = {"name": "王芳", "id_type": "01", "id_number": "659001196001010011"}
    assert wire.pending_rows({"person": person, "rows": [{**row, "amount": "380.00"}]})
    with pytest.raises(MalformedResponseError):
        wire.pending_rows({"person": person, "rows": [row]})


def _png(matrix: list[list[bool]], path: Path, scale: int = 6, quiet: int = 4) -> None:
    """A greyscale PNG of the matrix written by hand (no Qt, no PIL)."""
    size = (len(matrix) + 2 * quiet) * scale
    lines = []
    for y in range(size):
        r = y // scale - quiet
        row = bytes(
            0 if 0 <= r < len(matrix) and 0 <= (x // scale - quiet) < len(matrix)
            and matrix[r][x // scale - quiet] else 255
            for x in range(size)
        )  # fmt: skip
        lines.append(b"\x00" + row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = size.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"".join(lines))) + chunk(b"IEND", b""))  # fmt: skip


def test_qr_matrix_decodes_to_the_url(tmp_path: Path) -> None:
    url = "http://127.0.0.1:8765/pay/DD2026120500000001"
    matrix = qr_matrix(url)
    assert len(matrix) == len(matrix[0]) and len(matrix) >= 21
    _png(matrix, tmp_path / "qr.png")
    done = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "qr.png")],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == url


def test_menu_names_the_pages_by_collection_mode() -> None:
    from client.collector.module import DESCRIPTOR
    from client.modules import import_object
    from client.ui.personal_payment.pay_page import PersonalPayPage, VerifiedPayPage
    from client.ui.personal_payment.records_page import PersonalPaymentsPage

    pages = {"personal_pay_self": PersonalPayPage, "personal_pay_verified": VerifiedPayPage,
             "personal_payments": PersonalPaymentsPage}  # fmt: skip
    for key, page in pages.items():
        entry = DESCRIPTOR.entry(key)
        assert entry is not None and import_object(entry.page) is page
    for mode, shown, hidden in (("税务自主", "personal_pay_self", "personal_pay_verified"),
                                ("税务代征", "personal_pay_verified", "personal_pay_self")):  # fmt: skip
        visible = {e.key: path for e, path in DESCRIPTOR.entries(mode)}
        assert visible[shown] == ("城乡居民个人缴费",) and hidden not in visible
        assert visible["personal_payments"] == ("城乡居民个人缴费",)
