"""The scheduler's due work with a controlled clock, on both databases: e-mail
goes to a real SMTP server on loopback and is read back from it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import (
    BookAppointment,
    CancelAppointment,
    CompleteAppointment,
    RescheduleAppointment,
)
from desktop_app.booking.results import BookingResult
from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.clients.commands import RegisterClient
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.kernel.errors import NotFound, ValidationError
from desktop_app.messaging import queries as notification_queries
from desktop_app.messaging.commands import (
    MarkAllNotificationsRead,
    MarkNotificationRead,
    RetryMessage,
    UpdateEmailSettings,
)
from desktop_app.messaging.mailer import KEYRING_SERVICE, MailError
from desktop_app.scheduling import jobs
from models import (
    AuditEntry,
    ClinicSetting,
    JobClaim,
    MessageChannel,
    MessageStatus,
    Notification,
    OutgoingMessage,
    ReminderClaim,
    Role,
    SlotHold,
)
from tests import factories
from tests.scheduler_support import Inbox, free_port, mail_server, memory_keyring

# A Sunday; the clinic's zone (Europe/London) is UTC in January.
NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)
CLIENT_EMAIL = "sian.jones@example.test"


def day(n: int, hh: int, mm: int = 0) -> datetime:
    """`n` days after NOW's date, at hh:mm UTC (1 = Monday 7 January)."""
    return datetime(2030, 1, 6, tzinfo=UTC) + timedelta(days=n, hours=hh, minutes=mm)


def subject(message: EmailMessage) -> str:
    # A long subject is folded onto a continuation line, which Python's
    # parser hands back with the fold's leading space; mail programs drop it.
    return str(message["Subject"]).strip()


class Clinic:
    """A practitioner open every day 08:00-18:00, a desk, a manager, a client
    with an e-mail address, and e-mail going to the test's SMTP server."""

    def __init__(self, app: AppContext, smtp_port: int) -> None:
        self.clock = FixedClock(NOW)
        self.ctx = AppContext(
            choice=app.choice, db=app.db, bus=build_bus(app.db, self.clock), clock=self.clock
        )
        self.bus = self.ctx.bus
        self.service = factories.service(app, "Individual", 60)
        self.pract, self.pid = factories.practitioner(
            app, "Dr Ada", services=(self.service,), interval_min=60
        )
        self.bus.handle(
            SetWeeklyRules(
                practitioner_id=self.pid,
                blocks=tuple(WeeklyBlockInput(d, time(8), time(18)) for d in range(7)),
            ),
            self.pract,
        )
        self.desk = factories.staff(app, "Dee Desk", Role.FRONT_DESK)
        self.manager = factories.staff(app, "Max Manager", Role.MANAGER)
        self.client = self.bus.handle(
            RegisterClient(full_name="Siân Jones", email=CLIENT_EMAIL), self.desk
        )
        self.bus.handle(
            UpdateEmailSettings(
                smtp_host="127.0.0.1",
                smtp_port=smtp_port,
                smtp_tls="none",
                smtp_from="desk@clinic.test",
            ),
            self.manager,
        )

    def book(self, starts_at: datetime, client: uuid.UUID | None = None) -> BookingResult:
        result = self.bus.handle(
            BookAppointment(
                client_id=client or self.client,
                practitioner_id=self.pid,
                service_id=self.service,
                starts_at=starts_at,
            ),
            self.desk,
        )
        assert isinstance(result, BookingResult)
        return result

    def at(self, when: datetime) -> Clinic:
        self.clock.set(when)
        return self

    def send(self) -> int:
        return jobs.send_outbox(self.ctx, self.clock)

    def remind(self) -> int:
        return jobs.queue_reminders(self.ctx, self.clock)

    def messages(self, kind: str | None = None) -> list[OutgoingMessage]:
        query = select(OutgoingMessage).order_by(OutgoingMessage.created_at, OutgoingMessage.id)
        if kind is not None:
            query = query.where(OutgoingMessage.kind == kind)
        with self.ctx.db.read_sessions() as s:
            return list(s.scalars(query))

    def notifications(self, recipient: Actor) -> list[Notification]:
        assert recipient.account_id is not None
        with self.ctx.db.read_sessions() as s:
            return list(
                s.scalars(
                    select(Notification)
                    .where(Notification.recipient_id == recipient.account_id)
                    .order_by(Notification.created_at)
                )
            )


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with mail_server() as server:
        yield server


