"""The Clients view: search as you type, the record, register, edit, archive."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QAbstractItemModelTester, QTest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from desktop_app.booking.queries import AppointmentRow
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.clients import queries as client_queries
from desktop_app.clients.commands import RegisterClient
from desktop_app.clients.queries import ClientRecord
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.actor import Actor
from models import Appointment, AppointmentSource, AppointmentStatus, Role
from tests import factories
from tests.ui.sample_clinic import CLIENTS
from ui.booking.booking_dialog import BookingDialog
from ui.clients.client_dialogs import ArchiveClientDialog, ClientDialog
from ui.clients.client_record import ClientRecordPanel
from ui.clients.history_model import ClientHistoryModel
from ui.clients.page import ClientsView
from ui.kit.bus_bridge import BusBridge
from ui.kit.table_model import ROW_ROLE

WAIT_MS = 10_000


@dataclass(frozen=True)
class Clinic:
    desk: Actor
    amelia: uuid.UUID


def _email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "") + "@mail.example"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Clinic]:
    """Twelve clients (the sample clinic's) and Zoë, one booking; built once, copied per test."""
    path = tmp_path_factory.mktemp("clients") / "template.sqlite3"
    ctx = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "test"))
    try:
        desk = factories.staff(ctx, "Dana Whitfield", Role.FRONT_DESK)
        ids = [
            ctx.bus.handle(
                RegisterClient(
                    full_name=name,
                    phone=f"+44 20 7946 0{100 + i:03d}",
                    email=_email(name),
                    date_of_birth=date(1970 + (i * 3) % 35, 1 + i % 12, 1 + (i * 7) % 28),
                ),
                desk,
            )
            for i, (name, _balance) in enumerate(CLIENTS)
        ]
        ctx.bus.handle(
            RegisterClient(full_name="Zoë Lefèvre", phone="07700 900555", email="zoe@mail.example"),
            desk,
        )
        service = factories.service(ctx, "Individual", 50)
        _p, practitioner = factories.practitioner(ctx, "Aisha Karim", services=(service,))
        starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
        with ctx.db.write_sessions.begin() as s:
            s.add(
                Appointment(
                    reference="RT0001",
                    client_id=ids[0],
                    practitioner_id=practitioner,
                    service_id=service,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=50),
                    status=AppointmentStatus.BOOKED,
                    source=AppointmentSource.FRONT_DESK,
                )
            )
    finally:
        ctx.close()
    return path, Clinic(desk, ids[0])


@pytest.fixture
def ctx(template: tuple[Path, Clinic], tmp_path: Path) -> Iterator[AppContext]:
    path = tmp_path / "clinic.sqlite3"
    shutil.copyfile(template[0], path)
    app = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "test"))
    try:
        yield app
    finally:
        QThreadPool.globalInstance().waitForDone(10_000)
        app.close()


@pytest.fixture
def clinic(template: tuple[Path, Clinic]) -> Clinic:
    return template[1]


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, clinic: Clinic) -> ClientsView:
    view = ClientsView(ctx, clinic.desk)
    qtbot.addWidget(view)
    # As the main window does: the bus's events reach the view.
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(view.search_settled, timeout=WAIT_MS)
    return view


def _names(view: ClientsView) -> list[str]:
    return [view.proxy.index(r, 0).data(ROW_ROLE).full_name for r in range(view.proxy.rowCount())]


def _type(qtbot: QtBot, view: ClientsView, text: str) -> None:
    view.search.clear()
    if text.isascii():
        QTest.keyClicks(view.search, text)
    else:
        # QTest types ASCII only.
        view.search.setText(text)
    qtbot.waitUntil(view.search_settled, timeout=WAIT_MS)


def _choose(qtbot: QtBot, view: ClientsView, name: str) -> None:
    _type(qtbot, view, name)
    assert _names(view) == [name]
    with qtbot.waitSignal(view.record_shown, timeout=WAIT_MS):
        view.table.selectRow(0)
    assert view.record is not None and view.record.full_name == name


