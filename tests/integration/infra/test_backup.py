"""`clinicdesk backup`: a copy that opens on its own and holds the same data."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.clients import queries as client_queries
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.demo.seed import seed_demo
from desktop_app.infra.backup import backup
from desktop_app.infra.database import Database, open_database
from desktop_app.infra.doctor import run_checks
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.kernel.errors import ClinicdeskError, Conflict
from models import Base

NOW = datetime(2026, 11, 24, 10, 7, tzinfo=UTC)


def _demo(app: AppContext) -> None:
    clock = FixedClock(NOW)
    ctx = AppContext(choice=app.choice, db=app.db, bus=build_bus(app.db, clock), clock=clock)
    seed_demo(ctx, size="small", seed=2)


def _row_counts(db: Database) -> dict[str, int]:
    with db.read_sessions() as s:
        return {
            name: s.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def test_backup_is_a_complete_copy_or_explains_pg_dump(app: AppContext, tmp_path: Path) -> None:
    _demo(app)
    destination = tmp_path / "backups" / "monday" / "clinic.sqlite3"

    if app.db.dialect == "postgresql":
        # As a clinic's URL would be, with a password that must not be echoed.
        db = dataclasses.replace(app.db, url=app.db.url.set(password="s3cret-pw"))
        with pytest.raises(ClinicdeskError) as refused:
            backup(db, destination)
        message = str(refused.value)
        assert "pg_dump" in message and "pg_restore" in message
        assert f"--dbname={app.db.url.database}" in message
        assert str(destination) in message
        assert "s3cret-pw" not in message and "\n" not in message
        assert not destination.parent.exists()
        return

    written = backup(app.db, destination)

    assert written == destination and destination.is_file()
    assert not list(destination.parent.glob("*.part"))
    before = _row_counts(app.db)
    # What happens after the backup is not in it.
    app.bus.handle(UpdateClinicSettings(values={"clinic_name": "Renamed"}), Actor.system())

    copy = open_database(make_url(f"sqlite:///{destination}"))
    try:
        assert _row_counts(copy) == before
        assert before["appointment"] > 500 and before["credit_entry"] > 50
        names = [c.full_name for c in client_queries.clients(copy, limit=1000)]
        assert names == [c.full_name for c in client_queries.clients(app.db, limit=1000)]
        assert clinic_queries.clinic_settings(copy).clinic_name != "Renamed"
        assert all(f.ok for f in run_checks(copy))
    finally:
        copy.dispose()


def test_backup_never_overwrites_a_file(sqlite_app: AppContext, tmp_path: Path) -> None:
    existing = tmp_path / "clinic.sqlite3.bak"
    existing.write_bytes(b"last week's backup")

    with pytest.raises(Conflict, match="already exists"):
        backup(sqlite_app.db, existing)

    assert existing.read_bytes() == b"last week's backup"
    assert not list(tmp_path.glob("*.part"))


def test_backup_into_a_folder_gets_a_dated_name(sqlite_app: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()

    first = backup(sqlite_app.db, folder)

    assert first.parent == folder and first.name.startswith("clinicdesk-backup-")
    assert first.suffix == ".sqlite3"
    copy = open_database(make_url(f"sqlite:///{first}"))
    try:
        assert _row_counts(copy) == _row_counts(sqlite_app.db)
    finally:
        copy.dispose()
