"""The handler that fills an empty database with the demo clinic.

The whole clinic is one command, so it is one transaction with one audit
entry: a seed that fails half-way leaves the database as it was. Rows go in
with Core bulk inserts in chunks; building ORM objects for 100 000
appointments would cost most of the time and memory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from desktop_app.demo.catalogue import DEMO_PASSWORD
from desktop_app.demo.commands import SeedDemoClinic
from desktop_app.demo.dataset import SIZES
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.demo.generator import generate
from desktop_app.infra.database import upsert
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.staff.passwords import hash_password
from models import (
    Appointment,
    Client,
    ClinicSetting,
    CreditPack,
    PartnerOrganisation,
    Practitioner,
    Service,
    StaffAccount,
)

# Rows per INSERT round trip: large enough to amortise, small enough that one
# statement's parameters stay well inside both databases' limits.
CHUNK = 5_000

# What makes a database "not empty" for the demo, with a word for each.
_OCCUPANTS: tuple[tuple[Any, str], ...] = (
    (StaffAccount, "staff account"),
    (Client, "client"),
    (Appointment, "appointment"),
    (Practitioner, "practitioner"),
    (Service, "service"),
    (PartnerOrganisation, "partner organisation"),
    (CreditPack, "credit pack"),
)


def occupancy(session: Session) -> dict[str, int]:
    """How many of the things the demo would create are already stored."""
    counts: dict[str, int] = {}
    for model, label in _OCCUPANTS:
        n = session.scalar(select(func.count()).select_from(model)) or 0
        if n:
            counts[label] = n
    return counts


def describe_occupancy(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {label}{'' if n == 1 else 's'}" for label, n in counts.items())


def seed_demo_clinic(uow: UnitOfWork, cmd: SeedDemoClinic, actor: Actor) -> Outcome:
    if cmd.size not in SIZES:
        raise ValidationError(
            f"Unknown demo size {cmd.size!r}: choose one of {', '.join(sorted(SIZES))}."
        )
    session = uow.session
    found = occupancy(session)
    if found:
        raise Conflict(
            f"This database is not empty (it holds {describe_occupancy(found)}). The demo "
            "clinic only goes into an empty database; run the demo again with --force to "
            "erase everything in this database first."
        )
    # Hashed once: argon2 is slow on purpose, and every demo login shares it.
    dataset = generate(cmd.size, cmd.seed, uow.clock.now(), hash_password(DEMO_PASSWORD))
    for table, rows in dataset.tables:
        if table is ClinicSetting.__table__:
            # A fresh database may already hold settings from the first-run wizard.
            for row in rows:
                upsert(session, table, row, ["key"])
            continue
        _bulk_insert(session, table, rows)
    uow.emit(DemoClinicSeeded(cmd.size))
    summary = dataset.summary
    return Outcome(result=summary, target="clinic:demo", changes=summary.counts())


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start : start + CHUNK])


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    SeedDemoClinic: HandlerSpec(seed_demo_clinic, system_only=True),
}
