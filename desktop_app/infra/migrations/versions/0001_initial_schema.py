"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The audit log and the credit ledger are append-only: triggers refuse UPDATE
and DELETE on them in both databases, so no code path can rewrite history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY_TABLES = ("audit_entry", "credit_entry")


def _create_append_only_triggers() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION clinicdesk_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END
            $$
            """
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION clinicdesk_refuse_change()"
            )
    else:
        for table in APPEND_ONLY_TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def _drop_append_only_triggers() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS clinicdesk_refuse_change()")
    else:
        for table in APPEND_ONLY_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def upgrade() -> None:
    op.create_table(
        "clinic_holiday",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_holiday")),
        sa.UniqueConstraint("day", name=op.f("uq_clinic_holiday_day")),
    )
    op.create_table(
        "clinic_setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_setting")),
    )
    op.create_table(
        "credit_pack",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("credits > 0", name=op.f("ck_credit_pack_credits_positive")),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_credit_pack_price_not_negative")),
        sa.CheckConstraint("validity_months > 0", name=op.f("ck_credit_pack_validity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_pack")),
        sa.UniqueConstraint("name", name=op.f("uq_credit_pack_name")),
    )
    op.create_table(
        "outgoing_message",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "email", "sms", name="messagechannel", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "sent",
                "failed",
                name="messagestatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_message")),
    )
    with op.batch_alter_table("outgoing_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outgoing_message_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outgoing_message_status"), ["status"], unique=False)

    op.create_table(
        "partner_organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("default_credits", sa.Integer(), nullable=False),
        sa.Column("session_duration_min", sa.Integer(), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "default_credits > 0", name=op.f("ck_partner_organisation_credits_positive")
        ),
        sa.CheckConstraint(
            "session_duration_min > 0", name=op.f("ck_partner_organisation_duration_positive")
        ),
        sa.CheckConstraint(
            "validity_days > 0", name=op.f("ck_partner_organisation_validity_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_partner_organisation_name")),
    )
    op.create_table(
        "service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("price_credits", sa.Integer(), nullable=True),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.Column("is_online", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "duration_min > 0 AND duration_min <= 720", name=op.f("ck_service_duration_range")
        ),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_service_price_not_negative")),
        sa.CheckConstraint(
            "price_credits IS NULL OR price_credits > 0", name=op.f("ck_service_credits_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("name", name=op.f("uq_service_name")),
    )
    op.create_table(
        "staff_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_staff_account_email_lower_case")),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_staff_account_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_account")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_account_email")),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff_account.id"], name=op.f("fk_audit_entry_actor_id_staff_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_entry_seq")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_command"), ["command"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_target"), ["target"], unique=False)

    op.create_table(
        "client",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("emergency_contact_name", sa.String(length=200), nullable=True),
        sa.Column("emergency_contact_phone", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("intake", sa.JSON(), nullable=False),
        sa.Column("partner_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "email IS NOT NULL OR phone IS NOT NULL", name=op.f("ck_client_reachable")
        ),
        sa.CheckConstraint("length(trim(full_name)) > 0", name=op.f("ck_client_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisation.id"],
            name=op.f("fk_client_partner_organisation_id_partner_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_client_full_name"), ["full_name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_client_partner_organisation_id"),
            ["partner_organisation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_client_phone"), ["phone"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["staff_account.id"],
            name=op.f("fk_notification_recipient_id_staff_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "practitioner",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("profession", sa.String(length=100), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("specialisations", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("experience_years", sa.Integer(), nullable=True),
        sa.Column("licence_number", sa.String(length=100), nullable=True),
        sa.Column("rate_cents", sa.Integer(), nullable=True),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "experience_years IS NULL OR experience_years >= 0",
            name=op.f("ck_practitioner_experience_not_negative"),
        ),
        sa.CheckConstraint(
            "rate_cents IS NULL OR rate_cents >= 0", name=op.f("ck_practitioner_rate_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_account.id"],
            name=op.f("fk_practitioner_account_id_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner")),
        sa.UniqueConstraint("account_id", name=op.f("uq_practitioner_account_id")),
    )
    op.create_table(
        "staff_role",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "front_desk",
                "practitioner",
                "manager",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_account.id"],
            name=op.f("fk_staff_role_account_id_staff_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "role", name=op.f("pk_staff_role")),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("command_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "checked_in",
                "in_progress",
                "completed",
                "cancelled",
                "no_show",
                name="appointmentstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "front_desk",
                "phone",
                "practitioner",
                "assistant",
                "exchange",
                name="appointmentsource",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("video_link", sa.String(length=500), nullable=True),
        sa.Column("room", sa.String(length=50), nullable=True),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)",
            name=op.f("ck_appointment_cancellation_recorded"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_appointment_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["staff_account.id"],
            name=op.f("fk_appointment_cancelled_by_id_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_appointment_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_account.id"],
            name=op.f("fk_appointment_created_by_id_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_appointment_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_appointment_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("command_id", name=op.f("uq_appointment_command_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_appointment_reference")),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_appointment_practitioner_starts", ["practitioner_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_appointment_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "date_override",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_date_override_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_override")),
        sa.UniqueConstraint(
            "practitioner_id", "day", name=op.f("uq_date_override_practitioner_id_day")
        ),
    )
    with op.batch_alter_table("date_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_date_override_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "partner_allocation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("employee_email", sa.String(length=254), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("session_duration_min", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "used",
                "expired",
                "revoked",
                name="allocationstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("allocated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("allocated_by_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("credits > 0", name=op.f("ck_partner_allocation_credits_positive")),
        sa.CheckConstraint(
            "employee_email = lower(employee_email)",
            name=op.f("ck_partner_allocation_email_lower_case"),
        ),
        sa.ForeignKeyConstraint(
            ["allocated_by_id"],
            ["staff_account.id"],
            name=op.f("fk_partner_allocation_allocated_by_id_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_partner_allocation_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["partner_organisation.id"],
            name=op.f("fk_partner_allocation_organisation_id_partner_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_allocation")),
    )
    with op.batch_alter_table("partner_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_allocation_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_allocation_employee_email"), ["employee_email"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_allocation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "payment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "cash",
                "card",
                "transfer",
                name="paymentmethod",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("receipt_number", sa.String(length=30), nullable=False),
        sa.Column("received_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_payment_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_payment_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["staff_account.id"],
            name=op.f("fk_payment_received_by_id_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_payment_receipt_number")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_client_id"), ["client_id"], unique=False)

    op.create_table(
        "practitioner_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "approved",
                "rejected",
                "suspended",
                name="practitionerstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_account.id"],
            name=op.f("fk_practitioner_decision_decided_by_id_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_practitioner_decision_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner_decision")),
        sa.UniqueConstraint(
            "practitioner_id", "seq", name=op.f("uq_practitioner_decision_practitioner_id_seq")
        ),
    )
    with op.batch_alter_table("practitioner_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practitioner_decision_practitioner_id"),
            ["practitioner_id"],
            unique=False,
        )

    op.create_table(
        "recurring_exception",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL) OR end_time > start_time",
            name=op.f("ck_recurring_exception_whole_day_or_range"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_recurring_exception_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_exception")),
    )
    with op.batch_alter_table("recurring_exception", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recurring_exception_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "schedule_settings",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("slot_interval_min", sa.Integer(), nullable=False),
        sa.Column("buffer_before_min", sa.Integer(), nullable=False),
        sa.Column("buffer_after_min", sa.Integer(), nullable=False),
        sa.Column("min_notice_min", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("max_per_day", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "buffer_before_min >= 0 AND buffer_after_min >= 0",
            name=op.f("ck_schedule_settings_buffers"),
        ),
        sa.CheckConstraint("horizon_days > 0", name=op.f("ck_schedule_settings_horizon_positive")),
        sa.CheckConstraint(
            "max_per_day IS NULL OR max_per_day > 0", name=op.f("ck_schedule_settings_max_positive")
        ),
        sa.CheckConstraint(
            "min_notice_min >= 0", name=op.f("ck_schedule_settings_notice_not_negative")
        ),
        sa.CheckConstraint(
            "slot_interval_min > 0", name=op.f("ck_schedule_settings_interval_positive")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_schedule_settings_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practitioner_id", name=op.f("pk_schedule_settings")),
    )
    op.create_table(
        "service_practitioner",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_service_practitioner_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_practitioner_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "service_id", "practitioner_id", name=op.f("pk_service_practitioner")
        ),
    )
    op.create_table(
        "slot_hold",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("held_by_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_slot_hold_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["held_by_id"], ["staff_account.id"], name=op.f("fk_slot_hold_held_by_id_staff_account")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_slot_hold_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_hold")),
    )
    with op.batch_alter_table("slot_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slot_hold_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_slot_hold_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "weekly_rule",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("room", sa.String(length=50), nullable=True),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_weekly_rule_ends_after_start")),
        sa.CheckConstraint(
            "weekday >= 0 AND weekday <= 6", name=op.f("ck_weekly_rule_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_weekly_rule_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_rule")),
    )
    with op.batch_alter_table("weekly_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_rule_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "credit_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "purchase",
                "use",
                "refund",
                "adjustment",
                "expiry",
                "transfer",
                "partner_allocation",
                "peer_earn",
                "peer_spend",
                name="creditentrykind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("allocation_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_credit_entry_amount_not_zero")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff_account.id"], name=op.f("fk_credit_entry_actor_id_staff_account")
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["partner_allocation.id"],
            name=op.f("fk_credit_entry_allocation_id_partner_allocation"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_credit_entry_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_credit_entry_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_credit_entry_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_entry")),
    )
    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_entry_client_created", ["client_id", "created_at"], unique=False
        )

    op.create_table(
        "override_block",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("override_id", sa.Uuid(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "end_time > start_time", name=op.f("ck_override_block_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["override_id"],
            ["date_override.id"],
            name=op.f("fk_override_block_override_id_date_override"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_override_block")),
    )
    with op.batch_alter_table("override_block", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_override_block_override_id"), ["override_id"], unique=False
        )

    op.create_table(
        "session_note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_session_note_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff_account.id"],
            name=op.f("fk_session_note_author_id_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_note")),
    )
    with op.batch_alter_table("session_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_note_appointment_id"), ["appointment_id"], unique=False
        )

    op.create_table(
        "weekly_rule_service",
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["weekly_rule.id"],
            name=op.f("fk_weekly_rule_service_rule_id_weekly_rule"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_weekly_rule_service_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "service_id", name=op.f("pk_weekly_rule_service")),
    )
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("weekly_rule_service")
    with op.batch_alter_table("session_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_note_appointment_id"))

    op.drop_table("session_note")
    with op.batch_alter_table("override_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_override_block_override_id"))

    op.drop_table("override_block")
    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_entry_client_created")

    op.drop_table("credit_entry")
    with op.batch_alter_table("weekly_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_rule_practitioner_id"))

    op.drop_table("weekly_rule")
    with op.batch_alter_table("slot_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slot_hold_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_slot_hold_expires_at"))

    op.drop_table("slot_hold")
    op.drop_table("service_practitioner")
    op.drop_table("schedule_settings")
    with op.batch_alter_table("recurring_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_exception_practitioner_id"))

    op.drop_table("recurring_exception")
    with op.batch_alter_table("practitioner_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practitioner_decision_practitioner_id"))

    op.drop_table("practitioner_decision")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_client_id"))

    op.drop_table("payment")
    with op.batch_alter_table("partner_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_allocation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_partner_allocation_employee_email"))
        batch_op.drop_index(batch_op.f("ix_partner_allocation_client_id"))

    op.drop_table("partner_allocation")
    with op.batch_alter_table("date_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_date_override_practitioner_id"))

    op.drop_table("date_override")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_starts_at"))
        batch_op.drop_index("ix_appointment_practitioner_starts")
        batch_op.drop_index(batch_op.f("ix_appointment_client_id"))

    op.drop_table("appointment")
    op.drop_table("staff_role")
    op.drop_table("practitioner")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_recipient_id"))

    op.drop_table("notification")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_phone"))
        batch_op.drop_index(batch_op.f("ix_client_partner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_client_full_name"))
        batch_op.drop_index(batch_op.f("ix_client_email"))

    op.drop_table("client")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_target"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_command"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_actor_id"))

    op.drop_table("audit_entry")
    op.drop_table("staff_account")
    op.drop_table("service")
    op.drop_table("partner_organisation")
    with op.batch_alter_table("outgoing_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_message_status"))
        batch_op.drop_index(batch_op.f("ix_outgoing_message_next_attempt_at"))

    op.drop_table("outgoing_message")
    op.drop_table("credit_pack")
    op.drop_table("clinic_setting")
    op.drop_table("clinic_holiday")
