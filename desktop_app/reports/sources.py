"""Where bookings come from: front desk, phone, practitioner, assistant, exchange."""

from __future__ import annotations

from sqlalchemy import case, func, select

from desktop_app.infra.database import Database
from desktop_app.reports.common import ratio
from desktop_app.reports.model import Chart, ChartKind, Column, Figure, Kind, Report, Row, Table
from desktop_app.reports.period import Period, Scope, clinic, scope_label
from desktop_app.reports.selection import Selection
from models import Appointment, AppointmentSource, AppointmentStatus

SOURCE_LABELS = {
    AppointmentSource.FRONT_DESK: "Front desk",
    AppointmentSource.PHONE: "Phone",
    AppointmentSource.PRACTITIONER: "Practitioner",
    AppointmentSource.ASSISTANT: "Assistant",
    AppointmentSource.EXCHANGE: "Treatment exchange",
}


def sources(db: Database, period: Period, scope: Scope | None = None) -> Report:
    scope = scope or Scope()
    with db.read_sessions() as s:
        c = clinic(s)
        since, until = period.bounds(c.tz)
        label = scope_label(s, scope)
        base = Selection(
            "Bookings", since, until, c.timezone, scope.practitioner_id, scope.service_id
        )
        found = {
            AppointmentSource(src): (int(n), int(done or 0), int(cancelled or 0))
            for src, n, done, cancelled in s.execute(
                select(
                    Appointment.source,
                    func.count(),
                    func.sum(case((Appointment.status == AppointmentStatus.COMPLETED, 1), else_=0)),
                    func.sum(case((Appointment.status == AppointmentStatus.CANCELLED, 1), else_=0)),
                )
                .where(*base.where())
                .group_by(Appointment.source)
            )
        }
    total = sum(n for n, _, _ in found.values())
    rows = []
    for source, title in SOURCE_LABELS.items():
        n, done, cancelled = found.get(source, (0, 0, 0))
        own = base.narrowed(f"Bookings — {title}", source=source)
        rows.append(
            Row(
                (title, n, ratio(n, total), done, cancelled),
                drill=own,
                cell_drills=(
                    (
                        3,
                        own.narrowed(
                            f"Attended — {title}", statuses=frozenset({AppointmentStatus.COMPLETED})
                        ),
                    ),
                    (
                        4,
                        own.narrowed(
                            f"Cancelled — {title}",
                            statuses=frozenset({AppointmentStatus.CANCELLED}),
                        ),
                    ),
                ),
            )
        )
    done_all = sum(d for _, d, _ in found.values())
    cancelled_all = sum(x for _, _, x in found.values())
    rows.append(
        Row(("All sources", total, ratio(total, total), done_all, cancelled_all), base, total=True)
    )
    return Report(
        "sources",
        "Booking sources",
        period.start,
        period.end,
        c.timezone,
        c.currency,
        label,
        tuple(Figure(SOURCE_LABELS[src], found.get(src, (0, 0, 0))[0]) for src in SOURCE_LABELS),
        (
            Table(
                "By source",
                (
                    Column("Source"),
                    Column("Bookings", Kind.COUNT),
                    Column("Share", Kind.PERCENT),
                    Column("Attended", Kind.COUNT),
                    Column("Cancelled", Kind.COUNT),
                ),
                tuple(rows),
                Chart(ChartKind.BAR, (1,), title="Bookings by source"),
            ),
        ),
        ("Every appointment starting in the period counts, whatever became of it.",),
    )
