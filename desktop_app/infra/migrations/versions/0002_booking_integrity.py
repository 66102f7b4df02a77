"""booking integrity: no overlapping live appointments, enforced by the database

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

A practitioner never has two overlapping live appointments, buffers included,
and a booking never lands on another desk's unexpired slot hold. PostgreSQL
would usually do this with an exclusion constraint, but that needs the
btree_gist extension, which not every server has; so both databases use a
trigger instead:

- SQLite: every write transaction begins with BEGIN IMMEDIATE, so writers are
  serialised and a BEFORE trigger sees every committed appointment.
- PostgreSQL: the trigger takes a transaction-level advisory lock per
  practitioner before looking, so two concurrent bookings for the same
  practitioner are checked one after the other (in READ COMMITTED each
  statement of the trigger function sees what committed before it ran).

Both triggers look only at appointments starting within two days before the
new one (an index range on practitioner and start), which is exact because an
appointment lasts less than a day (a CHECK below) and buffers are at most 4 h.

Note for later migrations: SQLite's batch mode rebuilds a table and drops its
triggers; a migration that batch-alters `appointment` must recreate them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from desktop_app.kernel.text_search import client_search_key

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "('booked', 'checked_in', 'in_progress', 'completed')"
SLOT_TAKEN = "clinicdesk: slot taken"

# Instants are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text on SQLite;
# strftime('%s') turns them into whole epoch seconds for exact arithmetic.
_SQLITE_CHECK = f"""
    SELECT RAISE(ABORT, '{SLOT_TAKEN}')
    WHERE NEW.status IN {LIVE} AND (
        EXISTS (
            SELECT 1 FROM appointment a
            WHERE a.practitioner_id = NEW.practitioner_id
              AND a.id <> NEW.id
              AND a.status IN {LIVE}
              AND a.starts_at < datetime(NEW.ends_at, '+1 day')
              AND a.starts_at > datetime(NEW.starts_at, '-2 days')
              AND CAST(strftime('%s', a.starts_at) AS INTEGER) - a.buffer_before_min * 60
                  < CAST(strftime('%s', NEW.ends_at) AS INTEGER) + NEW.buffer_after_min * 60
              AND CAST(strftime('%s', a.ends_at) AS INTEGER) + a.buffer_after_min * 60
                  > CAST(strftime('%s', NEW.starts_at) AS INTEGER) - NEW.buffer_before_min * 60
        )
        OR EXISTS (
            SELECT 1 FROM slot_hold h
            WHERE h.practitioner_id = NEW.practitioner_id
              AND h.expires_at > strftime('%Y-%m-%d %H:%M:%f', 'now')
              AND h.starts_at < NEW.ends_at
              AND h.ends_at > NEW.starts_at
        )
    );
"""

_PG_FUNCTION = f"""
CREATE FUNCTION clinicdesk_appointment_no_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status NOT IN {LIVE} THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.practitioner_id::text, 0));
    IF EXISTS (
        SELECT 1 FROM appointment a
        WHERE a.practitioner_id = NEW.practitioner_id
          AND a.id <> NEW.id
          AND a.status IN {LIVE}
          AND a.starts_at < NEW.ends_at + interval '1 day'
          AND a.starts_at > NEW.starts_at - interval '2 days'
          AND a.starts_at - make_interval(mins => a.buffer_before_min)
              < NEW.ends_at + make_interval(mins => NEW.buffer_after_min)
          AND a.ends_at + make_interval(mins => a.buffer_after_min)
              > NEW.starts_at - make_interval(mins => NEW.buffer_before_min)
    ) OR EXISTS (
        SELECT 1 FROM slot_hold h
        WHERE h.practitioner_id = NEW.practitioner_id
          AND h.expires_at > now()
          AND h.starts_at < NEW.ends_at
          AND h.ends_at > NEW.starts_at
    ) THEN
        RAISE EXCEPTION '{SLOT_TAKEN}' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END
$$
"""


def _shorter_than_a_day() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "ends_at - starts_at < interval '1 day'"
    return "julianday(ends_at) - julianday(starts_at) < 1"


_WATCHED = "starts_at, ends_at, practitioner_id, status, buffer_before_min, buffer_after_min"


def upgrade() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("buffer_before_min", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("buffer_after_min", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint("shorter_than_a_day", _shorter_than_a_day())
        batch_op.create_check_constraint(
            "buffers_range",
            "buffer_before_min >= 0 AND buffer_after_min >= 0 "
            "AND buffer_before_min <= 240 AND buffer_after_min <= 240",
        )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.String(length=600), nullable=True))

    bind = op.get_bind()
    clients = sa.table(
        "client",
        sa.column("id", sa.Uuid()),
        sa.column("full_name", sa.String()),
        sa.column("email", sa.String()),
        sa.column("phone", sa.String()),
        sa.column("search_key", sa.String()),
    )
    rows = bind.execute(
        sa.select(clients.c.id, clients.c.full_name, clients.c.email, clients.c.phone)
    )
    for row in rows.all():
        bind.execute(
            clients.update()
            .where(clients.c.id == row.id)
            .values(search_key=client_search_key(row.full_name, row.email, row.phone))
        )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.alter_column("search_key", existing_type=sa.String(length=600), nullable=False)
        batch_op.drop_index("ix_client_full_name")
        batch_op.create_index("ix_client_search", ["full_name", "search_key", "archived_at"])

    if bind.dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER appointment_no_overlap BEFORE INSERT OR UPDATE OF {_WATCHED} "
            "ON appointment FOR EACH ROW EXECUTE FUNCTION clinicdesk_appointment_no_overlap()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON appointment "
            f"BEGIN {_SQLITE_CHECK} END"
        )
        op.execute(
            f"CREATE TRIGGER appointment_no_overlap_update BEFORE UPDATE OF {_WATCHED} "
            f"ON appointment BEGIN {_SQLITE_CHECK} END"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap ON appointment")
        op.execute("DROP FUNCTION IF EXISTS clinicdesk_appointment_no_overlap()")
    else:
        op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap_update")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_search")
        batch_op.drop_column("search_key")
        batch_op.create_index("ix_client_full_name", ["full_name"])
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_constraint("buffers_range", type_="check")
        batch_op.drop_constraint("shorter_than_a_day", type_="check")
        batch_op.drop_column("buffer_after_min")
        batch_op.drop_column("buffer_before_min")
