"""payments: money taken at the desk for appointments, refunds as their own rows

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01

Until now a payment row was written only for a credit-pack sale. Money
taken at the desk for an appointment is now a payment naming the
appointment, and money given back is a refund row naming the payment it
returns money from (never an edited or negative payment), so takings,
revenue and the daily cash-up are sums over one table:

- `payment.kind`: `payment` (every existing row) or `refund`;
- `payment.appointment_id`: what a desk payment was for;
- `payment.refund_of_id`: a refund's payment (set exactly for refunds);
- `payment.note`: why a refund was given;
- `payment.command_id`: a retried command records one payment;
- an index on `payment.received_at` for reports over a period.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=7), server_default="payment", nullable=False)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payment_paymentkind"), "kind IN ('payment', 'refund')"
        )
        batch_op.add_column(sa.Column("appointment_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("refund_of_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("command_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_payment_appointment_id_appointment"),
            "appointment",
            ["appointment_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_payment_refund_of_id_payment"), "payment", ["refund_of_id"], ["id"]
        )
        batch_op.create_unique_constraint(batch_op.f("uq_payment_command_id"), ["command_id"])
        batch_op.create_check_constraint(
            batch_op.f("ck_payment_refund_names_payment"),
            "(kind = 'refund') = (refund_of_id IS NOT NULL)",
        )
        batch_op.create_index(
            batch_op.f("ix_payment_appointment_id"), ["appointment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_refund_of_id"), ["refund_of_id"], unique=False)
        batch_op.create_index("ix_payment_received_at", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_received_at")
        batch_op.drop_index(batch_op.f("ix_payment_refund_of_id"))
        batch_op.drop_index(batch_op.f("ix_payment_appointment_id"))
        batch_op.drop_constraint(batch_op.f("ck_payment_refund_names_payment"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_payment_paymentkind"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_payment_command_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_payment_refund_of_id_payment"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_payment_appointment_id_appointment"), type_="foreignkey"
        )
        batch_op.drop_column("command_id")
        batch_op.drop_column("note")
        batch_op.drop_column("refund_of_id")
        batch_op.drop_column("appointment_id")
        batch_op.drop_column("kind")