@pytest.fixture
def clinic(app: AppContext, smtp: tuple[Inbox, int]) -> Clinic:
    return Clinic(app, smtp[1])


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]


def test_booking_moving_and_cancelling_are_confirmed_and_the_practitioner_told(
    clinic: Clinic, inbox: Inbox
) -> None:
    booked = clinic.book(day(2, 10))
    clinic.at(NOW + timedelta(minutes=1)).bus.handle(
        RescheduleAppointment(appointment_id=booked.appointment_id, starts_at=day(2, 11)),
        clinic.desk,
    )
    clinic.at(NOW + timedelta(minutes=2)).bus.handle(
        CancelAppointment(appointment_id=booked.appointment_id, reason="Feeling unwell"),
        clinic.desk,
    )
    assert [m.kind for m in clinic.messages()] == ["booked", "rescheduled", "cancelled"]
    assert clinic.send() == 3
    assert inbox.wait_for(3)
    first, moved, cancelled = inbox.received()
    assert first["To"] == CLIENT_EMAIL and first["From"] == "desk@clinic.test"
    assert subject(first) == (
        f"Your appointment on Tuesday 8 January 2030 at 10:00 ({booked.reference})"
    )
    body = first.get_content()
    assert "Dear Siân Jones" in body and f"Reference: {booked.reference}" in body
    assert "Tuesday 8 January 2030, 10:00–11:00" in body and "Dr Ada" in body
    assert "11:00" in subject(moved) and booked.reference in moved.get_content()
    assert subject(cancelled).startswith("Cancelled:")
    assert all(m.status == MessageStatus.SENT for m in clinic.messages())

    texts = [(n.kind, n.text) for n in clinic.notifications(clinic.pract)]
    assert [k for k, _ in texts] == [
        "appointment_booked",
        "appointment_moved",
        "appointment_cancelled",
    ]
    assert all(booked.reference in t and "Siân Jones" in t for _, t in texts)
    assert {n.target for n in clinic.notifications(clinic.pract)} == {
        f"appointment:{booked.appointment_id}"
    }
    # Sent once: a second run finds nothing.
    assert clinic.send() == 0 and len(inbox.received()) == 3

    # A practitioner booking into their own diary is not told about it.
    clinic.at(NOW + timedelta(minutes=3)).bus.handle(
        BookAppointment(
            client_id=clinic.client,
            practitioner_id=clinic.pid,
            service_id=clinic.service,
            starts_at=day(2, 9),
        ),
        clinic.pract,
    )
    assert len(clinic.notifications(clinic.pract)) == 3
    assert clinic.messages()[-1].kind == "booked"


def test_reminders_go_out_once_at_each_time_the_clinic_set(clinic: Clinic, inbox: Inbox) -> None:
    booked = clinic.book(day(2, 10))  # Tuesday 10:00, 46 hours ahead
    # Booked for within the hour: the confirmation stands in for both reminders.
    clinic.at(NOW + timedelta(minutes=1)).book(day(0, 13))
    assert clinic.remind() == 0
    assert clinic.at(day(1, 9, 59)).remind() == 0
    assert clinic.at(day(1, 10)).remind() == 1  # 24 hours before
    assert clinic.remind() == 0
    assert clinic.send() == 3  # the two confirmations and the reminder
    assert clinic.at(day(2, 7, 59)).remind() == 0
    assert clinic.at(day(2, 8)).remind() == 1  # 2 hours before
    assert clinic.at(day(2, 9, 30)).remind() == 0
    assert clinic.send() == 1
    assert inbox.wait_for(4)
    reminders = [m for m in inbox.received() if subject(m).startswith("Reminder")]
    assert len(reminders) == 2
    for m in reminders:
        assert m["To"] == CLIENT_EMAIL
        assert "10:00" in subject(m) and booked.reference in subject(m)
        assert "Tuesday 8 January 2030, 10:00–11:00" in m.get_content()
    with clinic.ctx.db.read_sessions() as s:
        claims = s.execute(
            select(ReminderClaim.offset_min, ReminderClaim.message_id).where(
                ReminderClaim.appointment_id == booked.appointment_id
            )
        ).all()
    assert sorted(o for o, _ in claims) == [120, 1440]
    assert all(m is not None for _, m in claims)


