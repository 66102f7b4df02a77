"""A partner organisation's usage report for a period: data, CSV and HTML.

The sessions listed are those starting in the period (clinic time zone, both
dates included) that still hold the organisation's credits: attended, booked,
no-shows and late cancellations. A session cancelled in time got its credit
back and is not listed. The UI prints `usage_html` to PDF with Qt.
"""

from __future__ import annotations

import csv
import html
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from desktop_app.clinic.queries import stored_settings
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound, ValidationError
from desktop_app.partners.queries import partner_allocations
from models import (
    AllocationStatus,
    Appointment,
    AppointmentStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
    Service,
)

STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.CHECKED_IN: "Checked in",
    AppointmentStatus.IN_PROGRESS: "In progress",
    AppointmentStatus.COMPLETED: "Attended",
    AppointmentStatus.CANCELLED: "Cancelled late",
    AppointmentStatus.NO_SHOW: "No-show",
}
CSV_HEADER = (
    "Date",
    "Time",
    "Employee e-mail",
    "Employee",
    "Service",
    "Reference",
    "Status",
    "Credits",
)


@dataclass(frozen=True)
class UsageRow:
    starts_at: datetime  # in the clinic's time zone
    employee_email: str
    employee_name: str
    service: str
    reference: str
    status: AppointmentStatus
    credits: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class PartnerUsage:
    organisation_id: uuid.UUID
    organisation_name: str
    start: date
    end: date
    timezone: str
    rows: tuple[UsageRow, ...]
    # Allocations made in the period, and their credits.
    allocations_made: int
    credits_allocated: int
    credits_expired: int
    # Now, whatever the period: credits left on active allocations.
    credits_available: int
    employees_with_credits: int

    @property
    def sessions(self) -> int:
        return len(self.rows)

    @property
    def credits_used(self) -> int:
        return sum(r.credits for r in self.rows)

    @property
    def employees_served(self) -> int:
        return len({r.employee_email for r in self.rows})


