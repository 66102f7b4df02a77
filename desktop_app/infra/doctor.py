"""`clinicdesk doctor`: integrity checks a clinic can run on its own database.

The constraints and triggers keep bad data out in normal use; these checks
are for what gets past them: a restored old backup, someone with database
rights editing rows by hand, a bug in a migration. Each finding names what
is wrong (which appointments, which client) so that it can be fixed, and
lists at most `MAX_LISTED` items with a count of the rest.

Every check is one or two set-based queries, so the whole run stays quick on
a clinic with 100 000 appointments.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from desktop_app.audit.log import verify_chain
from desktop_app.infra import schema
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import SchemaTooNew
from desktop_app.kernel.text_search import client_search_key
from models import (
    LIVE_APPOINTMENT_STATUSES,
    AllocationStatus,
    Appointment,
    Client,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
    Payment,
    Practitioner,
    PractitionerDecision,
    Service,
    SessionNote,
    StaffAccount,
    StaffRole,
    WeeklyRule,
)

MAX_LISTED = 20
# No service may last longer (CHECK on service.duration_min): an appointment
# overlapping another starts less than this before it.
_LONGEST_APPOINTMENT = timedelta(minutes=720)


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str


def _listing(items: Sequence[str], total: int, one: str, many: str) -> str:
    shown = "; ".join(items[:MAX_LISTED])
    more = total - min(len(items), MAX_LISTED)
    tail = f"; and {more} more" if more > 0 else ""
    return f"{total} {one if total == 1 else many}: {shown}{tail}"


def _show(value: Any) -> str:
    """SQLite hands back stored uuids as 32 hex digits; show them the usual way."""
    if isinstance(value, str) and len(value) == 32:
        try:
            return str(uuid.UUID(hex=value))
        except ValueError:
            return value
    return str(value)


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def _client_label(name: str, email: str | None, client_id: Any) -> str:
    return f"{name} <{email}>" if email else f"{name} (client {client_id})"


# --- schema -----------------------------------------------------------------------


def check_schema(db: Database) -> Finding:
    name = "schema version"
    head = schema.head_revision()
    current = schema.current_revision(db)
    if current is None:
        return Finding(name, False, "the database has no Clinicdesk schema: run clinicdesk migrate")
    try:
        up_to_date = schema.is_up_to_date(db)
    except SchemaTooNew as exc:
        return Finding(name, False, str(exc))
    if not up_to_date:
        return Finding(
            name,
            False,
            f"the schema is at {current} but this Clinicdesk expects {head}: run clinicdesk "
            "migrate",
        )
    return Finding(name, True, f"the schema is at the latest version ({head})")


# --- foreign keys -----------------------------------------------------------------

# The references that matter most, checked with anti-joins on PostgreSQL (where
# constraints are enforced, so this only catches rows slipped in with triggers
# disabled). SQLite checks every foreign key itself.
MAIN_FOREIGN_KEYS: tuple[tuple[Any, Any], ...] = (
    (Appointment.client_id, Client.id),
    (Appointment.practitioner_id, Practitioner.id),
    (Appointment.service_id, Service.id),
    (CreditEntry.client_id, Client.id),
    (CreditEntry.appointment_id, Appointment.id),
    (CreditEntry.allocation_id, PartnerAllocation.id),
    (CreditEntry.payment_id, Payment.id),
    (Payment.client_id, Client.id),
    (Client.partner_organisation_id, PartnerOrganisation.id),
    (PartnerAllocation.organisation_id, PartnerOrganisation.id),
    (PartnerAllocation.client_id, Client.id),
    (Practitioner.account_id, StaffAccount.id),
    (PractitionerDecision.practitioner_id, Practitioner.id),
    (StaffRole.account_id, StaffAccount.id),
    (WeeklyRule.practitioner_id, Practitioner.id),
    (SessionNote.appointment_id, Appointment.id),
)


def _sqlite_foreign_keys(session: Session) -> tuple[list[str], int]:
    violations = session.execute(text("PRAGMA foreign_key_check")).all()
    items: list[str] = []
    fk_columns: dict[str, dict[int, list[str]]] = {}
    for table, rowid, parent, fkid in violations[:MAX_LISTED]:
        if table not in fk_columns:
            fk_columns[table] = {}
            for row in session.execute(text(f'PRAGMA foreign_key_list("{table}")')):
                fk_columns[table].setdefault(row[0], []).append(row[3])
        columns = fk_columns[table].get(fkid, ["?"])
        has_id = any(r[1] == "id" for r in session.execute(text(f'PRAGMA table_info("{table}")')))
        picked = ", ".join(f'"{c}"' for c in (["id"] if has_id else []) + columns)
        values = session.execute(
            text(f'SELECT {picked} FROM "{table}" WHERE rowid = :r'), {"r": rowid}
        ).one()
        ident = f"{table} {_show(values[0])}" if has_id else f"{table} row {rowid}"
        refs = ", ".join(
            f"{c} = {_show(v)}" for c, v in zip(columns, values[1 if has_id else 0 :], strict=False)
        )
        items.append(f"{ident}: {refs} refers to a {parent} that does not exist")
    return items, len(violations)


def _orphans(session: Session) -> tuple[list[str], int]:
    items: list[str] = []
    total = 0
    for child, parent in MAIN_FOREIGN_KEYS:
        child_table = child.table
        key_columns: list[Column[Any]] = list(child_table.primary_key.columns)
        missing = and_(child.isnot(None), ~exists().where(parent == child))
        count = session.scalar(select(func.count()).select_from(child_table).where(missing)) or 0
        if not count:
            continue
        total += count
        room = MAX_LISTED - len(items)
        if room <= 0:
            continue
        rows = session.execute(select(*key_columns, child).where(missing).limit(room)).all()
        for row in rows:
            ident = "/".join(str(v) for v in row[:-1])
            items.append(
                f"{child_table.name} {ident}: {child.key} = {row[-1]} refers to a "
                f"{parent.table.name} that does not exist"
            )
    return items, total


def check_foreign_keys(session: Session) -> Finding:
    name = "foreign keys"
    dialect = session.get_bind().dialect.name
    items, total = _sqlite_foreign_keys(session) if dialect == "sqlite" else _orphans(session)
    if total:
        return Finding(name, False, _listing(items, total, "broken reference", "broken references"))
    return Finding(name, True, "every reference points to an existing row")


# --- appointments -----------------------------------------------------------------


def _live() -> ColumnElement[bool]:
    return Appointment.status.in_(sorted(LIVE_APPOINTMENT_STATUSES))


def check_overlaps(session: Session) -> Finding:
    """No practitioner has two live appointments at once.

    One pass in (practitioner, start) order: an appointment overlaps an
    earlier one exactly when it starts before the latest end among the
    appointments before it. Comparing with the latest end, not just the
    previous row's, also catches a long appointment that covers several.
    """
    name = "overlapping appointments"
    latest_end = (
        func.max(Appointment.ends_at)
        .over(
            partition_by=Appointment.practitioner_id,
            order_by=(Appointment.starts_at, Appointment.id),
            rows=(None, -1),
        )
        .label("latest_end")
    )
    ordered = (
        select(
            Appointment.id,
            Appointment.reference,
            Appointment.practitioner_id,
            Appointment.starts_at,
            latest_end,
        )
        .where(_live())
        .subquery()
    )
    flagged = session.execute(
        select(
            ordered.c.id,
            ordered.c.reference,
            ordered.c.practitioner_id,
            ordered.c.starts_at,
            func.count().over().label("total"),
        )
        .where(ordered.c.starts_at < ordered.c.latest_end)
        .order_by(ordered.c.starts_at, ordered.c.reference)
        .limit(MAX_LISTED)
    ).all()
    if not flagged:
        return Finding(name, True, "no practitioner has two live appointments at once")
    items: list[str] = []
    for appointment_id, reference, practitioner_id, starts_at, _ in flagged:
        other = session.execute(
            select(Appointment.reference)
            .where(
                Appointment.practitioner_id == practitioner_id,
                Appointment.id != appointment_id,
                _live(),
                Appointment.starts_at <= starts_at,
                Appointment.starts_at > starts_at - _LONGEST_APPOINTMENT,
                Appointment.ends_at > starts_at,
            )
            .order_by(Appointment.starts_at.desc())
            .limit(1)
        ).scalar()
        who = session.scalar(
            select(StaffAccount.name)
            .join(Practitioner, Practitioner.account_id == StaffAccount.id)
            .where(Practitioner.id == practitioner_id)
        )
        items.append(
            f"appointments {other or '?'} and {reference} of {who or practitioner_id} "
            f"overlap on {_when(starts_at)}"
        )
    return Finding(name, False, _listing(items, flagged[0].total, "overlap", "overlaps"))


def check_appointment_times(session: Session) -> Finding:
    name = "appointment times"
    bad = Appointment.ends_at <= Appointment.starts_at
    total = session.scalar(select(func.count()).select_from(Appointment).where(bad)) or 0
    if not total:
        return Finding(name, True, "every appointment ends after it starts")
    rows = session.execute(
        select(Appointment.reference, Appointment.starts_at, Appointment.ends_at)
        .where(bad)
        .order_by(Appointment.starts_at)
        .limit(MAX_LISTED)
    ).all()
    items = [
        f"appointment {r} ends at {_when(e)}, not after its start {_when(s)}" for r, s, e in rows
    ]
    return Finding(
        name,
        False,
        _listing(
            items, total, "appointment with impossible times", "appointments with impossible times"
        ),
    )


# --- credits ----------------------------------------------------------------------


def check_credit_balances(session: Session) -> Finding:
    """A balance is its ledger's sum: every entry must have a client, and no sum may be < 0."""
    name = "credit balances"
    items: list[str] = []
    orphaned = ~exists().where(Client.id == CreditEntry.client_id)
    orphan_total = (
        session.scalar(select(func.count()).select_from(CreditEntry).where(orphaned)) or 0
    )
    for entry_id, client_id, amount in session.execute(
        select(CreditEntry.id, CreditEntry.client_id, CreditEntry.amount)
        .where(orphaned)
        .limit(MAX_LISTED)
    ):
        items.append(f"credit entry {entry_id} ({amount:+d}) belongs to no client ({client_id})")

    balance = func.sum(CreditEntry.amount)
    negative = (
        select(CreditEntry.client_id.label("client_id"), balance.label("balance"))
        .group_by(CreditEntry.client_id)
        .having(balance < 0)
        .subquery()
    )
    negative_total = session.scalar(select(func.count()).select_from(negative)) or 0
    rows = session.execute(
        select(Client.full_name, Client.email, Client.id, negative.c.balance)
        .join(negative, negative.c.client_id == Client.id)
        .order_by(negative.c.balance, Client.full_name)
        .limit(MAX_LISTED)
    ).all()
    for full_name, email, client_id, amount in rows:
        items.append(
            f"{_client_label(full_name, email, client_id)} has a balance of {amount} credits"
        )
    total = orphan_total + negative_total
    if total:
        return Finding(name, False, _listing(items, total, "ledger problem", "ledger problems"))
    return Finding(name, True, "every credit entry has a client and no balance is negative")


