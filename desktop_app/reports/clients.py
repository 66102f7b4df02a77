"""New and returning clients: who was seen in the period, and for whom it was a first visit.

Seen: a live or completed appointment starting in the period. New: the
client had no such appointment before the period. The clinic's
total counts each client once, whichever practitioners they saw.
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from desktop_app.infra.database import Database
from desktop_app.reports.common import names
from desktop_app.reports.model import Chart, ChartKind, Column, Figure, Kind, Report, Row, Table
from desktop_app.reports.period import Period, Scope, clinic, scope_label
from desktop_app.reports.selection import LIVE, Selection, visited_before
from models import Appointment


def new_and_returning(db: Database, period: Period, scope: Scope | None = None) -> Report:
    scope = scope or Scope()
    with db.read_sessions() as s:
        c = clinic(s)
        since, until = period.bounds(c.tz)
        label = scope_label(s, scope)
        base = Selection(
            "Sessions", since, until, c.timezone, scope.practitioner_id, scope.service_id, LIVE
        )
        returning = func.count(func.distinct(case((visited_before(since), Appointment.client_id))))
        seen = func.count(func.distinct(Appointment.client_id))
        query = select(seen, returning)
        per = s.execute(
            query.add_columns(Appointment.practitioner_id)
            .where(*base.where())
            .group_by(Appointment.practitioner_id)
        ).all()
        whole = s.execute(query.where(*base.where())).one()
        who = names(s, {r[2] for r in per})

    def row(title: str, seen_n: int, new_n: int, own: Selection, total: bool = False) -> Row:
        return Row(
            (title, seen_n, new_n, seen_n - new_n),
            drill=own,
            cell_drills=(
                (2, own.narrowed(f"New clients — {title}", new_client=True)),
                (3, own.narrowed(f"Returning clients — {title}", new_client=False)),
            ),
            total=total,
        )

    rows = sorted(
        (
            row(
                who.get(pid, "?"),
                int(n),
                int(n) - int(back),
                base.narrowed(who.get(pid, "?"), practitioner_id=pid),
            )
            for n, back, pid in per
        ),
        key=lambda r: str(r.cells[0]).lower(),
    )
    seen_all = int(whole[0] or 0)
    new_all = seen_all - int(whole[1] or 0)
    rows.append(row(label, seen_all, new_all, base, total=True))
    return Report(
        "clients",
        "New and returning clients",
        period.start,
        period.end,
        c.timezone,
        c.currency,
        label,
        (
            Figure("Clients seen", seen_all),
            Figure("New clients", new_all),
            Figure("Returning clients", seen_all - new_all),
        ),
        (
            Table(
                "By practitioner",
                (
                    Column("Practitioner"),
                    Column("Clients seen", Kind.COUNT),
                    Column("New", Kind.COUNT),
                    Column("Returning", Kind.COUNT),
                ),
                tuple(rows),
                Chart(ChartKind.BAR, (2, 3), title="New and returning clients"),
                note="A client who saw two practitioners counts for each, once in the total.",
            ),
        ),
    )
