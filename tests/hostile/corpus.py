"""Hostile files, made at test time from each import's own template (nothing committed).

Each `Case` builds one file for a `Target` (an import, see `world.py`) and says what the
clerk must be told: `Refused(message)` — the whole file, one sentence — or `Cells(...)` —
the file is read and the named cells carry the named reasons. Every case must end in
bounded time and memory; `tests/hostile/test_hostile_files.py` checks the outcome and that
nothing changed, `benchmarks/soak_hostile.py` measures time and peak RSS of each file in a
process of its own.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from client.documents import workbook_checks as wb
from client.documents.cell_guard import BAD_ID_CHAR, FORMULA_TEXT, MAX_CELL_TEXT, TOO_LONG
from client.documents.row_checks import FORMULA, ONLY_FORMULAS
from client.documents.template_checks import TOO_MANY_MERGED, excel_ref
from tests.hostile.world import Target, id_number

GIB = 1 << 30


@dataclass(frozen=True)
class Refused:
    """The whole file refused with `message` (a regular expression when `pattern`)."""

    message: str
    pattern: bool = False

    def matches(self, message: str) -> bool:
        return (
            bool(re.fullmatch(self.message, message)) if self.pattern else message == self.message
        )


@dataclass(frozen=True)
class Cells:
    """(Excel row, column header) → reason, all present; `valid` rows accepted; `check`
    looks at the result further (e.g. the value kept)."""

    errors: dict[tuple[int, str], str]
    valid: int
    check: Callable[[Any], bool] | None = field(default=None, compare=False)


Outcome = Refused | Cells


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Target, Path], Path]  # (import, folder) → the file
    expect: Callable[[Target], Outcome]
    needs: str | None = None  # a column key the import must have
    heavy: bool = False  # slow to build: thrown at one import only
    posix_only: bool = False  # needs os.mkfifo


# -- zip plumbing ---------------------------------------------------------------------------
def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i.filename) for i in archive.infolist()}


def write_members(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def sheet_part(parts: dict[str, bytes], title: str) -> str:
    """The member of the sheet named `title`, through workbook.xml and its relationships."""
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel_id = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', workbook)
    assert rel_id, title
    target = re.search(rf'Id="{rel_id[1]}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rel_id[1]}"', rels
    )
    assert target
    name = target[1].lstrip("/")
    return name if name.startswith("xl/") else f"xl/{name}"


@dataclass
class RawMember:
    """A zip member written by hand: `data` already compressed with `method`; sizes and CRC
    as declared (which need not be true)."""

    name: str
    data: bytes
    size: int
    crc: int = 0
    method: int = 8
    flags: int = 0x800


def raw_member(name: str, content: bytes, **over: Any) -> RawMember:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = c.compress(content) + c.flush()
    fields: dict[str, Any] = {"size": len(content), "crc": zlib.crc32(content)}
    fields.update(over)
    return RawMember(name, data, **fields)


def write_raw_zip(path: Path, items: list[RawMember]) -> Path:
    """A zip from `items` (local headers, data, central directory; zip64 where needed)."""
    with path.open("wb") as fh:
        central = []
        for m in items:
            name = m.name.encode()
            offset = fh.tell()
            big = m.size >= 0xFFFFFFFF
            size32 = 0xFFFFFFFF if big else m.size
            extra = struct.pack("<HHQQ", 1, 16, m.size, len(m.data)) if big else b""
            comp32 = 0xFFFFFFFF if big else len(m.data)
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, m.flags,
                                 m.method, 0, 0x21, m.crc, comp32, size32, len(name),
                                 len(extra)) + name + extra)  # fmt: skip
            fh.write(m.data)
            cextra = struct.pack("<HHQQ", 1, 16, m.size, len(m.data)) if big else b""
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if big else 20,
                                       m.flags, m.method, 0, 0x21, m.crc, comp32, size32,
                                       len(name), len(cextra), 0, 0, 0, 0, offset)
                           + name + cextra)  # fmt: skip
        start = fh.tell()
        for entry in central:
            fh.write(entry)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                             fh.tell() - start, start, 0))  # fmt: skip
    return path


def repeated_deflate(head: bytes, unit: bytes, count: int, tail: bytes) -> tuple[bytes, int]:
    """A raw deflate stream of head + unit*count + tail, made without compressing it all
    (each unit compresses to the same bytes after a full flush); returns (data, size)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert one == again
    data = first + one * count + c.compress(tail) + c.flush()
    return data, len(head) + len(unit) * count + len(tail)


