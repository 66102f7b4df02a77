"""One migration history serves both databases and matches the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from desktop_app.bootstrap import open_app
from desktop_app.infra import schema
from desktop_app.infra.config import DatabaseChoice
from desktop_app.infra.database import open_database
from desktop_app.kernel.errors import SchemaTooNew
from models import Base


def test_upgrade_gives_exactly_the_models_schema_and_downgrade_works(db_url: URL) -> None:
    db = open_database(db_url)
    try:
        assert schema.current_revision(db) is None
        assert schema.upgrade(db) is True
        assert schema.current_revision(db) == schema.head_revision()
        with db.engine.connect() as conn:
            mc = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(mc, Base.metadata) == []
        schema.downgrade(db, "base")
        tables = set(inspect(db.engine).get_table_names())
        assert tables <= {"alembic_version"}
        # And back up again: the history is repeatable.
        schema.upgrade(db)
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()


def test_app_upgrades_an_empty_database_on_start(db_url: URL) -> None:
    ctx = open_app(DatabaseChoice(db_url, "test"))
    try:
        assert schema.is_up_to_date(ctx.db)
    finally:
        ctx.close()


def test_app_refuses_a_schema_newer_than_it_knows(db_url: URL) -> None:
    ctx = open_app(DatabaseChoice(db_url, "test"))
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    ctx.close()
    with pytest.raises(SchemaTooNew, match="newer than this Clinicdesk knows"):
        open_app(DatabaseChoice(db_url, "test"))


def test_audit_log_and_ledger_refuse_updates_and_deletes(db_url: URL) -> None:
    from desktop_app.clinic.commands import UpdateClinicSettings
    from desktop_app.kernel.actor import Actor

    ctx = open_app(DatabaseChoice(db_url, "test"))
    try:
        ctx.bus.handle(UpdateClinicSettings(values={"clinic_name": "Test"}), Actor.system())
        for statement in ("UPDATE audit_entry SET command = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(Exception, match="append-only"), ctx.db.engine.begin() as conn:
                conn.execute(text(statement))
        with ctx.db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 1
    finally:
        ctx.close()


def test_upgrading_a_database_with_data_keeps_it_and_fills_new_columns(db_url: URL) -> None:
    import uuid
    from datetime import UTC, datetime

    db = open_database(db_url)
    try:
        schema.upgrade(db, "0001")
        client_id = uuid.uuid4()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO client (id, full_name, phone, notes, intake, created_at) "
                    "VALUES (:id, 'Zoë Ångström', '07700 900123', '', '{}', :now)"
                ),
                {
                    "id": client_id.hex if db.dialect == "sqlite" else client_id,
                    "now": datetime.now(UTC).replace(tzinfo=None),
                },
            )
            # A row pointing at the client: rebuilding `client` must not break it.
            conn.execute(
                text(
                    "INSERT INTO credit_entry (id, client_id, kind, amount, created_at, reason) "
                    "VALUES (:id, :client, 'adjustment', 2, :now, 'welcome')"
                ),
                {
                    "id": uuid.uuid4().hex if db.dialect == "sqlite" else uuid.uuid4(),
                    "client": client_id.hex if db.dialect == "sqlite" else client_id,
                    "now": datetime.now(UTC).replace(tzinfo=None),
                },
            )
        schema.upgrade(db)
        with db.engine.connect() as conn:
            key = conn.execute(text("SELECT search_key FROM client")).scalar()
        assert key == "zoe angstrom 07700900123"
        schema.downgrade(db, "0001")
        schema.upgrade(db)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM client")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM credit_entry")).scalar() == 1
    finally:
        db.dispose()
