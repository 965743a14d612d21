"""The QR code of an order's payment URL as a module matrix (reportlab's encoder, level M);
the page paints it, tests decode a saved image with zbarimg."""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder


def qr_matrix(text: str) -> list[list[bool]]:
    """Rows of dark (True) and light modules, without the quiet zone."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # the smallest version
    code.addData(text)
    code.make()
    size = code.getModuleCount()
    return [[bool(code.isDark(r, c)) for c in range(size)] for r in range(size)]
