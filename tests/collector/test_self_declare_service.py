"""社保费代收代报（自主） without Qt, against the real backend: 单个添加 and 按分组添加 from the
agent's residents with the rule file's 档次, the checks before sending (each its sentence),
提交申报 making the declarations and taking the rows away, the list kept across a restart,
and a dropped connection resolved into one declaration set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from client.collector import self_rules as rules
from client.collector import self_submit
from client.collector.self_declare import IN_SUBMISSION, SelfDrafts
from client.collector.self_rules import SelfDeclareError
from client.collector.self_submit import (
    DUPLICATE,
    EXTERNAL_NOT_SENT,
    NOTHING_TICKED,
    SelfDeclarations,
    explain_refusal,
)
from client.domain.ids import identity_check_digit
from client.fees.journal import ACCEPTED, SUBMIT, UNKNOWN
from client.groups.service import GroupService
from client.storage.unit_db import UnitDatabase
from client.sync.errors import ClientRequestError
from client.sync.submissions import SubmissionUncertainError
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, insured_residents
from tests.collector.external_people import MEDICAL, PENSION, registered

PENSION_ITEM, MEDICAL_ITEM = "10210", "10211"


def drafts_of(cu: CollectorUnit) -> SelfDrafts:
    return SelfDrafts(cu.app.app_db, cu.session.db, cu.app.local_today())


def service(cu: CollectorUnit, drafts: SelfDrafts | None = None) -> SelfDeclarations:
    return SelfDeclarations(cu.session.api, drafts or drafts_of(cu), cu.unit_id)


def listed(drafts: SelfDrafts) -> list[dict[str, Any]]:
    return list(drafts.source().rows({}, []))


def table_grades(cu: CollectorUnit, category: str, year: int = YEAR) -> list[dict[str, Any]]:
    return [e for e in cu.app.app_db.rule_file("resident_grades")["entries"]
            if e["year"] == year and e["levy_category"] == category]  # fmt: skip


def add_pension(drafts: SelfDrafts, person: dict[str, Any], grade: str = "05") -> int:
    choices = drafts.choices(person["name"], person["id_type"], person["id_number"], YEAR)
    return drafts.add_single(choices, {PENSION: grade})


def server_self_declarations(cu: CollectorUnit) -> list[dict[str, Any]]:
    answer = cu.session.api.get_json(f"/mgmt/units/{cu.unit_id}/fee-declarations",
                                     category="self")  # fmt: skip
    return [d for d in answer["declarations"] if d["channel"] == "客户端"]


# -- 单个添加 -----------------------------------------------------------------------------
def test_single_add_takes_the_resident_and_the_rule_files_grade(collector_unit: CollectorUnit) -> None:  # fmt: skip
    cu = collector_unit
    drafts = drafts_of(cu)
    person = insured_residents(cu, PENSION)[0]
    choices = drafts.choices(person["name"], "01", person["id_number"].lower(), str(YEAR))
    assert choices.resident.record_id == person["id"] and choices.year == YEAR
    pension = next(i for i in choices.items if i.levy_category == PENSION)
    table = table_grades(cu, PENSION)
    assert [(g.code, g.name, g.amount) for g in pension.grades] == [
        (e["grade"], e["name"], e["amount"]) for e in table
    ]
    assert pension.default is not None and pension.levy_subcategory.endswith(pension.default.code)
    chosen = table[4]
    assert drafts.add_single(choices, {PENSION: chosen["grade"]}) == 1
    (row,) = listed(drafts)
    assert (row["name"], row["id_number"], row["township"], row["village"]) == (
        person["name"], person["id_number"], person["township"], person["village"])  # fmt: skip
    assert (row["levy_item"], row["levy_category"], row["year"], row["grade"], row["amount"]) == (
        PENSION_ITEM, PENSION, YEAR, chosen["grade"], chosen["amount"])  # fmt: skip
    assert row["person_number"] == pension.person_number and row["added_via"] == "单个添加"
    assert row["levy_subcategory"] == PENSION + chosen["grade"]  # 养老's 征收子目 names the 档次
    assert drafts.totals().amount == Decimal(chosen["amount"])

    again = drafts.choices(person["name"], "01", person["id_number"], YEAR)
    assert next(i for i in again.items if i.levy_category == PENSION).listed
    with pytest.raises(SelfDeclareError) as refused:
        drafts.add_single(again, {PENSION: "01"})
    assert refused.value.message == rules.ALREADY_LISTED.format(
        year=YEAR, category=drafts.names.category(PENSION))  # fmt: skip
    assert len(listed(drafts)) == 1


def test_single_add_refusals(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    drafts = drafts_of(cu)
    person = insured_residents(cu, PENSION)[0]
    stranger = "110105199001010" + "01" + "0"
    stranger = stranger[:17] + identity_check_digit(stranger[:17])
    bad_digit = person["id_number"][:17] + ("0" if person["id_number"][17] != "0" else "1")
    cases = [
        (("", "01", person["id_number"], YEAR), "请填写姓名。"),
        ((person["name"], "01", bad_digit, YEAR), "居民身份证号码校验位不正确，请核对后重新输入。"),
        ((person["name"], "01", stranger, YEAR), rules.NOT_RESIDENT),
        (("别人", "01", person["id_number"], YEAR),
         rules.NAME_DIFFERS.format(given="别人", actual=person["name"])),
        ((person["name"], "01", person["id_number"], "26"), rules.YEAR_FORMAT.format(year=YEAR)),
        ((person["name"], "01", person["id_number"], 2019),
         rules.YEAR_UNKNOWN.format(year=2019, years=drafts.grades.years_text())),
    ]  # fmt: skip
    for args, message in cases:
        with pytest.raises(SelfDeclareError) as refused:
            drafts.choices(*args)
        assert refused.value.message == message, args
    choices = drafts.choices(person["name"], "01", person["id_number"], YEAR)
    with pytest.raises(SelfDeclareError) as nothing:
        drafts.add_single(choices, {})
    assert nothing.value.message == "请勾选需要添加的险种，并为其选择缴费档次。"
    with pytest.raises(SelfDeclareError) as no_grade:
        drafts.add_single(choices, {PENSION: None})
    assert no_grade.value.message.startswith("请为勾选的")
    assert drafts.count() == 0


def test_an_external_resident_is_found_once_registered(collector_unit: CollectorUnit) -> None:
    from client.collector.external import ExternalResidents

    cu = collector_unit
    person = registered(cu.backend, "外部甲", (PENSION, MEDICAL))
    external = ExternalResidents(cu.session.api, cu.session.db, cu.unit_id)
    assert external.add_one(person["name"], person["id_type"], person["id_number"]).registered
    drafts = drafts_of(cu)
    choices = drafts.choices(person["name"], "01", person["id_number"], YEAR)
    assert choices.resident.source == rules.EXTERNAL
    assert {i.levy_category for i in choices.items} == {PENSION, MEDICAL}
    medical = next(i for i in choices.items if i.levy_category == MEDICAL)
    assert len(medical.grades) == 1 and medical.default == medical.grades[0]
    assert drafts.add_single(choices, {PENSION: "02", MEDICAL: medical.default.code}) == 2
    assert {r["township"] for r in listed(drafts)} == {"金牛街道"}


# -- 按分组添加 --------------------------------------------------------------------------
def test_group_add_takes_every_insured_member(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    drafts = drafts_of(cu)
    groups = GroupService(cu.session.db)
    top = groups.create("一组")
    sub = groups.create("一组甲", top.id)
    with cu.session.db.engine.connect() as conn:
        everyone = [r[0] for r in conn.exec_driver_sql("SELECT id FROM residents ORDER BY id")]
    members = everyone[:12]
    groups.assign(members[:8], top.id)
    groups.assign(members[8:], sub.id)
    insured = {r["id"] for r in insured_residents(cu, PENSION)} & set(members)
    assert insured

    result = drafts.add_group(top.id, PENSION_ITEM, YEAR, "03")
    assert (result.added, result.members) == (len(insured), len(members))
    assert result.not_insured == len(members) - len(insured)
    rows = listed(drafts)
    assert {r["record_id"] for r in rows} == insured
    assert {(r["grade"], r["added_via"]) for r in rows} == {("03", "按分组添加")}
    assert "已添加" in result.message()
    again = drafts.add_group(top.id, PENSION_ITEM, YEAR, "03")
    assert (again.added, again.listed) == (0, len(insured))
    for args, message in (
        ((None, PENSION_ITEM, YEAR, "03"), "请选择分组。"),
        ((top.id, "", YEAR, "03"), "请选择参保险种。"),
        ((top.id, PENSION_ITEM, YEAR, "99"), "请为勾选的城乡居民基本养老保险费选择缴费档次。"),
    ):
        with pytest.raises(SelfDeclareError) as refused:
            drafts.add_group(*args)
        assert refused.value.message == message
    empty = groups.create("空组")
    with pytest.raises(SelfDeclareError):
        drafts.add_group(empty.id, PENSION_ITEM, YEAR, "03")


# -- checks before sending ----------------------------------------------------------------
def test_each_check_before_sending_names_the_person(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    drafts = drafts_of(cu)
    people = insured_residents(cu, PENSION)[:5]
    for person in people:
        add_pension(drafts, person)
    rows = listed(drafts)
    declarations = service(cu, drafts)
    sent: list[Any] = []
    declarations.api.post_json = lambda *a, **k: sent.append(a)  # type: ignore[method-assign]
    category = drafts.names.category(PENSION)
    with cu.session.db.write() as conn:  # what a stale list may hold
        bad = rows[0]["id_number"][:17] + ("0" if rows[0]["id_number"][17] != "0" else "1")
        conn.exec_driver_sql("UPDATE resident_drafts SET id_number = ? WHERE id = ?",
                             (bad, rows[0]["id"]))  # fmt: skip
        conn.exec_driver_sql("UPDATE resident_drafts SET grade = '13' WHERE id = ?",
                             (rows[1]["id"],))  # fmt: skip
        conn.exec_driver_sql("UPDATE resident_drafts SET name = '改名' WHERE id = ?",
                             (rows[2]["id"],))  # fmt: skip
        conn.exec_driver_sql("DELETE FROM residents WHERE id = ?", (rows[3]["record_id"],))
    with pytest.raises(SelfDeclareError) as refused:
        declarations.plan([r["id"] for r in rows])
    problems = dict(declarations.check(declarations._rows([r["id"] for r in rows])))
    who = [f"{r['name']}（{r['id_number']}）{YEAR}年{category}：" for r in rows]
    assert problems == {
        rows[0]["id"]: f"{rows[0]['name']}（{bad}）{YEAR}年{category}："
        "居民身份证号码校验位不正确，请核对后重新输入。",
        rows[1]["id"]: who[1] + rules.GRADE_UNKNOWN.format(grade="13", year=YEAR,
                                                           category=category),
        rows[2]["id"]: f"改名（{rows[2]['id_number']}）{YEAR}年{category}："
        + rules.NAME_DIFFERS.format(given="改名", actual=rows[2]["name"]),
        rows[3]["id"]: who[3] + rules.NOT_RESIDENT,
    }  # fmt: skip
    assert refused.value.message.startswith(problems[rows[0]["id"]].rstrip("。"))
    assert "共4条未通过检查" in refused.value.message
    assert refused.value.row_ids == [r["id"] for r in rows[:4]]
    # the same person × 征收品目 × 年度 twice cannot be stored, but is refused if sent
    twice = declarations._rows([rows[4]["id"]]) * 2
    assert declarations.check(twice) == [
        (rows[4]["id"], who[4] + DUPLICATE.format(year=YEAR, category=category))
    ]
    with pytest.raises(SelfDeclareError) as nothing:
        declarations.plan([])
    assert nothing.value.message == NOTHING_TICKED
    assert sent == [] and drafts.count() == 5


def test_a_server_refusal_names_the_person_of_its_row() -> None:
    from client.collector.self_template import TemplateNames

    rows = [(7, "张三", "01", "X1", "10210", PENSION, YEAR, "13", "0.00"),
            (9, "李四", "01", "X2", "10210", PENSION, YEAR, "13", "0.00")]  # fmt: skip
    names = TemplateNames({"01": "居民身份证"}, {}, {PENSION: "城乡居民基本养老保险"})
    error = ClientRequestError("第2行：缴费档次“13”不存在于2026年城乡居民基本养老保险的档次中。",
                               code="BAD_ROW", details={"index": 1, "field": "grade"})  # fmt: skip
    assert explain_refusal(error, rows, names) == (
        f"李四（X2）{YEAR}年城乡居民基本养老保险：缴费档次“13”不存在于2026年城乡居民基本养老保险的档次中。"
    )
    assert explain_refusal(ClientRequestError("别的。"), rows, names) == "别的。"


# -- 提交申报 ---------------------------------------------------------------------------
@pytest.mark.parametrize("whole_list_from", [5000, 2])  # ticked ids asked for, or the list read
def test_submit_makes_the_declarations_and_takes_the_rows_away(
    collector_unit: CollectorUnit, monkeypatch: pytest.MonkeyPatch, whole_list_from: int
) -> None:
    monkeypatch.setattr(self_submit, "WHOLE_LIST_FROM", whole_list_from)
    cu = collector_unit
    drafts = drafts_of(cu)
    pension = insured_residents(cu, PENSION)[:4]
    for person in pension:
        add_pension(drafts, person, "02")
    medical = insured_residents(cu, "102110001")[:2]
    for person in medical:
        choices = drafts.choices(person["name"], "01", person["id_number"], YEAR)
        drafts.add_single(choices, {"102110001": "01"})
    keep = listed(drafts)[-1]
    ticked = [r["id"] for r in listed(drafts)[:-1]]
    declarations = service(cu, drafts)
    plan = declarations.plan(ticked)
    assert (plan.count, plan.declarations) == (5, 2)
    assert plan.amount == sum((Decimal(r["amount"]) for r in listed(drafts)[:-1]), Decimal(0))
    result = declarations.submit(plan)
    assert not result.resent and len(result.declarations) == 2
    made = {d["declaration_id"] for d in result.declarations}
    on_server = {d["declaration_id"]: d for d in server_self_declarations(cu)}
    assert set(on_server) == made
    assert sorted(d["headcount"] for d in on_server.values()) == [1, 4]
    assert [r["id"] for r in listed(drafts)] == [keep["id"]]
    with cu.session.db.engine.connect() as conn:
        kept = {r[0]: r[1:] for r in conn.exec_driver_sql(
            "SELECT declaration_id, category, unit_number, period_start, levy_items"
            " FROM fee_declarations").all()}  # fmt: skip
    assert {k for k, v in kept.items() if v[0] == "self"} == made  # for 申报记录
    # read back after the answer: the server's 单位编号 and items, 缴费年度 as the period
    assert all(kept[k][1] and kept[k][2] == f"{YEAR}-01" for k in made)
    assert sorted(kept[k][3] for k in made) == [PENSION_ITEM, MEDICAL_ITEM]
    entry = [e for e in declarations.journal.entries() if e.action == SUBMIT][-1]
    assert (entry.result, entry.headcount, Decimal(entry.amount)) == (ACCEPTED, 5, plan.amount)
    assert set(entry.declaration_ids.split(",")) == made
    for declaration_id in made:  # processed: each row a person line
        done = cu.backend.process_fee_declaration(cu.unit_id, declaration_id)
        assert done["status"] == "申报成功"


def test_the_list_survives_closing_the_unit_database(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    drafts = drafts_of(cu)
    for person in insured_residents(cu, PENSION)[:3]:
        add_pension(drafts, person)
    before = listed(drafts)
    path, backups = cu.session.db.path, cu.session.db.path.parent / "backups-test"
    cu.session.db.close()
    reopened = UnitDatabase(path, backups)
    try:
        again = SelfDrafts(cu.app.app_db, reopened, cu.app.local_today())
        assert listed(again) == before and len(before) == 3
    finally:
        reopened.close()


def test_a_dropped_connection_is_resolved_into_one_declaration_set(collector_unit: CollectorUnit) -> None:  # fmt: skip
    cu = collector_unit
    drafts = drafts_of(cu)
    for person in insured_residents(cu, PENSION)[:3]:
        add_pension(drafts, person, "04")
    ids = [r["id"] for r in listed(drafts)]
    declarations = service(cu, drafts)
    declarations.api.retries = 0  # no silent retry: the outcome must stay unknown
    plan = declarations.plan(ids)
    cu.backend.add_fault("drop", path_prefix=f"/api/v1/mgmt/units/{cu.unit_id}/resident-declarations",
                         method="POST", count=1, after_bytes=0)  # fmt: skip
    try:
        with pytest.raises(SubmissionUncertainError):
            declarations.submit(plan)
    finally:
        cu.backend.clear_faults()
    assert [r["id"] for r in listed(drafts)] == ids  # still listed, waiting
    assert declarations.waiting_ids() == set(ids)
    with pytest.raises(SelfDeclareError) as refused:
        drafts.delete(ids[:1], declarations.submitter)
    assert refused.value.message == IN_SUBMISSION.format(count=1)
    first = server_self_declarations(cu)
    assert len(first) == 1  # the server did make it; the answer was lost

    again = declarations.submit(declarations.plan(ids))
    assert again.resent
    assert [d["declaration_id"] for d in again.declarations] == [first[0]["declaration_id"]]
    assert [d["declaration_id"] for d in server_self_declarations(cu)] == [
        first[0]["declaration_id"]
    ]  # one declaration set
    assert listed(drafts) == [] and declarations.waiting_ids() == set()
    results = [e.result for e in declarations.journal.entries() if e.action == SUBMIT]
    assert results == [UNKNOWN, ACCEPTED]


def test_delete_removes_the_ticked_rows(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    drafts = drafts_of(cu)
    for person in insured_residents(cu, PENSION)[:3]:
        add_pension(drafts, person)
    ids = [r["id"] for r in listed(drafts)]
    assert drafts.delete(ids[:2]) == 2
    assert [r["id"] for r in listed(drafts)] == ids[2:]


def test_the_external_list_reaches_the_server_before_its_people_are_declared(
    collector_unit: CollectorUnit,
) -> None:
    """An 外部参保城乡居民 added while the PUT failed is a resident here but not yet on the
    server: 提交申报 sends the list first, and refuses (sending nothing) while it cannot."""
    from client.collector.external import ExternalResidents

    cu = collector_unit
    put = f"/api/v1/mgmt/units/{cu.unit_id}/external-residents"
    person = registered(cu.backend, "外部乙", (PENSION,))
    external = ExternalResidents(cu.session.api, cu.session.db, cu.unit_id)
    cu.backend.add_fault("error", path_prefix=put, method="PUT", status=503)
    try:
        added = external.add_one(person["name"], person["id_type"], person["id_number"])
        assert added.registered == 1 and added.sync_warning is not None  # kept, not sent
        drafts = drafts_of(cu)
        add_pension(drafts, person, "03")
        declarations = service(cu, drafts)
        plan = declarations.plan([r["id"] for r in listed(drafts)])
        assert plan.has_external
        with pytest.raises(SelfDeclareError) as refused:
            declarations.submit(plan)
        assert refused.value.message == EXTERNAL_NOT_SENT
        assert server_self_declarations(cu) == [] and drafts.count() == 1
    finally:
        cu.backend.clear_faults()
    result = declarations.submit(declarations.plan([r["id"] for r in listed(drafts)]))
    (made,) = [d["declaration_id"] for d in result.declarations]
    done = cu.backend.process_fee_declaration(cu.unit_id, made)
    assert done["status"] == "申报成功" and not done.get("failed_rows")
