"""城乡居民缴费档次查询 (manual §3.4): nothing on open; 姓名, 证件类型, 证件号码 and 缴费年度,
then 查询 asks the 管理子系统 (with progress) for the 档次 open to that resident in each
征收品目, the one declared that year marked 当前档次. Nothing is kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client.collector.grades import GradeQuery, ResidentGrades, grade_years
from client.collector.page_parts import PersonQueryPage
from client.jobs import Job, JobContext
from client.ui.jobs import JobHandle
from client.ui.listpage import Column, ComboCondition, ListPageSpec
from client.ui.page_helpers import person_conditions
from client.ui.pages import PageContext

TITLE = "城乡居民缴费档次查询"
EMPTY = "请输入姓名、证件类型、证件号码和缴费年度，点击【查询】从管理子系统查询该居民的缴费档次。"
NONE_OPEN = "该居民在{year}年度没有可选择的缴费档次（未参保城乡居民险种）。"


class ResidentGradesPage(PersonQueryPage):
    KEY = "resident_grades"
    TITLE = TITLE
    EMPTY = EMPTY
    found: GradeQuery | None

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        app = ctx.ui.app
        self.service = ResidentGrades(ctx.session.api, ctx.session.unit.unit_id, self.id_types)
        self.years = grade_years(app.app_db.rule_file("resident_grades"), app.local_today())
        self.show_rows()

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=TITLE,
            columns=[
                Column("levy_item", "征收项目", 200, formatter=self.names.levy_item),
                Column("levy_category", "征收品目", 240, formatter=self.names.levy_category),
                Column("grade", "档次编码", 80, align="center"),
                Column("name", "缴费档次", 120),
                Column("amount", "金额（元）", 120, kind="amount"),
                Column("current_mark", "当前档次", 100, align="center"),
            ],
            conditions=[
                *person_conditions(self.id_types),
                ComboCondition(
                    "year",
                    "缴费年度",
                    [(f"{y}", y) for y in self.years],
                    default=self.years[0],
                    include_all=False,
                ),
            ],  # fmt: skip
            checkable=False,
            summary=self._summary,
            empty_text=EMPTY,
            on_query=lambda _p: self.fetch(),
            condition_columns=4,
        )

    def _summary(self, _filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        if self.found is None:
            return []
        person = self.found.person
        shown = [
            ("姓名", person.get("name") or ""),
            ("人员编号", person.get("person_number") or ""),
        ]
        for key, title in (("township", "乡镇街道"), ("village", "社区村组")):
            if person.get(key):
                shown.append((title, person[key]))
        shown.append(("缴费年度", f"{self.found.year}"))
        return shown

    def fetch(self) -> JobHandle[GradeQuery]:
        """查询: the four conditions to the 管理子系统; its rows (or its sentence) shown."""
        values = self.person_values()
        year = self.list.condition_value("year")

        def run(_ctx: JobContext) -> GradeQuery:
            return self.service.query(values["name"], values["id_type"], values["id_number"], year)

        handle = self.runner.run(Job("正在查询城乡居民缴费档次", run), self._show, self._failed)
        self.handle = handle
        return handle

    def _show(self, found: GradeQuery) -> None:
        self.show_found(found, found.rows, NONE_OPEN.format(year=found.year))