def partner_usage(db: Database, organisation_id: uuid.UUID, start: date, end: date) -> PartnerUsage:
    if end < start:
        raise ValidationError("The period ends before it starts.")
    with db.read_sessions() as s:
        organisation = s.get(PartnerOrganisation, organisation_id)
        if organisation is None:
            raise NotFound("That partner organisation does not exist.")
        settings = stored_settings(s)
        tz = ZoneInfo(settings.timezone)
        since = datetime.combine(start, time(0), tz)
        until = datetime.combine(end + timedelta(days=1), time(0), tz)
        in_org = PartnerAllocation.organisation_id == organisation.id
        held = func.sum(CreditEntry.amount)
        rows = s.execute(
            select(
                Appointment.starts_at,
                Appointment.reference,
                Appointment.status,
                Service.name,
                PartnerAllocation.employee_email,
                PartnerAllocation.employee_name,
                Client.full_name,
                held,
            )
            .join(Appointment, Appointment.id == CreditEntry.appointment_id)
            .join(Service, Service.id == Appointment.service_id)
            .join(Client, Client.id == Appointment.client_id)
            .join(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
            .where(
                in_org,
                CreditEntry.kind.in_((CreditEntryKind.USE, CreditEntryKind.REFUND)),
                Appointment.starts_at >= since,
                Appointment.starts_at < until,
            )
            .group_by(
                Appointment.id,
                Appointment.starts_at,
                Appointment.reference,
                Appointment.status,
                Service.name,
                PartnerAllocation.id,
                PartnerAllocation.employee_email,
                PartnerAllocation.employee_name,
                Client.full_name,
            )
            .having(held < 0)
            .order_by(Appointment.starts_at, Appointment.reference)
        ).all()
        made = s.execute(
            select(func.count(), func.coalesce(func.sum(PartnerAllocation.credits), 0)).where(
                in_org,
                PartnerAllocation.allocated_at >= since,
                PartnerAllocation.allocated_at < until,
            )
        ).one()
        expired = s.scalar(
            select(func.coalesce(-func.sum(CreditEntry.amount), 0))
            .join(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
            .where(
                in_org,
                CreditEntry.kind == CreditEntryKind.EXPIRY,
                CreditEntry.created_at >= since,
                CreditEntry.created_at < until,
            )
        )
    active = [
        a for a in partner_allocations(db, organisation_id) if a.status is AllocationStatus.ACTIVE
    ]
    return PartnerUsage(
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        start=start,
        end=end,
        timezone=settings.timezone,
        rows=tuple(
            UsageRow(
                starts_at=starts_at.astimezone(tz),
                employee_email=email,
                employee_name=employee_name or client_name,
                service=service,
                reference=reference,
                status=status,
                credits=-int(total),
            )
            for starts_at, reference, status, service, email, employee_name, client_name, total in (
                rows
            )
        ),
        allocations_made=int(made[0]),
        credits_allocated=int(made[1]),
        credits_expired=int(expired or 0),
        credits_available=sum(a.left for a in active),
        employees_with_credits=len({a.employee_email for a in active if a.left > 0}),
    )


@dataclass(frozen=True)
class OrganisationTotals:
    """An organisation's allocations over all time, revoked ones left out."""

    employees: int
    credits_allocated: int
    # Held by sessions, net of refunds.
    credits_used: int


def organisation_totals(db: Database) -> dict[uuid.UUID, OrganisationTotals]:
    """Totals per organisation (an organisation without allocations is absent)."""
    kept = PartnerAllocation.status != AllocationStatus.REVOKED
    with db.read_sessions() as s:
        allocated = s.execute(
            select(
                PartnerAllocation.organisation_id,
                func.count(func.distinct(PartnerAllocation.employee_email)),
                func.sum(PartnerAllocation.credits),
            )
            .where(kept)
            .group_by(PartnerAllocation.organisation_id)
        ).all()
        used = {
            org_id: int(total or 0)
            for org_id, total in s.execute(
                select(PartnerAllocation.organisation_id, -func.sum(CreditEntry.amount))
                .join(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
                .where(CreditEntry.kind.in_((CreditEntryKind.USE, CreditEntryKind.REFUND)))
                .group_by(PartnerAllocation.organisation_id)
            )
        }
    counts = {
        org_id: (int(employees), int(credits or 0)) for org_id, employees, credits in allocated
    }
    return {
        org_id: OrganisationTotals(*counts.get(org_id, (0, 0)), used.get(org_id, 0))
        for org_id in counts.keys() | used.keys()
    }


def _cell(value: object) -> str:
    """A value a spreadsheet will not run as a formula (names are typed by people)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def usage_csv(usage: PartnerUsage) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in usage.rows:
        writer.writerow(
            [
                f"{r.starts_at:%Y-%m-%d}",
                f"{r.starts_at:%H:%M}",
                _cell(r.employee_email),
                _cell(r.employee_name),
                _cell(r.service),
                r.reference,
                r.status_label,
                r.credits,
            ]
        )
    return out.getvalue()


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def usage_html(usage: PartnerUsage, clinic_name: str = "") -> str:
    period = f"{usage.start:%d %B %Y} – {usage.end:%d %B %Y}"
    summary = (
        ("Sessions", usage.sessions),
        ("Credits used", usage.credits_used),
        ("Employees who came", usage.employees_served),
        ("Allocations made in the period", usage.allocations_made),
        ("Credits allocated in the period", usage.credits_allocated),
        ("Credits expired in the period", usage.credits_expired),
        ("Credits available now", usage.credits_available),
        ("Employees with credits now", usage.employees_with_credits),
    )
    summary_rows = "\n".join(
        f'<tr><td>{_e(label)}</td><td align="right">{_e(value)}</td></tr>'
        for label, value in summary
    )
    head = "".join(f'<th align="left">{_e(h)}</th>' for h in CSV_HEADER)
    body = "\n".join(
        "<tr>"
        f"<td>{r.starts_at:%d %b %Y}</td><td>{r.starts_at:%H:%M}</td>"
        f"<td>{_e(r.employee_email)}</td><td>{_e(r.employee_name)}</td>"
        f"<td>{_e(r.service)}</td><td>{_e(r.reference)}</td>"
        f'<td>{_e(r.status_label)}</td><td align="right">{r.credits}</td>'
        "</tr>"
        for r in usage.rows
    )
    sessions = (
        '<table width="100%" cellspacing="0" cellpadding="3" border="1">\n'
        f"<tr>{head}</tr>\n{body}\n</table>"
        if usage.rows
        else "<p>No sessions in this period.</p>"
    )
    by = f" — {_e(clinic_name)}" if clinic_name else ""
    return (
        "<!DOCTYPE html>\n"
        '<html><head><meta charset="utf-8">'
        f"<title>{_e(usage.organisation_name)}: usage {_e(period)}</title></head>\n"
        '<body style="font-family: sans-serif; font-size: 10pt;">\n'
        f"<h2>{_e(usage.organisation_name)}: partner sessions{by}</h2>\n"
        f"<p>{_e(period)} (times in {_e(usage.timezone)})</p>\n"
        f'<table cellspacing="0" cellpadding="3">\n{summary_rows}\n</table>\n'
        f"<h3>Sessions</h3>\n{sessions}\n"
        "</body></html>\n"
    )
