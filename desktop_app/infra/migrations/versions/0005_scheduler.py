"""scheduler: reminder and job claims, an outbox with leases

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Every workstation runs the same timer over one database, so what each job
has done is recorded where all of them see it:

- `reminder_claim`: one row per (appointment, offset, start time), inserted
  in the transaction that queues the reminder e-mail; its primary key lets
  exactly one workstation's insert commit;
- `job_claim`: the same for one-off items of other jobs (an appointment
  left booked after its end is flagged to the desk once);
- `outgoing_message` gains the status `sending` with a lease (a workstation
  claims a message with a conditional UPDATE before talking to the mail
  server), `skipped` (a reminder of an appointment since cancelled or
  moved), the template it was written from, and the appointment and start
  time it is about;
- `notification` gains what it is about (`target`) and an index for the
  clean-up of expired ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('queued', 'sent', 'failed')"
NEW_STATUSES = "status IN ('queued', 'sending', 'sent', 'failed', 'skipped')"


def upgrade() -> None:
    with op.batch_alter_table("outgoing_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=30), server_default="general", nullable=False)
        )
        batch_op.add_column(sa.Column("appointment_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("about_starts_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("lease_expires_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("lease_token", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("workstation", sa.String(length=100), nullable=True))
        batch_op.drop_constraint(op.f("ck_outgoing_message_messagestatus"), type_="check")
        batch_op.alter_column(
            "status",
            existing_type=sa.VARCHAR(length=6),
            type_=sa.String(length=7),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_outgoing_message_messagestatus"), NEW_STATUSES)
        batch_op.create_check_constraint(
            op.f("ck_outgoing_message_attempts_not_negative"), "attempts >= 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_outgoing_message_lease_while_sending"),
            "(status = 'sending') = (lease_expires_at IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            op.f("ck_outgoing_message_appointment_time_known"),
            "(appointment_id IS NULL) = (about_starts_at IS NULL)",
        )
        batch_op.create_index(
            batch_op.f("ix_outgoing_message_appointment_id"), ["appointment_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outgoing_message_appointment_id_appointment"),
            "appointment",
            ["appointment_id"],
            ["id"],
        )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.String(length=200), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_notification_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "job_claim",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("job", "item", name=op.f("pk_job_claim")),
    )
    with op.batch_alter_table("job_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_claim_claimed_at"), ["claimed_at"], unique=False)

    op.create_table(
        "reminder_claim",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("offset_min", sa.Integer(), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("offset_min > 0", name=op.f("ck_reminder_claim_offset_positive")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_reminder_claim_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outgoing_message.id"],
            name=op.f("fk_reminder_claim_message_id_outgoing_message"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint(
            "appointment_id", "offset_min", "starts_at", name=op.f("pk_reminder_claim")
        ),
    )
    with op.batch_alter_table("reminder_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_claim_message_id"), ["message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_claim_message_id"))
    op.drop_table("reminder_claim")

    with op.batch_alter_table("job_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_claim_claimed_at"))
    op.drop_table("job_claim")

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_expires_at"))
        batch_op.drop_column("target")

    # The old statuses cannot say "sending" or "skipped": a message being sent
    # goes back to the queue, a skipped one counts as failed (its reason kept).
    op.execute(
        "UPDATE outgoing_message SET status = 'queued', lease_expires_at = NULL "
        "WHERE status = 'sending'"
    )
    op.execute("UPDATE outgoing_message SET status = 'failed' WHERE status = 'skipped'")
    with op.batch_alter_table("outgoing_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outgoing_message_appointment_id_appointment"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outgoing_message_appointment_id"))
        batch_op.drop_constraint(op.f("ck_outgoing_message_appointment_time_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_outgoing_message_lease_while_sending"), type_="check")
        batch_op.drop_constraint(op.f("ck_outgoing_message_attempts_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_outgoing_message_messagestatus"), type_="check")
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=7),
            type_=sa.VARCHAR(length=6),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_outgoing_message_messagestatus"), OLD_STATUSES)
        batch_op.drop_column("workstation")
        batch_op.drop_column("lease_token")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("about_starts_at")
        batch_op.drop_column("appointment_id")
        batch_op.drop_column("kind")
