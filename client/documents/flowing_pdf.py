"""What the PDFs laid out by reportlab's platypus share (委托扣款协议书, 银行端查询缴税凭证): the
atomic write of `pdf_output`, where a LayoutError (a flowable no page can hold) becomes the
document's own sentence, and the date as they print it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.platypus.doctemplate import LayoutError

from client.documents.pdf_output import DocumentError, WriteMessages, atomic_output


def write_flowing(
    path: Path, messages: WriteMessages, layout_failed: str, build: Callable[[Path], None]
) -> Path:
    """Write what `build` draws to `path` through a temporary file beside it, so a failure
    leaves no partial file; DocumentError(`layout_failed`) when it cannot be laid out."""
    target = Path(path)
    with atomic_output(target, messages) as tmp:
        try:
            build(tmp)
        except LayoutError as exc:
            raise DocumentError(layout_failed) from exc
    return target


def chinese_date(day: date) -> str:
    """A date as printed: 2018年10月09日."""
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"
