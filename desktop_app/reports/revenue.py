"""Revenue: money taken in the period, net of refunds, by method, practitioner and
service; and what is outstanding (completed sessions not paid for).

Taken and refunded are payment rows received in the period (a refund is its
own row). Money for credit packs has no practitioner or service: it is its
own line, and left out when the report is about one practitioner or service.
Outstanding: sessions completed in the period, paid neither with credits nor
in full at the desk, for the part of the price still unpaid.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from desktop_app.infra.database import Database
from desktop_app.reports.common import names
from desktop_app.reports.model import Chart, ChartKind, Column, Figure, Kind, Report, Row, Table
from desktop_app.reports.period import Period, Scope, clinic, scope_label
from desktop_app.reports.selection import Selection, paid_totals, unpaid
from models import Appointment, Payment, PaymentKind, PaymentMethod, Service

METHOD_LABELS = {
    PaymentMethod.CASH: "Cash",
    PaymentMethod.CARD: "Card",
    PaymentMethod.TRANSFER: "Bank transfer",
}
PACKS = "Credit packs"


def revenue(db: Database, period: Period, scope: Scope | None = None) -> Report:
    scope = scope or Scope()
    scoped = scope.practitioner_id is not None or scope.service_id is not None
    with db.read_sessions() as s:
        c = clinic(s)
        since, until = period.bounds(c.tz)
        label = scope_label(s, scope)
        received = [
            Payment.received_at >= since,
            Payment.received_at < until,
            Payment.currency == c.currency,
        ]
        query = select(
            Payment.method,
            Payment.kind,
            Appointment.practitioner_id,
            Appointment.service_id,
            func.count(),
            func.sum(Payment.amount_cents),
        ).where(*received)
        if scoped:
            query = query.join(Appointment, Appointment.id == Payment.appointment_id)
            if scope.practitioner_id is not None:
                query = query.where(Appointment.practitioner_id == scope.practitioner_id)
            if scope.service_id is not None:
                query = query.where(Appointment.service_id == scope.service_id)
        else:
            query = query.outerjoin(Appointment, Appointment.id == Payment.appointment_id)
        moves = s.execute(
            query.group_by(
                Payment.method, Payment.kind, Appointment.practitioner_id, Appointment.service_id
            )
        ).all()
        base = Selection(
            "Sessions", since, until, c.timezone, scope.practitioner_id, scope.service_id
        )
        paid = paid_totals()
        owed = Service.price_cents - func.coalesce(paid.c.net, 0)
        outstanding = s.execute(
            select(Appointment.practitioner_id, func.count(), func.sum(owed))
            .join(Service, Service.id == Appointment.service_id)
            .outerjoin(paid, paid.c.appointment_id == Appointment.id)
            .where(*base.where(), unpaid())
            .group_by(Appointment.practitioner_id)
        ).all()
        who = names(s, {m[2] for m in moves if m[2]} | {o[0] for o in outstanding})
        services = dict(
            s.execute(
                select(Service.id, Service.name).where(
                    Service.id.in_([m[3] for m in moves if m[3]])
                )
            ).all()
        )

    by_method: dict[PaymentMethod, list[int]] = {m: [0, 0, 0] for m in METHOD_LABELS}
    by_person: dict[uuid.UUID | None, int] = {}
    by_service: dict[uuid.UUID | None, int] = {}
    for method, kind, pid, sid, n, total in moves:
        amount = int(total or 0)
        net = -amount if kind == PaymentKind.REFUND else amount
        cell = by_method[PaymentMethod(method)]
        if kind == PaymentKind.REFUND:
            cell[1] += amount
        else:
            cell[0] += amount
            cell[2] += int(n)
        by_person[pid] = by_person.get(pid, 0) + net
        by_service[sid] = by_service.get(sid, 0) + net

    paid_in = Selection(
        "Sessions paid for",
        since,
        until,
        c.timezone,
        scope.practitioner_id,
        scope.service_id,
        paid=True,
        by_start=False,
    )
    method_rows = [
        Row(
            (
                title,
                by_method[m][0],
                by_method[m][1],
                by_method[m][0] - by_method[m][1],
                by_method[m][2],
            ),
            drill=paid_in.narrowed(f"Paid by {title.lower()}", paid_by=m),
        )
        for m, title in METHOD_LABELS.items()
    ]
    taken = sum(v[0] for v in by_method.values())
    refunded = sum(v[1] for v in by_method.values())
    method_rows.append(
        Row(
            (
                "All methods",
                taken,
                refunded,
                taken - refunded,
                sum(v[2] for v in by_method.values()),
            ),
            total=True,
        )
    )

    def split(
        values: dict[uuid.UUID | None, int], title_of: dict[uuid.UUID, str], key: str
    ) -> tuple[Row, ...]:
        rows = [
            Row(
                (title_of.get(k, "?") if k else PACKS, v),
                drill=paid_in.narrowed(f"Sessions paid for — {title_of.get(k, '?')}", **{key: k})
                if k
                else None,
            )
            for k, v in values.items()
        ]
        rows.sort(key=lambda r: (r.cells[0] == PACKS, str(r.cells[0]).lower()))
        rows.append(Row(("All", sum(values.values())), total=True))
        return tuple(rows)

    owed_rows = sorted(
        (
            Row(
                (who.get(pid, "?"), int(n), int(total or 0)),
                drill=base.narrowed(
                    f"Unpaid sessions — {who.get(pid, '?')}", practitioner_id=pid, unpaid=True
                ),
            )
            for pid, n, total in outstanding
        ),
        key=lambda r: str(r.cells[0]).lower(),
    )
    owed_n = sum(int(o[1]) for o in outstanding)
    owed_total = sum(int(o[2] or 0) for o in outstanding)
    owed_rows.append(
        Row(
            (label, owed_n, owed_total),
            drill=base.narrowed("Unpaid sessions", unpaid=True),
            total=True,
        )
    )
    net_column = (Column("Net", Kind.MONEY),)
    return Report(
        "revenue",
        "Revenue",
        period.start,
        period.end,
        c.timezone,
        c.currency,
        label,
        (
            Figure("Taken", taken, Kind.MONEY),
            Figure("Refunded", refunded, Kind.MONEY),
            Figure("Net revenue", taken - refunded, Kind.MONEY),
            Figure("Outstanding", owed_total, Kind.MONEY),
            Figure("Unpaid sessions", owed_n),
        ),
        (
            Table(
                "By payment method",
                (
                    Column("Method"),
                    Column("Taken", Kind.MONEY),
                    Column("Refunded", Kind.MONEY),
                    Column("Net", Kind.MONEY),
                    Column("Payments", Kind.COUNT),
                ),
                tuple(method_rows),
                Chart(ChartKind.BAR, (3,), title="Net revenue by method"),
            ),
            Table(
                "By practitioner",
                (Column("Practitioner"), *net_column),
                split(by_person, who, "practitioner_id"),
                Chart(ChartKind.BAR, (1,), title="Net revenue by practitioner"),
            ),
            Table(
                "By service",
                (Column("Service"), *net_column),
                split(by_service, services, "service_id"),
                Chart(ChartKind.BAR, (1,), title="Net revenue by service"),
            ),
            Table(
                "Outstanding",
                (
                    Column("Practitioner"),
                    Column("Unpaid sessions", Kind.COUNT),
                    Column("Amount", Kind.MONEY),
                ),
                tuple(owed_rows),
                Chart(ChartKind.BAR, (2,), title="Outstanding by practitioner"),
                note="Sessions completed in the period, not paid with credits and not paid in "
                "full at the desk.",
            ),
        ),
        (f"Amounts in {c.currency}; payments in other currencies are left out.",),
    )