def test_search_is_accent_and_case_insensitive_and_updates_as_you_type(
    qtbot: QtBot, view: ClientsView
) -> None:
    assert view.model.rowCount() == len(CLIENTS) + 1
    tester = QAbstractItemModelTester(
        view.model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    _type(qtbot, view, "zoe")
    assert _names(view) == ["Zoë Lefèvre"]
    assert view.model.rowCount() == 1  # the core's answer, not only the local filter
    _type(qtbot, view, "LEFEVRE")
    assert _names(view) == ["Zoë Lefèvre"]
    # Phone digits, spaced differently from how they were typed in.
    _type(qtbot, view, "900-555")
    assert _names(view) == ["Zoë Lefèvre"]
    _type(qtbot, view, "nobody at all")
    assert _names(view) == []
    assert view.results.currentWidget() is view.no_match
    assert "nobody at all" in view.no_match.text()
    view.search.clear()
    qtbot.waitUntil(view.search_settled, timeout=WAIT_MS)
    assert view.model.rowCount() == len(CLIENTS) + 1
    del tester


def test_a_stale_search_result_never_replaces_a_newer_one(qtbot: QtBot, view: ClientsView) -> None:
    view.search.setText("zoe")
    qtbot.waitUntil(view.search_settled, timeout=WAIT_MS)
    # An answer for an older text arriving late is ignored.
    old = view.fetch()
    view.search.setText("petrova")
    view.apply(old())
    assert view.model.rowCount() == 1 and _names(view) == []
    qtbot.waitUntil(view.search_settled, timeout=WAIT_MS)
    assert _names(view) == ["Elena Petrova"]


def test_selecting_a_client_shows_the_record(
    qtbot: QtBot, view: ClientsView, clinic: Clinic
) -> None:
    _choose(qtbot, view, "Amelia Hughes")
    panel = view.record_panel
    assert panel.currentWidget() is panel.card
    assert panel.name_label.text() == "Amelia Hughes"
    assert panel.balance.value.text() == "0 credits"
    assert panel.phone.value.text() == "+44 20 7946 0100"
    assert panel.history_model.rowCount() == 1
    assert panel.history_model.index(0, 4).data() == "RT0001"
    assert not panel.archived_tag.isVisible()
    # The credits, one tab away: nothing bought yet, and the desk may sell.
    assert panel.tabs.currentIndex() == 0
    panel.show_credits_tab()
    assert panel.credits.pages.currentWidget() is panel.credits.empty
    assert panel.credits.sell_button.isEnabled()
    assert panel.credits.adjust_button.isHidden()
    tester = QAbstractItemModelTester(
        panel.history_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    del tester


def _dialog(qtbot: QtBot, view: ClientsView) -> ClientDialog:
    qtbot.waitUntil(lambda: view.client_dialog is not None and view.client_dialog.isVisible())
    assert view.client_dialog is not None
    return view.client_dialog


def _saved(qtbot: QtBot, dialog: ClientDialog, click: Any) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        click()


def test_register_a_client_through_the_dialog(
    qtbot: QtBot, view: ClientsView, ctx: AppContext
) -> None:
    _type(qtbot, view, "Siân Roberts")
    assert _names(view) == []
    view.new_button.click()
    dialog = _dialog(qtbot, view)
    assert dialog.full_name.text() == "Siân Roberts"  # taken from the search box
    dialog.phone.setText("07700 900321")
    dialog.email.setText("sian.roberts@mail.example")
    dialog.birth.set_date(date(1988, 4, 2))
    dialog.emergency_name.setText("Owen Roberts (husband)")
    dialog.emergency_phone.setText("07700 900322")
    dialog.notes.setPlainText("Prefers mornings")
    _saved(qtbot, dialog, dialog.save_button.click)

    found = client_queries.search_clients(ctx.db, "sian roberts")
    assert [c.full_name for c in found] == ["Siân Roberts"]
    record = client_queries.client_record(ctx.db, found[0].id)
    assert record is not None
    assert (record.phone, record.email, record.date_of_birth) == (
        "07700 900321",
        "sian.roberts@mail.example",
        date(1988, 4, 2),
    )
    assert (record.emergency_contact_name, record.notes) == (
        "Owen Roberts (husband)",
        "Prefers mornings",
    )
    # The new client is shown, selected, with the record beside it.
    qtbot.waitUntil(
        lambda: view.search_settled() and view.record is not None and view.record.id == record.id,
        timeout=WAIT_MS,
    )
    assert _names(view) == ["Siân Roberts"]
    assert view.table.selectionModel().isRowSelected(0)


def test_validation_errors_are_shown_and_nothing_typed_is_lost(
    qtbot: QtBot, view: ClientsView, ctx: AppContext
) -> None:
    view.new_button.click()
    dialog = _dialog(qtbot, view)
    dialog.full_name.setText("Noor Haddad")
    dialog.notes.setPlainText("Referred by Dr Karim")
    dialog.save_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT_MS)
    assert "phone number or an e-mail" in dialog.error_label.text()
    assert dialog.phone.property("invalid") is True
    assert dialog.isVisible()
    assert dialog.full_name.text() == "Noor Haddad"
    assert dialog.notes.toPlainText() == "Referred by Dr Karim"

    dialog.email.setText("not-an-address")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "not a valid e-mail" in dialog.error_label.text(), timeout=WAIT_MS)
    assert dialog.email.property("invalid") is True
    assert client_queries.search_clients(ctx.db, "noor") == []
    dialog.reject()


