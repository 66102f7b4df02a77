"""The database layer: instants, SQLite's settings, concurrent writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError

from desktop_app.audit import queries as audit_queries
from desktop_app.audit.log import verify_chain
from desktop_app.bootstrap import AppContext
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.infra import database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import ConfigError
from models import ClinicHoliday, Notification, StaffAccount


def _staff(app: AppContext) -> StaffAccount:
    account = StaffAccount(email="a@clinic.test", name="A", password_hash="x")
    with app.db.write_sessions.begin() as s:
        s.add(account)
    return account


def test_naive_datetime_is_refused_and_nothing_is_written(app: AppContext) -> None:
    account = _staff(app)
    with (
        pytest.raises(StatementError, match="naive datetime refused"),
        app.db.write_sessions.begin() as s,
    ):
        s.add(
            Notification(
                recipient_id=account.id, kind="k", text="t", created_at=datetime(2026, 1, 1)
            )
        )
    with app.db.read_sessions() as s:
        assert s.scalars(select(Notification)).all() == []


def test_instants_come_back_as_the_same_utc_instant(app: AppContext) -> None:
    account = _staff(app)
    plus_five = timezone(timedelta(hours=5, minutes=30))
    written = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=plus_five)
    with app.db.write_sessions.begin() as s:
        s.add(Notification(recipient_id=account.id, kind="k", text="t", created_at=written))
    with app.db.read_sessions() as s:
        read = s.scalars(select(Notification.created_at)).one()
    assert read == written
    assert read.tzinfo is not None and read.utcoffset() == timedelta(0)


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(sqlite_app: AppContext) -> None:
    with sqlite_app.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_enforces_foreign_keys(sqlite_app: AppContext) -> None:
    import uuid

    with (
        pytest.raises(Exception, match="FOREIGN KEY"),
        sqlite_app.db.write_sessions.begin() as s,
    ):
        s.add(Notification(recipient_id=uuid.uuid4(), kind="k", text="t"))


def test_concurrent_writers_all_commit_and_keep_the_audit_chain(app: AppContext) -> None:
    """Read-then-write commands from many threads: none fails with 'database is
    locked' (SQLite) and the hash chain has no fork (both databases)."""
    threads_n, per_thread = 6, 8
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def work(i: int) -> None:
        try:
            start.wait()
            for j in range(per_thread):
                app.bus.handle(
                    UpdateClinicSettings(values={"clinic_name": f"Clinic {i}-{j}"}),
                    Actor.system(f"writer {i}"),
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    audit = audit_queries.recent_audit(app.db, limit=1000)
    assert sorted(a.seq for a in audit) == list(range(1, threads_n * per_thread + 1))
    with app.db.read_sessions() as s:
        assert verify_chain(s) == []


def test_sqlite_write_transactions_take_the_write_lock_up_front(
    sqlite_app: AppContext,
) -> None:
    """A write session holds the lock from BEGIN, so a second writer waits instead
    of failing later with 'database is locked' in the middle of its work."""
    db = sqlite_app.db
    with db.write_sessions() as first:
        first.execute(select(1))  # BEGIN IMMEDIATE happens here
        probe = database.open_database(db.url)
        with probe.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 0")
            with pytest.raises(Exception, match="locked"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        probe.dispose()
        first.rollback()


def test_reads_do_not_take_the_write_lock(sqlite_app: AppContext) -> None:
    db = sqlite_app.db
    with db.read_sessions() as reader:
        reader.execute(select(ClinicHoliday))
        with db.write_sessions.begin() as writer:
            writer.add(ClinicHoliday(day=datetime.now(UTC).date(), name="Today off"))
    with db.read_sessions() as s:
        assert len(s.scalars(select(ClinicHoliday)).all()) == 1


def test_sqlite_file_on_a_network_share_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "_mount_fstype", lambda path: "nfs4")
    with pytest.raises(ConfigError, match=r"network share.*PostgreSQL"):
        database.open_database(make_url(f"sqlite:///{tmp_path / 'c.sqlite3'}"))


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_sessions_run_in_utc(app: AppContext) -> None:
    with app.db.engine.connect() as conn:
        assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
