"""The demo's payments and credit ledger, as the credit commands would write them."""

from __future__ import annotations

import heapq
import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from desktop_app.demo import catalogue as cat
from desktop_app.demo.build import Candidate, DemoBuild, seconds, uid
from desktop_app.demo.dataset import Row
from models.enums import AllocationStatus, AppointmentStatus, CreditEntryKind, PaymentMethod

_METHODS = (PaymentMethod.CARD, PaymentMethod.CASH, PaymentMethod.TRANSFER)
_METHOD_WEIGHTS = (75, 90, 100)  # cumulative


@dataclass
class _DemoLot:
    """Credits added together, while the demo's ledger is replayed."""

    id: uuid.UUID
    left: int
    expires: datetime
    name: str
    bought_at: datetime
    allocation: Row | None
    expired: bool = False


def add_ledger(g: DemoBuild) -> None:
    """Payments and the credit ledger, as the credit commands would write them.

    Each client's history is replayed in time order (allocations credited,
    bookings paid, cancellations refunded, lots expiring), so that every
    entry names its lot and the database's ledger trigger, which checks
    each row as it is inserted, finds nothing to refuse.
    """
    rng = g.rng("ledger")
    payments: list[Row] = []
    entries: list[Row] = []
    by_client: dict[int, list[tuple[Row, Candidate]]] = defaultdict(list)
    for row, c in g.appointment_meta:
        by_client[c.client].append((row, c))

    def pay(client: Row, amount: int, at: datetime) -> uuid.UUID:
        payment_id = uid(rng)
        method = rng.choices(_METHODS, cum_weights=_METHOD_WEIGHTS)[0]
        payments.append(
            {
                "id": payment_id,
                "client_id": client["id"],
                "amount_cents": amount,
                "currency": cat.CURRENCY,
                "method": method,
                "receipt_number": "",  # numbered in time order below
                "received_at": at,
                "received_by_id": rng.choice(g.desk_ids),
            }
        )
        return payment_id

    def entry(
        client: Row,
        kind: CreditEntryKind,
        amount: int,
        at: datetime,
        reason: str,
        *,
        actor: uuid.UUID | None = None,
        appointment: Row | None = None,
        lot: _DemoLot | None = None,
        allocation: Row | None = None,
        payment: uuid.UUID | None = None,
        expires_at: datetime | None = None,
    ) -> uuid.UUID:
        entry_id = uid(rng)
        if lot is not None:
            allocation = lot.allocation
        entries.append(
            {
                "id": entry_id,
                "client_id": client["id"],
                "kind": kind,
                "amount": amount,
                "created_at": at,
                "actor_id": actor,
                "reason": reason,
                "appointment_id": appointment["id"] if appointment else None,
                "allocation_id": allocation["id"] if allocation else None,
                "payment_id": payment,
                "expires_at": expires_at,
                "lot_id": lot.id if lot else None,
                "command_id": None,
                # Written in this order within an instant (a refund before
                # the expiry it causes); dropped before insertion.
                "_seq": len(entries),
            }
        )
        return entry_id

    pack_weights = (20, 50, 30)
    order = itertools.count()
    clients = sorted(set(by_client) | set(g.client_allocations))
    for i in clients:
        client = g.client_rows[i]
        buys_packs = i not in g.partner_clients and rng.random() < 0.35
        lots: list[_DemoLot] = []
        bought_any = False
        paid: dict[uuid.UUID, list[tuple[_DemoLot, int]]] = {}
        # (when, order within an instant, tie-break, what, payload)
        timeline: list[tuple[datetime, int, int, str, Any]] = []

        def add_lot(
            lot: _DemoLot,
            lots: list[_DemoLot] = lots,
            timeline: list[tuple[datetime, int, int, str, Any]] = timeline,
        ) -> None:
            lots.append(lot)
            if lot.expires <= g.now:
                heapq.heappush(timeline, (lot.expires, 1, next(order), "expire", lot))

        for a in g.client_allocations.get(i, []):
            heapq.heappush(timeline, (a["allocated_at"], 0, next(order), "grant", a))
        for row, c in by_client.get(i, []):
            heapq.heappush(timeline, (row["created_at"], 2, next(order), "book", (row, c)))
            if row["cancelled_at"] is not None:
                heapq.heappush(timeline, (row["cancelled_at"], 3, next(order), "cancel", row))
        while timeline:
            at, _, _, what, payload = heapq.heappop(timeline)
            if what == "grant":
                a = payload
                lot_id = entry(
                    client,
                    CreditEntryKind.PARTNER_ALLOCATION,
                    a["credits"],
                    at,
                    "Partner allocation",
                    actor=g.manager_id,
                    allocation=a,
                    expires_at=a["expires_at"],
                )
                add_lot(_DemoLot(lot_id, a["credits"], a["expires_at"], "", at, a))
            elif what == "expire":
                lot = payload
                lot.expired = True
                if lot.left > 0:
                    text = (
                        "Unused partner credits expired"
                        if lot.allocation
                        else f"{lot.left} unused credit(s) of the {lot.name} pack bought "
                        f"{lot.bought_at:%d %b %Y} expired"
                    )
                    entry(client, CreditEntryKind.EXPIRY, -lot.left, at, text, lot=lot)
                    lot.left = 0
            elif what == "book":
                row, c = payload
                service = g.services[c.service]
                cost = service["price_credits"]
                what_for = f"{service['name']} {row['reference']}"
                draws: list[tuple[_DemoLot, int]] = []
                live = [lot for lot in lots if not lot.expired and lot.left > 0]
                if c.service == "partner":
                    usable = [lot for lot in live if lot.allocation is not None]
                    if usable:
                        draws = [(min(usable, key=lambda lot: lot.expires), 1)]
                elif buys_packs and cost is not None:
                    own = [lot for lot in live if lot.allocation is None]
                    if sum(lot.left for lot in own) < cost and (
                        not bought_any or rng.random() < 0.75
                    ):
                        name, credits, price, months = rng.choices(cat.CREDIT_PACKS, pack_weights)[
                            0
                        ]
                        bought_at = at - seconds(rng, 60, 1800)
                        payment_id = pay(client, price, bought_at)
                        expires = bought_at + relativedelta(months=months)
                        lot_id = entry(
                            client,
                            CreditEntryKind.PURCHASE,
                            credits,
                            bought_at,
                            f"{name} pack",
                            actor=rng.choice(g.desk_ids),
                            payment=payment_id,
                            expires_at=expires,
                        )
                        add_lot(_DemoLot(lot_id, credits, expires, name, bought_at, None))
                        own.append(lots[-1])
                        bought_any = True
                    if sum(lot.left for lot in own) >= cost:
                        # The soonest-expiring credits go first.
                        need = cost
                        for lot in sorted(own, key=lambda lot: lot.expires):
                            take = min(need, lot.left)
                            if take:
                                draws.append((lot, take))
                            need -= take
                for lot, take in draws:
                    lot.left -= take
                    entry(
                        client,
                        CreditEntryKind.USE,
                        -take,
                        at,
                        what_for,
                        actor=row["created_by_id"],
                        appointment=row,
                        lot=lot,
                    )
                if draws:
                    paid[row["id"]] = draws
                elif row["status"] is AppointmentStatus.COMPLETED:
                    pay(client, service["price_cents"], row["ends_at"])
            else:
                row = payload
                # The usual policy: credits come back when cancelled a day ahead.
                if row["starts_at"] - at < timedelta(hours=24):
                    continue
                for lot, take in paid.get(row["id"], []):
                    entry(
                        client,
                        CreditEntryKind.REFUND,
                        take,
                        at,
                        f"Cancelled {row['reference']} in time",
                        actor=row["cancelled_by_id"],
                        appointment=row,
                        lot=lot,
                    )
                    if lot.expired:
                        # Returned to a lot that has lapsed: gone again at once.
                        entry(
                            client,
                            CreditEntryKind.EXPIRY,
                            -take,
                            at,
                            f"{take} returned credit(s) had already expired",
                            lot=lot,
                        )
                    else:
                        lot.left += take
        for lot in lots:
            if lot.allocation is not None:
                lot.allocation["_left"] = lot.left

    for a in g.allocations:
        if a["status"] is AllocationStatus.REVOKED:
            continue
        if a["expires_at"] <= g.now:
            a["status"] = AllocationStatus.EXPIRED
        elif a.pop("_left", None) == 0:
            a["status"] = AllocationStatus.USED
        a.pop("_left", None)

    # A few goodwill credits, as a manager would give after a late start.
    goodwill = [i for i in sorted(by_client) if i not in g.partner_clients]
    for i in rng.sample(goodwill, k=min(len(goodwill), max(3, len(goodwill) // 200))):
        entry(
            g.client_rows[i],
            CreditEntryKind.ADJUSTMENT,
            1,
            g.now - seconds(rng, 86400, 10 * 86400),
            "Goodwill credit: the session started late",
            actor=g.manager_id,
        )

    payments.sort(key=lambda r: (r["received_at"], r["id"]))
    for n, row in enumerate(payments, start=1):
        row["receipt_number"] = f"RC-{n:07d}"
    entries.sort(key=lambda r: (r["created_at"], r.pop("_seq")))
    g.tables["payment"] = payments
    g.tables["credit_entry"] = entries
