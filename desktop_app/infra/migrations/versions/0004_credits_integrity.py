"""credits integrity: lots, and a ledger the database refuses to overdraw

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

A credit entry that adds credits without naming a lot is a lot (a purchase,
a partner allocation, a positive adjustment); every entry that takes credits
names the lot it draws from (`lot_id`), and a refund names the lot it returns
to. A trigger on both databases refuses, at insert:

- taking credits without naming a lot, or naming a lot of another client;
- anything that would leave the client's balance or the lot below zero
  ("clinicdesk: not enough credits");
- using a lot at or after its expiry;
- returning more to a lot than was taken from it, or refunding an appointment
  more than it used from that lot (so cancelling twice refunds once).

SQLite serialises writers with BEGIN IMMEDIATE, so its BEFORE trigger sees
every committed entry. On PostgreSQL the trigger first takes a transaction
advisory lock for the client, so two concurrent inserts for one client are
checked one after the other (in READ COMMITTED each statement of the trigger
sees what committed before it ran). The lock key is one of 1024 buckets of
the client id, not the id itself: bulk writes such as the large demo touch
tens of thousands of clients in one transaction, and one lock per client
would exhaust PostgreSQL's lock table. Two clients sharing a bucket only wait
for each other briefly. The application takes the same lock before it reads
a client's lots (desktop_app.services.credits.lock_client_credits).

Rules that existing rows already satisfy are CHECK constraints; rules that
entries written before this revision may not (lots were not recorded then)
are in the trigger only, and `clinicdesk doctor` reports such older rows.

SQLite's batch mode rebuilds credit_entry, which drops its append-only
triggers from 0001: they are created again here, in both directions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_ENOUGH = "clinicdesk: not enough credits"
REFUSED = "clinicdesk: ledger refused"
# Must match desktop_app.services.credits (CREDIT_LOCK_NAMESPACE, CREDIT_LOCK_BUCKETS).
LOCK_NAMESPACE = 0x0C12ED17
LOCK_MASK = 1023

_SIGN_RULE = (
    "(kind IN ('purchase', 'partner_allocation', 'refund', 'peer_earn') AND amount > 0) "
    "OR (kind IN ('use', 'expiry', 'peer_spend') AND amount < 0) "
    "OR kind IN ('adjustment', 'transfer')"
)
_CHECKS = (
    ("sign_matches_kind", _SIGN_RULE),
    ("reason_given", "length(trim(reason)) > 0"),
    ("expiry_only_on_lots", "expires_at IS NULL OR (amount > 0 AND lot_id IS NULL)"),
    ("purchase_paid", "kind <> 'purchase' OR payment_id IS NOT NULL"),
    ("grant_names_allocation", "kind <> 'partner_allocation' OR allocation_id IS NOT NULL"),
)

_LOT_LEFT_SQLITE = """
    (SELECT l.amount FROM credit_entry l WHERE l.id = NEW.lot_id)
    + (SELECT COALESCE(SUM(e.amount), 0) FROM credit_entry e WHERE e.lot_id = NEW.lot_id)
    + NEW.amount
"""

_SQLITE_TRIGGER = f"""
CREATE TRIGGER credit_entry_ledger_check BEFORE INSERT ON credit_entry
BEGIN
    SELECT RAISE(ABORT, '{REFUSED}: credits can only be taken from a lot')
    WHERE NEW.amount < 0 AND NEW.lot_id IS NULL;
    SELECT RAISE(ABORT, '{REFUSED}: a refund returns an appointment''s credits to their lot')
    WHERE NEW.kind = 'refund' AND (NEW.lot_id IS NULL OR NEW.appointment_id IS NULL);
    SELECT RAISE(ABORT, '{REFUSED}: only a refund returns credits to a lot')
    WHERE NEW.amount > 0 AND NEW.lot_id IS NOT NULL AND NEW.kind <> 'refund';
    SELECT RAISE(ABORT, '{REFUSED}: not a credit lot of this client')
    WHERE NEW.lot_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM credit_entry l
        WHERE l.id = NEW.lot_id AND l.client_id = NEW.client_id
          AND l.lot_id IS NULL AND l.amount > 0
    );
    SELECT RAISE(ABORT, '{NOT_ENOUGH}')
    WHERE NEW.amount < 0 AND (
        (SELECT COALESCE(SUM(c.amount), 0) FROM credit_entry c WHERE c.client_id = NEW.client_id)
            + NEW.amount < 0
        OR {_LOT_LEFT_SQLITE} < 0
    );
    SELECT RAISE(ABORT, '{REFUSED}: those credits have expired')
    WHERE NEW.kind = 'use' AND EXISTS (
        SELECT 1 FROM credit_entry l
        WHERE l.id = NEW.lot_id AND l.expires_at IS NOT NULL AND l.expires_at <= NEW.created_at
    );
    SELECT RAISE(ABORT, '{REFUSED}: more returned than was used')
    WHERE NEW.kind = 'refund' AND (
        {_LOT_LEFT_SQLITE} > (SELECT l.amount FROM credit_entry l WHERE l.id = NEW.lot_id)
        OR (
            SELECT COALESCE(SUM(a.amount), 0) FROM credit_entry a
            WHERE a.appointment_id = NEW.appointment_id AND a.lot_id = NEW.lot_id
              AND a.kind IN ('use', 'refund')
        ) + NEW.amount > 0
    );
END
"""

_PG_FUNCTION = f"""
CREATE FUNCTION clinicdesk_credit_entry_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lot credit_entry%ROWTYPE;
    lot_left bigint;
