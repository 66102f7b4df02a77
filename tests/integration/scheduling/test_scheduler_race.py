"""Three workstations' schedulers race over the same due items on one database.

Each test prepares one clinic with work due at RACE_AT: reminders and
confirmations to send, expired holds and notifications, appointments left
booked. Then three workstations do it at once: three AppContexts with their
APScheduler timers running in this process, or three separate processes
running the jobs. Whatever the interleaving, every e-mail reaches the SMTP
server once and every expiry is recorded once, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from desktop_app.bootstrap import AppContext, open_app
from desktop_app.kernel.clock import FixedClock
from desktop_app.scheduling import jobs
from desktop_app.scheduling.scheduler import Scheduler
from models import (
    AuditEntry,
    JobClaim,
    MessageStatus,
    Notification,
    OutgoingMessage,
    ReminderClaim,
    SlotHold,
)
from tests import factories
from tests.integration.scheduling.test_scheduler import NOW, Clinic, day, subject
from tests.scheduler_support import (  # noqa: F401  (fixtures: fresh migrated databases)
    WAIT_S,
    Inbox,
    _pg_template,
    _sqlite_template,
    db_url,
    mail_server,
    run_jobs_in_process,
)

WORKSTATIONS = 3
# Tuesday 07:00: every Tuesday appointment is within its 24-hour reminder,
# the 08:00 one within its 2-hour one as well.
RACE_AT = day(2, 7)
APPOINTMENTS = 9
EXPIRED_HOLDS = 6
OVERDUE = 4
EXPIRED_NOTIFICATIONS = 5


@dataclass(frozen=True)
class Prepared:
    references: list[str]
    expected_emails: int


def prepare(app: AppContext, port: int) -> Prepared:
    clinic = Clinic(app, port)
    references = [clinic.book(day(2, 8 + n)).reference for n in range(APPOINTMENTS)]
    for n in range(OVERDUE):
        factories.appointment(app, clinic.pid, clinic.service, day(1, 8 + n), day(1, 9 + n))
    with app.db.write_sessions.begin() as s:
        for n in range(EXPIRED_HOLDS + 2):
            expired = n < EXPIRED_HOLDS
            s.add(
                SlotHold(
                    practitioner_id=clinic.pid,
                    starts_at=day(5, 8 + n),
                    ends_at=day(5, 9 + n),
                    expires_at=RACE_AT - timedelta(minutes=1) if expired else day(9, 0),
                )
            )
        assert clinic.desk.account_id is not None
        for n in range(EXPIRED_NOTIFICATIONS):
            s.add(
                Notification(
                    recipient_id=clinic.desk.account_id,
                    kind="old",
                    text=f"old news {n}",
                    created_at=NOW,
                    expires_at=RACE_AT - timedelta(hours=n),
                )
            )
    # A confirmation of each booking, then a reminder of each appointment.
    return Prepared(references, 2 * APPOINTMENTS)


def check_done_once(app: AppContext, inbox: Inbox, prepared: Prepared) -> None:
    assert inbox.wait_for(prepared.expected_emails)
    received = inbox.received()
    assert len(received) == prepared.expected_emails
    reminded = Counter(
        ref
        for m in received
        if subject(m).startswith("Reminder")
        for ref in prepared.references
        if ref in subject(m)
    )
    assert reminded == Counter(prepared.references)
    with app.db.read_sessions() as s:
        outbox = s.execute(select(OutgoingMessage.status, OutgoingMessage.attempts)).all()
        # Each message was claimed once: one attempt, then sent.
        assert outbox == [(MessageStatus.SENT, 1)] * prepared.expected_emails
        claims = s.scalars(select(ReminderClaim.offset_min)).all()
        assert sorted(claims) == [120, 120] + [1440] * APPOINTMENTS

        assert s.scalar(select(func.count()).select_from(SlotHold)) == 2
        expired_holds = [
            hold
            for changes in s.scalars(
                select(AuditEntry.changes).where(AuditEntry.command == "ExpireHolds")
            )
            for hold in changes["expired"]
        ]
        assert len(expired_holds) == len(set(expired_holds)) == EXPIRED_HOLDS

        flagged = s.scalars(
            select(Notification.target).where(Notification.kind == "appointment_overdue")
        ).all()
        assert len(flagged) == len(set(flagged)) == OVERDUE
        assert s.scalar(select(func.count()).select_from(JobClaim)) == OVERDUE
        assert s.scalar(select(func.count()).where(Notification.kind == "old")) == 0
        expired_notes = sum(
            changes["expired"]
            for changes in s.scalars(
                select(AuditEntry.changes).where(AuditEntry.command == "ExpireNotifications")
            )
        )
        assert expired_notes == EXPIRED_NOTIFICATIONS


def test_three_workstations_timers_do_each_due_item_once(app: AppContext) -> None:
    assert app.scheduler is None  # nothing but the app's window runs a timer
    with mail_server() as (inbox, port):
        prepared = prepare(app, port)
        contexts = [
            open_app(app.choice, migrate=False, clock=FixedClock(RACE_AT))
            for _ in range(WORKSTATIONS)
        ]
        try:
            timers = [ctx.start_scheduler(every_s=0.05) for ctx in contexts]
            assert inbox.wait_for(prepared.expected_emails)
            # Every timer has looked twice more since: nothing is left for a
            # late workstation to repeat.
            seen = [{job.name: t.runs(job.name) for job in jobs.JOBS} for t in timers]

            def looked_again(timer: Scheduler, before: dict[str, int]) -> bool:
                return all(timer.runs(name) >= n + 2 for name, n in before.items())

            for timer, before in zip(timers, seen, strict=True):
                assert timer.wait_until(lambda t, b=before: looked_again(t, b), WAIT_S)
        finally:
            for ctx in contexts:
                ctx.close()
        check_done_once(app, inbox, prepared)


def process_context() -> multiprocessing.context.BaseContext:
    """Fresh processes, as cheaply as the platform allows: on Linux and macOS a
    fork server that has imported the app once; spawn elsewhere."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["desktop_app.scheduling.jobs", "tests.scheduler_support"])
    return context


def test_three_workstation_processes_do_each_due_item_once(app: AppContext) -> None:
    with mail_server() as (inbox, port):
        prepared = prepare(app, port)
        url = app.db.url.render_as_string(hide_password=False)
        with process_context().Pool(WORKSTATIONS) as pool:
            pending = [
                pool.apply_async(run_jobs_in_process, (url, RACE_AT.isoformat(), 3))
                for _ in range(WORKSTATIONS)
            ]
            totals = [p.get(timeout=120) for p in pending]
        check_done_once(app, inbox, prepared)
    # What the processes say they did adds up to the work, each item once.
    assert sum(t["send_outbox"] for t in totals) == prepared.expected_emails
    assert sum(t["queue_reminders"] for t in totals) == APPOINTMENTS
    assert sum(t["expire_holds"] for t in totals) == EXPIRED_HOLDS
    assert sum(t["flag_overdue_appointments"] for t in totals) == OVERDUE
    assert sum(t["expire_notifications"] for t in totals) == EXPIRED_NOTIFICATIONS
