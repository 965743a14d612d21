"""Set-up shared by the kill rounds and the fault walk: the real backend in its own
process, units registered on real client data folders, and the checks of what the client
holds against what the server holds."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

PASSWORD = "Soak2026x"
REGION = "440300"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass
class SoakUnit:
    """A unit registered on a client data folder, its password changed, fully synced."""

    folder: Path
    url: str
    unit_id: str
    taxpayer_id: str
    unit_number: str

    def as_args(self) -> list[str]:
        return [str(self.folder), self.url, self.unit_id, PASSWORD]


def start(folder: Path) -> Any:
    """The mock backend (`--seed none`, admin API on) in its own process."""
    from tests.support.backend import start_backend

    return start_backend(folder, seed="none", admin=True, processing_delay=0.0)


def open_unit(backend: Any, folder: Path, employees: int) -> SoakUnit:
    """A new taxpayer with one unit of `employees`, registered on a new client folder."""
    from client.account.login import LoginService
    from client.account.registration import RegistrationService
    from client.app_context import AppContext
    from client.jobs import JobContext
    from client.storage.app_db import RegionChoice

    created = backend.create_taxpayer(
        kind="employer", region=REGION, units=1, employees_per_unit=employees, projects_per_unit=0
    )
    info = created["units"][0]
    app = AppContext.open(str(folder), backend.url)
    try:
        app.today = date.fromisoformat(app.api().server_time().today)
        app.app_db.choose_region(RegionChoice(REGION, "深圳市", "税务自主", True, True))
        reg = RegistrationService(app, "employer")
        found = next(u for u in reg.lookup(created["taxpayer_id"]) if u.unit_id == info["unit_id"])
        unit = reg.confirm(reg.verify_password(found, info["initial_password"]), True)
        reg.close()
        login = LoginService(app)
        session = login.authenticate(unit, info["initial_password"])
        login.change_password(session, info["initial_password"], PASSWORD, PASSWORD)
        login.data_update_job(session).run(JobContext())
        session.close()
    finally:
        app.close()
    return SoakUnit(folder, backend.url, info["unit_id"], created["taxpayer_id"],
                    info["unit_numbers"][0])  # fmt: skip


# -- checks ------------------------------------------------------------------------------
def databases(folder: Path) -> list[Path]:
    """Every SQLite database of a client data folder (backups included)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".sqlite3", ".sqlite", ".db"):
            found.append(path)
    return found


def integrity_problems(folder: Path) -> list[str]:
    """`PRAGMA integrity_check` of every database; what is not "ok"."""
    problems = []
    for path in databases(folder):
        try:
            conn = sqlite3.connect(path)
            try:
                rows = conn.execute("PRAGMA integrity_check").fetchall()
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        if rows != [("ok",)]:
            problems.append(f"{path.name}: {rows[:3]}")
    return problems


def unit_db_path(unit: SoakUnit) -> Path:
    """The unit's own database in the client folder."""
    for path in databases(unit.folder):
        if unit.unit_id in path.name and "backup" not in str(path.parent).lower():
            return path
    for path in databases(unit.folder):
        conn = sqlite3.connect(path)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
        if "employees" in names and "backup" not in str(path.parent).lower():
            return path
    raise FileNotFoundError(f"no unit database for {unit.unit_id} in {unit.folder}")


def local_employees(unit: SoakUnit) -> list[list[Any]]:
    """The client's employees in the server's wire layout, ordered by id."""
    from client.storage.feed_tables import EMPLOYEES as spec

    conn = sqlite3.connect(unit_db_path(unit))
    try:
        rows = conn.execute(f"SELECT {', '.join(spec.fields)} FROM {spec.table} ORDER BY id")
        records = [list(r) for r in rows]
        items: dict[int, list[list[Any]]] = {}
        for row in conn.execute(
            f"SELECT {spec.item_owner}, {', '.join(spec.item_fields)} FROM {spec.item_table}"
            " ORDER BY rowid"
        ):
            items.setdefault(row[0], []).append(list(row[1:]))
    finally:
        conn.close()
    return [[*r, items.get(r[0], [])] for r in records]


def feed_differences(backend: Any, unit: SoakUnit) -> str | None:
    """None when the client's employees equal the server's (keys and values), else why."""
    from client.storage.feed_tables import EMPLOYEES

    dump = backend.dump(unit.unit_id, "employees")
    if dump["fields"] != EMPLOYEES.wire_fields:
        return f"unknown layout {dump['fields']}"
    server = sorted(dump["records"], key=lambda r: r[0])
    local = local_employees(unit)
    if len(local) != len(server):
        return f"{len(local)} local records, {len(server)} on the server"
    for mine, theirs in zip(local, server, strict=True):
        if mine != theirs:
            return f"record {theirs[0]} differs: local {mine!r} server {theirs!r}"
    return None