def test_no_reminder_for_a_cancelled_or_moved_appointment(clinic: Clinic, inbox: Inbox) -> None:
    cancelled_late = clinic.book(day(2, 10))
    moved = clinic.book(day(2, 11))
    kept = clinic.book(day(2, 12))
    cancelled_early = clinic.book(day(2, 13))
    clinic.bus.handle(
        CancelAppointment(appointment_id=cancelled_early.appointment_id, reason="Work"),
        clinic.desk,
    )
    # Reminders are queued for the three still booked; the mail server is
    # away until after the desk has cancelled one and moved another.
    assert clinic.at(day(1, 14)).remind() == 3
    clinic.bus.handle(
        CancelAppointment(appointment_id=cancelled_late.appointment_id, reason="Ill"), clinic.desk
    )
    clinic.bus.handle(
        RescheduleAppointment(appointment_id=moved.appointment_id, starts_at=day(3, 11)),
        clinic.desk,
    )
    clinic.send()
    status = {m.appointment_id: (m.status, m.last_error) for m in clinic.messages("reminder")}
    assert status[kept.appointment_id] == (MessageStatus.SENT, None)
    assert status[cancelled_late.appointment_id][0] == MessageStatus.SKIPPED
    assert "cancelled" in (status[cancelled_late.appointment_id][1] or "")
    assert status[moved.appointment_id][0] == MessageStatus.SKIPPED
    assert "moved" in (status[moved.appointment_id][1] or "")
    sent_reminders = [m for m in inbox.received() if subject(m).startswith("Reminder")]
    assert [kept.reference in subject(m) for m in sent_reminders] == [True]

    # The moved appointment is reminded of its new time (with the kept one's
    # 2-hour reminder, due since 10:00).
    assert clinic.at(day(2, 11)).remind() == 2
    assert clinic.send() == 2
    bodies = [m.get_content() for m in inbox.received()[-2:]]
    assert sum("Wednesday 9 January 2030, 11:00–12:00" in b for b in bodies) == 1
    assert clinic.at(day(3, 9)).remind() == 1  # and 2 hours before it
    assert clinic.at(day(3, 10)).remind() == 0


def test_a_workstation_that_was_off_catches_up_without_duplicates(
    clinic: Clinic, inbox: Inbox
) -> None:
    booked = clinic.book(day(2, 10))
    clinic.book(day(2, 16))
    # Off from Sunday noon to Tuesday 09:00: both reminder times of the first
    # appointment have passed; only the nearer one is sent.
    assert jobs.run_all_due(clinic.at(day(2, 9)).ctx, clinic.clock)["queue_reminders"] == 2
    assert clinic.remind() == 0
    reminders = clinic.messages("reminder")
    assert len(reminders) == 2 and all(m.status == MessageStatus.SENT for m in reminders)
    with clinic.ctx.db.read_sessions() as s:
        claims = s.execute(
            select(ReminderClaim.offset_min, ReminderClaim.message_id).where(
                ReminderClaim.appointment_id == booked.appointment_id
            )
        ).all()
    assert sorted((o, m is None) for o, m in claims) == [(120, False), (1440, True)]
    assert clinic.at(day(2, 14)).remind() == 1  # the second one's 2-hour reminder
    assert clinic.send() == 1
    assert len(inbox.received()) == 2 + 3


