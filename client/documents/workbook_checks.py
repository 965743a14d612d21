"""What is checked about a file before its rows are read: is it an .xlsx at all, is it
safe to hand to the reader, and where are its formulas. No Qt; python-calamine does the
reading, the zip's XML is only scanned.

Hostile files (zip bombs, a cell far away that makes the reader allocate the whole grid up
to it, a million rows, encrypted packages, path-traversal members …) are refused here with
one sentence before python-calamine sees them: the zip's declared sizes, member count,
compression ratio, names and methods (`check_file`), then each sheet's extent and row count
from one streaming pass over its XML (`scan_sheets`). python-calamine itself stops at a
member's declared size, so a lying zip header cannot make it read more.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

NOT_FOUND = "找不到所选文件，请确认文件仍在原来的位置后重新选择。"
IN_USE = "无法读取所选文件，可能正被其他程序占用，请关闭该文件后重试。"
EMPTY_FILE = "所选文件是空文件（0字节），请选择填写好的模板文件。"
CSV_FILE = "所选文件是CSV文本文件，不能导入。请在本客户端下载的.xlsx模板中填写后导入。"
OLD_XLS = "所选文件是旧版Excel格式（.xls），请在Excel中另存为“Excel工作簿(*.xlsx)”后重新导入。"
ENCRYPTED = "所选文件设置了打开密码，请在Excel中取消密码并保存后重新导入。"
RENAMED = (
    "所选文件的扩展名是.xlsx，但内容不是Excel工作簿（可能是其他文件改了扩展名），"
    "请在本客户端下载的模板中填写后导入。"
)
NOT_EXCEL = "所选文件不是Excel工作簿（.xlsx），请在本客户端下载的模板中填写后导入。"
CORRUPT = "所选文件已损坏，无法读取。请确认文件能在Excel中正常打开后重新导入。"
DIRECTORY = "所选的是一个文件夹，不是文件，请选择填写好的模板文件。"
NOT_REGULAR = "所选的不是普通文件（可能是设备或管道），不能导入，请选择填写好的模板文件。"
SUSPICIOUS = (
    "所选文件的内部结构异常（可能被篡改或是恶意构造的文件），为安全起见不予读取，"
    "请在本客户端下载的模板中填写后导入。"
)
TOO_BIG = "所选文件解压后的数据超过{limit}MB，超出了一次导入能处理的范围，请分成多个文件导入。"
FAR_TOO_MANY_ROWS = "文件中至少有{rows}行，远超每次最多导入{limit}行的限制，请分成多个文件导入。"
SHEET_TOO_WIDE = (
    "工作表“{sheet}”的范围过大（约{rows}行×{cols}列{where}），超出了导入能处理的大小，"
    "请删除模板列以外和数据以下的多余内容后重新导入。"
)

EXCEL_SUFFIXES = (".xlsx", ".xlsm")

# What a workbook may make the reader do (a 100,000-row template is about 35 MB of XML).
MAX_MEMBERS = 1000  # zip members (a template has about ten)
MAX_UNZIPPED = 160 << 20  # all members together, as declared by the zip
MAX_SMALL_PART = 8 << 20  # workbook.xml and its relationships, parsed whole
MAX_RATIO = 200  # unzipped / zipped for a member over RATIO_FROM (XML of a sheet: 10-30)
RATIO_FROM = 1 << 20
MAX_SHEET_CELLS = 6_000_000  # the rectangle the reader allocates (rows x columns)
DEFAULT_MAX_ROWS = 200_000  # rows of a template without a `max_rows` of its own


class ImportRefused(Exception):
    """A file refused as a whole (not an .xlsx, not this template, no data …);
    `message` is the one sentence shown to the user. Nothing of it is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_file(path: Path) -> None:
    """Refuse anything that is not an .xlsx workbook, whatever its name says, and any zip
    whose members would make the reader unzip too much, or that no spreadsheet program
    writes (traversing names, unknown methods, zip-level passwords)."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ImportRefused(DIRECTORY)
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(NOT_REGULAR)  # a pipe or a device would block or never end
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
    except FileNotFoundError:
        raise ImportRefused(NOT_FOUND) from None
    except PermissionError:
        raise ImportRefused(IN_USE) from None
    except OSError:
        raise ImportRefused(CORRUPT) from None
    if info.st_size == 0:
        raise ImportRefused(EMPTY_FILE)
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise ImportRefused(CORRUPT) from None
        if any(m.filename == "xl/workbook.xml" for m in members):
            check_members(members)
            return
        raise ImportRefused(RENAMED if suffix in EXCEL_SUFFIXES else NOT_EXCEL)
    if head.startswith(OLE_MAGIC):
        raise ImportRefused(ENCRYPTED if _encrypted_package(path, head) else OLD_XLS)
    if suffix == ".csv":
        raise ImportRefused(CSV_FILE)
    raise ImportRefused(RENAMED if suffix in EXCEL_SUFFIXES else NOT_EXCEL)


def check_members(members: list[zipfile.ZipInfo]) -> None:
    """The zip's own description of its members, before anything is unzipped."""
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(SUSPICIOUS)
    names: set[str] = set()
    total = 0
    for m in members:
        name = m.filename
        if (
            name in names
            or name.startswith(("/", "\\"))
            or "\\" in name
            or ":" in name
            or ".." in name.split("/")
        ):
            raise ImportRefused(SUSPICIOUS)  # ambiguous or path-traversing member names
        names.add(name)
        if m.flag_bits & 0x1:
            raise ImportRefused(ENCRYPTED)
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportRefused(CORRUPT)
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ImportRefused(SUSPICIOUS)  # a zip bomb: far more XML than any sheet holds
        total += m.file_size
    if total > MAX_UNZIPPED:
        raise ImportRefused(TOO_BIG.format(limit=MAX_UNZIPPED >> 20))