def _lot_balances() -> Any:
    """Every lot with its client, amount and what is left of it."""
    lot = aliased(CreditEntry)
    drawn = aliased(CreditEntry)
    return (
        select(
            lot.id.label("lot_id"),
            lot.client_id.label("client_id"),
            lot.amount.label("amount"),
            lot.allocation_id.label("allocation_id"),
            (lot.amount + func.coalesce(func.sum(drawn.amount), 0)).label("left"),
        )
        .outerjoin(drawn, drawn.lot_id == lot.id)
        .where(lot.lot_id.is_(None), lot.amount > 0)
        .group_by(lot.id, lot.client_id, lot.amount, lot.allocation_id)
        .subquery()
    )


def check_credit_lots(session: Session) -> Finding:
    """Every credit taken names a lot of its client, and no lot is overdrawn
    or given back more than was taken from it (the ledger trigger's rules,
    for rows that got past it or predate it)."""
    name = "credit lots"
    items: list[str] = []
    total = 0
    who = (Client.full_name, Client.email, Client.id)

    lotless = and_(CreditEntry.amount < 0, CreditEntry.lot_id.is_(None))
    count = session.scalar(select(func.count()).select_from(CreditEntry).where(lotless)) or 0
    total += count
    for full_name, email, client_id, kind, amount, at in session.execute(
        select(*who, CreditEntry.kind, CreditEntry.amount, CreditEntry.created_at)
        .join(Client, Client.id == CreditEntry.client_id)
        .where(lotless)
        .order_by(Client.full_name, CreditEntry.created_at)
        .limit(MAX_LISTED)
    ):
        items.append(
            f"{_client_label(full_name, email, client_id)}: {kind.value} entry of {amount} on "
            f"{_when(at)} takes credits from no lot"
        )

    lot = aliased(CreditEntry)
    foreign = and_(
        CreditEntry.lot_id.isnot(None),
        (lot.client_id != CreditEntry.client_id) | lot.lot_id.isnot(None) | (lot.amount <= 0),
    )
    joined = select(func.count()).select_from(CreditEntry).join(lot, lot.id == CreditEntry.lot_id)
    count = session.scalar(joined.where(foreign)) or 0
    total += count
    for full_name, email, client_id, kind, amount in session.execute(
        select(*who, CreditEntry.kind, CreditEntry.amount)
        .join(lot, lot.id == CreditEntry.lot_id)
        .join(Client, Client.id == CreditEntry.client_id)
        .where(foreign)
        .limit(max(0, MAX_LISTED - len(items)))
    ):
        items.append(
            f"{_client_label(full_name, email, client_id)}: {kind.value} entry of {amount} "
            "names a lot that is not one of theirs"
        )

    lots = _lot_balances()
    bad = (lots.c.left < 0) | (lots.c.left > lots.c.amount)
    count = session.scalar(select(func.count()).select_from(lots).where(bad)) or 0
    total += count
    for full_name, email, client_id, amount, left, lot_id in session.execute(
        select(*who, lots.c.amount, lots.c.left, lots.c.lot_id)
        .join(lots, lots.c.client_id == Client.id)
        .where(bad)
        .order_by(Client.full_name)
        .limit(max(0, MAX_LISTED - len(items)))
    ):
        state = "is overdrawn" if left < 0 else "was given back more than was taken"
        items.append(
            f"{_client_label(full_name, email, client_id)}: the lot {_show(lot_id)} of {amount} "
            f"credits {state} ({left} left)"
        )

    net = func.sum(CreditEntry.amount)
    over_refunded = (
        select(CreditEntry.appointment_id, CreditEntry.lot_id)
        .where(
            CreditEntry.appointment_id.isnot(None),
            CreditEntry.lot_id.isnot(None),
            CreditEntry.kind.in_((CreditEntryKind.USE, CreditEntryKind.REFUND)),
        )
        .group_by(CreditEntry.appointment_id, CreditEntry.lot_id)
        .having(net > 0)
        .subquery()
    )
    count = session.scalar(select(func.count()).select_from(over_refunded)) or 0
    total += count
    for (reference,) in session.execute(
        select(Appointment.reference)
        .join(over_refunded, over_refunded.c.appointment_id == Appointment.id)
        .order_by(Appointment.reference)
        .limit(max(0, MAX_LISTED - len(items)))
    ):
        items.append(f"appointment {reference} was refunded more credits than it used")

    if total:
        return Finding(name, False, _listing(items, total, "lot problem", "lot problems"))
    return Finding(name, True, "every credit taken comes from a lot, and no lot is overdrawn")


