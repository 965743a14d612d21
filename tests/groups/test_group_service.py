"""分组 rules without Qt: 3 levels, names, sibling uniqueness, cascade delete, assignments,
and the 分组管理 window's draft saved in one go."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from client.groups.draft import GroupDraft
from client.groups.rules import GroupRuleError
from client.groups.service import GroupService, NewGroup, TreeEdits
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Group, RecordGroup


@pytest.fixture
def db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def service(db: UnitDatabase) -> GroupService:
    return GroupService(db)


def count(db: UnitDatabase, model: type) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def build_three_levels(service: GroupService) -> tuple[int, int, int]:
    a = service.create("行政部")
    b = service.create("综合科", a.id)
    c = service.create("档案组", b.id)
    return a.id, b.id, c.id


def test_tree_and_flat_paths_levels(service: GroupService) -> None:
    a, b, c = build_three_levels(service)
    other = service.create("生产部")
    flat = service.flat()
    assert [(n.path, n.level) for n in flat] == [
        ("行政部", 1),
        ("行政部/综合科", 2),
        ("行政部/综合科/档案组", 3),
        ("生产部", 1),
    ]
    tree = service.tree()
    assert [n.id for n in tree] == [a, other.id]
    assert tree[0].children[0].children[0].id == c
    assert flat[0].saved_at is not None
    assert service.path_index()["行政部/综合科"] == b


def test_fourth_level_refused(service: GroupService) -> None:
    _, _, c = build_three_levels(service)
    with pytest.raises(GroupRuleError) as info:
        service.create("第四级", c)
    assert "最多为3级" in info.value.message
    assert len(service.flat()) == 3


@pytest.mark.parametrize(
    ("name", "words"),
    [("", "不能为空"), ("   ", "不能为空"), ("字" * 31, "不能超过30个字"), ("甲/乙", "不能包含")],
)
def test_bad_names_refused(service: GroupService, name: str, words: str) -> None:
    with pytest.raises(GroupRuleError) as info:
        service.create(name)
    assert words in info.value.message
    assert service.flat() == []


def test_thirty_characters_allowed_and_name_trimmed(service: GroupService) -> None:
    node = service.create("  " + "字" * 30 + " ")
    assert node.name == "字" * 30


def test_sibling_duplicates_refused_at_every_level(service: GroupService) -> None:
    a, b, _ = build_three_levels(service)
    with pytest.raises(GroupRuleError, match="相同层级"):
        service.create("行政部")
    with pytest.raises(GroupRuleError, match="相同层级"):
        service.create("综合科", a)
    # The same name is fine under another parent or at another level.
    assert service.create("综合科").level == 1
    assert service.create("行政部", b).path == "行政部/综合科/行政部"
    other = service.create("生产部")
    with pytest.raises(GroupRuleError, match="相同层级"):
        service.rename(other.id, "行政部")
    service.rename(other.id, "生产一部")
    assert service.get(other.id).name == "生产一部"  # type: ignore[union-attr]
    service.rename(other.id, "生产一部")  # its own name is not a duplicate


def test_delete_cascades_to_sub_groups_and_assignments(
    service: GroupService, db: UnitDatabase
) -> None:
    a, b, c = build_three_levels(service)
    keep = service.create("生产部")
    service.assign([1, 2], c)
    service.assign([3], b)
    service.assign([4], keep.id)
    assert service.delete(a) == 3
    assert [n.name for n in service.flat()] == ["生产部"]
    assert count(db, RecordGroup) == 1
    assert service.group_of(1) is None and service.group_of(3) is None
    assert service.group_of(4).id == keep.id  # type: ignore[union-attr]
    with pytest.raises(GroupRuleError):
        service.delete(a)


def test_delete_leaf_keeps_parent(service: GroupService) -> None:
    a, b, c = build_three_levels(service)
    assert service.delete(c) == 1
    assert [n.id for n in service.flat()] == [a, b]


def test_assign_move_and_unassign(service: GroupService, db: UnitDatabase) -> None:
    a, b, _ = build_three_levels(service)
    assert service.assign([10, 11, 10], a) == 2
    assert service.group_of(10).path == "行政部"  # type: ignore[union-attr]
    service.assign([10], b)
    assert service.group_of(10).path == "行政部/综合科"  # type: ignore[union-attr]
    assert count(db, RecordGroup) == 2
    service.assign([10, 11], None)
    assert service.group_of(10) is None and count(db, RecordGroup) == 0
    with pytest.raises(GroupRuleError, match="不存在"):
        service.assign([10], 999)


def test_assign_many_in_one_transaction(service: GroupService, db: UnitDatabase) -> None:
    a, b, _ = build_three_levels(service)
    assert service.assign_many([(1, a), (2, b), (3, a)]) == 3
    assert service.member_count([a]) == 2
    with pytest.raises(GroupRuleError):
        service.assign_many([(4, a), (5, 999)])
    assert count(db, RecordGroup) == 3  # nothing of the failed batch kept


def test_descendant_ids(service: GroupService) -> None:
    a, b, c = build_three_levels(service)
    other = service.create("其他", a)
    assert sorted(service.descendant_ids(a)) == sorted([a, b, c, other.id])
    assert sorted(service.descendant_ids(b)) == sorted([b, c])
    assert service.descendant_ids(c) == [c]
    assert service.descendant_ids(12345) == []


def test_ensure_paths_creates_missing_only(service: GroupService) -> None:
    a, _, _ = build_three_levels(service)
    created = service.ensure_paths([("行政部", "综合科", "新组"), ("新部门",), ("新部门", "一科")])
    assert created == 3
    assert service.path_index()["行政部/综合科/新组"]
    assert service.flat()[0].id == a
    with pytest.raises(GroupRuleError, match="最多为3级"):
        service.ensure_paths([("甲",), ("行政部", "综合科", "档案组", "四级")])
    assert "甲" not in service.path_index()  # the whole batch rolled back


def test_draft_stages_edits_until_saved(service: GroupService, db: UnitDatabase) -> None:
    a, b, c = build_three_levels(service)
    service.assign([7], c)
    draft = GroupDraft(service.tree())
    new_root = draft.add_root()
    assert new_root.name == "新建分组"
    assert draft.add_root().name == "新建分组2"
    child = draft.add_child(new_root.key, "一科")
    grandchild = draft.add_child(child.key, "一组")
    with pytest.raises(GroupRuleError, match="最多为3级"):
        draft.add_child(grandchild.key, "四级")
    with pytest.raises(GroupRuleError, match="相同层级"):
        draft.rename(new_root.key, "行政部")
    with pytest.raises(GroupRuleError, match="不能为空"):
        draft.rename(new_root.key, " ")
    draft.rename(a, "办公室")
    assert draft.delete(b) == 2
    assert draft.dirty
    assert len(service.flat()) == 3  # nothing saved yet

    ids = service.apply_tree_edits(draft.edits())
    paths = [n.path for n in service.flat()]
    assert paths == ["办公室", "新建分组", "新建分组/一科", "新建分组/一科/一组", "新建分组2"]
    assert set(ids) == {new_root.key, child.key, grandchild.key, -2}
    assert service.group_of(7) is None  # its group was deleted with 综合科
    assert count(db, Group) == 5


def test_apply_tree_edits_checks_the_final_tree(service: GroupService) -> None:
    a, b, _ = build_three_levels(service)
    x = service.create("生产部")
    # Swapping two names is fine as a whole even though each step alone would clash.
    service.apply_tree_edits(TreeEdits(renamed=((a, "生产部"), (x.id, "行政部"))))
    assert [n.name for n in service.tree()] == ["生产部", "行政部"]
    with pytest.raises(GroupRuleError, match="相同层级"):
        service.apply_tree_edits(TreeEdits(created=(NewGroup(-1, None, "行政部"),)))
    with pytest.raises(GroupRuleError, match="最多为3级"):
        service.apply_tree_edits(
            TreeEdits(created=(NewGroup(-1, b, "三级"), NewGroup(-2, -1, "四级")))
        )
    assert len(service.flat()) == 4  # refused edits changed nothing