def _encrypted_package(path: Path, head: bytes) -> bool:
    """Whether an OLE compound file holds Office's "EncryptedPackage" stream (a password-
    protected .xlsx); its directory entry may be anywhere, so the file is searched."""
    if ENCRYPTED_STREAM in head:
        return True
    keep = len(ENCRYPTED_STREAM)
    with path.open("rb") as fh:
        tail = head[-keep:]
        fh.seek(len(head))
        while block := fh.read(4 << 20):
            if ENCRYPTED_STREAM in tail + block:
                return True
            tail = block[-keep:]
    return False


# -- the extent of each sheet, before python-calamine allocates it ----------------------------
@dataclass(frozen=True)
class SheetScan:
    """One streaming pass over a sheet's XML: an upper bound of the rectangle python-
    calamine would allocate for it (rows x columns) and of its rows."""

    max_row: int
    max_col: int
    far_ref: str  # the farthest cell reference seen beyond row 99,999 or column Z, or ""


# Rows up to 99,999 and columns A-Z are the usual: a block of the sheet's XML whose cells
# all have such a reference is passed with one regular-expression search; only the rest is
# looked at exactly.
USUAL_ROWS, USUAL_COLUMNS = 99_999, 26
_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData(?:\s[^>]*)?>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LOOSE_REF = re.compile(rb"([A-Za-z]*)(\d+)")


class _Patterns:
    """The expressions of a sheet whose tags carry `prefix` ("" or e.g. "x:")."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        # a cell whose tag does not start with a usual reference
        self.unusual = re.compile(rb"<" + p + rb'c(?! r="[A-Z]\d\d?\d?\d?\d?")')
        self.cell = re.compile(rb"<" + p + rb"c(?=[\s>/])")
        self.letters = re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})\d{1,7}"')
        self.digits = re.compile(rb"<" + p + rb'c r="[A-Z]{1,3}(\d{1,7})"')
        self.tag = re.compile(rb"<" + p + rb"(c|row)(?=[\s>/])([^>]*)")
        self.end = b"</" + prefix + b"sheetData"


def scan_sheets(path: Path, max_rows: int, limit: int | None = None) -> dict[str, SheetScan]:
    """Scan every sheet (python-calamine may parse any of them); refuse a sheet whose cells
    span more than `MAX_SHEET_CELLS` or that reaches beyond row `max_rows` (the message
    names `limit`, the template's own limit, by default `max_rows`)."""
    found: dict[str, SheetScan] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name, part in _sheet_parts(archive).items():
                try:
                    archive.getinfo(part)
                except KeyError:
                    continue  # a sheet without its part: python-calamine says what it says
                found[name] = _scan_sheet(archive, part, name, max_rows, limit or max_rows)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError):
        raise ImportRefused(CORRUPT) from None
    return found


