"""The payload manifest (docs/installer.md, "Appendix"): every program file with its part
(common / employer / collector), size and SHA-256; and the payload it describes, a folder or
a zip, read file by file with the hash checked while copying.

Which part a file belongs to: a path with the segments `client/employer/` anywhere in it is
the 用人单位 part, `client/collector/` the 代收单位 part, anything else common. The same rule
works on a source tree (`client/employer/x.py`) and on a frozen onedir
(`_internal/client/employer/x.json`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from client.installed import ALL_MODULES, STATE_FILE

FORMAT = 1
APP = "社保费管理客户端"
MANIFEST = "manifest.json"
PARTS = ("common", *ALL_MODULES)
CHUNK = 1024 * 1024
# Never part of a payload: the installed-modules state and the manifest itself.
NOT_PROGRAM_FILES = frozenset({MANIFEST, STATE_FILE})


class PayloadError(Exception):
    """The payload cannot be used: missing, unreadable, or a file differs from its manifest."""


def part_of(path: str) -> str:
    """The part a `/`-separated relative path belongs to."""
    segments = PurePosixPath(path).parts
    for index in range(len(segments) - 2):
        if segments[index] == "client" and segments[index + 1] in ALL_MODULES:
            return segments[index + 1]
    return "common"


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Manifest:
    version: str
    parts: dict[str, tuple[Entry, ...]]
    app: str = APP

    def entries(self, modules: tuple[str, ...] | list[str] | None = None) -> list[Entry]:
        """The common part's files and those of `modules` (every module when None)."""
        wanted = ALL_MODULES if modules is None else tuple(modules)
        found: list[Entry] = []
        for part in PARTS:
            if part == "common" or part in wanted:
                found.extend(self.parts.get(part, ()))
        return found

    def total_size(self, modules: tuple[str, ...] | list[str] | None = None) -> int:
        return sum(e.size for e in self.entries(modules))

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "app": self.app,
            "version": self.version,
            "parts": {part: [e.as_json() for e in self.parts.get(part, ())] for part in PARTS},
        }

    def text(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        try:
            if data.get("format") != FORMAT:
                raise PayloadError(
                    f"安装包清单格式 {data.get('format')!r} 无法识别，请下载新的安装包"
                )
            parts = {
                part: tuple(
                    Entry(str(e["path"]), int(e["size"]), str(e["sha256"]))
                    for e in data["parts"].get(part, [])
                )
                for part in PARTS
            }
            manifest = cls(str(data["version"]), parts, str(data.get("app", APP)))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise PayloadError("安装包清单 manifest.json 已损坏，请重新下载安装包") from exc
        for entry in manifest.entries():
            pure = PurePosixPath(entry.path)
            if pure.is_absolute() or ".." in pure.parts or "\\" in entry.path:
                raise PayloadError(f"安装包清单中的路径不合法：{entry.path}")
        return manifest

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise PayloadError(f"无法读取安装包清单 {path}，请重新下载安装包") from exc


def program_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(relative `/` path, file) of every program file under `folder`, sorted."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(folder).as_posix()
        if rel in NOT_PROGRAM_FILES:
            continue
        yield rel, path


def make_manifest(folder: Path, version: str) -> Manifest:
    """The manifest of a program folder (a onedir or a source tree)."""
    parts: dict[str, list[Entry]] = {part: [] for part in PARTS}
    for rel, path in program_files(folder):
        parts[part_of(rel)].append(Entry(rel, path.stat().st_size, sha256_of(path)))
    return Manifest(version, {part: tuple(entries) for part, entries in parts.items()})


def write_manifest(folder: Path, version: str) -> Manifest:
    manifest = make_manifest(folder, version)
    (folder / MANIFEST).write_text(manifest.text(), encoding="utf-8")
    return manifest


@dataclass(frozen=True)
class Difference:
    path: str
    problem: str  # "missing" | "size" | "sha256"


def verify_folder(
    folder: Path,
    manifest: Manifest,
    modules: tuple[str, ...] | list[str] | None = None,
    on_file: Callable[[int, int], None] | None = None,
) -> list[Difference]:
    """Each file of the common part and of `modules` checked for size, then SHA-256."""
    entries = manifest.entries(modules)
    found = []
    for index, entry in enumerate(entries):
        path = folder / entry.path
        try:
            size = path.stat().st_size
        except OSError:
            found.append(Difference(entry.path, "missing"))
        else:
            if size != entry.size:
                found.append(Difference(entry.path, "size"))
            elif sha256_of(path) != entry.sha256:
                found.append(Difference(entry.path, "sha256"))
        if on_file is not None:
            on_file(index + 1, len(entries))
    return found


class Payload:
    """A payload folder or zip: its manifest, and its files copied out with their hash checked."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._zip: zipfile.ZipFile | None = None
        if source.is_dir():
            self.manifest = Manifest.read(source / MANIFEST)
        elif source.is_file() and zipfile.is_zipfile(source):
            self._zip = zipfile.ZipFile(source)
            try:
                data = json.loads(self._zip.read(MANIFEST).decode("utf-8"))
            except (KeyError, ValueError) as exc:
                raise PayloadError(f"安装包 {source.name} 中没有可用的清单 manifest.json") from exc
            self.manifest = Manifest.from_json(data)
        else:
            raise PayloadError(f"找不到安装包：{source}，请确认安装包完整后重试")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Payload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, entry: Entry) -> Any:
        try:
            if self._zip is not None:
                return self._zip.open(entry.path)
            return (self.source / entry.path).open("rb")
        except (KeyError, FileNotFoundError) as exc:
            raise PayloadError(
                f"安装包缺少文件 {entry.path}，安装包不完整，请重新下载安装包"
            ) from exc

    def copy_to(self, entry: Entry, target: Path) -> None:
        """Copy one file out, refusing it (and removing the copy) if it is not the manifest's."""
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        try:
            with self._open(entry) as src, target.open("wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if size != entry.size or digest.hexdigest() != entry.sha256:
            target.unlink(missing_ok=True)
            raise PayloadError(
                f"安装包文件 {entry.path} 已被修改或损坏（与清单不符），请重新下载安装包"
            )
        if self._zip is None:
            shutil.copymode(self.source / entry.path, target)
        elif (mode := self._zip.getinfo(entry.path).external_attr >> 16) & 0o111:
            target.chmod(mode & 0o777)


def make_zip(folder: Path, target: Path) -> Path:
    """The zip form of a payload folder: the same files and manifest.json at its root."""
    manifest = Manifest.read(folder / MANIFEST)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.write(folder / MANIFEST, MANIFEST)
        for entry in manifest.entries():
            archive.write(folder / entry.path, entry.path)
    os.replace(tmp, target)
    return target
