"""The Credits & partners page: organisations, allocations, revoking, credit
packs, what the desk may do, and the usage report saved as CSV and PDF."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.credits import ledger
from desktop_app.credits.ledger import PackRow
from desktop_app.kernel.actor import Actor
from desktop_app.partners import queries as partner_queries
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
)
from desktop_app.partners.csv_import import CsvRow
from desktop_app.partners.queries import AllocationRow, OrganisationRow
from desktop_app.partners.usage_report import OrganisationTotals, UsageRow
from models import AllocationStatus, AppointmentStatus, Role
from tests import factories
from tests.credit_clinic import CreditClinic, at
from tests.ui.sample_clinic import delete_closed_widgets
from ui.credits.credit_packs import PackDialog
from ui.credits.page import CreditsView
from ui.credits.partner_dialogs import AllocateDialog, OrganisationDialog
from ui.credits.partner_models import (
    AllocationTableModel,
    ImportPreviewModel,
    OrganisationItem,
    OrganisationTableModel,
    PackTableModel,
    UsageTableModel,
)
from ui.credits.partner_report_view import UsageReportDialog, last_month
from ui.kit.bus_bridge import BusBridge
from ui.kit.command_dialog import ReasonDialog
from ui.kit.table_model import SORT_ROLE

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


def _view(qtbot: QtBot, ctx: AppContext, actor: Actor) -> CreditsView:
    view = CreditsView(ctx, actor)
    qtbot.addWidget(view)
    # As the main window does: the page refreshes on the core's events.
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1100, 760)
    view.show()
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    return view


def _allocation(view: CreditsView, email: str) -> AllocationRow | None:
    return next((r for r in view.allocation_model.rows if r.employee_email == email), None)


def _submit(qtbot: QtBot, dialog: object) -> None:
    from ui.kit.command_dialog import CommandDialog

    assert isinstance(dialog, CommandDialog)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error_label.isVisible(), timeout=WAIT)
    assert not dialog.error_label.isVisible(), dialog.error_label.text()


# --- the table models --------------------------------------------------------------------

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def _organisation(i: int) -> OrganisationItem:
    row = OrganisationRow(uuid.UUID(int=i), f"Org {i}", None, None, 2, 25, 365, i, i * 2)
    return OrganisationItem(row, OrganisationTotals(i + 1, (i + 1) * 2, i))


def _allocation_row(i: int) -> AllocationRow:
    status = list(AllocationStatus)[i % 4]
    return AllocationRow(
        uuid.UUID(int=i),
        uuid.UUID(int=99),
        f"e{i}@acme.test",
        f"Employee {i}" if i % 2 else None,
        uuid.UUID(int=200 + i) if i % 3 else None,
        f"Client {i}" if i % 3 else None,
        3,
        i % 4,
        3 - i % 4,
        status,
        25,
        T0,
        T0 + timedelta(days=i),
        T0 if status is AllocationStatus.REVOKED else None,
        "left the company" if status is AllocationStatus.REVOKED else None,
    )


def _csv_row(i: int) -> CsvRow:
    errors = ("not a valid e-mail address",) if i % 3 == 0 else ()
    return CsvRow(i + 2, f"e{i}@acme.test", f"E {i}" if i % 2 else None, i % 4 or None, errors)


def _usage_row(i: int) -> UsageRow:
    return UsageRow(
        T0 + timedelta(hours=i),
        f"e{i}@acme.test",
        f"Employee {i}",
        "Partner session",
        f"R{i:04d}",
        list(AppointmentStatus)[i % 6],
        1,
    )


def _pack(i: int) -> PackRow:
    return PackRow(uuid.UUID(int=i), f"Pack {i}", i + 1, 1000 * i, "GBP", 6, i % 2 == 0)


@pytest.mark.parametrize(
    ("model_type", "make"),
    [
        (OrganisationTableModel, _organisation),
        (AllocationTableModel, _allocation_row),
        (ImportPreviewModel, _csv_row),
        (UsageTableModel, _usage_row),
        (PackTableModel, _pack),
    ],
)
def test_the_partner_table_models_are_sound(qtbot: QtBot, model_type: type, make: object) -> None:
    assert callable(make)
    model = model_type()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_rows([make(i) for i in range(6)])
    model.set_rows([make(i) for i in range(6)])  # the same rows: no reset
    model.set_rows([make(i) for i in range(3, 9)])
    model.set_rows([])
    model.set_rows([make(i) for i in range(4)])
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            assert isinstance(model.data(index), str)
            assert model.data(index, SORT_ROLE) is not None
    del tester


def test_the_models_say_what_a_user_needs() -> None:
    preview = ImportPreviewModel()
    preview.default_credits = 2
    preview.set_rows([_csv_row(0), _csv_row(1)])
    result = ImportPreviewModel.COL_RESULT
    assert preview.data(preview.index(0, result)) == "not a valid e-mail address"
    assert preview.data(preview.index(1, result)) == "OK"
    assert preview.data(preview.index(0, ImportPreviewModel.COL_CREDITS)) == "2 (default)"

    allocations = AllocationTableModel()
    allocations.set_rows([_allocation_row(3), _allocation_row(0)])
    assert allocations.data(allocations.index(0, AllocationTableModel.COL_STATUS)) == "Revoked"
    assert allocations.data(allocations.index(1, AllocationTableModel.COL_CLIENT)) == "Not linked"
    packs = PackTableModel()
    packs.set_rows([_pack(3)])
    assert packs.data(packs.index(0, PackTableModel.COL_PRICE)) == "£30.00"
    assert packs.data(packs.index(0, PackTableModel.COL_ACTIVE)) == "Inactive"


# --- organisations and allocations ------------------------------------------------------


def test_a_manager_creates_an_organisation_allocates_and_revokes(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager)
    assert view.org_model.rowCount() == 0
    assert view.new_button.isVisible()

    view.new_button.click()
    dialog = view.dialog
    assert isinstance(dialog, OrganisationDialog) and dialog.isVisible()
    assert dialog.duration.value() == 25
    dialog.name.setText("Acme Ltd")
    dialog.contact_name.setText("Pat Lee")
    dialog.contact_email.setText("people@acme.test")
    dialog.credits.setValue(2)
    dialog.validity.setValue(90)
    _submit(qtbot, dialog)
    qtbot.waitUntil(lambda: view.selected_organisation() is not None, timeout=WAIT)
    selected = view.selected_organisation()
    assert selected is not None and selected.name == "Acme Ltd"
    assert view.name_label.text() == "Acme Ltd"
    assert view.facts.values["credits"].text() == "2 credits"
    assert view.facts.values["duration"].text() == "25 minutes"
    assert "people@acme.test" in view.facts.values["contact"].text()

    # A mistyped e-mail is refused and nothing is allocated.
    view.allocate_button.click()
    allocate = view.dialog
    assert isinstance(allocate, AllocateDialog)
    assert allocate.credits.value() == 2  # the organisation's default
    allocate.email.setText("ana@@acme")
    allocate.ok_button.click()
    qtbot.waitUntil(allocate.error_label.isVisible, timeout=WAIT)
    assert "e-mail" in allocate.error_label.text()
    assert partner_queries.partner_allocations(sqlite_app.db, selected.id) == []
    allocate.email.setText("Ana@Acme.test")
    allocate.name.setText("Ana Ruiz")
    _submit(qtbot, allocate)
    qtbot.waitUntil(lambda: _allocation(view, "ana@acme.test") is not None, timeout=WAIT)
    row = _allocation(view, "ana@acme.test")
    assert row is not None
    assert (row.credits, row.left, row.status) == (2, 2, AllocationStatus.ACTIVE)
    assert "wait" in view.banner.text()
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    organisation = view.selected_organisation()
    assert organisation is not None and organisation.totals.credits_allocated == 2

    assert not view.revoke_button.isEnabled()
    assert view.select_allocation("ana@acme.test")
    assert view.revoke_button.isEnabled()
    view.revoke_button.click()
    revoke = view.dialog
    assert isinstance(revoke, ReasonDialog) and revoke.objectName() == "revokeDialog"
    revoke.ok_button.click()
    assert "reason" in revoke.error_label.text()  # a reason is required
    assert _allocation(view, "ana@acme.test") == row
    revoke.reason.setPlainText("Left the company")
    _submit(qtbot, revoke)
    qtbot.waitUntil(
        lambda: (
            (r := _allocation(view, "ana@acme.test")) is not None
            and r.status is AllocationStatus.REVOKED
        ),
        timeout=WAIT,
    )
    revoked = _allocation(view, "ana@acme.test")
    assert revoked is not None and revoked.revoke_reason == "Left the company"
    view.select_allocation("ana@acme.test")
    assert not view.revoke_button.isEnabled()  # nothing left to revoke


def test_editing_an_organisation_keeps_what_was_typed_on_an_error(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    for name in ("Acme Ltd", "Globex"):
        sqlite_app.bus.handle(CreatePartnerOrganisation(name=name), manager)
    view = _view(qtbot, sqlite_app, manager)
    assert [o.name for o in view.org_model.rows] == ["Acme Ltd", "Globex"]
    view.select_organisation(view.org_model.rows[1].id)
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    view.edit_button.click()
    edit = view.dialog
    assert isinstance(edit, OrganisationDialog) and edit.row is not None
    edit.name.setText("acme ltd")  # taken, whatever the case
    edit.ok_button.click()
    qtbot.waitUntil(edit.error_label.isVisible, timeout=WAIT)
    assert "already" in edit.error_label.text() and edit.name.text() == "acme ltd"
    edit.name.setText("Globex Corporation")
    edit.duration.setValue(30)
    _submit(qtbot, edit)
    qtbot.waitUntil(
        lambda: (
            (o := view.selected_organisation()) is not None
            and o.name == "Globex Corporation"
            and view.facts.values["duration"].text() == "30 minutes"
        ),
        timeout=WAIT,
    )


# --- credit packs -------------------------------------------------------------------------


def test_a_manager_creates_edits_and_deactivates_a_pack(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager)
    view.tabs.setCurrentWidget(view.packs)
    packs = view.packs
    assert packs.new_button.isVisible() and not view.new_button.isVisible()

    packs.new_button.click()
    dialog = packs.dialog
    assert isinstance(dialog, PackDialog)
    dialog.ok_button.click()
    assert "name" in dialog.error_label.text()
    dialog.name.setText("Five sessions")
    dialog.credits.setValue(5)
    dialog.price.setValue(340)
    dialog.validity.setValue(6)
    _submit(qtbot, dialog)
    qtbot.waitUntil(lambda: len(packs.model.rows) == 1 and view.is_loaded(), timeout=WAIT)
    pack = packs.model.rows[0]
    assert (pack.name, pack.credits, pack.price_cents, pack.validity_months, pack.is_active) == (
        "Five sessions",
        5,
        34000,
        6,
        True,
    )

    assert packs.select_pack(pack.id)
    packs.edit_button.click()
    edit = packs.dialog
    assert isinstance(edit, PackDialog) and edit.row == pack
    edit.price.setValue(320.5)
    _submit(qtbot, edit)
    qtbot.waitUntil(lambda: packs.model.rows[0].price_cents == 32050, timeout=WAIT)

    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    packs.select_pack(pack.id)
    packs.deactivate_button.click()
    qtbot.waitUntil(lambda: not packs.model.rows[0].is_active, timeout=WAIT)
    assert [p.id for p in ledger.credit_packs(sqlite_app.db)] == []  # no longer sold
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    packs.select_pack(pack.id)
    assert packs.reactivate_button.isVisible()
    packs.reactivate_button.click()
    qtbot.waitUntil(lambda: packs.model.rows[0].is_active, timeout=WAIT)


def test_the_desk_sees_partners_and_packs_read_only(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    org = sqlite_app.bus.handle(CreatePartnerOrganisation(name="Acme Ltd"), manager)
    sqlite_app.bus.handle(
        AllocatePartnerCredits(organisation_id=org, allocation=AllocationInput("ana@acme.test")),
        manager,
    )
    desk = factories.staff(sqlite_app, "Dee Desk", Role.FRONT_DESK)
    view = _view(qtbot, sqlite_app, desk)
    assert "Read-only" in view.subtitle_label.text()
    assert _allocation(view, "ana@acme.test") is not None
    # Reading the usage is fine; changing anything is a manager's.
    assert view.report_button.isVisible() and view.report_button.isEnabled()
    for button in (
        view.new_button,
        view.edit_button,
        view.allocate_button,
        view.import_button,
        view.revoke_button,
    ):
        assert not button.isVisible()
    assert view.import_csv(Path("employees.csv")) is None
    view.tabs.setCurrentWidget(view.packs)
    for button in (
        view.packs.new_button,
        view.packs.edit_button,
        view.packs.deactivate_button,
        view.packs.reactivate_button,
    ):
        assert not button.isVisible()
    assert "Only a manager" in view.packs.selection_label.text()


# --- the usage report ---------------------------------------------------------------------


def test_the_usage_report_shows_a_period_and_saves_csv_and_pdf(
    qtbot: QtBot, sqlite_app: AppContext, tmp_path: Path
) -> None:
    clinic = CreditClinic(sqlite_app)
    org = clinic.bus.handle(
        CreatePartnerOrganisation(name="Acme Ltd", default_credits=3), clinic.manager
    )
    clinic.bus.handle(
        AllocatePartnerCredits(
            organisation_id=org, allocation=AllocationInput("sian@example.test")
        ),
        clinic.manager,
    )
    first = clinic.book(at(1, 9), service=clinic.partner_service)
    second = clinic.book(at(2, 9), service=clinic.partner_service)
    later = clinic.book(at(40, 9), service=clinic.partner_service)

    view = _view(qtbot, sqlite_app, clinic.manager)
    listed = view.selected_organisation()
    assert listed is not None and listed.totals == OrganisationTotals(1, 3, 3)
    dialog = view.usage_report()
    assert isinstance(dialog, UsageReportDialog)
    assert dialog.period() == last_month(view.today)
    dialog.set_period(at(0, 0).date(), at(6, 0).date())
    qtbot.waitUntil(lambda: dialog.is_loaded() and dialog.usage is not None, timeout=WAIT)
    assert dialog.usage is not None
    assert dialog.usage.start == at(0, 0).date()
    assert [dialog.figures.values[k].text() for k in ("sessions", "credits_used")] == ["2", "2"]
    assert [r.reference for r in dialog.model.rows] == [first.reference, second.reference]

    saved = dialog.save_csv(tmp_path / "acme.csv")
    assert saved is not None
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Date", "Time", "Employee e-mail"]
    assert [r[5] for r in rows[1:]] == [first.reference, second.reference]
    assert later.reference not in saved.read_text(encoding="utf-8-sig")
    assert "Saved" in dialog.status.text()

    pdf = dialog.save_pdf(tmp_path / "acme")
    assert pdf == tmp_path / "acme.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000

    # A folder that does not exist: said so, nothing written.
    assert dialog.save_csv(tmp_path / "missing" / "acme.csv") is None
    assert dialog.status.property("kind") == "error"
    assert "Could not save" in dialog.status.text()
    assert not (tmp_path / "missing").exists()

    # A period that ends before it starts: the core's message, nothing to save.
    dialog.set_period(at(6, 0).date(), at(0, 0).date())
    qtbot.waitUntil(dialog.is_loaded, timeout=WAIT)
    assert "ends before it starts" in dialog.status.text()
    assert not dialog.csv_button.isEnabled() and not dialog.pdf_button.isEnabled()
    dialog.close()
