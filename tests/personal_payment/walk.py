"""Helpers of the 城乡居民个人缴费 walks: the query typed into a page, the QR code read back
from the dialog's image with zbarimg, and the payer's phone following its URL."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx


def ask(page: Any, person: dict[str, Any]) -> None:
    for key in ("name", "id_type", "id_number"):
        page.list.set_condition(key, person[key])
    page.list.query_clicked()


def read_qr(dialog: Any, folder: Path) -> str:
    """Save what the dialog shows as the QR code and decode the PNG with zbarimg."""
    path = folder / "qr.png"
    assert dialog.qr.grab().save(str(path), "PNG")
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def scan_and_pay(url: str, result: str = "success") -> httpx.Response:
    """The payer's phone: open the page the QR code names, press 确认支付 (or 取消支付)."""
    with httpx.Client(trust_env=False, timeout=30) as phone:
        page = phone.get(url)
        assert page.status_code == 200 and "确认支付" in page.text, page.text
        return phone.post(f"{url}/confirm", data={"result": result})
