"""E-mail settings and templates, the outbox, the notification centre; and what
a booking change tells people: the client's confirmation e-mail and the
practitioner's notification, written in the booking's own transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_app.clinic.settings import (
    EMAIL_DEFAULTS,
    ClinicSettings,
    EmailSettings,
    validate_email_setting,
)
from desktop_app.infra.database import upsert
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.messaging.commands import (
    MarkAllNotificationsRead,
    MarkNotificationRead,
    RetryMessage,
    UpdateEmailSettings,
    UpdateTemplates,
)
from desktop_app.messaging.events import EmailSettingsChanged, NotificationsChanged, OutboxChanged
from desktop_app.messaging.mailer import SmtpConfig, store_password
from desktop_app.messaging.notify import notify, queue_email
from desktop_app.messaging.templates import (
    DEFAULT_TEMPLATES,
    TEMPLATES_SETTING,
    EmailTemplate,
    appointment_values,
    render,
    stored_overrides,
    templates_from,
    to_stored,
    validate_template,
)
from models import (
    Appointment,
    Client,
    ClinicSetting,
    MessageStatus,
    Notification,
    OutgoingMessage,
    Practitioner,
    ReminderClaim,
    Role,
    Service,
    StaffAccount,
)

STAFF = frozenset({Role.FRONT_DESK, Role.PRACTITIONER, Role.MANAGER})


def insert_claim(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: True when this transaction made the claim.

    On PostgreSQL a second transaction inserting the same key waits for the
    first to finish and then inserts nothing; on SQLite write transactions
    run one at a time. Either way exactly one claim of a key ever commits.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).values(**values)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(**values)
    # RETURNING rather than rowcount, which psycopg reports as -1 here.
    first_key = next(iter(table.primary_key.columns))
    inserted = session.execute(stmt.on_conflict_do_nothing().returning(first_key)).first()
    return inserted is not None


# --- what a booking change tells people ----------------------------------------------------


@dataclass(frozen=True)
class Mailing:
    """The settings that writing an appointment's e-mail needs, read in one query."""

    email: EmailSettings
    clinic: ClinicSettings
    templates: dict[str, EmailTemplate]

    @classmethod
    def load(cls, session: Session) -> Mailing:
        stored = {row.key: row.value for row in session.scalars(select(ClinicSetting))}
        return cls(
            EmailSettings.from_mapping(stored),
            ClinicSettings.from_mapping(stored),
            templates_from(stored.get(TEMPLATES_SETTING)),
        )


def queue_appointment_email(
    uow: UnitOfWork, appointment: Appointment, kind: str, mailing: Mailing
) -> OutgoingMessage | None:
    """Queue the client's e-mail of `kind` about the appointment as it is now.

    None when the clinic has no e-mail server or the client no address.
    """
    if not mailing.email.enabled:
        return None
    client = uow.session.get(Client, appointment.client_id)
    if client is None or not client.email:
        return None
    values = appointment_values(uow.session, appointment, mailing.clinic)
    rendered = render(mailing.templates[kind], values)
    message = queue_email(
        uow, client.email, rendered.subject, rendered.body, kind=kind, appointment=appointment
    )
    uow.session.flush()
    return message


def cover_passed_reminders(uow: UnitOfWork, appointment: Appointment, mailing: Mailing) -> None:
    """Claim, without a message, the reminders whose time has already passed.

    The confirmation just queued tells the client everything a reminder
    would; without this, booking at 15:00 for 16:00 would send a "2 hours
    before" reminder right behind the confirmation.
    """
    now = uow.clock.now()
    for offset in mailing.email.reminder_offsets_min:
        if appointment.starts_at - timedelta(minutes=offset) <= now:
            insert_claim(
                uow.session,
                ReminderClaim.__table__,
                {
                    "appointment_id": appointment.id,
                    "offset_min": offset,
                    "starts_at": appointment.starts_at,
                    "claimed_at": now,
                    "workstation": "confirmation",
                    "message_id": None,
                },
            )


