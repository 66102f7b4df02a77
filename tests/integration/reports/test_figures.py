"""Every figure against the hand-counted July of tests/integration/reports/clinic.py,
on SQLite and PostgreSQL; each drill-down lists exactly what its figure counts."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.errors import ValidationError
from desktop_app.payments.commands import RecordPayment, RefundPayment
from desktop_app.payments.results import PaymentResult
from desktop_app.reports.attendance import no_shows
from desktop_app.reports.clients import new_and_returning
from desktop_app.reports.credits import credits
from desktop_app.reports.model import Report, Table
from desktop_app.reports.period import Period, Scope
from desktop_app.reports.revenue import revenue
from desktop_app.reports.selection import appointments
from desktop_app.reports.sources import sources
from desktop_app.reports.utilisation import utilisation
from models import PaymentMethod
from tests.integration.reports.clinic import JULY, JulyClinic

JULY_PERIOD = Period(*JULY)


def figures(report: Report) -> dict[str, object]:
    return {f.label: f.value for f in report.figures}


def row(table: Table, label: str) -> tuple[object, ...]:
    for r in table.rows:
        if r.cells[0] == label:
            return r.cells
    raise AssertionError(f"no row {label!r} in {[r.cells[0] for r in table.rows]}")


def refs(app: AppContext, table: Table, label: str, column: int = 0) -> int:
    for r in table.rows:
        if r.cells[0] == label:
            selection = r.drill_for(column)
            assert selection is not None
            return appointments(app.db, selection).total
    raise AssertionError(label)


@pytest.fixture
def july(app: AppContext) -> JulyClinic:
    return JulyClinic(app)


def test_utilisation_scheduled_from_rules_exceptions_and_holidays(
    app: AppContext, july: JulyClinic
) -> None:
    report = utilisation(app.db, JULY_PERIOD)
    by = report.tables[0]
    assert row(by, "Ada Alder")[1] == pytest.approx(170.0)
    assert row(by, "Bea Birch")[1] == pytest.approx(8.0)
    # a1 and a2 (the 23:30 session of 31 July); a3 is August's, a4-a6 not live.
    assert row(by, "Ada Alder")[2] == pytest.approx(100 / 60)
    assert row(by, "Ada Alder")[3] == pytest.approx((100 / 60) / 170)
    assert row(by, "Ada Alder")[4] == 2
    assert row(by, "Bea Birch")[2] == pytest.approx(1.0)
    f = figures(report)
    assert f["Scheduled hours"] == pytest.approx(178.0)
    assert f["Booked hours"] == pytest.approx(160 / 60)
    assert f["Sessions"] == 3
    assert refs(app, by, "Ada Alder") == 2
    august = utilisation(app.db, Period(date(2030, 8, 1), date(2030, 8, 31)))
    assert figures(august)["Sessions"] == 1  # a3 at 00:30 local on 1 August


def test_utilisation_heat_map_on_the_clinic_clock(app: AppContext, july: JulyClinic) -> None:
    heat = utilisation(app.db, JULY_PERIOD).tables[1]
    hours = [c.title for c in heat.columns[1:]]
    tuesday = row(heat, "Tuesday")
    # a1 fills 50 of the 60 minutes of Ada's Tuesday 10:00 hours (5 Tuesdays of 1 h).
    assert tuesday[1 + hours.index("10:00")] == pytest.approx(50 / (5 * 60))
    wednesday = row(heat, "Wednesday")
    # a2's 30 minutes at 23:00 fall outside any scheduled hour: no ratio.
    assert wednesday[1 + hours.index("23:00")] is None
    cell = next(r for r in heat.rows if r.cells[0] == "Wednesday")
    behind = appointments(app.db, cell.drill_for(1 + hours.index("23:00")))  # type: ignore[arg-type]
    assert [r.id for r in behind.rows] == [july.a2]
    assert behind.rows[0].starts_at.day == 31


def test_utilisation_for_one_practitioner_and_one_service(
    app: AppContext, july: JulyClinic
) -> None:
    report = utilisation(app.db, JULY_PERIOD, Scope(practitioner_id=july.bea))
    assert report.scope == "Bea Birch"
    assert figures(report)["Scheduled hours"] == pytest.approx(8.0)
    assert [r.cells[0] for r in report.tables[0].rows] == ["Bea Birch", "Bea Birch"]


def test_no_shows_and_late_cancellations(app: AppContext, july: JulyClinic) -> None:
    report = no_shows(app.db, JULY_PERIOD)
    by = report.tables[0]
    # sessions, attended, no-shows, late, rate: a1, a2, a4, a5, a6 for Ada.
    assert row(by, "Ada Alder")[1:5] == (5, 1, 1, 1)
    assert row(by, "Ada Alder")[5] == pytest.approx(2 / 5)
    assert row(by, "Bea Birch")[1:5] == (1, 1, 0, 0)
    assert figures(report)["Late cancellations"] == 1
    assert refs(app, by, "Ada Alder", 3) == 1
    late = next(r for r in by.rows if r.cells[0] == "Ada Alder").drill_for(4)
    assert late is not None
    assert [r.id for r in appointments(app.db, late).rows] == [july.a5]
    clients = report.tables[1]
    assert {r.cells[0] for r in clients.rows} == {"=cmd|' /C calc'!A0", "Yann New"}
    assert row(clients, "Yann New")[1:5] == (3, 0, 0, 1)


def test_sources(app: AppContext, july: JulyClinic) -> None:
    report = sources(app.db, JULY_PERIOD)
    table = report.tables[0]
    assert row(table, "Front desk")[1] == 3  # a1, a2, a4
    assert row(table, "Phone")[1:] == (2, pytest.approx(2 / 6), 0, 2)
    assert row(table, "Practitioner")[1] == 1
    assert row(table, "Assistant")[1] == 0
    assert refs(app, table, "Phone") == 2


def test_new_and_returning_clients(app: AppContext, july: JulyClinic) -> None:
    report = new_and_returning(app.db, JULY_PERIOD)
    f = figures(report)
    assert (f["Clients seen"], f["New clients"], f["Returning clients"]) == (3, 2, 1)
    table = report.tables[0]
    assert row(table, "Ada Alder")[1:] == (2, 1, 1)
    assert row(table, "Bea Birch")[1:] == (1, 1, 0)
    ada = next(r for r in table.rows if r.cells[0] == "Ada Alder")
    returning = ada.drill_for(3)
    assert returning is not None
    assert [r.id for r in appointments(app.db, returning).rows] == [july.a1]


def test_revenue_payments_refunds_and_outstanding(app: AppContext, july: JulyClinic) -> None:
    paid = july.bus.handle(
        RecordPayment(
            appointment_id=july.a1, amount_cents=6000, currency="EUR", method=PaymentMethod.CARD
        ),
        july.desk,
    )
    assert isinstance(paid, PaymentResult)
    assert paid.receipt_number == "DP-0000001"
    july.bus.handle(
        RefundPayment(payment_id=paid.payment_id, amount_cents=1000, reason="Goodwill"), july.desk
    )
    report = revenue(app.db, JULY_PERIOD)
    f = figures(report)
    assert (f["Taken"], f["Refunded"], f["Net revenue"]) == (6000, 1000, 5000)
    # b1 unpaid (60.00) and a1's refunded 10.00.
    assert (f["Outstanding"], f["Unpaid sessions"]) == (7000, 2)
    methods = report.tables[0]
    assert row(methods, "Card")[1:] == (6000, 1000, 5000, 1)
    assert refs(app, methods, "Card") == 1
    assert row(report.tables[1], "Ada Alder")[1] == 5000
    outstanding = report.tables[3]
    assert row(outstanding, "Bea Birch")[1:] == (1, 6000)
    assert refs(app, outstanding, "Bea Birch") == 1


def test_payments_refuse_bad_input_and_change_nothing(app: AppContext, july: JulyClinic) -> None:
    for bad, message in (
        (
            RecordPayment(
                appointment_id=july.a1, amount_cents=0, currency="EUR", method=PaymentMethod.CASH
            ),
            "more than zero",
        ),
        (
            RecordPayment(
                appointment_id=july.a1, amount_cents=100, currency="GBP", method=PaymentMethod.CASH
            ),
            "priced in EUR",
        ),
        (
            RecordPayment(
                appointment_id=july.a1, amount_cents=6001, currency="EUR", method=PaymentMethod.CASH
            ),
            "left to pay",
        ),
    ):
        with pytest.raises(ValidationError, match=message):
            july.bus.handle(bad, july.desk)
    assert figures(revenue(app.db, JULY_PERIOD))["Taken"] == 0
    command = RecordPayment(
        appointment_id=july.a1, amount_cents=2500, currency="EUR", method=PaymentMethod.CASH
    )
    first = july.bus.handle(command, july.desk)
    again = july.bus.handle(command, july.desk)  # a retried command pays once
    assert first == again
    assert figures(revenue(app.db, JULY_PERIOD))["Taken"] == 2500
    with pytest.raises(ValidationError, match="left to refund"):
        july.bus.handle(
            RefundPayment(payment_id=first.payment_id, amount_cents=2501, reason="x"), july.desk
        )


def test_credits_sold_used_expired_outstanding(app: AppContext, july: JulyClinic) -> None:
    july.credits()
    report = credits(app.db, JULY_PERIOD)
    ledger = report.tables[0]
    assert row(ledger, "Outstanding at the start")[1] == 2
    assert row(ledger, "Sold in packs")[1:] == (5, 30_000)
    assert row(ledger, "Used in sessions")[1] == -1
    assert row(ledger, "Expired")[1] == 0
    # 2 left of June's lot at 50.00 each, 4 of July's at 60.00.
    assert row(ledger, "Outstanding at the end")[1:] == (6, 34_000)
    assert refs(app, ledger, "Used in sessions") == 1
    august = credits(app.db, Period(date(2030, 8, 1), date(2030, 8, 31)))
    assert row(august.tables[0], "Expired")[1] == -1


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        Period(date(2030, 7, 2), date(2030, 7, 1))
