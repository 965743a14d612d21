"""费款缴纳 sentences as each module's menu names its pages (client/payments/wording.py)."""

from __future__ import annotations

from client.payments.rules import voucher_refusal
from client.payments.wording import COLLECTOR, EMPLOYER


def test_a_locked_sequential_line_blocking_a_voucher_is_worded_per_module() -> None:
    lines = [
        {"line_id": "A", "state": "未缴费", "sequential": True, "deferrable": False},
        {"line_id": "B", "state": "锁定", "sequential": True, "deferrable": False},
    ]
    refusal = voucher_refusal(lines, ["A"])
    assert refusal is not None and "【缴费记录】" in refusal
    assert EMPLOYER.say(refusal) == refusal
    collector = COLLECTOR.say(refusal)
    assert "【解除锁定】" in collector and "缴费记录" not in collector


def test_collector_pages_named_as_its_menu() -> None:
    assert COLLECTOR.say("请到【缴费记录】查看。") == "请到【三方协议缴费记录】查看。"
    assert "单位三方协议管理" not in COLLECTOR.say("请到【单位三方协议管理】签订协议。")
