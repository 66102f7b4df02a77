"""`clinicdesk doctor`: data damaged by hand is reported by name."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, insert, select, text

from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.demo.seed import seed_demo
from desktop_app.infra import schema
from desktop_app.infra.doctor import Finding, run_checks
from desktop_app.kernel.clock import FixedClock
from models import (
    Appointment,
    AppointmentStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
    Practitioner,
    StaffAccount,
)

NOW = datetime(2026, 11, 24, 10, 7, tzinfo=UTC)


@pytest.fixture
def clinic(app: AppContext) -> Iterator[AppContext]:
    """The small demo clinic, as of NOW."""
    clock = FixedClock(NOW)
    ctx = AppContext(choice=app.choice, db=app.db, bus=build_bus(app.db, clock), clock=clock)
    seed_demo(ctx, size="small", seed=1)
    yield ctx


def failures(ctx: AppContext) -> dict[str, str]:
    findings = run_checks(ctx.db)
    assert [f.check for f in findings] == [
        "schema version",
        "foreign keys",
        "overlapping appointments",
        "appointment times",
        "credit balances",
        "credit lots",
        "partner allocations",
        "audit log",
        "practitioner status",
        "client search",
    ]
    assert all(isinstance(f, Finding) and f.detail for f in findings)
    return {f.check: f.detail for f in findings if not f.ok}


def _insert(ctx: AppContext, model: type, rows: list[dict[str, object]]) -> None:
    with ctx.db.write_sessions() as s, s.begin():
        s.execute(insert(model), rows)


def _without_ledger_trigger(ctx: AppContext) -> None:
    """What someone with rights over the database (or an old dump) can do:
    the ledger trigger refuses overdrawing entries otherwise."""
    with ctx.db.engine.begin() as conn:
        if ctx.db.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER credit_entry_ledger_check"))
        else:
            conn.execute(text("ALTER TABLE credit_entry DISABLE TRIGGER credit_entry_ledger_check"))


def test_an_overlapping_appointment_is_reported_with_both_references(clinic: AppContext) -> None:
    with clinic.db.read_sessions() as s:
        booked, name = s.execute(
            select(Appointment, StaffAccount.name)
            .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
            .join(StaffAccount, StaffAccount.id == Practitioner.account_id)
            .where(Appointment.status == AppointmentStatus.BOOKED)
            .order_by(Appointment.starts_at)
            .limit(1)
        ).one()
    # Inside the booked one, so that it overlaps that one and no other.
    starts = booked.starts_at + timedelta(minutes=5)
    # The database refuses overlaps by trigger; someone with rights over it
    # (or a restore of an old dump) can get past that.
    with clinic.db.engine.begin() as conn:
        if clinic.db.dialect == "sqlite":
            triggers = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": "appointment"},
            ).scalars()
            for trigger in list(triggers):
                conn.execute(text(f'DROP TRIGGER "{trigger}"'))
        else:
            conn.execute(text("ALTER TABLE appointment DISABLE TRIGGER USER"))
    _insert(
        clinic,
        Appointment,
        [
            {
                "reference": "DUP234",
                "client_id": booked.client_id,
                "practitioner_id": booked.practitioner_id,
                "service_id": booked.service_id,
                "starts_at": starts,
                "ends_at": booked.ends_at,
                "source": "phone",
            }
        ],
    )

    problems = failures(clinic)

    assert list(problems) == ["overlapping appointments"]
    detail = problems["overlapping appointments"]
    assert detail.startswith("1 overlap: ")
    assert f"appointments {booked.reference} and DUP234 of {name} overlap on" in detail
    assert f"{starts:%Y-%m-%d %H:%M} UTC" in detail


def test_a_negative_balance_is_reported_by_client_name(clinic: AppContext) -> None:
    with clinic.db.read_sessions() as s:
        balance = func.coalesce(func.sum(CreditEntry.amount), 0)
        rows = s.execute(
            select(Client.id, Client.full_name, balance)
            .outerjoin(CreditEntry, CreditEntry.client_id == Client.id)
            .group_by(Client.id, Client.full_name)
            .order_by(Client.full_name, Client.id)
            .limit(25)
        ).all()
    # The ledger is append-only: a bad balance can only be made by adding entries.
    _without_ledger_trigger(clinic)
    _insert(
        clinic,
        CreditEntry,
        [
            {
                "client_id": client_id,
                "kind": CreditEntryKind.ADJUSTMENT,
                "amount": -(amount + 2),
                "created_at": NOW,
                "reason": "typed by hand",
            }
            for client_id, _, amount in rows
        ],
    )

    problems = failures(clinic)

    # Taken from no lot, too.
    assert list(problems) == ["credit balances", "credit lots"]
    assert problems["credit lots"].startswith("25 lot problems: ")
    detail = problems["credit balances"]
    # Twenty are listed and the rest counted.
    assert detail.startswith("25 ledger problems: ") and detail.endswith("; and 5 more")
    assert detail.count("has a balance of -2 credits") == 20
    assert rows[0][1] in detail


def test_an_edited_audit_entry_breaks_the_chain(clinic: AppContext) -> None:
    # Only someone with rights over the database itself can get past the trigger.
    with clinic.db.engine.begin() as conn:
        if clinic.db.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        conn.execute(text("UPDATE audit_entry SET target = 'clinic:nothing-to-see' WHERE seq = 1"))

    problems = failures(clinic)

    assert problems == {
        "audit log": "1 problem in the hash chain: audit entry 1 was modified after it was written"
    }


def test_an_overdrawn_partner_allocation_is_reported(clinic: AppContext) -> None:
    with clinic.db.read_sessions() as s:
        allocation, organisation = s.execute(
            select(PartnerAllocation, PartnerOrganisation.name)
            .join(PartnerOrganisation)
            .where(PartnerAllocation.client_id.isnot(None))
            .order_by(PartnerAllocation.employee_email)
            .limit(1)
        ).one()
    assert allocation.client_id is not None
    with clinic.db.read_sessions() as s:
        lot = s.scalars(
            select(CreditEntry.id).where(
                CreditEntry.allocation_id == allocation.id,
                CreditEntry.kind == CreditEntryKind.PARTNER_ALLOCATION,
            )
        ).one()
    common = {"client_id": allocation.client_id, "created_at": NOW, "reason": "by hand"}
    _without_ledger_trigger(clinic)
    _insert(
        clinic,
        CreditEntry,
        [
            # Enough of the client's own credit that the balance stays positive.
            {**common, "kind": CreditEntryKind.ADJUSTMENT, "amount": 20},
            {
                **common,
                "kind": CreditEntryKind.USE,
                "amount": -(allocation.credits + 1),
                "allocation_id": allocation.id,
                "lot_id": lot,
            },
        ],
    )

    problems = failures(clinic)

    assert list(problems) == ["credit lots", "partner allocations"]
    assert "is overdrawn" in problems["credit lots"]
    assert (
        f"the allocation of {allocation.employee_email} ({organisation}) has "
        in (problems["partner allocations"])
    )


def test_a_practitioner_without_any_decision_is_reported(clinic: AppContext) -> None:
    account_id = uuid.uuid4()
    _insert(
        clinic,
        StaffAccount,
        [
            {
                "id": account_id,
                "email": "ghost@clinic.test",
                "name": "Gus Ghost",
                "password_hash": "x",
                "created_at": NOW,
            }
        ],
    )
    _insert(clinic, Practitioner, [{"account_id": account_id, "profession": "Counsellor"}])

    assert failures(clinic) == {
        "practitioner status": "1 practitioner without a status: Gus Ghost <ghost@clinic.test> "
        "has no decision, so no status"
    }


def test_a_reference_to_a_missing_row_is_reported(clinic: AppContext) -> None:
    missing_client = uuid.uuid4()
    # A separate engine without the app's settings: SQLite leaves foreign keys
    # off unless asked; PostgreSQL skips them for a superuser in replica mode.
    engine = sa.create_engine(clinic.db.url)
    try:
        with engine.begin() as conn:
            if clinic.db.dialect == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(
                insert(CreditEntry),
                {
                    "client_id": missing_client,
                    "kind": CreditEntryKind.ADJUSTMENT,
                    "amount": 3,
                    "created_at": NOW,
                    "reason": "restored from an old backup",
                },
            )
    finally:
        engine.dispose()

    problems = failures(clinic)

    assert set(problems) == {"foreign keys", "credit balances"}
    assert problems["foreign keys"].startswith("1 broken reference: credit_entry ")
    assert "refers to a client that does not exist" in problems["foreign keys"]
    assert "belongs to no client" in problems["credit balances"]
    assert f"client_id = {missing_client} refers" in problems["foreign keys"]
    assert str(missing_client) in problems["credit balances"]


def test_a_client_renamed_behind_the_search_key_is_reported(clinic: AppContext) -> None:
    with clinic.db.engine.begin() as conn:
        client_id = conn.execute(select(Client.id).order_by(Client.full_name).limit(1)).scalar()
        conn.execute(
            sa.update(Client).where(Client.id == client_id).values(full_name="Zacharias Newname")
        )

    problems = failures(clinic)

    assert list(problems) == ["client search"]
    assert problems["client search"].startswith("1 client search can miss: Zacharias Newname ")


def test_a_database_behind_the_code_is_reported(app: AppContext) -> None:
    assert all(f.ok for f in run_checks(app.db))
    schema.downgrade(app.db, "base")

    findings = run_checks(app.db)

    assert [(f.check, f.ok) for f in findings] == [("schema version", False)]
    assert "clinicdesk migrate" in findings[0].detail

    # A newer Clinicdesk's schema: said so, and the other checks still run.
    schema.upgrade(app.db)
    with app.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    findings = run_checks(app.db)
    assert [f.check for f in findings if not f.ok] == ["schema version"]
    assert "newer than this Clinicdesk knows" in findings[0].detail
    assert len(findings) == 10