def test_transient_failures_are_retried_with_backoff_then_given_up(
    clinic: Clinic, inbox: Inbox
) -> None:
    inbox.replies[CLIENT_EMAIL] = "451 4.3.0 Mailbox busy, try again later"
    clinic.book(day(2, 10))
    assert clinic.send() == 0
    (m,) = clinic.messages()
    assert (m.status, m.attempts) == (MessageStatus.QUEUED, 1)
    assert m.last_error is not None and "451" in m.last_error
    assert m.next_attempt_at == NOW + timedelta(minutes=1)
    assert clinic.send() == 0 and clinic.messages()[0].attempts == 1  # not before its time
    clinic.at(NOW + timedelta(minutes=1)).send()
    (m,) = clinic.messages()
    assert m.attempts == 2 and m.next_attempt_at == NOW + timedelta(minutes=3)

    del inbox.replies[CLIENT_EMAIL]
    assert clinic.at(NOW + timedelta(minutes=3)).send() == 1
    assert inbox.wait_for(1)
    (m,) = clinic.messages()
    assert (m.status, m.attempts) == (MessageStatus.SENT, 3)

    # A message that keeps failing is given up after MAX_ATTEMPTS.
    inbox.replies[CLIENT_EMAIL] = "452 4.2.2 Mailbox full"
    clinic.book(day(2, 12))
    for _ in range(jobs.MAX_ATTEMPTS):
        waiting = clinic.messages()[-1]
        assert waiting.status == MessageStatus.QUEUED
        assert waiting.next_attempt_at is not None
        clinic.at(waiting.next_attempt_at).send()
    last = clinic.messages()[-1]
    assert (last.status, last.attempts) == (MessageStatus.FAILED, jobs.MAX_ATTEMPTS)
    assert last.last_error is not None and last.last_error.startswith("Gave up after 8 attempts")
    assert jobs.backoff(jobs.MAX_ATTEMPTS) == timedelta(minutes=128)
    assert jobs.backoff(30) == jobs.BACKOFF_MAX

    # A server nobody answers at is a transient failure too.
    clinic.bus.handle(UpdateEmailSettings(smtp_port=free_port()), clinic.manager)
    clinic.book(day(2, 14))
    assert clinic.send() == 0
    last = clinic.messages()[-1]
    assert (last.status, last.attempts) == (MessageStatus.QUEUED, 1)
    assert last.last_error is not None and last.last_error.startswith("Cannot reach")


def test_a_permanent_failure_is_kept_with_its_reason_and_can_be_retried(
    clinic: Clinic, inbox: Inbox
) -> None:
    inbox.replies[CLIENT_EMAIL] = "550 5.1.1 No such user here"
    booked = clinic.book(day(2, 10))
    assert clinic.send() == 0
    (m,) = clinic.messages()
    assert (m.status, m.attempts) == (MessageStatus.FAILED, 1)
    assert m.last_error is not None and "550 5.1.1 No such user here" in m.last_error
    assert clinic.at(NOW + timedelta(days=1)).send() == 0
    assert clinic.messages()[0].attempts == 1

    (row,) = notification_queries.outbox(clinic.ctx.db, statuses=frozenset({MessageStatus.FAILED}))
    assert (row.recipient, row.appointment_reference) == (CLIENT_EMAIL, booked.reference)
    assert row.reason is not None and "550" in row.reason
    assert notification_queries.outbox_counts(clinic.ctx.db)[MessageStatus.FAILED] == 1

    del inbox.replies[CLIENT_EMAIL]
    clinic.bus.handle(RetryMessage(message_id=m.id), clinic.desk)
    assert clinic.send() == 1
    assert inbox.wait_for(1)
    with pytest.raises(ValidationError, match="already sent"):
        clinic.bus.handle(RetryMessage(message_id=m.id), clinic.desk)
    with pytest.raises(NotFound):
        clinic.bus.handle(RetryMessage(message_id=uuid.uuid4()), clinic.desk)

    # An address that cannot be valid fails at once, without the server.
    with clinic.ctx.db.write_sessions.begin() as s:
        s.add(
            OutgoingMessage(
                channel=MessageChannel.EMAIL,
                recipient="not an address",
                subject="s",
                body="b",
                created_at=clinic.clock.now(),
                next_attempt_at=clinic.clock.now(),
            )
        )
    assert clinic.send() == 0
    bad = clinic.messages()[-1]
    assert bad.status == MessageStatus.FAILED
    assert bad.last_error == "'not an address' is not a valid e-mail address."
    assert len(inbox.received()) == 1