def rebuilt(good: Path, target: Path, change: dict[str, RawMember | None]) -> Path:
    """`good` rewritten by hand with some members replaced (None: removed)."""
    items = []
    for name, content in members(good).items():
        if name in change:
            replacement = change.pop(name)
            if replacement is not None:
                items.append(replacement)
        else:
            items.append(raw_member(name, content))
    items += [m for m in change.values() if m is not None]
    return write_raw_zip(target, items)


def with_sheet_xml(t: Target, folder: Path, name: str, edit: Callable[[bytes], bytes]) -> Path:
    good = t.filled(folder / f"{name}-原.xlsx")
    parts = members(good)
    part = sheet_part(parts, t.spec.sheet_title)
    parts[part] = edit(parts[part])
    return write_members(folder / f"{name}.xlsx", parts)


def rows_xml(spec_first: int, cells: str, count: int) -> str:
    return "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{cells}</t></is></c></row>'
        for r in range(spec_first, spec_first + count)
    )


# -- OLE compound files (.xls, encrypted .xlsx) ---------------------------------------------
def compound_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A small OLE compound file: header, the streams' sectors, then the directory (so a
    large stream puts the directory past the first megabyte) and the FAT."""
    sector = 4096  # version 4: one FAT sector maps 4 MB
    data_sectors: list[bytes] = []
    starts: dict[str, int] = {}
    for name, content in streams.items():
        starts[name] = len(data_sectors)
        padded = content + b"\0" * (-len(content) % sector)
        data_sectors += [padded[i : i + sector] for i in range(0, len(padded), sector)]
    entries = [("Root Entry", 5, 0xFFFFFFFE, 0)] + [
        (n, 2, starts[n], len(c)) for n, c in streams.items()
    ]
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        child = 1 if index == 0 and len(entries) > 1 else 0xFFFFFFFF
        right = index + 1 if 0 < index < len(entries) - 1 else 0xFFFFFFFF
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                      + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\0" * 16
                      + b"\0" * 4 + b"\0" * 16 + struct.pack("<IIH", start, size, 0)
                      + b"\0" * 2)  # fmt: skip
    directory = directory.ljust(-(-len(directory) // sector) * sector, b"\0")
    dir_start = len(data_sectors)
    dir_count = len(directory) // sector
    fat_start = dir_start + dir_count
    total = fat_start + 1
    fat = []
    for name, content in streams.items():
        n = -(-len(content) // sector)
        fat += [starts[name] + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
    fat += [dir_start + i + 1 for i in range(dir_count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFD]  # the FAT sector itself
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    assert total <= sector // 4, "one FAT sector only"
    header = (wb.OLE_MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 4, 0xFFFE, 12, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, 0xFFFFFFFE, 0,
                                        0xFFFFFFFE, 0)
              + struct.pack("<I", fat_start) + b"\xff" * (109 * 4 - 4))  # fmt: skip
    with path.open("wb") as fh:
        fh.write(header.ljust(sector, b"\0"))
        for s in data_sectors:
            fh.write(s)
        fh.write(directory)
        fh.write(struct.pack(f"<{sector // 4}I", *fat))
    return path


# -- the cases --------------------------------------------------------------------------------
def _refused(message: str) -> Callable[[Target], Outcome]:
    return lambda t: Refused(message)


def empty_file(t: Target, d: Path) -> Path:
    path = d / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def directory(t: Target, d: Path) -> Path:
    path = d / "文件夹.xlsx"
    path.mkdir()
    return path


def named_pipe(t: Target, d: Path) -> Path:
    path = d / "管道.xlsx"
    os.mkfifo(path)  # opening it for reading would wait for a writer forever
    return path


def gbk_csv_renamed(t: Target, d: Path) -> Path:
    path = d / "GBK文本改名.xlsx"
    path.write_bytes("姓名,证件号码\r\n张三,110105199001010011\r\n".encode("gbk"))
    return path


def gbk_csv(t: Target, d: Path) -> Path:
    path = d / "GBK文本.csv"
    path.write_bytes("姓名,证件号码\r\n张三,110105199001010011\r\n".encode("gbk"))
    return path


def random_bytes(t: Target, d: Path) -> Path:
    path = d / "随机内容.xlsx"
    path.write_bytes(bytes((i * 7919 + 13) % 251 for i in range(200_000)))
    return path


def xls_renamed(t: Target, d: Path) -> Path:
    return compound_file(d / "旧版改名.xlsx", {"Workbook": b"\x09\x08" + bytes(4000)})


def encrypted_xlsx(t: Target, d: Path) -> Path:
    # The package first: its 1.5 MB put the directory naming it past the first megabyte.
    package = bytes((i * 31 + 7) % 256 for i in range(1_500_000))
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(200)
    return compound_file(d / "设置密码.xlsx", {"EncryptedPackage": package, "EncryptionInfo": info})


def truncated(t: Target, d: Path) -> Path:
    good = t.filled(d / "完整.xlsx").read_bytes()
    path = d / "截断.xlsx"
    path.write_bytes(good[: len(good) // 2])
    return path


def zip_of_other_things(t: Target, d: Path) -> Path:
    return write_members(d / "其他压缩包.xlsx", {"word/document.xml": b"<w/>", "a.txt": b"x"})


def sheet_bomb(t: Target, d: Path) -> Path:
    """The data sheet's XML expands to 2 GiB of rows (about 2 MB zipped)."""
    good = t.filled(d / "原.xlsx")
    parts = members(good)
    part = sheet_part(parts, t.spec.sheet_title)
    head, tail = parts[part].split(b"</sheetData>")
    unit = b"<row><c><v>1</v></c></row>" * 40_000  # about 1 MiB
    data, size = repeated_deflate(head, unit, 2 * GIB // len(unit), b"</sheetData>" + tail)
    return rebuilt(good, d / "工作表炸弹.xlsx", {part: RawMember(part, data, size)})


def shared_strings_bomb(t: Target, d: Path) -> Path:
    """A sharedStrings part of 1 GiB: one string of nested rich-text runs, repeated."""
    good = t.filled(d / "原.xlsx")
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>'
    unit = b"<r><t>" + b"A" * 1000 + b"</t></r>"
    data, size = repeated_deflate(head, unit * 1000, GIB // (len(unit) * 1000), b"</si></sst>")
    return rebuilt(good, d / "共享字符串炸弹.xlsx",
                   {"xl/sharedStrings.xml": RawMember("xl/sharedStrings.xml", data, size)})  # fmt: skip


def declared_too_big(t: Target, d: Path) -> Path:
    """A member that says it unzips to 300 MB (at a plausible ratio)."""
    good = t.filled(d / "原.xlsx")
    filler = RawMember("xl/media/image1.bin", bytes(2 << 20), 300 << 20, method=8)
    return rebuilt(good, d / "声明过大.xlsx", {"xl/media/image1.bin": filler})


def many_members(t: Target, d: Path) -> Path:
    parts = members(t.filled(d / "原.xlsx"))
    parts.update({f"xl/media/a{i}.bin": b"" for i in range(wb.MAX_MEMBERS + 10)})
    return write_members(d / "成员过多.xlsx", parts)


def path_traversal(t: Target, d: Path) -> Path:
    parts = members(t.filled(d / "原.xlsx"))
    parts["../../../../tmp/evil.sh"] = b"#!/bin/sh\necho owned\n"
    return write_members(d / "路径穿越.xlsx", parts)


def duplicate_member(t: Target, d: Path) -> Path:
    good = t.filled(d / "原.xlsx")
    items = [raw_member(n, c) for n, c in members(good).items()]
    items.append(raw_member("xl/workbook.xml", b"<workbook/>"))
    return write_raw_zip(d / "重复成员.xlsx", items)


def zip_password(t: Target, d: Path) -> Path:
    good = t.filled(d / "原.xlsx")
    items = [raw_member(n, c, flags=0x801) for n, c in members(good).items()]
    return write_raw_zip(d / "压缩包密码.xlsx", items)


def odd_method(t: Target, d: Path) -> Path:
    good = t.filled(d / "原.xlsx")
    items = [raw_member(n, c, method=14 if n.endswith("workbook.xml") else 8)
             for n, c in members(good).items()]  # fmt: skip
    return write_raw_zip(d / "未知压缩方式.xlsx", items)


def lying_size(t: Target, d: Path) -> Path:
    """The sheet says it unzips to its real size but holds 9 MB more rows."""
    good = t.filled(d / "原.xlsx")
    parts = members(good)
    part = sheet_part(parts, t.spec.sheet_title)
    real = parts[part]
    head, tail = real.split(b"</sheetData>")
    unit = b"<row><c><v>1</v></c></row>" * 4000
    data, _ = repeated_deflate(head, unit, 90, b"</sheetData>" + tail)
    return rebuilt(good, d / "谎报大小.xlsx",
                   {part: RawMember(part, data, len(real), zlib.crc32(real))})  # fmt: skip


def far_cell(t: Target, d: Path) -> Path:
    """One value at XFD1048576: python-calamine would allocate the grid up to it."""
    cell = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return with_sheet_xml(t, d, "最远单元格", lambda x: x.replace(b"</sheetData>", cell))


def far_column(t: Target, d: Path) -> Path:
    """A value in column XFD of a data row."""
    r = t.spec.first_data_row + 1
    cell = f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row></sheetData>'.encode()
    return with_sheet_xml(t, d, "最远列", lambda x: x.replace(b"</sheetData>", cell))


def _odd_reference(file_name: str, attribute: str) -> Callable[[Target, Path], Path]:
    """A value at column XFD of a data row, its reference written in a way python-calamine
    accepts but a scan for r="…" would miss."""

    def build(t: Target, d: Path) -> Path:
        r = t.spec.first_data_row + 1
        cell = f'<row r="{r}"><c {attribute.format(r=r)}><v>1</v></c></row></sheetData>'
        return with_sheet_xml(t, d, file_name, lambda x: x.replace(b"</sheetData>", cell.encode()))

    return build


def cells_without_reference(t: Target, d: Path) -> Path:
    """A row of 20,000 cells without references: each lands one column further."""
    r = t.spec.first_data_row + 1
    cells = "<c><v>1</v></c>" * 20_000
    row = f'<row r="{r}">{cells}</row></sheetData>'.encode()
    return with_sheet_xml(t, d, "无引用单元格", lambda x: x.replace(b"</sheetData>", row))


def million_rows(t: Target, d: Path) -> Path:
    first = t.spec.first_data_row
    rows = rows_xml(first, "x", 1_000_000).encode()
    return with_sheet_xml(t, d, "一百万行", lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>"))  # fmt: skip


def entity_bomb(t: Target, d: Path) -> Path:
    """A billion-laughs DTD in the sheet, the name cell referring to it."""
    dtd = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    ) + b"]>"  # fmt: skip
    r = t.spec.first_data_row
    cell = f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>&j;</t></is></c></row>'.encode()

    def edit(x: bytes) -> bytes:
        x = x.replace(b"</sheetData>", cell + b"</sheetData>")
        return x.replace(b"<worksheet", dtd + b"<worksheet", 1) if x.startswith(b"<work") else (
            re.sub(rb"(<\?xml[^>]*\?>)", lambda m: m[1] + dtd, x, count=1))  # fmt: skip

    return with_sheet_xml(t, d, "实体炸弹", edit)


def deep_nesting(t: Target, d: Path) -> Path:
    """A cell of 100,000 nested rich-text runs and a formula of 100,000 nested brackets
    (under a megabyte, so the zip's ratio check lets it through to the parsers)."""
    r = t.spec.first_data_row
    depth = 100_000
    cell = f'<c r="A{r}" t="inlineStr"><is>' + "<r>" * depth + "<t>x</t>" + "</r>" * depth
    cell += f'</is></c><c r="B{r}"><f>' + "(" * depth + "1" + ")" * depth + "</f><v>1</v></c>"
    row = f'<row r="{r}">{cell}</row></sheetData>'.encode()
    return with_sheet_xml(t, d, "深层嵌套", lambda x: x.replace(b"</sheetData>", row))


def workbook_dtd(t: Target, d: Path) -> Path:
    parts = members(t.filled(d / "原.xlsx"))
    text = parts["xl/workbook.xml"]
    dtd = b'<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    parts["xl/workbook.xml"] = (re.sub(rb"(<\?xml[^>]*\?>)", lambda m: m[1] + dtd, text, count=1)
                                if text.startswith(b"<?xml") else dtd + text)  # fmt: skip
    return write_members(d / "工作簿DTD.xlsx", parts)


def merged_million(t: Target, d: Path) -> Path:
    first = t.spec.first_data_row
    merge = f'<mergeCells count="1"><mergeCell ref="A{first + 1}:A1048576"/></mergeCells>'

    def edit(x: bytes) -> bytes:
        x = re.sub(rb"<mergeCells.*?</mergeCells>", b"", x, flags=re.S)
        return x.replace(b"</sheetData>", b"</sheetData>" + merge.encode(), 1)

    return with_sheet_xml(t, d, "合并一百万行", edit)


def _with_rows(name: str, rows: Callable[[Target], list[list[Any]]],
               change: Callable[[Any, Target], None] | None = None) -> Callable[[Target, Path], Path]:  # fmt: skip
    def build(t: Target, d: Path) -> Path:
        path = d / f"{name}.xlsx"
        t.filled(path, rows(t))
        if change is not None:
            book = load_workbook(path)
            change(book[t.spec.sheet_title], t)
            book.save(path)
        return path

    return build


def _row(t: Target, key: str, value: Any) -> list[Any]:
    row = list(t.good_row)
    index = [c.key for c in t.spec.columns].index(key)
    row[index] = value
    return row


def _first_key(t: Target) -> str:
    return t.spec.columns[0].key


def _header(t: Target, key: str) -> str:
    return t.spec.column(key).header


def _cell_error(key: str | None, reason: Callable[[Target], str], valid: int = 0) -> Callable[[Target], Outcome]:  # fmt: skip
    def expect(t: Target) -> Outcome:
        k = key or _first_key(t)
        return Cells({(t.spec.first_data_row, _header(t, k)): reason(t)}, valid)

    return expect


def _as_text(sheet: Any, t: Target) -> None:
    """The hostile cell stays text (openpyxl would make "=…" a formula)."""
    cell = sheet.cell(row=t.spec.first_data_row, column=1)
    cell.data_type = "s"


LONG = "长" * 50_000
HYPERLINK = '=HYPERLINK("http://evil.example/x","点我领补贴")'
DDE = "=cmd|' /C calc'!A0"
DDE_PLUS = "+cmd|' /C calc'!A0"


def fifty_thousand(t: Target, d: Path) -> Path:
    """A 50,000-character cell (more than Excel itself keeps, so written into the XML)."""
    source = _with_rows("五万字-原", lambda t: [_row(t, _first_key(t), "长" * 100)])(t, d)
    parts = members(source)
    for short in (("长" * 100).encode(), ("&#38271;" * 100).encode()):  # as is, or escaped
        holder = next((n for n, v in parts.items() if short in v), None)
        if holder is not None:  # the sheet (inline) or sharedStrings
            parts[holder] = parts[holder].replace(short, LONG.encode())
            break
    else:
        raise AssertionError("the long cell was not found")
    return write_members(d / "五万字.xlsx", parts)


def external_link(t: Target, d: Path) -> Path:
    """A formula reading another workbook through an external link part."""
    first = t.spec.first_data_row
    source = _with_rows("外部链接-原", lambda t: [_row(t, _first_key(t), "x")])(t, d)
    parts = members(source)
    part = sheet_part(parts, t.spec.sheet_title)
    cell = (f'<c r="A{first}" t="str"><f>[1]Sheet1!$A$1</f><v>张三</v></c>').encode()
    parts[part] = re.sub(rf'<c r="A{first}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell, parts[part],
                         count=1, flags=re.S)  # fmt: skip
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        b"</externalBook></externalLink>"
    )
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLinkPath" Target="file:///\\\\evil.example\\share\\x.xlsx" '
        b'TargetMode="External"/></Relationships>'
    )
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>',
    )
    book = parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = re.sub(
        rb"</sheets>", b'</sheets><externalReferences><externalReference xmlns:r="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdX1"/>'
        b"</externalReferences>", book, count=1)  # fmt: skip
    return write_members(d / "外部链接.xlsx", parts)


