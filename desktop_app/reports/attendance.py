"""No-shows and late cancellations, by practitioner and by client.

Sessions: every appointment starting in the period, whatever became of it.
A late cancellation is one cancelled less than the clinic's free-cancellation
window before its start (desktop_app.booking.cancellation's rule).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, or_, select

from desktop_app.infra.database import Database
from desktop_app.reports.common import names, ratio
from desktop_app.reports.model import Chart, ChartKind, Column, Figure, Kind, Report, Row, Table
from desktop_app.reports.period import Period, Scope, clinic, scope_label
from desktop_app.reports.selection import Selection, late_cancellation
from models import Appointment, AppointmentStatus, Client

CLIENT_ROWS = 200


def _counts(late: ColumnElement[bool]) -> tuple[ColumnElement[int], ...]:
    return (
        func.count(),
        func.sum(case((Appointment.status == AppointmentStatus.COMPLETED, 1), else_=0)),
        func.sum(case((Appointment.status == AppointmentStatus.NO_SHOW, 1), else_=0)),
        func.sum(case((late, 1), else_=0)),
    )


COLUMNS = (
    Column("Sessions", Kind.COUNT),
    Column("Attended", Kind.COUNT),
    Column("No-shows", Kind.COUNT),
    Column("Late cancellations", Kind.COUNT),
    Column("Missed rate", Kind.PERCENT),
)


def _row(
    label: str, counts: tuple[int, int, int, int], base: Selection, free_hours: int, **key: object
) -> Row:
    sessions, attended, no_shows, late = counts
    own = base.narrowed(f"Sessions — {label}", **key)
    return Row(
        (label, sessions, attended, no_shows, late, ratio(no_shows + late, sessions)),
        drill=own,
        cell_drills=(
            (
                2,
                own.narrowed(
                    f"Attended — {label}", statuses=frozenset({AppointmentStatus.COMPLETED})
                ),
            ),
            (
                3,
                own.narrowed(
                    f"No-shows — {label}", statuses=frozenset({AppointmentStatus.NO_SHOW})
                ),
            ),
            (4, own.narrowed(f"Late cancellations — {label}", late_within_hours=free_hours)),
        ),
    )


def no_shows(db: Database, period: Period, scope: Scope | None = None) -> Report:
    scope = scope or Scope()
    with db.read_sessions() as s:
        c = clinic(s)
        since, until = period.bounds(c.tz)
        label = scope_label(s, scope)
        base = Selection(
            "Sessions", since, until, c.timezone, scope.practitioner_id, scope.service_id
        )
        late = late_cancellation(c.free_hours)
        per = s.execute(
            select(Appointment.practitioner_id, *_counts(late))
            .where(*base.where())
            .group_by(Appointment.practitioner_id)
        ).all()
        who = names(s, {r[0] for r in per})
        missed_rows = s.execute(
            select(
                Appointment.client_id,
                func.sum(case((Appointment.status == AppointmentStatus.NO_SHOW, 1), else_=0)),
                func.sum(case((late, 1), else_=0)),
            )
            .where(*base.where(), or_(Appointment.status == AppointmentStatus.NO_SHOW, late))
            .group_by(Appointment.client_id)
            .order_by(func.count().desc(), Appointment.client_id)
            .limit(CLIENT_ROWS)
        ).all()
        top = [r[0] for r in missed_rows]
        seen = {
            cid: (name, int(n), int(done or 0))
            for cid, name, n, done in s.execute(
                select(
                    Appointment.client_id,
                    Client.full_name,
                    func.count(),
                    func.sum(case((Appointment.status == AppointmentStatus.COMPLETED, 1), else_=0)),
                )
                .join(Client, Client.id == Appointment.client_id)
                .where(*base.where(), Appointment.client_id.in_(top))
                .group_by(Appointment.client_id, Client.full_name)
            )
        }
        by_client = [
            (cid, seen[cid][0], seen[cid][1], seen[cid][2], int(ns or 0), int(lt or 0))
            for cid, ns, lt in missed_rows
        ]
        by_client.sort(key=lambda r: (-(r[4] + r[5]), r[1].lower()))

    def ints(values: tuple[object, ...]) -> tuple[int, int, int, int]:
        a, b, c_, d = (int(v or 0) for v in values)  # type: ignore[call-overload]
        return a, b, c_, d

    practitioner_rows = sorted(
        (
            _row(who.get(pid, "?"), ints(tuple(r)), base, c.free_hours, practitioner_id=pid)
            for pid, *r in per
        ),
        key=lambda row: str(row.cells[0]).lower(),
    )
    totals = [sum(int(r[i] or 0) for r in per) for i in range(1, 5)]
    total_counts = (totals[0], totals[1], totals[2], totals[3])
    total_row = _row(label, total_counts, base, c.free_hours)
    practitioner_rows.append(Row(total_row.cells, total_row.drill, total_row.cell_drills, True))
    client_rows = [
        _row(name, ints(tuple(r)), base, c.free_hours, client_id=cid) for cid, name, *r in by_client
    ]
    return Report(
        "no-shows",
        "No-shows and late cancellations",
        period.start,
        period.end,
        c.timezone,
        c.currency,
        label,
        (
            Figure("Sessions", totals[0]),
            Figure("No-shows", totals[2]),
            Figure("Late cancellations", totals[3]),
            Figure("Missed rate", ratio(totals[2] + totals[3], totals[0]), Kind.PERCENT),
        ),
        (
            Table(
                "By practitioner",
                (Column("Practitioner"), *COLUMNS),
                tuple(practitioner_rows),
                Chart(ChartKind.BAR, (3, 4), title="No-shows and late cancellations"),
            ),
            Table(
                "By client",
                (Column("Client"), *COLUMNS),
                tuple(client_rows),
                Chart(ChartKind.BAR, (3, 4), title="Clients who missed most"),
                note="Clients with at least one no-show or late cancellation "
                f"(at most {CLIENT_ROWS}).",
            ),
        ),
        (f"A late cancellation is one made less than {c.free_hours} h before the start.",),
    )
