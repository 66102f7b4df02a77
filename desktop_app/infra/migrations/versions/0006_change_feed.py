"""change feed: one row per committed command, and the running workstations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

- `change_log`: written in each command's own transaction, at the command's
  audit sequence number, with the domain events it raised; other
  workstations refresh from it (PostgreSQL: announced by NOTIFY; SQLite:
  noticed by PRAGMA data_version) and catch up from it after a sleep or an
  outage;
- `workstation`: each running app with its heartbeat, for the manager's list
  of workstations connected now.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("command_id", sa.Uuid(), nullable=False),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("origin", sa.Uuid(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_at"), ["at"], unique=False)

    op.create_table(
        "workstation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=True),
        sa.Column("started_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workstation")),
    )
    with op.batch_alter_table("workstation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workstation_last_seen"), ["last_seen"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workstation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workstation_last_seen"))
    op.drop_table("workstation")

    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_at"))
    op.drop_table("change_log")