def _valid_id_is(number: str) -> Callable[[Any], bool]:
    def check(result: Any) -> bool:
        rows = list(result.valid)
        return len(rows) == 1 and rows[0].values["id_number"] == number

    return check


def _full_width(t: Target) -> str:
    return t.good_row[[c.key for c in t.spec.columns].index("id_number")]


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _superscript_id(t: Target) -> str:
    number = _full_width(t)
    return number[:15] + "²" + number[16:]


CASES: list[Case] = [
    Case("0字节文件", empty_file, _refused(wb.EMPTY_FILE)),
    Case("文件夹", directory, _refused(wb.DIRECTORY)),
    Case("命名管道", named_pipe, _refused(wb.NOT_REGULAR), posix_only=True),
    Case("GBK文本改名为xlsx", gbk_csv_renamed, _refused(wb.RENAMED)),
    Case("GBK编码CSV", gbk_csv, _refused(wb.CSV_FILE)),
    Case("随机内容", random_bytes, _refused(wb.RENAMED)),
    Case("xls改名为xlsx", xls_renamed, _refused(wb.OLD_XLS)),
    Case("设置了打开密码", encrypted_xlsx, _refused(wb.ENCRYPTED)),
    Case("截断的压缩包", truncated, _refused(wb.CORRUPT)),
    Case("非工作簿压缩包", zip_of_other_things, _refused(wb.RENAMED)),
    Case("工作表zip炸弹(2GB)", sheet_bomb, _refused(wb.SUSPICIOUS)),
    Case("共享字符串zip炸弹(1GB)", shared_strings_bomb, _refused(wb.SUSPICIOUS)),
    Case(
        "声明解压300MB", declared_too_big, _refused(wb.TOO_BIG.format(limit=wb.MAX_UNZIPPED >> 20))
    ),  # fmt: skip
    Case("成员过多", many_members, _refused(wb.SUSPICIOUS)),
    Case("路径穿越成员", path_traversal, _refused(wb.SUSPICIOUS)),
    Case("重复成员名", duplicate_member, _refused(wb.SUSPICIOUS)),
    Case("压缩包加密", zip_password, _refused(wb.ENCRYPTED)),
    Case("未知压缩方式", odd_method, _refused(wb.CORRUPT)),
    Case("谎报解压大小", lying_size, _refused(wb.CORRUPT)),
    Case(
        "XFD1048576单元格",
        far_cell,
        lambda t: Refused(
            wb.FAR_TOO_MANY_ROWS.format(
                rows=1_048_576, limit=t.spec.max_rows or wb.DEFAULT_MAX_ROWS
            )
        ),
    ),  # fmt: skip
    Case(
        "XFD列单元格",
        far_column,
        lambda t: Refused(
            wb.SHEET_TOO_WIDE.format(
                sheet=t.spec.sheet_title,
                rows=wb.USUAL_ROWS,
                cols=16_384,
                where=f"，如单元格XFD{t.spec.first_data_row + 1}",
            )
        ),
    ),  # fmt: skip
    Case("小写列引用xfd", _odd_reference("小写引用", 'r="xfd{r}"'), lambda t: _far_column(t)),
    Case("单引号引用", _odd_reference("单引号引用", "r='XFD{r}'"), lambda t: _far_column(t)),
    Case(
        "等号两侧空格的引用", _odd_reference("空格引用", 'r = "XFD{r}"'), lambda t: _far_column(t)
    ),
    Case(
        "两万个无引用单元格",
        cells_without_reference,
        lambda t: Refused(
            wb.SHEET_TOO_WIDE.format(
                sheet=t.spec.sheet_title, rows=wb.USUAL_ROWS + 20_000, cols=16_384, where=""
            )
        ),
    ),  # fmt: skip
    Case("一百万行", million_rows, lambda t: _rows_refused(t), heavy=True),
    Case("实体炸弹(DTD)", entity_bomb, _refused(wb.CORRUPT)),
    Case("十万层嵌套XML", deep_nesting, _refused(wb.CORRUPT)),
    Case("工作簿中的DTD", workbook_dtd, _refused(wb.SUSPICIOUS)),
    Case(
        "合并一百万行",
        merged_million,
        lambda t: Refused(TOO_MANY_MERGED.format(ref=f"A{t.spec.first_data_row + 1}:A1048576")),
    ),  # fmt: skip
    Case(
        "五万字单元格",
        fifty_thousand,
        _cell_error(None, lambda t: TOO_LONG.format(n=len(LONG), limit=MAX_CELL_TEXT)),
    ),  # fmt: skip
    Case(
        "HYPERLINK公式",
        _with_rows("超链接公式", lambda t: [_row(t, _first_key(t), HYPERLINK)]),
        _cell_error(None, lambda t: FORMULA),
    ),  # fmt: skip
    Case(
        "DDE公式",
        _with_rows("DDE公式", lambda t: [_row(t, _first_key(t), DDE)]),
        _cell_error(None, lambda t: FORMULA),
    ),  # fmt: skip
    Case("只有公式的行", _with_rows("只有公式", lambda t: [[HYPERLINK]]), _refused(ONLY_FORMULAS)),
    Case("外部链接公式", external_link, _cell_error(None, lambda t: FORMULA)),
    Case(
        "DDE文本(=开头)",
        _with_rows("DDE文本", lambda t: [_row(t, _first_key(t), DDE)], _as_text),
        _cell_error(None, lambda t: FORMULA_TEXT.format(start="=")),
    ),  # fmt: skip
    Case(
        "DDE文本(+开头)",
        _with_rows("DDE加号", lambda t: [_row(t, _first_key(t), DDE_PLUS)]),
        _cell_error(None, lambda t: FORMULA_TEXT.format(start="+")),
    ),  # fmt: skip
    Case(
        "证件号码含表情",
        _with_rows("表情证件号", lambda t: [_row(t, "id_number", "4403😀" + _full_width(t)[6:])]),
        _cell_error("id_number", lambda t: BAD_ID_CHAR.format(ch="😀")),
        needs="id_number",
    ),  # fmt: skip
    Case(
        "证件号码含上标数字",
        _with_rows("上标证件号", lambda t: [_row(t, "id_number", _superscript_id(t))]),
        _cell_error("id_number", lambda t: BAD_ID_CHAR.format(ch="²")),
        needs="id_number",
    ),  # fmt: skip
    Case(
        "全角证件号码",
        _with_rows("全角证件号", lambda t: [_row(t, "id_number", _to_full_width(_full_width(t)))]),
        lambda t: Cells({}, 1, _valid_id_is(_full_width(t))),
        needs="id_number",
    ),  # fmt: skip
]


def _far_column(t: Target) -> Refused:
    return Refused(
        wb.SHEET_TOO_WIDE.format(
            sheet=t.spec.sheet_title,
            rows=wb.USUAL_ROWS,
            cols=16_384,
            where=f"，如单元格XFD{t.spec.first_data_row + 1}",
        )
    )


def _rows_refused(t: Target) -> Refused:
    """The scan stops at the first block past the limit, at a row that depends on the
    blocks: any count will do."""
    limit = t.spec.max_rows or wb.DEFAULT_MAX_ROWS
    text = re.escape(wb.FAR_TOO_MANY_ROWS.format(rows="ROWS", limit=limit))
    return Refused(text.replace("ROWS", r"\d+"), pattern=True)


def cases_for(target: Target) -> list[Case]:
    keys = {c.key for c in target.spec.columns}
    return [c for c in CASES if c.needs is None or c.needs in keys]


assert len(CASES) >= 25
__all__ = ["CASES", "Case", "Cells", "Refused", "cases_for", "excel_ref", "id_number"]