def test_a_crashed_senders_message_is_taken_over_after_its_lease(
    clinic: Clinic, inbox: Inbox
) -> None:
    clinic.book(day(2, 10))
    # Another workstation claimed it and died before sending.
    claimed = jobs.claim_next(clinic.ctx.db, NOW, "crashed-pc")
    assert claimed is not None
    assert clinic.send() == 0
    assert clinic.at(NOW + jobs.LEASE - timedelta(seconds=1)).send() == 0
    assert clinic.at(NOW + jobs.LEASE).send() == 1
    (m,) = clinic.messages()
    assert (m.status, m.attempts, m.lease_token) == (MessageStatus.SENT, 2, None)
    assert inbox.wait_for(1) and len(inbox.received()) == 1
    # The crashed workstation, coming back, cannot overwrite the outcome.
    jobs.record_failure(
        clinic.ctx.db, claimed, MailError("late", permanent=True), clinic.clock.now()
    )
    assert clinic.messages()[0].status == MessageStatus.SENT


def test_the_password_lives_in_the_keyring_and_a_workstation_without_it_does_not_send(
    app: AppContext,
) -> None:
    with memory_keyring() as ring, mail_server(password="s3cret-pw") as (inbox, port):
        clinic = Clinic(app, port)
        clinic.bus.handle(
            UpdateEmailSettings(smtp_user="desk", smtp_password="s3cret-pw"), clinic.manager
        )
        assert ring.passwords == {(KEYRING_SERVICE, "desk@127.0.0.1"): "s3cret-pw"}
        with app.db.read_sessions() as s:
            stored = repr(s.scalars(select(ClinicSetting.value)).all())
            audited = repr(s.scalars(select(AuditEntry.changes)).all())
        assert "s3cret" not in stored and "s3cret" not in audited

        clinic.book(day(2, 10))
        assert clinic.send() == 1
        assert inbox.logins == [("desk", "s3cret-pw")]
        assert notification_queries.email_readiness(app.db) is None

        # Another computer: same settings, nothing in its keyring.
        ring.passwords.clear()
        clinic.at(NOW + timedelta(minutes=1)).book(day(2, 11))
        assert clinic.send() == 0
        waiting = clinic.messages()[-1]
        assert (waiting.status, waiting.attempts) == (MessageStatus.QUEUED, 0)
        reason = notification_queries.email_readiness(app.db)
        assert reason is not None and "no password for desk" in reason

        # The password is wrong: a transient failure, retried later.
        ring.passwords[(KEYRING_SERVICE, "desk@127.0.0.1")] = "wrong"
        assert clinic.send() == 0
        waiting = clinic.messages()[-1]
        assert waiting.status == MessageStatus.QUEUED and waiting.attempts == 1
        assert "refused the user name or password" in (waiting.last_error or "")
        assert len(inbox.received()) == 1


