"""The 操作手册 PDF (no Qt): a title, the version and date, then one numbered section per
menu page with its group path and its description."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import WriteMessages, atomic_output

MESSAGES = WriteMessages.for_document("操作手册")


@dataclass(frozen=True)
class GuideSection:
    """One menu page: the titles of the groups above it, its own title, its description."""

    path: tuple[str, ...]
    title: str
    text: str

    @property
    def heading(self) -> str:
        return " > ".join((*self.path, self.title))


def guide_title(module_title: str) -> str:
    return f"社保费管理客户端操作手册（{module_title}）"


def write_guide(
    path: Path,
    module_title: str,
    sections: Sequence[GuideSection],
    today: date,
    version: str,
) -> Path:
    """Write the guide to `path` atomically; DocumentWriteError when it cannot be saved."""
    font = cjk_font().name
    title_style = ParagraphStyle(
        "guide_title", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=4
    )
    meta_style = ParagraphStyle(
        "guide_meta", fontName=font, fontSize=10, leading=14, alignment=1, spaceAfter=10
    )
    heading_style = ParagraphStyle(
        "guide_heading", fontName=font, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=3
    )
    body_style = ParagraphStyle(
        "guide_body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK"
    )
    story: list = [
        Paragraph(escape(guide_title(module_title)), title_style),
        Paragraph(escape(f"版本：V{version}    日期：{today.isoformat()}"), meta_style),
    ]
    for number, section in enumerate(sections, start=1):
        story.append(
            KeepTogether(
                [
                    Paragraph(escape(f"{number}. {section.heading}"), heading_style),
                    Paragraph(escape(section.text), body_style),
                ]
            )
        )
    story.append(Spacer(1, 4 * mm))
    target = Path(path)
    with atomic_output(target, MESSAGES) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=guide_title(module_title),
            author="社保费管理客户端",
            initialFontName=font,
        )
        doc.build(story)
    return target