def _practitioner_line(
    uow: UnitOfWork, appointment: Appointment, practitioner: Practitioner, mailing: Mailing
) -> str:
    client = uow.session.get(Client, appointment.client_id)
    service = uow.session.get(Service, appointment.service_id)
    tz = ZoneInfo(practitioner.timezone or mailing.clinic.timezone)
    when = appointment.starts_at.astimezone(tz)
    client_name = client.full_name if client is not None else "a client"
    service_name = service.name if service is not None else "a session"
    return f"{client_name}, {service_name}, {when:%a %d %b at %H:%M} ({appointment.reference})"


def announce_appointment(
    uow: UnitOfWork,
    appointment: Appointment,
    what: str,
    actor: Actor,
    *,
    moved_from: uuid.UUID | None = None,
) -> None:
    """Confirm a booking, move or cancellation to the client by e-mail, and tell
    the practitioner (unless they made the change themselves).

    `what` is booked, rescheduled or cancelled; `moved_from` is the previous
    practitioner of an appointment moved to another one.
    """
    mailing = Mailing.load(uow.session)
    if mailing.email.send_confirmations:
        queued = queue_appointment_email(uow, appointment, what, mailing)
        if queued is not None and what != "cancelled":
            cover_passed_reminders(uow, appointment, mailing)

    practitioner = uow.session.get(Practitioner, appointment.practitioner_id)
    assert practitioner is not None
    line = _practitioner_line(uow, appointment, practitioner, mailing)
    target = f"appointment:{appointment.id}"

    def tell(account_id: uuid.UUID, kind: str, text: str) -> None:
        if account_id != actor.account_id:
            notify(uow, [account_id], kind, text, target=target)

    if what == "booked":
        tell(practitioner.account_id, "appointment_booked", f"New booking: {line}.")
    elif what == "cancelled":
        tell(practitioner.account_id, "appointment_cancelled", f"Cancelled: {line}.")
    elif moved_from is not None and moved_from != practitioner.id:
        previous = uow.session.get(Practitioner, moved_from)
        if previous is not None:
            tell(
                previous.account_id,
                "appointment_cancelled",
                f"Moved to {practitioner.account.name}: {line}.",
            )
        tell(practitioner.account_id, "appointment_booked", f"New booking: {line}.")
    else:
        tell(practitioner.account_id, "appointment_moved", f"Moved: {line}.")


# --- e-mail settings and templates -------------------------------------------------------


def update_email_settings(uow: UnitOfWork, cmd: UpdateEmailSettings, actor: Actor) -> Outcome:
    given: dict[str, Any] = {}
    for key in EMAIL_DEFAULTS:
        value = getattr(cmd, key)
        if value is not None:
            given[key] = list(value) if isinstance(value, tuple) else value
    if not given and cmd.smtp_password is None:
        return Outcome(no_change=True)
    # Everything is checked before anything is written.
    cleaned = {key: validate_email_setting(key, value) for key, value in given.items()}
    for key, value in cleaned.items():
        upsert(uow.session, ClinicSetting.__table__, {"key": key, "value": value}, ["key"])
    if cmd.smtp_password is not None:
        stored = {row.key: row.value for row in uow.session.scalars(select(ClinicSetting))}
        config = SmtpConfig.from_settings(EmailSettings.from_mapping({**stored, **cleaned}))
        if cmd.smtp_password and not (config.user and config.host):
            raise ValidationError("Enter the server and the user name the password belongs to.")
        # Last, so that a refusal by the keyring still rolls the settings back.
        store_password(config, cmd.smtp_password)
    changed = set(cleaned) | ({"smtp_password"} if cmd.smtp_password is not None else set())
    uow.emit(EmailSettingsChanged(tuple(sorted(changed))))
    return Outcome(
        target="clinic:email",
        changes={"password": "changed" if cmd.smtp_password is not None else "unchanged"},
    )


