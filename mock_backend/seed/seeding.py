"""Seeding a database: regions, rule files, notices, taxpayers, units, records
and the demo employers' fee history."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection

from mock_backend.db import FEED_INDEXES, Database, driver, get_meta, set_meta, take_sequence
from mock_backend.seed.banks import BENCH_BRANCHES, bank_branches
from mock_backend.seed.certificates import seed_tickets
from mock_backend.seed.demo import bench_specs, demo_specs
from mock_backend.seed.fees import seed_fee_history
from mock_backend.seed.geography import REGIONS
from mock_backend.seed.loader import insert_units, load_unit_records
from mock_backend.seed.notices import notices_for
from mock_backend.seed.payments import seed_agreements, seed_vouchers
from mock_backend.seed.reference import generate_reference, insert_reference
from mock_backend.seed.registry import seed_registry
from mock_backend.seed.residents_fees import seed_resident_declarations
from mock_backend.seed.rules import INITIAL_VERSIONS, RULE_FILES, rule_contents

log = logging.getLogger(__name__)

SEEDED_KEY = "seeded_profile"


@dataclass
class SeedSummary:
    profile: str
    units: int
    records: int
    seconds: float
    reused: bool = False


def seed_database(
    db: Database,
    profile: str,
    random_seed: int,
    employees_per_unit: int,
    residents_per_unit: int,
    bench_employees: int = 0,
    bench_residents: int = 0,
) -> SeedSummary:
    """Fill an empty database (schema created, feed indexes not yet) for `profile`.

    An already seeded database is left alone. Everything runs in one transaction; record
    indexes are built after the load.
    """
    started = time.perf_counter()
    with db.read() as conn:
        existing = get_meta(conn, SEEDED_KEY)
    if existing is not None:
        if existing != profile:
            log.warning(
                "the database was seeded with profile %s; keeping it (use --reset)", existing
            )
        with db.write() as conn:
            added = _insert_rule_files(conn)
            if existing in ("demo", "bench"):  # a database seeded before issue 12
                seed_registry(driver(conn), int(get_meta(conn, "random_seed") or random_seed))
        if added:
            log.info("added %d rule files missing from the existing database", added)
        db.create_feed_indexes()
        return SeedSummary(existing, 0, 0, 0.0, reused=True)

    with db.write() as conn:
        raw = driver(conn)
        _insert_reference_data(conn)
        if profile == "bench":
            _bench_branches(conn)
        specs = []
        if profile in ("demo", "bench"):
            specs = demo_specs(random_seed, employees_per_unit, residents_per_unit)
        demo_count = len(specs)  # the bench units get no fee history
        if profile == "bench":
            taken = {s.taxpayer_id for s in specs}
            specs += bench_specs(
                random_seed, bench_employees, bench_residents, len(specs) + 1, taken
            )
        insert_units(raw, specs)
        insert_reference(raw, generate_reference(specs))
        total = sum(max(0, s.records) for s in specs)
        first_seq = take_sequence(conn, total) if total else 1
        load_unit_records(raw, specs, first_seq)
        if profile in ("demo", "bench"):
            for statement in FEED_INDEXES:  # the fee history reads employees by unit
                raw.execute(statement)
            seed_agreements(raw, specs[:demo_count])  # before 批量扣款 of the fee history
            seed_fee_history(raw, specs[:demo_count])
            seed_vouchers(raw, specs[:demo_count])
            seed_tickets(raw, specs[:demo_count])  # of the 入库 批量扣款 lines
            seed_registry(raw, random_seed)  # 外部参保城乡居民 of every region
            seed_resident_declarations(raw, specs[:demo_count])
        set_meta(conn, SEEDED_KEY, profile)
        set_meta(conn, "random_seed", str(random_seed))
    db.create_feed_indexes()
    seconds = time.perf_counter() - started
    log.info(
        "seeded profile %s: %d units, %d records in %.2f s", profile, len(specs), total, seconds
    )
    return SeedSummary(profile, len(specs), total, seconds)


def _insert_rule_files(conn: Connection) -> int:
    """Every region's rule files at their initial versions; files already there are kept
    (so a database seeded by an older version gains the files added since). Returns the
    number of files added."""
    raw = driver(conn)
    added = 0
    for region in REGIONS:
        contents = rule_contents(region)
        added += sum(
            raw.execute(
                "INSERT OR IGNORE INTO rule_files (region, code, name, version, position, content)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    region.code,
                    code,
                    name,
                    INITIAL_VERSIONS[region.code],
                    position,
                    orjson.dumps(contents[code]).decode(),
                ),
            ).rowcount
            for position, (code, name) in enumerate(RULE_FILES)
        )
    return added


def _bench_branches(conn: Connection) -> None:
    """The bench profile's 开户网点 tables: BENCH_BRANCHES branches per region."""
    driver(conn).executemany(
        "UPDATE rule_files SET content = ? WHERE region = ? AND code = 'bank_branches'",
        [
            (orjson.dumps(bank_branches(region.code, BENCH_BRANCHES)).decode(), region.code)
            for region in REGIONS
        ],
    )


def _insert_reference_data(conn: Connection) -> None:
    raw = driver(conn)
    raw.executemany(
        "INSERT INTO regions (code, name, employer_online, collector_online, collection_mode,"
        " position) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (r.code, r.name, r.employer_online, r.collector_online, r.collection_mode, i)
            for i, r in enumerate(REGIONS)
        ],
    )
    _insert_rule_files(conn)
    for region in REGIONS:
        rows = notices_for(region)
        first = take_sequence(conn, len(rows))
        raw.executemany(
            "INSERT INTO notices (region, seq, title, body, published_at, withdrawn)"
            " VALUES (?, ?, ?, ?, ?, 0)",
            [
                (region.code, first + i, title, body, published_at)
                for i, (published_at, title, body) in enumerate(rows)
            ],
        )
