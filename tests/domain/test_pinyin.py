"""拼音首字母 with heteronyms."""

from __future__ import annotations

from client.domain.pinyin import char_initials, is_initials_query, name_initials


def test_plain_names() -> None:
    assert name_initials("林婷") == "|lt|"
    assert "lt" in name_initials("林婷")


def test_heteronym_surnames_give_every_reading() -> None:
    assert char_initials("曾") == ("c", "z")
    zeng = name_initials("曾小明")
    assert "|zxm|" in zeng and "|cxm|" in zeng
    shan = name_initials("单田芳")
    assert "|stf|" in shan and "|dtf|" in shan


def test_query_detection() -> None:
    assert is_initials_query("lt")
    assert not is_initials_query("林")
    assert not is_initials_query("l1")
    assert not is_initials_query("  ")