def update_templates(uow: UnitOfWork, cmd: UpdateTemplates, actor: Actor) -> Outcome:
    if not cmd.templates:
        return Outcome(no_change=True)
    row = uow.session.get(ClinicSetting, TEMPLATES_SETTING)
    overrides = stored_overrides(row.value if row is not None else None)
    for given in cmd.templates:
        template = validate_template(given.kind, EmailTemplate(given.subject, given.body))
        if template == DEFAULT_TEMPLATES[given.kind]:
            overrides.pop(given.kind, None)
        else:
            overrides[given.kind] = template
    upsert(
        uow.session,
        ClinicSetting.__table__,
        {"key": TEMPLATES_SETTING, "value": to_stored(overrides)},
        ["key"],
    )
    uow.emit(EmailSettingsChanged((TEMPLATES_SETTING,)))
    return Outcome(target="clinic:email_templates")


# --- the outbox ----------------------------------------------------------------------------


def retry_message(uow: UnitOfWork, cmd: RetryMessage, actor: Actor) -> Outcome:
    message = uow.session.get(OutgoingMessage, cmd.message_id)
    if message is None:
        raise NotFound("That message does not exist.")
    if message.status == MessageStatus.SENT:
        raise ValidationError(f"The message to {message.recipient} was already sent.")
    if message.status == MessageStatus.SKIPPED:
        raise ValidationError(
            f"The message to {message.recipient} was not sent on purpose: {message.last_error}"
        )
    # Conditional, because a workstation's sender may claim it meanwhile.
    result = uow.session.execute(
        update(OutgoingMessage)
        .where(
            OutgoingMessage.id == message.id,
            OutgoingMessage.status.in_([MessageStatus.FAILED, MessageStatus.QUEUED]),
        )
        .values(status=MessageStatus.QUEUED, attempts=0, next_attempt_at=uow.clock.now())
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(f"The message to {message.recipient} is being sent right now.")
    uow.emit(OutboxChanged((message.id,)))
    return Outcome(target=f"message:{message.id}", changes={"recipient": message.recipient})


# --- the notification centre -----------------------------------------------------------------


def mark_notification_read(uow: UnitOfWork, cmd: MarkNotificationRead, actor: Actor) -> Outcome:
    n = uow.session.get(Notification, cmd.notification_id)
    # Someone else's notification is as good as absent.
    if n is None or n.recipient_id != actor.account_id:
        raise NotFound("That notification does not exist.")
    if n.read_at is not None:
        return Outcome(no_change=True)
    n.read_at = uow.clock.now()
    uow.emit(NotificationsChanged((n.recipient_id,)))
    return Outcome(target=f"notification:{n.id}")


def mark_all_notifications_read(
    uow: UnitOfWork, cmd: MarkAllNotificationsRead, actor: Actor
) -> Outcome:
    if actor.account_id is None:
        return Outcome(no_change=True)
    result = uow.session.execute(
        update(Notification)
        .where(Notification.recipient_id == actor.account_id, Notification.read_at.is_(None))
        .values(read_at=uow.clock.now())
        .execution_options(synchronize_session=False)
    )
    count = int(getattr(result, "rowcount", 0))
    if not count:
        return Outcome(no_change=True)
    uow.emit(NotificationsChanged((actor.account_id,)))
    account = uow.session.get(StaffAccount, actor.account_id)
    return Outcome(
        target=f"staff:{account.email if account else actor.account_id}",
        changes={"marked_read": count},
    )


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    UpdateEmailSettings: HandlerSpec(update_email_settings, roles=frozenset({Role.MANAGER})),
    UpdateTemplates: HandlerSpec(update_templates, roles=frozenset({Role.MANAGER})),
    RetryMessage: HandlerSpec(retry_message, roles=frozenset({Role.FRONT_DESK, Role.MANAGER})),
    MarkNotificationRead: HandlerSpec(mark_notification_read, roles=STAFF),
    MarkAllNotificationsRead: HandlerSpec(mark_all_notifications_read, roles=STAFF),
}
