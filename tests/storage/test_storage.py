"""Local storage without a server: locations, migrations with backups, units, settings."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from client.storage.app_db import AppDatabase, RegionChoice
from client.storage.errors import RegionAlreadyChosenError, UnitAlreadyAddedError
from client.storage.migrate import UNIT_SCRIPTS, current_revision, head_revision
from client.storage.paths import DATA_DIR_ENV, resolve_data_dir
from client.storage.settings import AppSettings, ProxyConfig, clamp_page_size
from client.storage.unit_db import UnitDatabase
from tests.storage.old_unit_db import unit_db_at

REGION = RegionChoice("440300", "深圳市", "税务自主", True, True)


@pytest.fixture
def app_db(tmp_path: Path) -> AppDatabase:
    db = AppDatabase(resolve_data_dir(tmp_path / "data"))
    yield db
    db.close()


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert resolve_data_dir().root == (tmp_path / "from-env").resolve()
    assert resolve_data_dir(tmp_path / "explicit").root == (tmp_path / "explicit").resolve()
    monkeypatch.delenv(DATA_DIR_ENV)
    assert "SheBaoFeiClient" in str(resolve_data_dir().root)


def test_new_database_is_at_head_with_wal(app_db: AppDatabase) -> None:
    assert app_db.migration_backup is None  # nothing to protect in a new file
    from client.storage.migrate import APP_SCRIPTS

    assert current_revision(app_db.engine) == head_revision(APP_SCRIPTS)
    with app_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_region_is_chosen_once(app_db: AppDatabase) -> None:
    assert app_db.region() is None
    app_db.choose_region(REGION)
    with pytest.raises(RegionAlreadyChosenError) as err:
        app_db.choose_region(RegionChoice("330100", "杭州市", "税务代征", True, False))
    assert "深圳市" in err.value.message
    assert app_db.region().code == "440300"


def test_units_add_search_remark_and_duplicates(app_db: AppDatabase) -> None:
    a = app_db.add_unit(
        kind="employer",
        unit_id="U1",
        taxpayer_id="91440300MA5FXXXX1A",
        taxpayer_name="深圳市蓝海科技有限公司",
        tax_authority="国家税务总局深圳市南山区税务局",
        tax_section="第一税务所",
    )
    app_db.add_unit(
        kind="employer",
        unit_id="U2",
        taxpayer_id="12440300455755717M",
        taxpayer_name="深圳市妇幼保健院",
        tax_authority="国家税务总局深圳市福田区税务局",
        tax_section="第二税务所",
    )
    app_db.add_unit(
        kind="collector",
        unit_id="C1",
        taxpayer_id="54440300MEA123456X",
        taxpayer_name="大浪村民委员会",
        tax_authority="x",
        tax_section="y",
    )
    with pytest.raises(UnitAlreadyAddedError):
        app_db.add_unit(
            kind="employer",
            unit_id="U1",
            taxpayer_id="91440300MA5FXXXX1A",
            taxpayer_name="深圳市蓝海科技有限公司",
            tax_authority="",
            tax_section="",
        )
    app_db.set_remark(a.id, "  总部  ")
    assert [u.unit_id for u in app_db.units("employer")] == ["U1", "U2"]
    assert [u.unit_id for u in app_db.units("employer", "总部")] == ["U1"]
    assert [u.unit_id for u in app_db.units("employer", "保健")] == ["U2"]
    assert [u.unit_id for u in app_db.units("employer", "1244030045")] == ["U2"]
    assert [u.unit_id for u in app_db.units("collector")] == ["C1"]
    assert app_db.unit(a.id).remark == "总部"
    # %, _ and the backslash are text in the search box, not wildcards
    app_db.set_remark(a.id, "完成100%_a\\b")
    assert [u.unit_id for u in app_db.units("employer", "%")] == ["U1"]
    assert [u.unit_id for u in app_db.units("employer", "_")] == ["U1"]
    assert [u.unit_id for u in app_db.units("employer", "0%_a\\b")] == ["U1"]
    assert app_db.units("employer", "完成_") == [] and app_db.units("employer", "'") == []


def test_proxy_password_is_not_stored_in_plain_text(app_db: AppDatabase) -> None:
    settings = AppSettings(app_db)
    config = ProxyConfig("socks5", "10.0.0.1", 1080, "clerk", "s3cret-口令")
    settings.set_proxy(config)
    assert settings.proxy() == config
    assert config.url() == "socks5://clerk:s3cret-%E5%8F%A3%E4%BB%A4@10.0.0.1:1080"
    app_db.close()
    raw = app_db.paths.app_db.read_bytes()
    wal = app_db.paths.app_db.with_name("app.sqlite3-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"s3cret" not in raw
    assert "口令".encode() not in raw


def test_proxy_validation_messages() -> None:
    assert ProxyConfig().validation_error() is None
    assert "地址" in ProxyConfig("http", "", 8080).validation_error()
    assert "端口" in ProxyConfig("http", "proxy", 0).validation_error()
    assert "用户名" in ProxyConfig("http", "proxy", 8080, "", "pw").validation_error()


def test_page_size_and_column_widths(app_db: AppDatabase) -> None:
    settings = AppSettings(app_db)
    assert settings.page_size() == 1000
    settings.set_page_size(50_000)
    assert settings.page_size() == 10_000
    assert clamp_page_size("abc") == 1000
    settings.set_column_widths("roster", {"name": 0, "gender": 80})
    assert settings.column_widths("roster") == {"name": 30, "gender": 80}


def test_unit_db_migration_backs_up_before_changing_schema(tmp_path: Path) -> None:
    """A schema change on an existing file copies the file first and keeps the data."""
    scripts = tmp_path / "scripts"
    shutil.copytree(UNIT_SCRIPTS, scripts)
    (scripts / "versions" / "9999_test_column.py").write_text(
        '"""test: add a column"""\n'
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = {head_revision(UNIT_SCRIPTS)!r}\n"
        "branch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    with op.batch_alter_table('employees') as b:\n"
        "        b.add_column(sa.Column('nickname', sa.String(20), nullable=True))\n"
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    (scripts / "__init__.py").write_text('HEAD = "9999"\n', encoding="utf-8")
    db_path = tmp_path / "unit.sqlite3"
    backups = tmp_path / "backups"
    db = UnitDatabase(db_path, backups)
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO employees (id, seq, name, gender, id_type, id_number, status, updated_at)"
            " VALUES (1, 5, '林婷', '女', '01', '11010519491231002X', '1', '2026-11-01 08:00:00')"
        )
    db.close()

    from client.storage.database import LocalDatabase

    upgraded = LocalDatabase(db_path, scripts, backups)
    assert upgraded.migration_backup is not None
    assert upgraded.migration_backup.exists()
    with upgraded.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name, nickname FROM employees").all() == [
            ("林婷", None)
        ]
        assert current_revision(upgraded.engine) == "9999"
    upgraded.close()
    copy = sqlite3.connect(upgraded.migration_backup)
    try:
        assert copy.execute("SELECT name FROM employees").fetchall() == [("林婷",)]
        cols = [r[1] for r in copy.execute("PRAGMA table_info(employees)")]
        assert "nickname" not in cols
    finally:
        copy.close()
    # Opening again at head does not back up again.
    again = LocalDatabase(db_path, scripts, backups)
    assert again.migration_backup is None
    again.close()


def test_upgrade_from_0002_backfills_search_columns(tmp_path: Path) -> None:
    """A unit database written by revision 0002 gains pinyin initials and pay months."""
    db_path = tmp_path / "old.sqlite3"
    unit_db_at(
        db_path,
        "0002",
        "INSERT INTO employees (id, seq, name, gender, id_type, id_number, status, updated_at)"
        " VALUES (7, 1, '曾婷', '女', '01', 'X', '1', '2026-01-01 00:00:00')",
        "INSERT INTO employee_items (employee_id, unit_number, person_number, levy_item,"
        " levy_category, levy_subcategory, base, start_month, end_month) VALUES"
        " (7, '1', 'P', '10201', 'c', 's', '5000.00', '2019-03', '2025-12'),"
        " (7, '1', 'P', '10203', 'c', 's', '5000.00', '2018-01', '2024-06')",
    )
    db = UnitDatabase(db_path, tmp_path / "backups")
    assert db.migration_backup is not None and db.migration_backup.exists()
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT name_initials, pay_start, pay_end FROM employees WHERE id = 7"
        ).one()
    assert tuple(row) == ("|ct|zt|", "2018-01", "2025-12")
    db.close()


def test_declared_heads_match_the_scripts() -> None:
    """The fast path that skips Alembic relies on HEAD being the real newest revision."""
    from client.storage.migrate import APP_SCRIPTS, declared_head

    for scripts in (APP_SCRIPTS, UNIT_SCRIPTS):
        assert declared_head(scripts) == head_revision(scripts)