def _scan_sheet(
    archive: zipfile.ZipFile, part: str, name: str, max_rows: int, limit: int
) -> SheetScan:
    """The sheet's bounds from its XML, a block at a time (about 0.1 s for 100,000 rows).

    Only cells take room. A cell with its reference is placed there; python-calamine places
    one without (or with one it cannot read) after the previous one, and accepts lower-case
    letters, single quotes and spaces around "=". One search per block finds a cell whose
    tag does not start with a usual reference (r first, row ≤ 99,999, column ≤ Z); such a
    block is read exactly — by two more searches when every cell starts with a reference
    as programs write them, else tag by tag — and a cell without a reference is counted as
    if all were in one row and below every row (an upper bound). Refused as soon as the
    bounds pass the limits."""
    bounds = _Bounds()
    overlap = b""
    patterns: _Patterns | None = None
    with archive.open(part) as stream:
        while True:
            block = stream.read(SCAN_BLOCK)
            text = overlap + block
            overlap = b""
            if block:  # a tag is never cut: the text from its last "<" waits for the next
                cut = text.rfind(b"<")
                if cut > 0:
                    text, overlap = text[:cut], text[cut:]
            if patterns is None:
                start = _SHEET_DATA.search(text)
                if start is None:
                    if not block:
                        break
                    continue  # the start tag, if cut, waits in the overlap
                patterns = _Patterns(start[1] or b"")
                text = text[start.end() :]
            end = text.find(patterns.end)
            data = text if end < 0 else text[:end]
            if patterns.unusual.search(data) is not None:
                bounds.add(data, patterns)
                bounds.check(name, max_rows, limit)
            if end >= 0 or not block:
                break  # python-calamine reads no cell after </sheetData>
    return SheetScan(bounds.rows, bounds.cols, bounds.far[1])


class _Bounds:
    """What the exactly read blocks of a sheet reach."""

    def __init__(self) -> None:
        self.max_row, self.max_col = USUAL_ROWS, USUAL_COLUMNS
        self.far = (0, "")  # (rows x columns, the reference)
        self.bare_cells = self.bare_rows = 0

    @property
    def rows(self) -> int:
        return self.max_row + self.bare_cells + self.bare_rows

    @property
    def cols(self) -> int:
        return self.max_col + self.bare_cells

    def add(self, data: bytes, p: _Patterns) -> None:
        digits = p.digits.findall(data)
        if len(digits) == len(p.cell.findall(data)):  # every cell starts r="A1"
            if digits:
                longest = max(map(len, digits))
                row = int(max(d for d in digits if len(d) == longest))
                letters = p.letters.findall(data)
                widest = max(map(len, letters))
                col = _column_index(max(x for x in letters if len(x) == widest).decode()) + 1
                self._reach(row, col)
            return
        for m in p.tag.finditer(data):  # tag by tag, as python-calamine reads them
            attributes = {k: v1 or v2 for k, v1, v2 in _ATTRIBUTE.findall(m[2])}
            ref = _LOOSE_REF.fullmatch(attributes.get(b"r", b""))
            if m[1] == b"row":
                if ref is not None and not ref[1]:
                    self.max_row = max(self.max_row, int(ref[2]))
                else:
                    self.bare_rows += 1
            elif ref is not None and ref[1]:
                self._reach(int(ref[2]), _column_index(ref[1].upper().decode()) + 1)
            else:
                self.bare_cells += 1

    def _reach(self, row: int, col: int) -> None:
        if (col > USUAL_COLUMNS or row > USUAL_ROWS) and col * row > self.far[0]:
            self.far = (col * row, f"{_column_letters(col)}{row}")
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)

    def check(self, name: str, max_rows: int, limit: int) -> None:
        rows, cols = self.rows, self.cols
        if rows > max_rows:
            raise ImportRefused(FAR_TOO_MANY_ROWS.format(rows=rows, limit=limit))
        if rows * cols > MAX_SHEET_CELLS:
            where = f"，如单元格{self.far[1]}" if self.far[1] else ""
            raise ImportRefused(
                SHEET_TOO_WIDE.format(sheet=name, rows=rows, cols=min(cols, 16_384), where=where)
            )