def test_a_duplicate_phone_is_flagged_before_saving_and_can_be_saved_anyway(
    qtbot: QtBot, view: ClientsView, ctx: AppContext
) -> None:
    view.new_button.click()
    dialog = _dialog(qtbot, view)
    dialog.full_name.setText("Amelia H. Jones")
    # Amelia Hughes's number, typed another way.
    dialog.phone.setText("+44 (20) 7946-0100")
    dialog.save_button.click()
    qtbot.waitUntil(dialog.duplicates_panel.isVisible, timeout=WAIT_MS)
    assert dialog.duplicates_list.count() == 1
    assert "Amelia Hughes" in dialog.duplicates_list.item(0).text()
    assert "same phone" in dialog.duplicates_list.item(0).text()
    assert dialog.phone.property("invalid") is True
    assert client_queries.search_clients(ctx.db, "amelia") != []
    assert [c.full_name for c in client_queries.search_clients(ctx.db, "amelia")] == [
        "Amelia Hughes"
    ]

    _saved(qtbot, dialog, dialog.save_anyway_button.click)
    names = [c.full_name for c in client_queries.search_clients(ctx.db, "amelia")]
    assert names == ["Amelia H. Jones", "Amelia Hughes"]


def test_open_existing_shows_the_matching_record(qtbot: QtBot, view: ClientsView) -> None:
    view.new_button.click()
    dialog = _dialog(qtbot, view)
    dialog.full_name.setText("E. Petrova")
    dialog.email.setText("Elena.Petrova@mail.example")
    dialog.save_button.click()
    qtbot.waitUntil(dialog.duplicates_panel.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(view.record_shown, timeout=WAIT_MS):
        dialog.open_existing_button.click()
    assert view.record is not None and view.record.full_name == "Elena Petrova"
    selected = view.table.currentIndex().data(ROW_ROLE)
    assert selected.full_name == "Elena Petrova"


def test_edit_a_client(qtbot: QtBot, view: ClientsView, ctx: AppContext) -> None:
    _choose(qtbot, view, "Bruno Silva")
    client_id = view.record.id if view.record else uuid.uuid4()
    view.record_panel.edit_button.click()
    dialog = _dialog(qtbot, view)
    assert dialog.full_name.text() == "Bruno Silva"
    assert dialog.birth.date() is not None
    dialog.full_name.setText("Bruno Silva Costa")
    dialog.birth.not_given.setChecked(True)
    dialog.notes.setPlainText("Moved to Leeds in spring")
    with qtbot.waitSignal(view.record_shown, timeout=WAIT_MS):
        _saved(qtbot, dialog, dialog.save_button.click)

    record = client_queries.client_record(ctx.db, client_id)
    assert record is not None
    assert (record.full_name, record.date_of_birth, record.notes) == (
        "Bruno Silva Costa",
        None,
        "Moved to Leeds in spring",
    )
    qtbot.waitUntil(
        lambda: view.record_panel.name_label.text() == "Bruno Silva Costa", timeout=WAIT_MS
    )
    assert view.record_panel.notes.value.text() == "Moved to Leeds in spring"


def test_archive_with_a_reason_hides_the_client_and_keeps_the_record(
    qtbot: QtBot, view: ClientsView, ctx: AppContext
) -> None:
    _choose(qtbot, view, "Farid Haddad")
    assert view.record is not None
    client_id = view.record.id
    view.record_panel.archive_button.click()
    qtbot.waitUntil(lambda: view.archive_dialog is not None and view.archive_dialog.isVisible())
    dialog = view.archive_dialog
    assert isinstance(dialog, ArchiveClientDialog)
    assert not dialog.archive_button.isEnabled()  # a reason is required
    QTest.keyClicks(dialog.reason, "Moved abroad")
    assert dialog.archive_button.isEnabled()
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.archive_button.click()

    assert client_queries.search_clients(ctx.db, "farid") == []
    record = client_queries.client_record(ctx.db, client_id)
    assert record is not None and record.archived
    # Gone from the results; the record stays on screen, marked, without actions.
    qtbot.waitUntil(lambda: _names(view) == [] and view.search_settled(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.record is not None and view.record.archived, timeout=WAIT_MS)
    assert view.record_panel.archived_tag.isVisible()
    assert not view.record_panel.edit_button.isEnabled()
    assert not view.record_panel.archive_button.isEnabled()
    assert not view.record_panel.book_button.isEnabled()
    assert not view.record_panel.credits.sell_button.isEnabled()


def test_keyboard_from_search_to_record(qtbot: QtBot, view: ClientsView) -> None:
    _type(qtbot, view, "petrova")
    view.search.setFocus()
    with qtbot.waitSignal(view.record_shown, timeout=WAIT_MS):
        QTest.keyClick(view.search, Qt.Key.Key_Down)
    assert view.record is not None and view.record.full_name == "Elena Petrova"
    assert view.table.hasFocus()


def _visit(i: int, day: int, status: AppointmentStatus) -> AppointmentRow:
    starts_at = datetime(2030, 1, day, 10, tzinfo=UTC)
    return AppointmentRow(
        uuid.UUID(int=i),
        f"R{day:04d}",
        starts_at,
        starts_at + timedelta(minutes=50),
        status,
        "Amelia Hughes",
        uuid.UUID(int=99),
        "Aisha Karim",
        "Individual session",
        "#5aa57b",
        cancel_reason="Unwell" if status is AppointmentStatus.CANCELLED else None,
    )


def test_the_record_lists_upcoming_first_then_past_and_marks_a_debt(qtbot: QtBot) -> None:
    now = datetime(2030, 1, 6, 12, tzinfo=UTC)
    visits = (
        _visit(1, 1, AppointmentStatus.COMPLETED),
        _visit(2, 10, AppointmentStatus.BOOKED),
        _visit(3, 8, AppointmentStatus.BOOKED),
        _visit(4, 3, AppointmentStatus.CANCELLED),
    )
    record = ClientRecord(
        uuid.uuid4(),
        "Amelia Hughes",
        "amelia@mail.example",
        None,
        date(1990, 6, 15),
        "",
        "Sam Hughes",
        None,
        False,
        -2,
        visits,
    )
    panel = ClientRecordPanel()
    qtbot.addWidget(panel)
    tester = QAbstractItemModelTester(
        panel.history_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    panel.show_record(record, now, ZoneInfo("Europe/London"))
    model = panel.history_model
    references = [model.index(r, ClientHistoryModel.COL_REFERENCE).data() for r in range(4)]
    assert references == ["R0008", "R0010", "R0003", "R0001"]
    assert model.upcoming_count == 2
    assert panel.history_summary.text() == "2 upcoming  ·  2 past"
    assert panel.balance.value.text() == "-2 credits"
    assert panel.balance.value.property("negative") is True
    assert panel.birth.value.text() == "15 Jun 1990 (age 39)"
    assert panel.phone.value.text() == "—"
    assert panel.emergency.value.text() == "Sam Hughes"
    assert panel.notes.value.text() == "No notes"
    # A refresh with the same rows changes nothing; with fewer, the model resets cleanly.
    panel.show_record(record, now, ZoneInfo("Europe/London"))
    panel.show_record(dataclasses.replace(record, appointments=visits[:1]), now, UTC)
    assert model.rowCount() == 1
    del tester


def test_book_opens_the_booking_dialog_for_the_client(
    qtbot: QtBot, view: ClientsView, clinic: Clinic
) -> None:
    _choose(qtbot, view, "Amelia Hughes")
    view.record_panel.book_button.click()
    dialog = view.booking_dialog
    assert isinstance(dialog, BookingDialog)
    qtbot.waitUntil(lambda: dialog.client_picker.client_id == clinic.amelia, timeout=WAIT_MS)
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: view.booking_dialog is None, timeout=WAIT_MS)