def test_expiries_and_overdue_appointments_are_done_once_and_audited(clinic: Clinic) -> None:
    with clinic.ctx.db.write_sessions.begin() as s:
        for n, expires in enumerate((NOW, NOW + timedelta(minutes=3), NOW + timedelta(hours=1))):
            s.add(
                SlotHold(
                    practitioner_id=clinic.pid,
                    starts_at=day(5, 8 + n),
                    ends_at=day(5, 9 + n),
                    expires_at=expires,
                )
            )
    clinic.book(day(2, 10))  # the practitioner is notified (expires in 90 days)
    assert jobs.expire_holds(clinic.ctx, clinic.at(NOW + timedelta(minutes=5)).clock) == 2
    assert jobs.expire_holds(clinic.ctx, clinic.clock) == 0
    with clinic.ctx.db.read_sessions() as s:
        assert s.scalars(select(SlotHold.expires_at)).all() == [NOW + timedelta(hours=1)]
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.command == "ExpireHolds"))
        assert len(entry.changes["expired"]) == 2

    # Appointments left booked two hours after their end: the desk is told once.
    second_desk = factories.staff(clinic.ctx, "Second Desk", Role.FRONT_DESK)
    open_one = factories.appointment(clinic.ctx, clinic.pid, clinic.service, day(1, 9), day(1, 10))
    done = factories.appointment(clinic.ctx, clinic.pid, clinic.service, day(1, 10), day(1, 11))
    # Too long ago to be a task for the desk.
    factories.appointment(clinic.ctx, clinic.pid, clinic.service, day(-9, 9), day(-9, 10))
    clinic.bus.handle(CompleteAppointment(appointment_id=done), clinic.desk)

    assert jobs.flag_overdue_appointments(clinic.ctx, clinic.at(day(1, 11, 59)).clock) == 0
    assert jobs.flag_overdue_appointments(clinic.ctx, clinic.at(day(1, 12)).clock) == 1
    assert jobs.flag_overdue_appointments(clinic.ctx, clinic.at(day(1, 18)).clock) == 0
    for desk in (clinic.desk, second_desk):
        (n,) = clinic.notifications(desk)
        assert n.kind == "appointment_overdue" and n.target == f"appointment:{open_one}"
        assert "still marked booked" in n.text and "Mon 07 Jan at 09:00" in n.text
    assert clinic.notifications(clinic.manager) == []
    with clinic.ctx.db.read_sessions() as s:
        assert len(s.scalars(select(JobClaim)).all()) == 1

    assert jobs.expire_notifications(clinic.ctx, clinic.at(NOW + timedelta(days=89)).clock) == 0
    assert jobs.expire_notifications(clinic.ctx, clinic.at(NOW + timedelta(days=90)).clock) == 1
    assert clinic.notifications(clinic.pract) == []
    assert jobs.expire_exchange_requests(clinic.ctx, clinic.clock) == 0
    assert jobs.expire_credits(clinic.ctx, clinic.clock) == 0


def test_the_notification_centre_counts_lists_and_marks_read(clinic: Clinic) -> None:
    first = clinic.book(day(2, 10))
    clinic.at(NOW + timedelta(minutes=1)).book(day(2, 11))
    assert clinic.pract.account_id is not None
    me = clinic.pract.account_id
    assert notification_queries.unread_count(clinic.ctx.db, me) == 2
    rows = notification_queries.notifications_for(clinic.ctx.db, me)
    assert len(rows) == 2 and not any(r.is_read for r in rows)
    oldest = rows[-1]
    assert first.reference in oldest.text

    with pytest.raises(NotFound):  # someone else's notification
        clinic.bus.handle(MarkNotificationRead(notification_id=oldest.id), clinic.desk)
    clinic.bus.handle(MarkNotificationRead(notification_id=oldest.id), clinic.pract)
    assert notification_queries.unread_count(clinic.ctx.db, me) == 1
    unread = notification_queries.notifications_for(clinic.ctx.db, me, unread_only=True)
    assert [r.id for r in unread] == [rows[0].id]
    clinic.bus.handle(MarkAllNotificationsRead(), clinic.pract)
    assert notification_queries.unread_count(clinic.ctx.db, me) == 0
    # Nothing left to mark: no change, no audit entry.
    clinic.bus.handle(MarkAllNotificationsRead(), clinic.pract)
    with clinic.ctx.db.read_sessions() as s:
        marks = s.scalars(select(AuditEntry.command).where(AuditEntry.command.like("Mark%"))).all()
    assert sorted(marks) == ["MarkAllNotificationsRead", "MarkNotificationRead"]