BEGIN
    IF NEW.amount > 0 AND NEW.lot_id IS NULL AND NEW.kind <> 'refund' THEN
        -- A new lot: adding credits cannot overdraw anything.
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, hashtext(NEW.client_id::text) & {LOCK_MASK});
    IF NEW.amount < 0 AND NEW.lot_id IS NULL THEN
        RAISE EXCEPTION '{REFUSED}: credits can only be taken from a lot'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'refund' AND (NEW.lot_id IS NULL OR NEW.appointment_id IS NULL) THEN
        RAISE EXCEPTION '{REFUSED}: a refund returns an appointment''s credits to their lot'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.amount > 0 AND NEW.kind <> 'refund' THEN
        RAISE EXCEPTION '{REFUSED}: only a refund returns credits to a lot'
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT * INTO lot FROM credit_entry WHERE id = NEW.lot_id;
    IF NOT FOUND OR lot.client_id <> NEW.client_id OR lot.lot_id IS NOT NULL
        OR lot.amount <= 0 THEN
        RAISE EXCEPTION '{REFUSED}: not a credit lot of this client'
            USING ERRCODE = 'check_violation';
    END IF;
    lot_left := lot.amount + NEW.amount
        + (SELECT COALESCE(SUM(e.amount), 0) FROM credit_entry e WHERE e.lot_id = NEW.lot_id);
    IF NEW.amount < 0 AND (
        lot_left < 0
        OR (SELECT COALESCE(SUM(c.amount), 0) FROM credit_entry c
            WHERE c.client_id = NEW.client_id) + NEW.amount < 0
    ) THEN
        RAISE EXCEPTION '{NOT_ENOUGH}' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'use' AND lot.expires_at IS NOT NULL AND lot.expires_at <= NEW.created_at THEN
        RAISE EXCEPTION '{REFUSED}: those credits have expired'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'refund' AND (
        lot_left > lot.amount
        OR (SELECT COALESCE(SUM(a.amount), 0) FROM credit_entry a
            WHERE a.appointment_id = NEW.appointment_id AND a.lot_id = NEW.lot_id
              AND a.kind IN ('use', 'refund')) + NEW.amount > 0
    ) THEN
        RAISE EXCEPTION '{REFUSED}: more returned than was used'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$
"""


def _append_only_on_sqlite() -> None:
    """The 0001 triggers, lost when batch mode rebuilt the table."""
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS credit_entry_no_{action.lower()} BEFORE {action} "
            "ON credit_entry BEGIN SELECT RAISE(ABORT, 'credit_entry is append-only'); END"
        )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lot_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("command_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_credit_entry_appointment_id"), ["appointment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_entry_command_id"), ["command_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_credit_entry_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            "uq_credit_entry_allocation_grant",
            ["allocation_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'partner_allocation'"),
            postgresql_where=sa.text("kind = 'partner_allocation'"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_credit_entry_lot_id_credit_entry"), "credit_entry", ["lot_id"], ["id"]
        )
        for name, rule in _CHECKS:
            batch_op.create_check_constraint(op.f(f"ck_credit_entry_{name}"), rule)

    with op.batch_alter_table("partner_allocation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employee_name", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("revoked_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("revoked_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_partner_allocation_revoked_by_id_staff_account"),
            "staff_account",
            ["revoked_by_id"],
            ["id"],
        )
    # Revocations made before this revision were not dated; the allocation's
    # own date is the best there is.
    op.execute(
        "UPDATE partner_allocation SET revoked_at = allocated_at, "
        "revoke_reason = 'revoked before revocations were recorded' WHERE status = 'revoked'"
    )
    with op.batch_alter_table("partner_allocation", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_partner_allocation_duration_positive"), "session_duration_min > 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_partner_allocation_revocation_recorded"),
            "(status = 'revoked') = (revoked_at IS NOT NULL)",
        )

    if sqlite:
        _append_only_on_sqlite()
        op.execute(_SQLITE_TRIGGER)
    else:
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER credit_entry_ledger_check BEFORE INSERT ON credit_entry "
            "FOR EACH ROW EXECUTE FUNCTION clinicdesk_credit_entry_check()"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS credit_entry_ledger_check")
    else:
        op.execute("DROP TRIGGER IF EXISTS credit_entry_ledger_check ON credit_entry")
        op.execute("DROP FUNCTION IF EXISTS clinicdesk_credit_entry_check()")

    with op.batch_alter_table("partner_allocation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_partner_allocation_revocation_recorded"), type_="check")
        batch_op.drop_constraint(op.f("ck_partner_allocation_duration_positive"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_partner_allocation_revoked_by_id_staff_account"), type_="foreignkey"
        )
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_by_id")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("employee_name")

    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        for name, _ in reversed(_CHECKS):
            batch_op.drop_constraint(op.f(f"ck_credit_entry_{name}"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_credit_entry_lot_id_credit_entry"), type_="foreignkey"
        )
        batch_op.drop_index(
            "uq_credit_entry_allocation_grant",
            sqlite_where=sa.text("kind = 'partner_allocation'"),
            postgresql_where=sa.text("kind = 'partner_allocation'"),
        )
        batch_op.drop_index(batch_op.f("ix_credit_entry_lot_id"))
        batch_op.drop_index(batch_op.f("ix_credit_entry_command_id"))
        batch_op.drop_index(batch_op.f("ix_credit_entry_appointment_id"))
        batch_op.drop_column("command_id")
        batch_op.drop_column("lot_id")
    if sqlite:
        _append_only_on_sqlite()