def _allocation_status_problems(session: Session) -> tuple[list[str], int]:
    """An allocation's status and client agree with its lot in the ledger."""
    grant = aliased(CreditEntry)
    lots = _lot_balances()
    left = lots.c.left
    status = PartnerAllocation.status
    problem = case(
        (
            and_(PartnerAllocation.client_id.isnot(None), grant.id.is_(None)),
            literal("is linked to a client but was never credited to them"),
        ),
        (
            and_(
                grant.id.isnot(None),
                (PartnerAllocation.client_id.is_(None))
                | (grant.client_id != PartnerAllocation.client_id),
            ),
            literal("was credited to another client than the one it is linked to"),
        ),
        (
            and_(status == AllocationStatus.USED, left > 0),
            literal("is marked used but has credits left"),
        ),
        (
            and_(status.in_((AllocationStatus.EXPIRED, AllocationStatus.REVOKED)), left > 0),
            literal("is expired or revoked but its credits can still be spent"),
        ),
        (
            and_(status == AllocationStatus.ACTIVE, left == 0),
            literal("is marked active but nothing is left of it"),
        ),
        else_=literal(None),
    ).label("problem")
    rows = (
        select(
            PartnerAllocation.employee_email.label("email"),
            PartnerOrganisation.name.label("organisation"),
            problem,
        )
        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerAllocation.organisation_id)
        .outerjoin(
            grant,
            and_(
                grant.allocation_id == PartnerAllocation.id,
                grant.kind == CreditEntryKind.PARTNER_ALLOCATION,
            ),
        )
        .outerjoin(lots, lots.c.lot_id == grant.id)
        .subquery()
    )
    found = rows.c.problem.isnot(None)
    total = session.scalar(select(func.count()).select_from(rows).where(found)) or 0
    listed = session.execute(
        select(rows.c.email, rows.c.organisation, rows.c.problem)
        .where(found)
        .order_by(rows.c.organisation, rows.c.email)
        .limit(MAX_LISTED)
    ).all()
    return [f"the allocation of {e} ({o}) {p}" for e, o, p in listed], total


