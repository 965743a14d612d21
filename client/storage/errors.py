"""Typed storage errors; each carries the Chinese sentence the UI shows."""

from __future__ import annotations


class StorageError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RegionAlreadyChosenError(StorageError):
    def __init__(self, name: str) -> None:
        super().__init__(f"地区已选择为“{name}”，选择后不能更改。")


class UnitAlreadyAddedError(StorageError):
    def __init__(self, taxpayer_name: str) -> None:
        super().__init__(f"单位“{taxpayer_name}”已在单位列表中，无需重复添加。")


class UnitNotFoundError(StorageError):
    def __init__(self) -> None:
        super().__init__("单位不存在，请在单位管理中重新添加。")
