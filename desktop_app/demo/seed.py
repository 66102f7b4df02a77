"""Seeding the demo clinic: the entry point for the command line and the GUI.

summary = seed_demo(ctx, size="small", seed=1)
print(summary.describe())
"""

from __future__ import annotations

from typing import Any

from desktop_app.demo.commands import SeedDemoClinic
from desktop_app.demo.dataset import SIZES, DemoLogin, DemoSummary
from desktop_app.demo.handlers import occupancy
from desktop_app.infra import schema
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError

__all__ = [
    "SIZES",
    "DemoLogin",
    "DemoSummary",
    "database_is_empty",
    "erase_database",
    "seed_demo",
]


def database_is_empty(ctx: Core) -> bool:
    """True when the demo may go in without --force (no staff, clients, appointments...)."""
    with ctx.db.read_sessions() as session:
        return not occupancy(session)


def erase_database(db: Database) -> None:
    """Remove every table and row, then build the current schema afresh.

    Rows cannot simply be deleted: the audit log and the credit ledger refuse
    it by trigger. PostgreSQL is taken down through the migrations' own
    downgrades. SQLite drops its tables instead, with foreign keys off for the
    duration: a downgrade there rebuilds tables in Alembic's batch mode, and
    dropping a table that other rows still refer to fails while foreign keys
    are enforced.
    """
    if db.dialect == "sqlite":
        _drop_all_sqlite(db)
    else:
        schema.downgrade(db, "base")
    schema.upgrade(db)


def _drop_all_sqlite(db: Database) -> None:
    raw = db.engine.raw_connection()
    try:
        # The driver connection is in autocommit mode (see database.py), which
        # is what lets the PRAGMA take effect: SQLite ignores it in a transaction.
        conn: Any = raw.driver_connection
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                objects = conn.execute(
                    "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name"
                ).fetchall()
                for kind, name in objects:
                    quoted = name.replace('"', '""')
                    conn.execute(f'DROP {kind.upper()} IF EXISTS "{quoted}"')
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
    finally:
        raw.close()


def seed_demo(ctx: Core, *, size: str = "small", seed: int = 1, force: bool = False) -> DemoSummary:
    """Fill the database with a demo clinic; refuse a non-empty one unless `force`.

    Same seed and same day give the same clinic. With `force`, everything in
    the database is erased first (see `erase_database`).
    """
    if size not in SIZES:
        raise ValidationError(f"Unknown demo size {size!r}: choose one of {', '.join(SIZES)}.")
    if force:
        erase_database(ctx.db)
    summary = ctx.bus.handle(SeedDemoClinic(size=size, seed=seed), Actor.system("demo"))
    assert isinstance(summary, DemoSummary)
    return summary