def check_partner_allocations(session: Session) -> Finding:
    """An allocation never gives out more than its credits, nor is credited
    twice, and its client and status agree with its lot in the ledger."""
    name = "partner allocations"
    is_grant = CreditEntry.kind == CreditEntryKind.PARTNER_ALLOCATION
    drawn = func.coalesce(func.sum(case((is_grant, literal(0)), else_=-CreditEntry.amount)), 0)
    granted = func.coalesce(func.sum(case((is_grant, CreditEntry.amount), else_=literal(0))), 0)
    per_allocation = (
        select(
            CreditEntry.allocation_id.label("allocation_id"),
            drawn.label("drawn"),
            granted.label("granted"),
        )
        .where(CreditEntry.allocation_id.isnot(None))
        .group_by(CreditEntry.allocation_id)
        .subquery()
    )
    over = (per_allocation.c.drawn > PartnerAllocation.credits) | (
        per_allocation.c.granted > PartnerAllocation.credits
    )
    joined = per_allocation.join(
        PartnerAllocation.__table__, PartnerAllocation.id == per_allocation.c.allocation_id
    )
    total = session.scalar(select(func.count()).select_from(joined).where(over)) or 0
    status_items, status_total = _allocation_status_problems(session)
    if not total and not status_total:
        return Finding(
            name, True, "no allocation was used beyond its credits, and each agrees with its lot"
        )
    rows = session.execute(
        select(
            PartnerAllocation.employee_email,
            PartnerOrganisation.name,
            PartnerAllocation.credits,
            per_allocation.c.drawn,
            per_allocation.c.granted,
        )
        .select_from(joined)
        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerAllocation.organisation_id)
        .where(over)
        .order_by(PartnerOrganisation.name, PartnerAllocation.employee_email)
        .limit(MAX_LISTED)
    ).all()
    items = []
    for email, organisation, credits, used, given in rows:
        if used > credits:
            items.append(
                f"the allocation of {email} ({organisation}) has {used} credits used of {credits}"
            )
        else:
            items.append(
                f"the allocation of {email} ({organisation}) was credited {given} of {credits}"
            )
    if status_total:
        items = (items + status_items)[:MAX_LISTED]
        detail = _listing(items, total + status_total, "allocation problem", "allocation problems")
    else:
        detail = _listing(items, total, "overdrawn allocation", "overdrawn allocations")
    return Finding(name, False, detail)


