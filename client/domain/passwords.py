"""申报密码 rules the client checks before asking the server (manual §1.5)."""

from __future__ import annotations

MIN_LENGTH = 8
MAX_LENGTH = 20

RULES_TEXT = (
    "新申报密码须为8至20位，同时包含字母和数字，不能包含空格，"
    "不能与原密码相同，也不能使用初始申报密码。"
)


def employer_initial_password(unit_number: str) -> str:
    """任一单位编号后6位；不足6位则在末尾补0（"1234" → "123400"）."""
    return unit_number[-6:].ljust(6, "0")


def collector_initial_password(taxpayer_id: str) -> str:
    """纳税人识别号后6位."""
    return taxpayer_id.strip().upper()[-6:]


def new_password_error(old: str, new: str, repeat: str) -> str | None:
    if not new:
        return "请输入新申报密码。"
    if new != repeat:
        return "两次输入的新申报密码不一致，请重新输入。"
    if not MIN_LENGTH <= len(new) <= MAX_LENGTH:
        return f"新申报密码长度须为{MIN_LENGTH}至{MAX_LENGTH}位。"
    if any(ch.isspace() for ch in new):
        return "新申报密码不能包含空格。"
    if not any(ch.isalpha() for ch in new) or not any(ch.isdigit() for ch in new):
        return "新申报密码须同时包含字母和数字。"
    if new == old:
        return "新申报密码不能与原密码相同。"
    return None
