"""Credits: sold, allocated, used, expired and outstanding, from the ledger.

Movements are ledger entries written in the period; outstanding is the sum of
every entry written before the period's start and before its end, so
start + movements = end. The liability in money is what clients paid for
the purchased credits still unused at the end (a lot's price per credit).
Credits are the clinic's whole ledger: a practitioner or service scope
does not narrow them.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from desktop_app.infra.database import Database
from desktop_app.reports.model import Chart, ChartKind, Column, Figure, Kind, Report, Row, Table
from desktop_app.reports.period import Period, Scope, clinic
from desktop_app.reports.selection import Selection
from models import CreditEntry, CreditEntryKind, PartnerAllocation, PartnerOrganisation, Payment

K = CreditEntryKind
MOVEMENTS = (
    ("Sold in packs", (K.PURCHASE,)),
    ("Partner allocations", (K.PARTNER_ALLOCATION,)),
    ("Adjustments", (K.ADJUSTMENT,)),
    ("Exchange and transfers", (K.PEER_EARN, K.PEER_SPEND, K.TRANSFER)),
    ("Used in sessions", (K.USE,)),
    ("Given back", (K.REFUND,)),
    ("Expired", (K.EXPIRY,)),
)


def credits(db: Database, period: Period, scope: Scope | None = None) -> Report:
    del scope  # the ledger is the clinic's
    with db.read_sessions() as s:
        c = clinic(s)
        since, until = period.bounds(c.tz)
        moved = {
            CreditEntryKind(kind): int(total or 0)
            for kind, total in s.execute(
                select(CreditEntry.kind, func.sum(CreditEntry.amount))
                .where(CreditEntry.created_at >= since, CreditEntry.created_at < until)
                .group_by(CreditEntry.kind)
            )
        }

        def balance(before: object) -> int:
            return int(
                s.scalar(
                    select(func.coalesce(func.sum(CreditEntry.amount), 0)).where(
                        CreditEntry.created_at < before
                    )
                )
                or 0
            )

        at_start, at_end = balance(since), balance(until)
        sold_money = int(
            s.scalar(
                select(func.coalesce(func.sum(Payment.amount_cents), 0))
                .join(CreditEntry, CreditEntry.payment_id == Payment.id)
                .where(
                    CreditEntry.kind == K.PURCHASE,
                    CreditEntry.created_at >= since,
                    CreditEntry.created_at < until,
                )
            )
            or 0
        )
        child = aliased(CreditEntry, name="child")
        left = func.coalesce(func.sum(child.amount), 0)
        lots = s.execute(
            select(CreditEntry.amount, Payment.amount_cents, left)
            .join(Payment, Payment.id == CreditEntry.payment_id)
            .outerjoin(child, (child.lot_id == CreditEntry.id) & (child.created_at < until))
            .where(CreditEntry.kind == K.PURCHASE, CreditEntry.created_at < until)
            .group_by(CreditEntry.id, CreditEntry.amount, Payment.amount_cents)
        ).all()
        liability = round(
            sum(
                max(0, amount + int(taken)) * paid / amount
                for amount, paid, taken in lots
                if amount
            )
        )
        partner_moves = s.execute(
            select(PartnerOrganisation.name, CreditEntry.kind, func.sum(CreditEntry.amount))
            .join(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
            .join(PartnerOrganisation, PartnerOrganisation.id == PartnerAllocation.organisation_id)
            .where(CreditEntry.created_at >= since, CreditEntry.created_at < until)
            .group_by(PartnerOrganisation.name, CreditEntry.kind)
        ).all()
        partner_left = dict(
            s.execute(
                select(PartnerOrganisation.name, func.sum(CreditEntry.amount))
                .join(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
                .join(
                    PartnerOrganisation,
                    PartnerOrganisation.id == PartnerAllocation.organisation_id,
                )
                .where(CreditEntry.created_at < until)
                .group_by(PartnerOrganisation.name)
            ).all()
        )

    used = Selection(
        "Sessions that used credits", since, until, c.timezone, used_credits=True, by_start=False
    )
    rows = [Row(("Outstanding at the start", at_start, None), total=True)]
    for title, kinds in MOVEMENTS:
        n = sum(moved.get(k, 0) for k in kinds)
        money = sold_money if kinds == (K.PURCHASE,) else None
        rows.append(Row((title, n, money), drill=used if kinds == (K.USE,) else None))
    rows.append(Row(("Outstanding at the end", at_end, liability), total=True))

    orgs: dict[str, dict[CreditEntryKind, int]] = {}
    for name, kind, total in partner_moves:
        orgs.setdefault(name, {})[CreditEntryKind(kind)] = int(total or 0)
    for name in partner_left:
        orgs.setdefault(name, {})
    partner_rows = tuple(
        Row(
            (
                name,
                kinds.get(K.PARTNER_ALLOCATION, 0),
                -(kinds.get(K.USE, 0) + kinds.get(K.REFUND, 0)),
                -kinds.get(K.EXPIRY, 0),
                int(partner_left.get(name) or 0),
            )
        )
        for name, kinds in sorted(orgs.items(), key=lambda kv: kv[0].lower())
    )
    sold = moved.get(K.PURCHASE, 0)
    return Report(
        "credits",
        "Credits",
        period.start,
        period.end,
        c.timezone,
        c.currency,
        "Whole clinic",
        (
            Figure("Credits sold", sold, Kind.CREDITS),
            Figure("Credits used", -moved.get(K.USE, 0) - moved.get(K.REFUND, 0), Kind.CREDITS),
            Figure("Credits expired", -moved.get(K.EXPIRY, 0), Kind.CREDITS),
            Figure("Outstanding at the end", at_end, Kind.CREDITS),
            Figure("Liability (unused purchased credits)", liability, Kind.MONEY),
        ),
        (
            Table(
                "Ledger",
                (Column("Movement"), Column("Credits", Kind.CREDITS), Column("Money", Kind.MONEY)),
                tuple(rows),
                Chart(ChartKind.BAR, (1,), title="Credits moved in the period"),
                note="Credits taken (used, expired) are negative. Outstanding at the start plus "
                "the movements is outstanding at the end.",
            ),
            Table(
                "Partner organisations",
                (
                    Column("Organisation"),
                    Column("Allocated", Kind.CREDITS),
                    Column("Used", Kind.CREDITS),
                    Column("Expired", Kind.CREDITS),
                    Column("Left at the end", Kind.CREDITS),
                ),
                partner_rows,
                Chart(ChartKind.BAR, (1, 2), title="Partner credits allocated and used"),
            ),
        ),
    )