# --- audit log and practitioners ------------------------------------------------------


def check_audit_chain(session: Session) -> Finding:
    name = "audit log"
    problems = verify_chain(session, limit_problems=MAX_LISTED + 1)
    if not problems:
        return Finding(name, True, "the hash chain is intact")
    items = [f"audit entry {p.seq} {p.problem}" for p in problems]
    return Finding(
        name,
        False,
        _listing(items, len(problems), "problem in the hash chain", "problems in the hash chain"),
    )


def check_practitioner_decisions(session: Session) -> Finding:
    """A practitioner's status is their latest decision: none means no status at all."""
    name = "practitioner status"
    undecided = ~exists().where(PractitionerDecision.practitioner_id == Practitioner.id)
    total = session.scalar(select(func.count()).select_from(Practitioner).where(undecided)) or 0
    if not total:
        return Finding(name, True, "every practitioner has a recorded decision")
    rows = session.execute(
        select(StaffAccount.name, StaffAccount.email)
        .join(Practitioner, Practitioner.account_id == StaffAccount.id)
        .where(undecided)
        .order_by(StaffAccount.name)
        .limit(MAX_LISTED)
    ).all()
    items = [f"{n} <{e}> has no decision, so no status" for n, e in rows]
    return Finding(
        name,
        False,
        _listing(items, total, "practitioner without a status", "practitioners without a status"),
    )


