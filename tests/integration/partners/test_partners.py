"""Partner organisations on both databases: allocations one by one and from
a CSV (all rows or none), linking to clients by e-mail, partner credits that
pay only for their session length, revoking, and the usage report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from desktop_app.booking.commands import PaymentChoice
from desktop_app.bootstrap import AppContext
from desktop_app.credits import ledger
from desktop_app.credits.commands import ExpireCredits
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.kernel.errors import Conflict, PermissionDenied, ValidationError
from desktop_app.partners import queries as partner_queries
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
    ImportAllocations,
    LinkPartnerAllocations,
    RevokeAllocation,
    UpdatePartnerOrganisation,
)
from desktop_app.partners.csv_import import parse_allocation_csv, preview_allocation_import
from desktop_app.partners.errors import ImportRefused
from desktop_app.partners.results import AllocationResult
from desktop_app.partners.usage_report import partner_usage, usage_csv, usage_html
from models import AllocationStatus, AppointmentStatus, CreditEntryKind, PartnerAllocation
from tests.credit_clinic import NOW, CreditClinic, at

GOOD_CSV = (
    "\ufeffE-mail;Name;Credits\r\n"
    "sian@example.test;Siân Jones;\r\n"
    '"ANA@Example.test";"Ana, María";4\r\n'
    "\r\n"
    "ben@example.test;Ben;\r\n"
)


class Partners(CreditClinic):
    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.acme = self.bus.handle(
            CreatePartnerOrganisation(
                name="Acme Ltd",
                contact_email="People@Acme.test",
                default_credits=2,
                session_duration_min=25,
                validity_days=90,
            ),
            self.manager,
        )

    def allocate(self, email: str, credits: int | None = None) -> AllocationResult:
        result = self.bus.handle(
            AllocatePartnerCredits(
                organisation_id=self.acme, allocation=AllocationInput(email, credits)
            ),
            self.manager,
        )
        assert isinstance(result, AllocationResult)
        return result

    def allocations(self) -> dict[str, partner_queries.AllocationRow]:
        return {
            a.employee_email: a for a in partner_queries.partner_allocations(self.db, self.acme)
        }


@pytest.fixture
def partners(app: AppContext) -> Partners:
    return Partners(app)


def test_organisations_and_allocations_are_for_managers(partners: Partners) -> None:
    for who in (partners.desk, partners.pract):
        with pytest.raises(PermissionDenied):
            partners.bus.handle(CreatePartnerOrganisation(name="Other"), who)
        with pytest.raises(PermissionDenied):
            partners.bus.handle(
                ImportAllocations(
                    organisation_id=partners.acme, rows=(AllocationInput("a@b.test"),)
                ),
                who,
            )
    with pytest.raises(Conflict, match="already a partner organisation called"):
        partners.bus.handle(CreatePartnerOrganisation(name="ACME LTD"), partners.manager)
    for bad, message in (
        ({"name": " "}, "name"),
        ({"default_credits": 0}, "between 1 and 100"),
        ({"session_duration_min": 0}, "between 5 and 720"),
        ({"contact_email": "people@"}, "not a valid e-mail"),
    ):
        with pytest.raises(ValidationError, match=message):
            partners.bus.handle(
                CreatePartnerOrganisation(**{"name": "Other", **bad}),  # type: ignore[arg-type]
                partners.manager,
            )
    partners.bus.handle(
        UpdatePartnerOrganisation(
            organisation_id=partners.acme,
            name="Acme Limited",
            contact_name="Pat",
            contact_email=None,
            default_credits=3,
            session_duration_min=25,
            validity_days=90,
        ),
        partners.manager,
    )
    [org] = partner_queries.partner_organisations(partners.db)
    assert (org.name, org.default_credits, org.contact_email) == ("Acme Limited", 3, None)


def test_an_allocation_to_a_client_credits_them_at_once_others_wait(partners: Partners) -> None:
    credited = partners.allocate("SIAN@example.test")
    waiting = partners.allocate("new.person@example.test", 3)

    assert (credited.credited, credited.waiting) == (1, 0)
    assert (waiting.credited, waiting.waiting) == (0, 1)
    rows = partners.allocations()
    assert (rows["sian@example.test"].client_name, rows["sian@example.test"].left) == (
        "Siân Jones",
        2,
    )
    assert rows["new.person@example.test"].client_id is None
    assert partners.balance() == 2
    [grant] = partners.entries()
    assert (grant.kind, grant.amount, grant.allocation_id) == (
        CreditEntryKind.PARTNER_ALLOCATION,
        2,
        rows["sian@example.test"].id,
    )
    assert grant.expires_at == NOW + timedelta(days=90)

    # The new employee registers; their credits show as waiting, and the
    # first booking with credits claims them.
    newcomer = partners.register("New Person", email="new.person@example.test")
    plan = ledger.credit_plan(partners.db, newcomer, partners.partner_service, NOW)
    assert plan.enough and plan.draws[0].lot_id is None and plan.balance == 0
    booked = partners.book(at(1, 9), service=partners.partner_service, client=newcomer)
    assert booked.credits_used == 1
    assert partners.balance(newcomer) == 2
    assert partners.allocations()["new.person@example.test"].client_name == "New Person"
    # Linking again finds nothing more.
    assert partners.bus.handle(LinkPartnerAllocations(client_id=newcomer), partners.desk) == 0

    # Two clients share an address: the allocation waits for the first to book.
    kim = partners.register("Kim Shared", email="shared@example.test")
    sam = partners.register("Sam Shared", email="shared@example.test", allow_duplicate=True)
    assert partners.allocate("shared@example.test", 1).waiting == 1
    partners.book(at(1, 10), service=partners.partner_service, client=kim)
    with pytest.raises(NotEnoughCredits):
        partners.book(at(1, 11), service=partners.partner_service, client=sam)
    assert partners.allocations()["shared@example.test"].client_id == kim
    partners.assert_doctor_clean()


def test_partner_credits_pay_first_and_only_for_their_session_length(partners: Partners) -> None:
    partners.sell()
    partners.allocate("sian@example.test", 1)

    short = ledger.credit_plan(partners.db, partners.client, partners.partner_service, NOW)
    assert [d.description for d in short.draws] == ["Acme Ltd partner credits"]
    long = ledger.credit_plan(partners.db, partners.client, partners.individual, NOW)
    assert [d.description for d in long.draws] == ["Five sessions pack"]
    assert long.usable == 5

    with pytest.raises(NotEnoughCredits, match="Partner credits pay only for 25-minute sessions"):
        partners.book(at(1, 9), payment=PaymentChoice.PARTNER)
    first = partners.book(at(1, 9), service=partners.partner_service)
    assert partners.allocations()["sian@example.test"].status is AllocationStatus.USED
    second = partners.book(at(1, 10), service=partners.partner_service)
    assert [e.lot_id is not None for e in partners.entries()] == [False, False, True, True]
    with pytest.raises(NotEnoughCredits):
        partners.book(at(1, 11), service=partners.partner_service, payment=PaymentChoice.PARTNER)

    # Cancelled in time, the partner credit goes back to the allocation.
    partners.cancel(first.appointment_id)
    row = partners.allocations()["sian@example.test"]
    assert (row.status, row.used, row.left) == (AllocationStatus.ACTIVE, 0, 1)
    assert ledger.credits_paid(partners.db, second.appointment_id) == 1
    assert partners.balance() == 5
    partners.assert_doctor_clean()


def test_the_csv_preview_names_every_bad_row_and_why() -> None:
    good = parse_allocation_csv(GOOD_CSV.encode("utf-8"))
    assert good.ok and good.file_errors == ()
    assert [(r.line, r.email, r.name, r.credits) for r in good.rows] == [
        (2, "sian@example.test", "Siân Jones", None),
        (3, "ana@example.test", "Ana, María", 4),
        (5, "ben@example.test", "Ben", None),
    ]
    assert good.summary() == "3 employees ready to import."
    assert [a.email for a in good.allocations()] == [r.email for r in good.rows]

    bad = parse_allocation_csv(
        "email,credits,name\n"
        "ok@example.test,1,Ok\n"
        "not-an-address,1,\n"
        "OK@example.test,,Again\n"
        "x@example.test,two,\n"
        "y@example.test,0,\n"
        ",1,Nobody\n"
        "z@example.test,1,Zed,extra\n"
    )
    assert not bad.ok and bad.file_errors == ()
    problems = {r.line: r.errors for r in bad.bad_rows}
    assert problems == {
        3: ("'not-an-address' is not a valid e-mail address",),
        4: ("duplicate: ok@example.test is already on line 2",),
        5: ("credits must be a whole number, not 'two'",),
        6: ("credits must be between 1 and 100, not 0",),
        7: ("no e-mail address",),
        8: ("4 values, but the header has 3 columns (a separator inside a value needs quotes)",),
    }
    assert bad.summary().startswith("6 of 7 rows have problems")
    with pytest.raises(ValidationError, match="6 of 7 rows"):
        bad.allocations()

    for data, message in (
        (b"", "The file is empty."),
        ("email,department\na@b.test,HR\n", "Unknown column 'department'"),
        ("name\nAna\n", "There is no e-mail column"),
        ("email\n", "a header but no employees"),
        ("email,Email\na@b.test,a@b.test\n", "appears twice"),
        ("email,name\na@b.test,Jos\xe9\n".encode("latin-1"), "not UTF-8 text (line 2"),
    ):
        preview = parse_allocation_csv(data)
        assert not preview.ok and preview.rows == ()
        assert message in " ".join(preview.file_errors)


def test_an_import_is_all_rows_or_none(partners: Partners) -> None:
    rows = (
        AllocationInput("sian@example.test", line=2),
        AllocationInput("ana@example.test", 4, "Ana", line=3),
        AllocationInput("bad address", line=4),
        AllocationInput("ANA@example.test", line=5),
    )
    with pytest.raises(ImportRefused, match="Nothing was imported") as refused:
        partners.bus.handle(
            ImportAllocations(organisation_id=partners.acme, rows=rows), partners.manager
        )
    assert refused.value.problems == [
        "line 4: 'bad address' is not a valid e-mail address",
        "line 5: duplicate: ana@example.test is already on line 3",
    ]
    with partners.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(PartnerAllocation)) == 0
    assert partners.balance() == 0

    preview = preview_allocation_import(partners.db, partners.acme, GOOD_CSV, NOW)
    result = partners.bus.handle(
        ImportAllocations(organisation_id=partners.acme, rows=preview.allocations()),
        partners.manager,
    )
    assert (len(result.allocation_ids), result.credited, result.waiting) == (3, 1, 2)
    assert {e: (a.credits, a.employee_name) for e, a in partners.allocations().items()} == {
        "sian@example.test": (2, "Siân Jones"),
        "ana@example.test": (4, "Ana, María"),
        "ben@example.test": (2, "Ben"),
    }
    assert partners.balance() == 2

    # The same file again: every employee already has an active allocation.
    again = preview_allocation_import(partners.db, partners.acme, GOOD_CSV, NOW)
    assert not again.ok
    assert all("already has an active allocation from Acme Ltd" in r.errors[0] for r in again.rows)
    with pytest.raises(ImportRefused, match="already has an active allocation"):
        partners.bus.handle(
            ImportAllocations(organisation_id=partners.acme, rows=preview.allocations()),
            partners.manager,
        )
    with pytest.raises(ValidationError, match="nobody"):
        partners.bus.handle(
            ImportAllocations(organisation_id=partners.acme, rows=()), partners.manager
        )
    assert len(partners.allocations()) == 3


def test_revoking_takes_back_what_is_left_and_keeps_what_was_used(partners: Partners) -> None:
    partners.allocate("sian@example.test", 3)
    partners.allocate("later@example.test")
    used = partners.book(at(2, 9), service=partners.partner_service)
    rows = partners.allocations()

    with pytest.raises(PermissionDenied):
        partners.bus.handle(
            RevokeAllocation(allocation_id=rows["sian@example.test"].id, reason="left"),
            partners.desk,
        )
    taken = partners.bus.handle(
        RevokeAllocation(allocation_id=rows["sian@example.test"].id, reason="left the company"),
        partners.manager,
    )
    partners.bus.handle(
        RevokeAllocation(allocation_id=rows["later@example.test"].id, reason="never started"),
        partners.manager,
    )
    # Twice is once.
    partners.bus.handle(
        RevokeAllocation(allocation_id=rows["later@example.test"].id, reason="again"),
        partners.manager,
    )

    assert taken == 2 and partners.balance() == 0
    rows = partners.allocations()
    assert rows["sian@example.test"].status is AllocationStatus.REVOKED
    assert rows["sian@example.test"].revoke_reason == "left the company"
    assert (rows["sian@example.test"].used, rows["sian@example.test"].left) == (1, 0)
    assert rows["later@example.test"].status is AllocationStatus.REVOKED
    # The booking keeps its credit; cancelled in time, it goes back to the
    # organisation, not to the client.
    assert ledger.credits_paid(partners.db, used.appointment_id) == 1
    partners.clock.advance(timedelta(hours=1))
    partners.cancel(used.appointment_id)
    assert partners.balance() == 0
    assert [e.kind for e in partners.entries()][-2:] == [
        CreditEntryKind.REFUND,
        CreditEntryKind.ADJUSTMENT,
    ]
    # Someone registering with the revoked address gets nothing.
    later = partners.register("Lee Later", email="later@example.test")
    assert partners.bus.handle(LinkPartnerAllocations(client_id=later), partners.desk) == 0
    partners.assert_doctor_clean()


def test_unused_partner_credits_expire_with_their_allocation(partners: Partners) -> None:
    partners.allocate("sian@example.test")
    partners.allocate("ghost@example.test")
    partners.book(at(1, 9), service=partners.partner_service)
    lapsed = NOW + timedelta(days=91)

    result = partners.bus.handle(ExpireCredits(now=lapsed), partners.system)

    assert (result.lots, result.credits, result.allocations) == (1, 1, 2)
    rows = partners.allocations()
    assert {e: r.status for e, r in rows.items()} == {
        "sian@example.test": AllocationStatus.EXPIRED,
        "ghost@example.test": AllocationStatus.EXPIRED,
    }
    with pytest.raises(ValidationError, match="has expired"):
        partners.bus.handle(
            RevokeAllocation(allocation_id=rows["ghost@example.test"].id, reason="x"),
            partners.manager,
        )
    assert partners.balance() == 0
    partners.assert_doctor_clean()


def test_the_usage_report_lists_sessions_that_used_credits(partners: Partners) -> None:
    with partners.db.write_sessions.begin() as s:
        # A name a spreadsheet would run as a formula.
        s.execute(text("UPDATE client SET full_name = '=HYPERLINK(1)'"))
    partners.allocate("sian@example.test", 4)
    attended = partners.book(at(1, 9), service=partners.partner_service)
    kept = partners.book(at(1, 10), service=partners.partner_service)
    refunded = partners.book(at(3, 9), service=partners.partner_service)
    outside = partners.book(at(20, 9), service=partners.partner_service)
    partners.cancel(refunded.appointment_id)
    partners.clock.set(at(1, 8))
    partners.cancel(kept.appointment_id)  # late: the credit is used

    usage = partner_usage(partners.db, partners.acme, at(0, 0).date(), at(6, 0).date())

    assert [(r.reference, r.status, r.credits) for r in usage.rows] == [
        (attended.reference, AppointmentStatus.BOOKED, 1),
        (kept.reference, AppointmentStatus.CANCELLED, 1),
    ]
    assert (usage.sessions, usage.credits_used, usage.employees_served) == (2, 2, 1)
    assert (usage.allocations_made, usage.credits_allocated, usage.credits_available) == (1, 4, 1)
    assert outside.reference not in usage_csv(usage)
    table = list(csv.reader(io.StringIO(usage_csv(usage))))
    assert table[0] == [
        "Date",
        "Time",
        "Employee e-mail",
        "Employee",
        "Service",
        "Reference",
        "Status",
        "Credits",
    ]
    assert table[1][:4] == ["2030-01-08", "09:00", "sian@example.test", "'=HYPERLINK(1)"]
    assert table[2][6] == "Cancelled late"
    page = usage_html(usage, "Harbour Clinic")
    assert "Acme Ltd" in page and kept.reference in page and "Cancelled late" in page
    with pytest.raises(ValidationError, match="ends before it starts"):
        partner_usage(partners.db, partners.acme, at(6, 0).date(), at(0, 0).date())
