"""The one CJK font of the client's PDFs, found on this machine and registered with
reportlab once per process (no Qt).

A printed 申报表 must look the same on every machine, so the font is embedded: reportlab
embeds TrueType outlines only (a subset of the glyphs used), which rules out the
CFF-flavoured Noto Sans CJK .ttc/.otf files many Linux systems carry — they are tried and
skipped. The search order is the `SHEBAOFEI_PDF_FONT` environment variable (a path),
Windows' own fonts, the usual Linux and macOS files, then fontconfig; when nothing loads,
reportlab's built-in CID font `STSong-Light` is used, which the PDF only names (the
reader must supply the glyphs), and a warning is logged.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

FONT_ENV = "SHEBAOFEI_PDF_FONT"
FONT_NAME = "ShebaofeiCJK"  # the name the client's PDF code draws with
FALLBACK_CID_FONT = "STSong-Light"
# A font is only useful if it has the characters every form prints.
PROBE_TEXT = "社会保险费缴费申报表合计纳税人识别号名称年月日元"
MAX_SUBFONTS = 4  # faces tried in one .ttc (the regular face comes first in practice)

WINDOWS_FILES = ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc")
UNIX_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",  # TrueType builds only
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansCJKsc-Regular.ttf",
    "/usr/share/fonts/google-noto-sans-sc-fonts/NotoSansSC-Regular.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)


@dataclass(frozen=True)
class PdfFont:
    """The font chosen for this process: the reportlab `name` to draw with, the file it
    came from (None for the CID fallback) and whether PDFs carry its glyphs."""

    name: str
    face: str
    path: Path | None
    subfont_index: int
    embedded: bool


_lock = threading.Lock()
_chosen: PdfFont | None = None


def cjk_font() -> PdfFont:
    """The registered CJK font, found and registered on the first call of the process."""
    global _chosen
    with _lock:
        if _chosen is None:
            _chosen = register(find_cjk_font())
        return _chosen


def find_cjk_font(
    environ: Mapping[str, str] | None = None, candidates: Iterable[Path] | None = None
) -> tuple[TTFont, Path, int] | None:
    """The first candidate that loads as an embeddable TrueType font with the characters
    of a form, as (font, path, subfont index); None when there is none."""
    env = os.environ if environ is None else environ
    for path in candidates if candidates is not None else candidate_paths(env):
        loaded = load_truetype(path)
        if loaded is not None:
            return loaded[0], path, loaded[1]
    return None


def candidate_paths(environ: Mapping[str, str]) -> Iterator[Path]:
    """Font files in the order they are tried; fontconfig is asked only if needed."""
    seen: set[Path] = set()

    def fresh(paths: Iterable[Path]) -> Iterator[Path]:
        for path in paths:
            if path not in seen:
                seen.add(path)
                yield path

    chosen = environ.get(FONT_ENV, "").strip()
    if chosen:
        yield from fresh([Path(chosen)])
    if sys.platform == "win32":
        fonts = Path(environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        yield from fresh(fonts / name for name in WINDOWS_FILES)
    yield from fresh(Path(p) for p in UNIX_FILES)
    yield from fresh(fontconfig_paths())


def fontconfig_paths() -> list[Path]:
    """What fontconfig offers for Chinese (Linux, and macOS with fontconfig installed)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return []
    found: list[Path] = []
    for pattern in (":lang=zh-cn", ":lang=zh"):
        try:
            out = subprocess.run(
                [fc_match, "-f", "%{file}", pattern],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if out:
            found.append(Path(out))
    return found


def load_truetype(path: Path) -> tuple[TTFont, int] | None:
    """`path` loaded as TrueType (each face of a .ttc in turn) if it has the form's
    characters; None for a missing file, PostScript (CFF) outlines or a font without them."""
    if not path.is_file():
        return None
    faces = MAX_SUBFONTS if path.suffix.lower() in (".ttc", ".otc") else 1
    for index in range(faces):
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=index)
        except TTFError as exc:
            # CFF outlines are refused for the whole file; a face index past the end of
            # a collection ends the search through it.
            log.info("PDF font candidate %s (face %d) skipped: %s", path, index, exc)
            return None
        except (OSError, ValueError, KeyError, IndexError) as exc:
            log.info("PDF font candidate %s (face %d) unreadable: %s", path, index, exc)
            return None
        if all(ord(ch) in font.face.charToGlyph for ch in PROBE_TEXT):
            return font, index
        log.info("PDF font candidate %s (face %d) lacks Chinese characters", path, index)
    return None


def register(found: tuple[TTFont, Path, int] | None) -> PdfFont:
    """Register the found TrueType font under FONT_NAME, or the CID fallback."""
    if found is not None:
        font, path, index = found
        pdfmetrics.registerFont(font)
        face = _text(font.face.name)
        log.info("PDF font: %s (%s, face %d), embedded", face, path, index)
        return PdfFont(FONT_NAME, face, path, index, embedded=True)
    log.warning(
        "No embeddable Chinese TrueType font found; PDFs use the built-in CID font %s, "
        "which is not embedded (set %s to a .ttf/.ttc file to fix this)",
        FALLBACK_CID_FONT,
        FONT_ENV,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return PdfFont(FALLBACK_CID_FONT, FALLBACK_CID_FONT, None, 0, embedded=False)


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value