def check_client_search_keys(session: Session) -> Finding:
    """The search key is derived from name, e-mail and phone; a stale one hides a client."""
    name = "client search"
    items: list[str] = []
    total = 0
    rows = session.execute(
        select(
            Client.id, Client.full_name, Client.email, Client.phone, Client.search_key
        ).execution_options(yield_per=10_000)
    )
    for client_id, full_name, email, phone, key in rows:
        if key == client_search_key(full_name, email, phone):
            continue
        total += 1
        if len(items) < MAX_LISTED:
            items.append(
                f"{_client_label(full_name, email, client_id)} has a search key that no longer "
                "matches their name, e-mail and phone"
            )
    if not total:
        return Finding(name, True, "every client is found by their current details")
    return Finding(
        name, False, _listing(items, total, "client search can miss", "clients search can miss")
    )


SESSION_CHECKS: tuple[tuple[str, Callable[[Session], Finding]], ...] = (
    ("foreign keys", check_foreign_keys),
    ("overlapping appointments", check_overlaps),
    ("appointment times", check_appointment_times),
    ("credit balances", check_credit_balances),
    ("credit lots", check_credit_lots),
    ("partner allocations", check_partner_allocations),
    ("audit log", check_audit_chain),
    ("practitioner status", check_practitioner_decisions),
    ("client search", check_client_search_keys),
)


def run_checks(db: Database) -> list[Finding]:
    """Every check, in a fixed order; one that cannot run is reported as failed."""
    findings = [check_schema(db)]
    if schema.current_revision(db) is None:
        return findings
    for name, check in SESSION_CHECKS:
        # A session per check: on PostgreSQL one failed statement would
        # otherwise abort the transaction for every check after it.
        with db.read_sessions() as session:
            try:
                findings.append(check(session))
            except SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                findings.append(Finding(name, False, f"could not be checked: {reason}"))
    return findings
