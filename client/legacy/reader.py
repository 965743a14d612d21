"""The data folder of the older 单位社保费管理客户端 (layout in docs/legacy-data.md), read only.

    <folder>/config.ini            [地区] 代码, 名称; [网络] 类型, 地址, 端口, 用户名 (GBK or UTF-8)
    <folder>/data/dwxx.db          DWXX: one row per added unit
    <folder>/data/<DWLX>_<DWBH>/fz.db   FZ (分组 tree), FZCY (members by 证件号码)

Nothing here writes to the old folder: the old client may still be installed and used.
"""

from __future__ import annotations

import configparser
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

LEGACY_NAME = "单位社保费管理客户端"
LEGACY_ENV = "SHEBAOFEI_LEGACY_DIR"  # where to look instead (tests, QA)
KINDS = {"1": "employer", "2": "collector"}
PROXY_TYPES = {"HTTP": "http", "SOCKS5": "socks5", "SOCKET5": "socks5"}


class LegacyError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LegacyGroup:
    key: int
    name: str
    parent: int | None
    members: tuple[str, ...]  # 证件号码


@dataclass(frozen=True)
class LegacyUnit:
    kind: str  # employer | collector
    unit_id: str
    taxpayer_id: str
    taxpayer_name: str
    tax_authority: str
    tax_section: str
    remark: str
    groups: tuple[LegacyGroup, ...] = ()


@dataclass(frozen=True)
class LegacyData:
    folder: Path
    region_code: str | None
    region_name: str | None
    proxy: dict[str, str] = field(default_factory=dict)
    units: tuple[LegacyUnit, ...] = ()


def candidates() -> list[Path]:
    """Where the old client kept its data, most likely first."""
    if os.environ.get(LEGACY_ENV):
        return [Path(os.environ[LEGACY_ENV])]
    found = [Path(platformdirs.user_data_dir(LEGACY_NAME, appauthor=False, roaming=True))]
    if os.name == "nt":
        for drive in ("C:", "D:"):
            found.append(Path(f"{drive}\\{LEGACY_NAME}"))
            found.append(Path(f"{drive}\\Program Files (x86)\\{LEGACY_NAME}"))
    return found


def find_legacy_folder() -> Path | None:
    for folder in candidates():
        if (folder / "data" / "dwxx.db").is_file():
            return folder
    return None


def _config(folder: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    path = folder / "config.ini"
    if not path.is_file():
        return parser
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            parser.read_string(raw.decode(encoding))
            return parser
        except (UnicodeDecodeError, configparser.Error):
            parser = configparser.ConfigParser(interpolation=None)
    return parser


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)


def _groups(path: Path) -> tuple[LegacyGroup, ...]:
    if not path.is_file():
        return ()
    conn = _read_only(path)
    try:
        members: dict[int, list[str]] = {}
        for group_id, number in conn.execute("SELECT FZID, ZJHM FROM FZCY ORDER BY rowid"):
            members.setdefault(int(group_id), []).append(str(number).strip().upper())
        rows = conn.execute("SELECT FZID, FZMC, SJFZID FROM FZ ORDER BY FZID").fetchall()
    finally:
        conn.close()
    return tuple(
        LegacyGroup(int(k), str(name).strip(), int(parent) if parent else None,
                    tuple(members.get(int(k), ())))
        for k, name, parent in rows
    )  # fmt: skip


def read_legacy(folder: Path) -> LegacyData:
    """Everything the import takes from an old data folder; LegacyError when unreadable."""
    config = _config(folder)
    region = config["地区"] if config.has_section("地区") else {}
    network = config["网络"] if config.has_section("网络") else {}
    proxy = {}
    kind = PROXY_TYPES.get(str(network.get("类型", "")).strip().upper())
    if kind and network.get("地址"):
        proxy = {
            "kind": kind,
            "host": str(network.get("地址", "")).strip(),
            "port": str(network.get("端口", "")).strip(),
            "username": str(network.get("用户名", "")).strip(),
        }
    try:
        conn = _read_only(folder / "data" / "dwxx.db")
        try:
            rows = conn.execute(
                "SELECT DWLX, DWBH, NSRSBH, DWMC, ZGSWJG, SWKF, BZ FROM DWXX ORDER BY rowid"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise LegacyError(f"旧版客户端的单位数据无法读取（{exc}），未导入。") from exc
    units = []
    for kind_code, unit_id, taxpayer_id, name, authority, section, remark in rows:
        kind = KINDS.get(str(kind_code).strip())
        if kind is None or not unit_id or not taxpayer_id:
            continue
        groups = _groups(folder / "data" / f"{kind_code}_{unit_id}" / "fz.db")
        units.append(
            LegacyUnit(kind, str(unit_id), str(taxpayer_id), str(name or ""),
                       str(authority or ""), str(section or ""), str(remark or ""), groups)
        )  # fmt: skip
    return LegacyData(
        folder,
        str(region.get("代码", "")).strip() or None,
        str(region.get("名称", "")).strip() or None,
        proxy,
        tuple(units),
    )
