"""A set of appointments, described as data: what a figure counts and what
its drill-down lists.

Every appointment figure of a report is a count or a sum over a
`Selection`'s `where()` clauses, and clicking the figure lists
`appointments(db, selection)`: the same clauses, so the list behind a
number always has that many appointments.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Subquery, and_, case, func, select
from sqlalchemy.orm import aliased

from desktop_app.infra.database import Database
from desktop_app.reports.sql import seconds_between
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    Practitioner,
    Service,
    StaffAccount,
)

LIVE = frozenset(LIVE_APPOINTMENT_STATUSES)

# A drill-down lists at most this many appointments (the figure says how many in all).
DRILL_LIMIT = 5000


@dataclass(frozen=True)
class Selection:
    """Appointments starting in [since, until) (unless `by_start` is off), narrowed by the rest."""

    label: str
    since: datetime
    until: datetime
    tz: str
    practitioner_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None
    statuses: frozenset[AppointmentStatus] | None = None
    source: AppointmentSource | None = None
    client_id: uuid.UUID | None = None
    # Cancelled inside the clinic's free-cancellation window.
    late_within_hours: int | None = None
    # True: the client had no live appointment before the period (a first
    # visit); False: they had one (returning).
    new_client: bool | None = None
    # Completed, not paid with credits, and less paid at the desk than the price.
    unpaid: bool = False
    # Paid for with money taken in the period (by `paid_by`, or any method).
    paid: bool = False
    paid_by: PaymentMethod | None = None
    # Held credits through a use entry written in the period.
    used_credits: bool = False
    # Whether the period bounds the appointment's start (off for the money
    # and ledger selections, which are bounded by when the money or credits moved).
    by_start: bool = True
    # Local weekday (0 = Monday) and hour of the start, in `tz` (filtered after the query).
    weekday: int | None = None
    hour: int | None = None

    def narrowed(self, label: str, **changes: object) -> Selection:
        return replace(self, label=label, **changes)  # type: ignore[arg-type]

    def where(self) -> list[ColumnElement[bool]]:
        a = Appointment
        clauses: list[ColumnElement[bool]] = []
        if self.by_start:
            clauses += [a.starts_at >= self.since, a.starts_at < self.until]
        if self.practitioner_id is not None:
            clauses.append(a.practitioner_id == self.practitioner_id)
        if self.service_id is not None:
            clauses.append(a.service_id == self.service_id)
        if self.statuses is not None:
            clauses.append(a.status.in_(sorted(self.statuses)))
        if self.source is not None:
            clauses.append(a.source == self.source)
        if self.client_id is not None:
            clauses.append(a.client_id == self.client_id)
        if self.late_within_hours is not None:
            clauses.append(late_cancellation(self.late_within_hours))
        if self.new_client is not None:
            before = visited_before(self.since)
            clauses.append(~before if self.new_client else before)
        if self.unpaid:
            clauses.append(unpaid())
        if self.paid or self.paid_by is not None:
            taken = [
                Payment.kind == PaymentKind.PAYMENT,
                Payment.received_at >= self.since,
                Payment.received_at < self.until,
            ]
            if self.paid_by is not None:
                taken.append(Payment.method == self.paid_by)
            clauses.append(a.id.in_(select(Payment.appointment_id).where(*taken)))
        if self.used_credits:
            clauses.append(
                a.id.in_(
                    select(CreditEntry.appointment_id).where(
                        CreditEntry.kind == CreditEntryKind.USE,
                        CreditEntry.created_at >= self.since,
                        CreditEntry.created_at < self.until,
                    )
                )
            )
        return clauses


def late_cancellation(free_hours: int) -> ColumnElement[bool]:
    """Cancelled less than `free_hours` before the start (the cancellation policy's rule)."""
    return and_(
        Appointment.status == AppointmentStatus.CANCELLED,
        seconds_between(Appointment.cancelled_at, Appointment.starts_at) < free_hours * 3600,
    )


def visited_before(since: datetime) -> ColumnElement[bool]:
    """The (outer) appointment's client had a live appointment starting before `since`.

    A plain IN over one subquery: the database builds the set of earlier
    clients once instead of probing for each appointment."""
    earlier = aliased(Appointment, name="earlier")
    return Appointment.client_id.in_(
        select(earlier.client_id).where(earlier.status.in_(sorted(LIVE)), earlier.starts_at < since)
    )


def paid_totals() -> Subquery:
    """Money taken per appointment, net of refunds: (appointment_id, net).

    One aggregate over the payments that name an appointment, joined or
    looked up as a set; never a subquery per appointment, which a planner
    without fresh statistics may turn into a scan of payments per row."""
    signed = case(
        (Payment.kind == PaymentKind.REFUND, -Payment.amount_cents), else_=Payment.amount_cents
    )
    return (
        select(Payment.appointment_id.label("appointment_id"), func.sum(signed).label("net"))
        .where(Payment.appointment_id.is_not(None))
        .group_by(Payment.appointment_id)
        .subquery("paid")
    )


def unpaid() -> ColumnElement[bool]:
    """Completed, not paid with credits, and paid less than the service's price."""
    paid = paid_totals()
    settled = (
        select(paid.c.appointment_id)
        .join(Appointment, Appointment.id == paid.c.appointment_id)
        .join(Service, Service.id == Appointment.service_id)
        .where(paid.c.net >= Service.price_cents)
    )
    with_credits = select(CreditEntry.appointment_id).where(
        CreditEntry.kind == CreditEntryKind.USE, CreditEntry.appointment_id.is_not(None)
    )
    priced = select(Service.id).where(Service.price_cents > 0)
    return and_(
        Appointment.status == AppointmentStatus.COMPLETED,
        Appointment.service_id.in_(priced),
        Appointment.id.not_in(with_credits),
        Appointment.id.not_in(settled),
    )


@dataclass(frozen=True)
class AppointmentRow:
    id: uuid.UUID
    reference: str
    starts_at: datetime  # in the selection's zone
    ends_at: datetime
    client: str
    practitioner: str
    service: str
    status: AppointmentStatus
    source: AppointmentSource
    price_cents: int
    paid_cents: int


@dataclass(frozen=True)
class Behind:
    selection: Selection
    rows: tuple[AppointmentRow, ...]
    # All that match; `rows` stops at DRILL_LIMIT.
    total: int


def appointments(db: Database, selection: Selection, limit: int = DRILL_LIMIT) -> Behind:
    """The appointments behind a figure, earliest first."""
    tz = ZoneInfo(selection.tz)
    paid = paid_totals()
    query = (
        select(
            Appointment.id,
            Appointment.reference,
            Appointment.starts_at,
            Appointment.ends_at,
            Client.full_name,
            StaffAccount.name,
            Service.name,
            Appointment.status,
            Appointment.source,
            Service.price_cents,
            paid.c.net,
        )
        .join(Client, Client.id == Appointment.client_id)
        .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
        .join(StaffAccount, StaffAccount.id == Practitioner.account_id)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(paid, paid.c.appointment_id == Appointment.id)
        .where(*selection.where())
        .order_by(Appointment.starts_at, Appointment.reference)
    )
    rows: list[AppointmentRow] = []
    total = 0
    with db.read_sessions() as s:
        for r in s.execute(query):
            start = r[2].astimezone(tz)
            if selection.weekday is not None and start.weekday() != selection.weekday:
                continue
            if selection.hour is not None and start.hour != selection.hour:
                continue
            total += 1
            if len(rows) < limit:
                rows.append(
                    AppointmentRow(
                        r[0],
                        r[1],
                        start,
                        r[3].astimezone(tz),
                        r[4],
                        r[5],
                        r[6],
                        r[7],
                        r[8],
                        int(r[9] or 0),
                        int(r[10] or 0),
                    )
                )
    return Behind(selection, tuple(rows), total)