def server_db(backend: Any) -> sqlite3.Connection:
    """The backend's database, read-only (WAL lets it read beside the running server)."""
    paths = [p for p in Path(backend.data_dir).glob("*.sqlite3")] or list(
        Path(backend.data_dir).glob("*.db")
    )
    return sqlite3.connect(f"file:{paths[0]}?mode=ro", uri=True)


def duplicates(backend: Any, unit_id: str) -> dict[str, int]:
    """What the server did twice for the unit: items in two live declarations, lines in two
    live deductions, and idempotency keys answered more than once (by content)."""
    conn = server_db(backend)
    try:
        declared = conn.execute(
            "SELECT i.item_id, COUNT(*) FROM fee_declaration_items i JOIN fee_declarations d"
            " ON d.declaration_id = i.declaration_id WHERE d.unit_id = ?"
            " AND d.status NOT IN ('申报失败', '已作废') GROUP BY i.item_id HAVING COUNT(*) > 1",
            (unit_id,),
        ).fetchall()
        paid: dict[str, int] = {}
        for (line_ids,) in conn.execute(
            "SELECT line_ids FROM collect_deductions WHERE unit_id = ? AND status != '缴费失败'",
            (unit_id,),
        ):
            for line in json.loads(line_ids):
                paid[line] = paid.get(line, 0) + 1
    finally:
        conn.close()
    return {
        "declared_twice": len(declared),
        "paid_twice": sum(1 for n in paid.values() if n > 1),
    }


def server_counts(backend: Any, unit_id: str) -> dict[str, int]:
    conn = server_db(backend)
    try:
        (declarations,) = conn.execute(
            "SELECT COUNT(*) FROM fee_declarations WHERE unit_id = ? AND channel = '客户端'",
            (unit_id,),
        ).fetchone()
        (deductions,) = conn.execute(
            "SELECT COUNT(*) FROM collect_deductions WHERE unit_id = ? AND channel = '客户端'",
            (unit_id,),
        ).fetchone()
    finally:
        conn.close()
    return {"declarations": int(declarations), "deductions": int(deductions)}


def insured_normally(backend: Any, unit: SoakUnit) -> None:
    """单位参保信息 正常 for every item the unit's employees have (the seed suspends some, and
    a declaration of a suspended one fails, as it should; the soak wants arrears)."""
    dump = backend.dump(unit.unit_id, "employees")
    fields = dump["item_fields"]
    keys = set()
    for record in dump["records"]:
        for item in record[-1]:
            row = dict(zip(fields, item, strict=True))
            keys.add((row["unit_number"], row["levy_item"], row["levy_category"]))
    for number, levy, category in sorted(keys):
        backend.add_insurance(unit.unit_id, unit_number=number, levy_item=levy,
                              levy_category=category, status="正常")  # fmt: skip


def verified_agreement(backend: Any, unit: SoakUnit, account: str) -> str:
    """A verified 三方协议 on a funded account of the simulated bank; its id."""
    from client.app_context import AppContext
    from client.sync.api import ApiClient

    app = AppContext.open(str(unit.folder), unit.url)
    try:
        branch = app.app_db.rule_file("bank_branches")["entries"][0]
        registered = next(u for u in app.app_db.units("employer") if u.unit_id == unit.unit_id)
    finally:
        app.close()
    backend.bank_settings(deduct_delay_seconds=0, verify_delay_seconds=0)
    backend.bank_account(account, registered.taxpayer_name, "100000000.00", "正常")
    base = f"/collect/units/{unit.unit_id}/agreements"
    with ApiClient(unit.url) as api:
        api.login(unit.unit_id, PASSWORD)
        body = {
            "allow_deduction": False, "region_code": branch["region_code"],
            "tax_authority": registered.tax_authority or "国家税务总局深圳市税务局",
            "bank_code": branch["bank_code"], "branch_code": branch["code"],
            "account_name": registered.taxpayer_name, "account_number": account,
        }  # fmt: skip
        made = api.post_json(base, body)
        api.post_json(f"{base}/{made['agreement_id']}/verify", {})
        backend.process_collect(unit.unit_id)
        status = {a["agreement_id"]: a["status"] for a in api.get_json(base)["agreements"]}
    if status.get(made["agreement_id"]) != "验证通过":
        raise RuntimeError(f"the soak's 三方协议 was not verified: {status}")
    return str(made["agreement_id"])
