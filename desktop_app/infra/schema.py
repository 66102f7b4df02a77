"""Bringing a database's schema to the version this build knows.

The app upgrades an older schema on start and refuses one that is newer than
it knows: a newer schema means another workstation runs a newer Clinicdesk,
and writing to it with older code could damage data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from desktop_app.infra.database import Database
from desktop_app.kernel.errors import ClinicdeskError, SchemaTooNew

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaError(ClinicdeskError):
    pass


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration history is empty"
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config())
    known = {s.revision for s in scripts.walk_revisions()}
    if revision not in known:
        raise SchemaTooNew(
            f"the database's schema ({revision}) is newer than this Clinicdesk knows "
            f"(latest {head_revision()}). Update Clinicdesk on this computer before using "
            "this database."
        )


def is_up_to_date(db: Database) -> bool:
    revision = current_revision(db)
    _check_known(revision)
    return revision == head_revision()


def _migrate(db: Database, run: Callable[[Config], None]) -> None:
    """Run a migration in one transaction.

    On SQLite, batch mode rebuilds a table by copying it and dropping the
    old one, which foreign keys would refuse on a database with data in it.
    SQLite only lets foreign keys be switched off outside a transaction, so
    they go off for the migration and every key is checked before commit.
    """
    sqlite = db.dialect == "sqlite"
    with db.engine.connect() as conn:
        # On the driver's connection: through SQLAlchemy it would first open
        # a transaction, inside which SQLite ignores this pragma.
        raw = conn.connection.dbapi_connection
        if sqlite:
            assert raw is not None
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                run(alembic_config(conn))
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise SchemaError(
                            f"the migration would leave {len(broken)} broken references "
                            f"(first in table {broken[0][0]}); nothing was changed"
                        )
        finally:
            if sqlite:
                assert raw is not None
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(db: Database, target: str = "head") -> bool:
    """Upgrade to `target`; return True when something was applied."""
    before = current_revision(db)
    _check_known(before)
    if target == "head" and before == head_revision():
        return False
    _migrate(db, lambda cfg: command.upgrade(cfg, target))
    return current_revision(db) != before


def downgrade(db: Database, target: str) -> None:
    _migrate(db, lambda cfg: command.downgrade(cfg, target))