def _column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member, via workbook.xml and its relationships."""
    try:
        workbook = _small_xml(archive, "xl/workbook.xml")
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for rel in rels.iter("{*}Relationship"):
        target = rel.get("Target") or ""
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id") or ""] = target
    parts: dict[str, str] = {}
    for sheet in workbook.iter("{*}sheet"):
        rel_id = sheet.get(f"{{{_REL_NS}}}id") or next(
            (v for k, v in sheet.attrib.items() if k.endswith("}id")), None
        )
        target = targets.get(rel_id or "")
        if target is not None:
            parts[sheet.get("name") or ""] = target
    return parts


_UNSAFE_XML = (b"<!DOCTYPE", b"<!ENTITY")
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _small_xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    """A small part parsed whole (never entities, never the network)."""
    if archive.getinfo(name).file_size > MAX_SMALL_PART:
        raise ImportRefused(SUSPICIOUS)
    data = archive.read(name)
    if any(u in data for u in _UNSAFE_XML):
        raise ImportRefused(SUSPICIOUS)
    try:
        return etree.fromstring(data, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        raise ImportRefused(CORRUPT) from None


# A formula element in a sheet's XML. Cell text is escaped (&lt;), so "<f" followed by a
# space, ">" or "/" can only be a formula (<filterColumn> and <formula1> do not match);
# ":f" catches prefixed tags (<x:f>) and may match text, which the exact pass then clears.
# Literal-led patterns keep the scan of a 30 MB sheet near 20 ms.
_FORMULA_HINTS = (re.compile(rb"<f[\s>/]"), re.compile(rb":f[\s>/]"))
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
SCAN_BLOCK = 1 << 20  # of unzipped XML per search
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def formula_cells(path: Path, sheet_name: str, hint: bool | None = None) -> dict[int, list[int]]:
    """0-based row → 0-based columns of the cells holding a formula in `sheet_name`.

    The sheet's XML is scanned for a formula tag a block at a time (the common case: none;
    a block that stays in the CPU cache makes this twice as fast as one big read); only a
    sheet that has formulas is parsed to locate them. `hint` is `SheetScan.formula_hint`
    when `scan_sheets` has already looked (False: no formula, nothing to read again).
    """
    if hint is False:
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_parts(archive).get(sheet_name)
            if part is None or (hint is None and not _has_formula_tag(archive, part)):
                return {}
            data = archive.read(part)
        return _locate_formulas(data)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError):
        raise ImportRefused(CORRUPT) from None
    except etree.XMLSyntaxError:
        raise ImportRefused(CORRUPT) from None


def _locate_formulas(data: bytes) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    row = -1
    col = -1
    for event, element in etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        tag=("{*}row", "{*}c"),
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    ):
        local = etree.QName(element).localname
        if local == "row":
            if event == "start":
                ref = element.get("r")
                row = int(ref) - 1 if ref and ref.isdigit() else row + 1
                col = -1
            else:
                element.clear()
            continue
        if event != "end":
            continue
        ref = element.get("r")
        match = _CELL_REF.fullmatch(ref) if ref else None
        if match is not None:
            col = _column_index(match[1])
            row = int(match[2]) - 1
        else:
            col += 1
        if element.find("{*}f") is not None:
            found.setdefault(row, []).append(col)
        element.clear()
    return found


def _has_formula_tag(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the XML of `part` may hold a formula (a hint across two blocks is kept by
    carrying the last bytes of each block into the next)."""
    overlap = b""
    with archive.open(part) as stream:
        while block := stream.read(SCAN_BLOCK):
            text = overlap + block
            if any(p.search(text) for p in _FORMULA_HINTS):
                return True
            overlap = text[-3:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1
