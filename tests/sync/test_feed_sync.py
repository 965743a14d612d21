"""Full and incremental sync against a real mock backend on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

import pytest

from client.jobs import CancelToken, JobCancelled, JobContext, Progress
from client.sync.engine import FeedSyncer
from client.sync.errors import ConnectionDroppedError, MalformedResponseError
from tests.sync.conftest import UnitFixture, assert_same_as_server, local_dump


def syncer(unit: UnitFixture, page_size: int = 5000) -> FeedSyncer:
    return FeedSyncer(unit.api, unit.db, unit.unit_id, unit.spec, page_size=page_size)


def changes_of(unit: UnitFixture, run_id: int) -> dict[str, set[int]]:
    with unit.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT kind, record_id FROM sync_changes WHERE run_id = ?", (run_id,)
        ).all()
    out: dict[str, set[int]] = {"added": set(), "changed": set(), "removed": set()}
    for kind, rid in rows:
        out[kind].add(rid)
    return out


@pytest.mark.parametrize("fixture_name", ["employer", "collector"])
def test_full_then_incremental_reproduces_server(
    backend: Any, request: pytest.FixtureRequest, fixture_name: str
) -> None:
    unit: UnitFixture = request.getfixturevalue(fixture_name)
    first = syncer(unit, page_size=64).run(JobContext())
    assert first.mode == "full"
    assert first.counts.added == first.total == len(local_dump(unit))
    assert first.pages >= 4
    assert_same_as_server(backend, unit)

    mutated = backend.mutate(unit.unit_id, unit.feed, add=7, change=11, remove=5, seed=3)
    second = syncer(unit, page_size=8).run(JobContext())
    assert second.mode == "incremental"
    assert_same_as_server(backend, unit)
    seen = changes_of(unit, second.run_id)
    assert seen["added"] == set(mutated["added"])
    assert seen["changed"] == set(mutated["changed"]) - set(mutated["removed"])
    assert seen["removed"] == set(mutated["removed"])
    assert second.counts.total == len(seen["added"] | seen["changed"] | seen["removed"])


def test_no_change_check_is_one_request(backend: Any, employer: UnitFixture) -> None:
    syncer(employer).run(JobContext())
    again = syncer(employer).run(JobContext())
    assert again.mode == "incremental"
    assert again.requests == 1
    assert again.counts.total == 0


def test_changed_record_detail_names_the_change(backend: Any, employer: UnitFixture) -> None:
    syncer(employer).run(JobContext())
    target = local_dump(employer)[0]
    backend.admin_patch(f"employees/{target[0]}", {"name": "曾晓明"})
    result = syncer(employer).run(JobContext())
    with employer.db.engine.connect() as conn:
        kind, name, detail = conn.exec_driver_sql(
            "SELECT kind, name, detail FROM sync_changes WHERE run_id = ?", (result.run_id,)
        ).one()
    assert (kind, name) == ("changed", "曾晓明")
    assert json.loads(detail)["fields"]["name"] == [target[2], "曾晓明"]


def test_tombstones_remove_rows_and_their_items(backend: Any, employer: UnitFixture) -> None:
    syncer(employer).run(JobContext())
    removed = backend.mutate(employer.unit_id, "employees", remove=4, seed=9)["removed"]
    syncer(employer).run(JobContext())
    with employer.db.engine.connect() as conn:
        marks = ",".join("?" * len(removed))
        assert (
            conn.exec_driver_sql(
                f"SELECT COUNT(*) FROM employees WHERE id IN ({marks})", tuple(removed)
            ).scalar()
            == 0
        )
        assert (
            conn.exec_driver_sql(
                f"SELECT COUNT(*) FROM employee_items WHERE employee_id IN ({marks})",
                tuple(removed),
            ).scalar()
            == 0
        )
    assert_same_as_server(backend, employer)


def test_single_dropped_connection_is_retried(backend: Any, employer: UnitFixture) -> None:
    backend.add_fault("drop", path_prefix="/api/v1/mgmt/units", count=1, after_bytes=100)
    result = syncer(employer, page_size=50).run(JobContext())
    assert result.mode == "full"
    assert_same_as_server(backend, employer)


def _drop_after_pages(backend: Any, pages: int, prefix: str):
    """A progress sink that cuts every later request once `pages` pages were written."""
    state = {"pages": 0, "armed": False}

    def on_progress(p: Progress) -> None:
        if p.done and not state["armed"]:
            state["pages"] += 1
            if state["pages"] >= pages:
                state["armed"] = True
                backend.add_fault("drop", path_prefix=prefix, count=50, after_bytes=10)

    return on_progress


def test_full_sync_cut_off_resumes_and_ends_identical(backend: Any, employer: UnitFixture) -> None:
    snapshot_prefix = f"/api/v1/mgmt/units/{employer.unit_id}/employees/snapshot"
    with pytest.raises(ConnectionDroppedError) as err:
        syncer(employer, page_size=40).run(
            JobContext(_drop_after_pages(backend, 2, snapshot_prefix))
        )
    assert "中断" in err.value.message
    state = employer.db.sync_state("employees")
    assert state.staging_active and not state.full_done
    assert employer.spec and len(local_dump(employer)) == 0  # nothing half-swapped
    backend.clear_faults()
    backend.mutate(employer.unit_id, "employees", add=3, change=5, remove=2, seed=4)
    resumed = syncer(employer, page_size=40).run(JobContext())
    assert resumed.mode == "full"
    assert resumed.requests < 300 / 40 + 2  # continued, did not start over
    assert_same_as_server(backend, employer)


def test_incremental_cut_off_resumes_without_applying_twice(
    backend: Any, employer: UnitFixture
) -> None:
    syncer(employer).run(JobContext())
    backend.mutate(employer.unit_id, "employees", change=120, seed=5)
    changes_prefix = f"/api/v1/mgmt/units/{employer.unit_id}/employees/changes"
    with pytest.raises(ConnectionDroppedError):
        syncer(employer, page_size=20).run(
            JobContext(_drop_after_pages(backend, 2, changes_prefix))
        )
    cursor_after_cut = employer.db.sync_state("employees").cursor
    backend.clear_faults()
    resumed = syncer(employer, page_size=20).run(JobContext())
    assert resumed.mode == "incremental"
    assert employer.db.sync_state("employees").cursor >= cursor_after_cut
    assert_same_as_server(backend, employer)
    with employer.db.engine.connect() as conn:
        per_record = conn.exec_driver_sql(
            "SELECT record_id, COUNT(*) FROM sync_changes WHERE kind = 'changed'"
            " GROUP BY record_id HAVING COUNT(*) > 1"
        ).all()
    assert per_record == []  # no page was applied twice


def test_expired_cursor_falls_back_to_full(backend: Any, employer: UnitFixture) -> None:
    syncer(employer).run(JobContext())
    backend.mutate(employer.unit_id, "employees", remove=3, add=2, seed=6)
    backend.admin_post(f"units/{employer.unit_id}/employees/compact")
    result = syncer(employer).run(JobContext())
    assert result.fell_back_to_full
    assert result.mode == "full"
    assert result.counts.removed == 3 and result.counts.added == 2
    assert_same_as_server(backend, employer)


def test_malformed_body_changes_nothing(backend: Any, employer: UnitFixture) -> None:
    syncer(employer).run(JobContext())
    before = local_dump(employer)
    cursor = employer.db.sync_state("employees").cursor
    backend.mutate(employer.unit_id, "employees", change=10, seed=8)
    backend.add_fault("malformed", path_prefix="/api/v1/mgmt/units", count=1)
    with pytest.raises(MalformedResponseError) as err:
        syncer(employer).run(JobContext())
    assert "格式不正确" in err.value.message
    assert local_dump(employer) == before
    assert employer.db.sync_state("employees").cursor == cursor
    syncer(employer).run(JobContext())
    assert_same_as_server(backend, employer)


def test_malformed_first_snapshot_leaves_empty_database(
    backend: Any, employer: UnitFixture
) -> None:
    backend.add_fault("malformed", path_prefix="/api/v1/mgmt/units", count=1)
    with pytest.raises(MalformedResponseError):
        syncer(employer).run(JobContext())
    assert local_dump(employer) == []
    assert not employer.db.sync_state("employees").full_done


def test_cancel_keeps_staged_pages_for_later(backend: Any, employer: UnitFixture) -> None:
    token = CancelToken()

    def cancel_after_first(p: Progress) -> None:
        if p.done >= 40:
            token.cancel()

    with pytest.raises(JobCancelled):
        syncer(employer, page_size=40).run(JobContext(cancel_after_first, token))
    assert employer.db.sync_state("employees").staging_active
    assert local_dump(employer) == []
    done = syncer(employer, page_size=40).run(JobContext())
    assert done.mode == "full"
    assert_same_as_server(backend, employer)


def test_resumed_snapshot_whose_history_expired_starts_over(
    backend: Any, employer: UnitFixture
) -> None:
    """A clerk cancels the first login's download; before they come back the server has
    changed records and dropped the history since that snapshot. The resumed download's
    catch-up gets 410: the client starts the full download over by itself and ends
    identical to the server, with no error shown."""
    token = CancelToken()

    def cancel_after_first(p: Progress) -> None:
        if p.done >= 40:
            token.cancel()

    with pytest.raises(JobCancelled):
        syncer(employer, page_size=40).run(JobContext(cancel_after_first, token))
    backend.mutate(employer.unit_id, "employees", remove=3, add=2, change=4, seed=8)
    backend.admin_post(f"units/{employer.unit_id}/employees/compact")
    done = syncer(employer, page_size=40).run(JobContext())
    assert done.mode == "full"
    assert not employer.db.sync_state("employees").staging_active
    assert_same_as_server(backend, employer)
    again = syncer(employer).run(JobContext())
    assert again.mode == "incremental" and again.counts.total == 0


def test_progress_reports_phase_done_and_total(backend: Any, employer: UnitFixture) -> None:
    ctx = JobContext()
    syncer(employer, page_size=100).run(ctx)
    full = [p for p in ctx.history if p.phase == "employees:full"]
    assert full[-1].done == full[-1].total == 300
    assert [p.done for p in full] == sorted(p.done for p in full)
