"""Credits on both databases: selling packs, paying bookings, the
cancellation policy, adjustments, expiry, and the ledger the database
refuses to overdraw."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop_app.booking.commands import MarkNoShow, PaymentChoice
from desktop_app.bootstrap import AppContext
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.credits import ledger, receipts
from desktop_app.credits.commands import (
    AdjustCredits,
    CreateCreditPack,
    ExpireCredits,
    RefundAppointmentCredits,
    SellCreditPack,
    UpdateCreditPack,
)
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.credits.results import ExpiryResult
from desktop_app.infra import schema
from desktop_app.infra.database import open_database
from desktop_app.kernel.errors import (
    ClinicdeskError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from models import (
    AuditEntry,
    CreditEntry,
    CreditEntryKind,
    Payment,
    PaymentMethod,
)
from tests import factories
from tests.credit_clinic import NOW, CreditClinic, at


@pytest.fixture
def clinic(app: AppContext) -> CreditClinic:
    return CreditClinic(app)


def _audited(clinic: CreditClinic) -> int:
    with clinic.db.read_sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


# --- selling packs --------------------------------------------------------------------


def test_a_sold_pack_is_a_payment_a_lot_and_a_receipt(clinic: CreditClinic) -> None:
    with clinic.db.write_sessions.begin() as s:
        # Names reach the receipt's HTML escaped.
        s.execute(text("UPDATE client SET full_name = 'Siân <b>Jones</b>'"))
    sale = clinic.sell(method=PaymentMethod.CASH)

    assert (sale.receipt_number, sale.credits) == ("RC-0000001", 5)
    assert sale.expires_at == NOW.replace(month=7)
    assert clinic.balance() == 5
    [lot] = clinic.entries()
    assert (lot.kind, lot.amount, lot.lot_id, lot.payment_id) == (
        CreditEntryKind.PURCHASE,
        5,
        None,
        sale.payment_id,
    )
    assert lot.actor_id == clinic.desk.account_id and lot.reason == "Five sessions pack"

    receipt = receipts.receipt_for(clinic.db, sale.payment_id)
    assert (receipt.receipt_number, receipt.total, receipt.method_label) == (
        "RC-0000001",
        "€300.00",
        "Cash",
    )
    assert receipt.lines[0].credits == 5 and receipt.received_by == "Dee Desk"
    page = receipts.receipt_html(receipt)
    assert "Siân &lt;b&gt;Jones&lt;/b&gt;" in page and "<b>Jones</b>" not in page
    assert "RC-0000001" in page and "valid until 07 July 2030" in page

    # Numbers follow on; a typed number (a card terminal's) is kept as typed.
    assert clinic.sell().receipt_number == "RC-0000002"
    assert clinic.sell(receipt_number=" T-77 ").receipt_number == "T-77"
    assert clinic.sell().receipt_number == "RC-0000003"

    # The same command delivered twice (a double click) sells once.
    command_id = uuid.uuid4()
    first = clinic.sell(command_id=command_id)
    assert clinic.sell(command_id=command_id) == first
    assert clinic.balance() == 25


_BAD_SALES: tuple[tuple[dict[str, object], type[Exception], str], ...] = (
    ({"amount_cents": -30000}, ValidationError, "cannot be negative"),
    ({"currency": "GBP"}, ValidationError, "priced in EUR; the payment is in GBP"),
    ({"amount_cents": 25000}, ValidationError, "costs €300.00; the payment says €250.00"),
    ({"pack_id": uuid.uuid4()}, NotFound, "pack does not exist"),
    ({"method": "cheque"}, ValidationError, "not a payment method"),
    ({"receipt_number": "RC-0000009"}, ValidationError, "clinic's own series"),
    ({"client_id": uuid.uuid4()}, NotFound, "client does not exist"),
)


def test_bad_sales_and_wrong_roles_change_nothing(clinic: CreditClinic) -> None:
    audited = _audited(clinic)
    for change, error, message in _BAD_SALES:
        with pytest.raises(error, match=message):
            clinic.sell(**change)
    clinic.sell(receipt_number="T-1")
    with pytest.raises(Conflict, match="T-1 is already used"):
        clinic.sell(receipt_number="T-1")
    assert clinic.balance() == 5
    with clinic.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
    assert _audited(clinic) == audited + 1

    # Packs are the managers' to define; the desk and managers sell them.
    for who in (clinic.desk, clinic.pract):
        with pytest.raises(PermissionDenied):
            clinic.bus.handle(
                CreateCreditPack(name="Ten", credits=10, price_cents=1, validity_months=1), who
            )
    with pytest.raises(PermissionDenied):
        clinic.bus.handle(
            SellCreditPack(
                client_id=clinic.client,
                pack_id=clinic.pack,
                amount_cents=30000,
                currency="EUR",
                method=PaymentMethod.CARD,
            ),
            clinic.pract,
        )
    with pytest.raises(Conflict, match="already a pack called"):
        clinic.bus.handle(
            CreateCreditPack(name="five SESSIONS", credits=5, price_cents=1, validity_months=1),
            clinic.manager,
        )
    with pytest.raises(ValidationError, match="1 to 1000 credits"):
        clinic.bus.handle(
            CreateCreditPack(name="None", credits=0, price_cents=1, validity_months=1),
            clinic.manager,
        )
    # A manager sells too; a retired pack is not sold any more.
    clinic.bus.handle(
        SellCreditPack(
            client_id=clinic.client,
            pack_id=clinic.pack,
            amount_cents=30000,
            currency="eur",
            method=PaymentMethod.TRANSFER,
        ),
        clinic.manager,
    )
    clinic.bus.handle(
        UpdateCreditPack(
            pack_id=clinic.pack,
            name="Five sessions",
            credits=5,
            price_cents=32000,
            validity_months=6,
            is_active=False,
        ),
        clinic.manager,
    )
    assert ledger.credit_packs(clinic.db) == []
    with pytest.raises(ValidationError, match="no longer sold"):
        clinic.sell(amount_cents=32000)
    assert clinic.balance() == 10


# --- paying bookings ------------------------------------------------------------------


def test_a_booking_paid_with_credits_uses_the_soonest_expiring_first(
    clinic: CreditClinic,
) -> None:
    pack = clinic.sell()
    clinic.bus.handle(
        AdjustCredits(
            client_id=clinic.client,
            amount=1,
            reason="goodwill",
            expires_at=NOW + timedelta(days=30),
        ),
        clinic.manager,
    )
    plan = ledger.credit_plan(clinic.db, clinic.client, clinic.couples, NOW)
    assert (plan.cost, plan.balance, plan.usable, plan.enough) == (2, 6, 6, True)
    assert [(d.description, d.credits) for d in plan.draws] == [
        ("goodwill", 1),
        ("Five sessions pack", 1),
    ]

    booked = clinic.book(at(2, 10), service=clinic.couples)

    assert booked.credits_used == 2 and clinic.balance() == 4
    uses = [e for e in clinic.entries() if e.kind is CreditEntryKind.USE]
    assert sorted((e.amount, e.lot_id == pack.lot_id) for e in uses) == [(-1, False), (-1, True)]
    assert all(e.appointment_id == booked.appointment_id for e in uses)
    assert ledger.credits_paid(clinic.db, booked.appointment_id) == 2
    rows = ledger.client_ledger(clinic.db, clinic.client)
    assert [r.balance_after for r in rows][-1] == 4
    assert {r.appointment_reference for r in rows if r.kind is CreditEntryKind.USE} == {
        booked.reference
    }
    assert rows[0].receipt_number == "RC-0000001" and rows[0].actor_name == "Dee Desk"

    # Paying at the desk, the default, leaves the credits alone.
    clinic.book(at(2, 14), payment=PaymentChoice.DESK)
    assert clinic.balance() == 4
    # A practitioner books with the client's credits in their own diary only.
    assert clinic.book(at(2, 16), who=clinic.pract).credits_used == 1
    other, _ = factories.practitioner(clinic.app, "Dr Other")
    with pytest.raises(PermissionDenied):
        clinic.book(at(2, 18), who=other)
    assert clinic.balance() == 3


def test_not_enough_credits_is_refused_and_books_nothing(clinic: CreditClinic) -> None:
    plan = ledger.credit_plan(clinic.db, clinic.client, clinic.individual, NOW)
    assert not plan.enough and plan.draws == ()
    assert plan.message.startswith("Not enough credits: Siân Jones has 0 usable credits")
    with pytest.raises(NotEnoughCredits, match="Not enough credits") as refused:
        clinic.book(at(1, 10))
    assert (refused.value.usable, refused.value.needed) == (0, 1)
    assert clinic.appointments() == 0

    clinic.bus.handle(
        AdjustCredits(client_id=clinic.client, amount=1, reason="welcome"), clinic.manager
    )
    with pytest.raises(NotEnoughCredits, match="has 1 usable credits for Couples, which costs 2"):
        clinic.book(at(1, 10), service=clinic.couples)
    with pytest.raises(ValidationError, match="Check-up cannot be paid with credits"):
        clinic.book(at(1, 10), service=clinic.checkup)
    assert clinic.appointments() == 0 and clinic.balance() == 1
    # The desk chooses another payment instead.
    clinic.book(at(1, 10), service=clinic.couples, payment=PaymentChoice.DESK)
    assert clinic.appointments() == 1 and clinic.balance() == 1


# --- the cancellation policy ----------------------------------------------------------


def test_cancelling_in_time_returns_the_credits_once(clinic: CreditClinic) -> None:
    clinic.sell()
    booked = clinic.book(at(2, 10))
    assert clinic.balance() == 4

    result = clinic.cancel(booked.appointment_id)
    again = clinic.cancel(booked.appointment_id)

    assert (result.credits_returned, result.late) == (1, False)
    assert again.credits_returned == 0
    assert clinic.balance() == 5
    [refund] = [e for e in clinic.entries() if e.kind is CreditEntryKind.REFUND]
    [use] = [e for e in clinic.entries() if e.kind is CreditEntryKind.USE]
    assert (refund.lot_id, refund.appointment_id) == (use.lot_id, booked.appointment_id)
    assert refund.actor_id == clinic.desk.account_id
    assert ledger.credits_paid(clinic.db, booked.appointment_id) == 0
    clinic.assert_doctor_clean()


def test_a_late_cancellation_keeps_the_credits_unless_a_manager_says_otherwise(
    clinic: CreditClinic,
) -> None:
    clinic.sell()
    first = clinic.book(at(1, 10))
    second = clinic.book(at(1, 12))
    clinic.clock.set(at(1, 0))  # 10 and 12 hours ahead: inside the 24-hour window

    with pytest.raises(PermissionDenied, match="Only a manager"):
        clinic.cancel(first.appointment_id, override="she was in hospital")
    late = clinic.cancel(first.appointment_id)
    assert (late.credits_returned, late.credits_kept, late.late) == (0, 1, True)
    assert clinic.balance() == 3

    overridden = clinic.cancel(
        second.appointment_id, who=clinic.manager, override="she was in hospital"
    )
    assert (overridden.credits_returned, overridden.late) == (1, True)
    assert clinic.balance() == 4
    [refund] = [e for e in clinic.entries() if e.kind is CreditEntryKind.REFUND]
    assert "she was in hospital" in refund.reason
    assert refund.actor_id == clinic.manager.account_id

    # Later still, a manager may return the first one's credit too, once.
    clinic.bus.handle(
        RefundAppointmentCredits(appointment_id=first.appointment_id, reason="goodwill"),
        clinic.manager,
    )
    assert clinic.balance() == 5
    with pytest.raises(ValidationError, match="holds no credits"):
        clinic.bus.handle(
            RefundAppointmentCredits(appointment_id=first.appointment_id, reason="again"),
            clinic.manager,
        )
    with pytest.raises(PermissionDenied):
        clinic.bus.handle(
            RefundAppointmentCredits(appointment_id=first.appointment_id, reason="x"), clinic.desk
        )

    # A no-show follows the same policy: nothing comes back.
    no_show = clinic.book(at(1, 14))
    clinic.clock.set(at(1, 14, 20))
    clinic.bus.handle(MarkNoShow(appointment_id=no_show.appointment_id), clinic.desk)
    assert clinic.balance() == 4
    with pytest.raises(ValidationError, match="Cannot cancel"):
        clinic.cancel(no_show.appointment_id)

    # The free window is the clinic's setting: with four days, three is late.
    with pytest.raises(ValidationError, match="0 to 336 hours"):
        clinic.bus.handle(
            UpdateClinicSettings(values={"cancellation_free_hours": -1}), clinic.manager
        )
    clinic.bus.handle(UpdateClinicSettings(values={"cancellation_free_hours": 96}), clinic.manager)
    ahead = clinic.book(at(4, 16))
    assert clinic.cancel(ahead.appointment_id).credits_kept == 1
    assert clinic.balance() == 3
    clinic.assert_doctor_clean()


def test_a_manager_marks_a_no_show_and_returns_its_credit_in_one_change(
    clinic: CreditClinic,
) -> None:
    clinic.sell()
    kept = clinic.book(at(1, 10))
    returned = clinic.book(at(1, 12))
    clinic.clock.set(at(1, 12, 20))
    audited = _audited(clinic)

    # The desk may mark a no-show, not give its credit back: refused whole, the
    # appointment is still booked.
    with pytest.raises(PermissionDenied, match="Only a manager"):
        clinic.bus.handle(
            MarkNoShow(appointment_id=kept.appointment_id, refund_override_reason="flat tyre"),
            clinic.desk,
        )
    assert _audited(clinic) == audited
    assert clinic.balance() == 3
    clinic.bus.handle(MarkNoShow(appointment_id=kept.appointment_id), clinic.desk)
    assert clinic.balance() == 3

    assert (
        clinic.bus.handle(
            MarkNoShow(appointment_id=returned.appointment_id, refund_override_reason="hospital"),
            clinic.manager,
        )
        == 1
    )
    assert clinic.balance() == 4
    [refund] = [e for e in clinic.entries() if e.kind is CreditEntryKind.REFUND]
    assert "hospital" in refund.reason and refund.actor_id == clinic.manager.account_id
    clinic.assert_doctor_clean()


# --- adjustments and expiry -----------------------------------------------------------


def test_adjustments_are_ledger_entries_by_managers_with_a_reason(clinic: CreditClinic) -> None:
    clinic.sell()
    with pytest.raises(PermissionDenied):
        clinic.bus.handle(AdjustCredits(client_id=clinic.client, amount=1, reason="x"), clinic.desk)
    for amount, reason, message in (
        (1, "  ", "reason"),
        (0, "x", "changes nothing"),
        (-6, "x", "has 5 usable credits; 6 cannot be taken"),
    ):
        with pytest.raises(ClinicdeskError, match=message):
            clinic.bus.handle(
                AdjustCredits(client_id=clinic.client, amount=amount, reason=reason),
                clinic.manager,
            )
    with pytest.raises(ValidationError, match="Only credits given"):
        clinic.bus.handle(
            AdjustCredits(
                client_id=clinic.client, amount=-1, reason="x", expires_at=NOW + timedelta(1)
            ),
            clinic.manager,
        )
    clinic.bus.handle(
        AdjustCredits(client_id=clinic.client, amount=-2, reason="sold by mistake"),
        clinic.manager,
    )
    assert clinic.balance() == 3
    taken = clinic.entries()[-1]
    assert (taken.kind, taken.amount, taken.reason) == (
        CreditEntryKind.ADJUSTMENT,
        -2,
        "sold by mistake",
    )
    assert taken.actor_id == clinic.manager.account_id and taken.lot_id is not None


def test_expiry_writes_off_each_lapsed_lot_once(clinic: CreditClinic) -> None:
    sale = clinic.sell()
    clinic.book(at(1, 10))
    with pytest.raises(PermissionDenied):
        clinic.bus.handle(ExpireCredits(now=NOW), clinic.manager)
    assert clinic.bus.handle(ExpireCredits(now=NOW), clinic.system) == ExpiryResult(0, 0, 0)

    later = sale.expires_at + timedelta(days=3)
    clinic.clock.set(later)
    credits = ledger.client_credits(clinic.db, clinic.client, later)
    assert (credits.balance, credits.usable, credits.lapsed) == (4, 0, 4)
    first = clinic.bus.handle(ExpireCredits(now=later), clinic.system)
    second = clinic.bus.handle(ExpireCredits(now=later), clinic.system)

    assert first == ExpiryResult(lots=1, credits=4, allocations=0)
    assert second == ExpiryResult(0, 0, 0)
    expiry = clinic.entries()[-1]
    assert (expiry.kind, expiry.amount, expiry.created_at) == (
        CreditEntryKind.EXPIRY,
        -4,
        sale.expires_at,
    )
    assert expiry.actor_id is None and expiry.lot_id == sale.lot_id
    assert clinic.balance() == 0
    with clinic.db.read_sessions() as s:
        runs = s.scalars(select(AuditEntry.command).where(AuditEntry.command == "ExpireCredits"))
        assert list(runs) == ["ExpireCredits"]
    with pytest.raises(NotEnoughCredits):
        clinic.book(at(200, 10))

    # Credits returned to a lot that has lapsed meanwhile are written off at once.
    other = clinic.register("Ola Other", email="ola@example.test")
    clinic.bus.handle(
        AdjustCredits(client_id=other, amount=1, reason="trial", expires_at=later + timedelta(5)),
        clinic.manager,
    )
    booked = clinic.book(later + timedelta(days=20, hours=2), client=other)
    clinic.clock.set(later + timedelta(days=10))
    assert clinic.cancel(booked.appointment_id).credits_returned == 1
    kinds = [(e.kind, e.amount) for e in clinic.entries(other)]
    assert kinds[-2:] == [(CreditEntryKind.REFUND, 1), (CreditEntryKind.EXPIRY, -1)]
    assert clinic.balance(other) == 0
    clinic.assert_doctor_clean()


# --- what the database itself refuses -------------------------------------------------


def _raw_entry(clinic: CreditClinic, **values: object) -> None:
    row = {
        "client_id": clinic.client,
        "created_at": clinic.clock.now(),
        "reason": "typed by hand",
        **values,
    }
    with clinic.db.write_sessions() as s, s.begin():
        s.execute(insert(CreditEntry), [row])


def test_the_database_refuses_a_ledger_that_overdraws(clinic: CreditClinic) -> None:
    """Even code that bypasses the credit service cannot overdraw."""
    sale = clinic.sell()
    booked = clinic.book(at(1, 10))
    other = clinic.register("Bob Other", email="bob@example.test")
    use = {"kind": CreditEntryKind.USE, "appointment_id": booked.appointment_id}
    refused = (IntegrityError, DBAPIError)

    with pytest.raises(refused, match="not enough credits"):
        _raw_entry(clinic, **use, amount=-5, lot_id=sale.lot_id)
    with pytest.raises(refused, match="only be taken from a lot"):
        _raw_entry(clinic, kind=CreditEntryKind.ADJUSTMENT, amount=-1)
    with pytest.raises(refused, match="not a credit lot of this client"):
        _raw_entry(clinic, **use, amount=-1, lot_id=sale.lot_id, client_id=other)
    with pytest.raises(refused, match="more returned than was used"):
        _raw_entry(
            clinic,
            kind=CreditEntryKind.REFUND,
            amount=2,
            lot_id=sale.lot_id,
            appointment_id=booked.appointment_id,
        )
    with pytest.raises(refused, match="have expired"):
        _raw_entry(clinic, **use, amount=-1, lot_id=sale.lot_id, created_at=sale.expires_at)
    with pytest.raises(refused, match=r"sign_matches_kind|CHECK constraint"):
        _raw_entry(clinic, kind=CreditEntryKind.USE, amount=1)
    with pytest.raises(refused, match=r"reason_given|CHECK constraint"):
        _raw_entry(clinic, kind=CreditEntryKind.ADJUSTMENT, amount=1, reason=" ")
    # Entries are never edited or deleted.
    for statement in ("UPDATE credit_entry SET amount = 100", "DELETE FROM credit_entry"):
        with pytest.raises(refused, match="append-only"), clinic.db.engine.begin() as conn:
            conn.execute(text(statement))
    # What the rules allow still goes in.
    _raw_entry(clinic, **use, amount=-4, lot_id=sale.lot_id)
    assert clinic.balance() == 0
    clinic.assert_doctor_clean()


def test_the_ledger_rules_survive_upgrade_and_downgrade(db_url: URL) -> None:
    """Batch mode rebuilds credit_entry on SQLite; its triggers must come back."""
    db = open_database(db_url)
    try:
        schema.upgrade(db)
        schema.downgrade(db, "0003")
        schema.upgrade(db)
        with db.engine.connect() as conn:
            if db.dialect == "sqlite":
                triggers = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE tbl_name = 'credit_entry'")
                ).scalars()
                names = set(triggers)
                assert {
                    "credit_entry_no_update",
                    "credit_entry_no_delete",
                    "credit_entry_ledger_check",
                } <= names
            else:
                names = set(
                    conn.execute(
                        text(
                            "SELECT tgname FROM pg_trigger "
                            "WHERE tgrelid = 'credit_entry'::regclass AND NOT tgisinternal"
                        )
                    ).scalars()
                )
                assert names == {"credit_entry_append_only", "credit_entry_ledger_check"}
                source = conn.execute(
                    text(
                        "SELECT prosrc FROM pg_proc WHERE proname = 'clinicdesk_credit_entry_check'"
                    )
                ).scalar_one()
                # The service takes the same lock before reading lots.
                from desktop_app.credits.ledger_writes import (
                    CREDIT_LOCK_BUCKETS,
                    CREDIT_LOCK_NAMESPACE,
                )

                assert f"{CREDIT_LOCK_NAMESPACE}," in source
                assert f"& {CREDIT_LOCK_BUCKETS - 1})" in source
    finally:
        db.dispose()
