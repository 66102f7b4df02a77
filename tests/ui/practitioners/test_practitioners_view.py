"""The Practitioners page, My profile and My application: one profile, shown alike everywhere."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.booking.queries import AppointmentRow
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from desktop_app.staff import auth
from desktop_app.staff.commands import ApprovePractitioner
from models.enums import AppointmentStatus, PractitionerStatus, Role
from tests.ui.sample_clinic import (
    APPLICANT_EMAIL,
    APPLICANT_PASSWORD,
    delete_closed_widgets,
    submit_sample_application,
)
from tools.sample_documents import photo_png
from ui.practitioners.applications_model import ApplicationRow, ApplicationTableModel
from ui.practitioners.document_viewer import PDF_SUPPORT, render_document
from ui.practitioners.my_application import MyApplicationView
from ui.practitioners.my_profile import MyProfileView
from ui.practitioners.page import PractitionersView
from ui.practitioners.practitioner_profile import ProfileEditDialog
from ui.practitioners.upcoming_model import UpcomingAppointmentsModel
from ui.shell.main_window import MainWindow

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


def _window(qtbot: QtBot, ctx: AppContext, actor: Actor) -> MainWindow:
    window = MainWindow(ctx, actor, idle_timeout_ms=0)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def _practitioners(qtbot: QtBot, window: MainWindow) -> PractitionersView:
    view = window.show_page("practitioners")
    assert isinstance(view, PractitionersView)
    qtbot.waitUntil(lambda: view.is_loaded() and view.profile is not None, timeout=WAIT)
    return view


def test_a_profile_edited_in_one_place_changes_everywhere(
    qtbot: QtBot,
    sqlite_app: AppContext,
    manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = submit_sample_application(sqlite_app)
    sqlite_app.bus.handle(ApprovePractitioner(practitioner_id=pid), manager)
    ada = auth.login(sqlite_app.db, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    assert Role.PRACTITIONER in ada.roles

    # The manager's Practitioners page and Ada's own page, open side by side.
    boss = _window(qtbot, sqlite_app, manager)
    view = _practitioners(qtbot, boss)
    assert view.tabs.currentIndex() == 1  # no application waiting: everyone
    assert view.profile is not None and view.profile.id == pid
    own = _window(qtbot, sqlite_app, ada)
    assert "My profile" in own.page_titles()
    mine = own.show_page("my_profile")
    assert isinstance(mine, MyProfileView)
    qtbot.waitUntil(lambda: mine.is_loaded() and mine.profile is not None, timeout=WAIT)
    assert not any(b.isVisible() for b in mine.panel.decision_buttons.values())

    # Ada edits her own profile, photo included.
    photo = tmp_path / "ada.png"
    photo.write_bytes(photo_png("AL", "#3f8fd2"))
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(photo), ""))
    )
    mine.panel.edit_button.click()
    edit = mine.edit_dialog
    assert isinstance(edit, ProfileEditDialog)
    assert edit.specialisations.tags() == ("anxiety", "sleep")
    assert not edit.form.isRowVisible(edit.profession)  # only a manager changes it
    edit.bio.setPlainText("Twenty years of helping people sleep.")
    edit.specialisations.remove("anxiety")
    edit.specialisations.entry.setText("insomnia")
    edit.specialisations.add_typed()
    edit.photo.choose_button.click()
    edit.ok_button.click()
    qtbot.waitUntil(lambda: not edit.sending and not edit.isVisible(), timeout=WAIT)

    def shows_the_change(profile: object) -> bool:
        return (
            getattr(profile, "bio", "") == "Twenty years of helping people sleep."
            and getattr(profile, "specialisations", ()) == ("sleep", "insomnia")
            and getattr(profile, "photo", None) is not None
        )

    qtbot.waitUntil(lambda: shows_the_change(mine.profile), timeout=WAIT)
    qtbot.waitUntil(lambda: shows_the_change(view.profile), timeout=WAIT)
    assert view.panel.bio_label.text() == "Twenty years of helping people sleep."

    # The manager may edit anyone's, profession included.
    view.panel.edit_button.click()
    manager_edit = view.edit_dialog
    assert isinstance(manager_edit, ProfileEditDialog)
    assert manager_edit.form.isRowVisible(manager_edit.profession)
    manager_edit.profession.setText("")
    manager_edit.ok_button.click()
    assert "profession" in manager_edit.error_label.text()
    manager_edit.profession.setText("Sleep psychologist")
    manager_edit.ok_button.click()
    qtbot.waitUntil(
        lambda: mine.profile is not None and mine.profile.profession == "Sleep psychologist",
        timeout=WAIT,
    )
    assert mine.panel.profession_label.text() == "Sleep psychologist"


def test_reject_with_a_reason_the_applicant_then_reads(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    pid = submit_sample_application(sqlite_app, with_document=False)
    applicant = auth.login(sqlite_app.db, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    assert applicant.roles == frozenset()
    boss = _window(qtbot, sqlite_app, manager)
    view = _practitioners(qtbot, boss)
    assert view.tabs.currentIndex() == 0 and view.profile is not None
    assert "sent no documents" in view.hint.text()

    view.panel.decision_buttons["reject"].click()
    assert view.flow is not None
    dialog = view.flow.dialog
    dialog.ok_button.click()
    assert "reason" in dialog.error_label.text()
    dialog.reason.setPlainText("We are not taking psychotherapists this year")
    dialog.ok_button.click()
    qtbot.waitUntil(
        lambda: view.profile is not None and view.profile.status is PractitionerStatus.REJECTED,
        timeout=WAIT,
    )
    assert not any(b.isVisible() for b in view.panel.decision_buttons.values())
    assert view.tabs.tabText(0) == "Applications"

    view.show_practitioners()
    view.status_filter.setCurrentIndex(view.status_filter.findText("Rejected"))
    assert view.proxy.rowCount() == 1
    view.status_filter.setCurrentIndex(view.status_filter.findText("Approved"))
    assert view.proxy.rowCount() == 0

    own = _window(qtbot, sqlite_app, applicant)
    page = own.current_view()
    assert isinstance(page, MyApplicationView)
    qtbot.waitUntil(lambda: page.is_loaded() and page.profile is not None, timeout=WAIT)
    assert "not accepted" in page.status_title.text()
    assert page.profile is not None and page.profile.id == pid
    reasons = [d.reason for d in page.profile.decisions]
    assert reasons[-1] == "We are not taking psychotherapists this year"


def test_a_pdf_is_shown_or_explained_never_blank(qtbot: QtBot) -> None:
    pdf = b"%PDF-1.7\n" + b"0" * 64
    document = render_document("licence.pdf", "application/pdf", pdf)
    if PDF_SUPPORT:
        # A real renderer refuses this stub: it says so.
        assert document.pages or document.problem
    else:
        assert not document.pages
        assert "PDF" in document.problem and "Save" in document.problem
    image = render_document("id.png", "image/png", photo_png("ID"))
    assert len(image.pages) == 1 and not image.problem


def test_application_and_upcoming_models_are_sound(qtbot: QtBot) -> None:
    t0 = datetime(2025, 3, 30, 8, 0, tzinfo=UTC)
    applications = ApplicationTableModel()
    QAbstractItemModelTester(applications, QAbstractItemModelTester.FailureReportingMode.Fatal)
    rows = [
        ApplicationRow(uuid.UUID(int=i), f"P {i}", f"p{i}@x", "Dentist", t0, i) for i in range(3)
    ]
    applications.set_rows(rows)
    assert applications.index(0, ApplicationTableModel.COL_DOCUMENTS).data() == "None"
    assert applications.index(0, ApplicationTableModel.COL_APPLIED).data() == "30 Mar 2025"
    applications.set_rows(rows[::-1])

    upcoming = UpcomingAppointmentsModel()
    QAbstractItemModelTester(upcoming, QAbstractItemModelTester.FailureReportingMode.Fatal)
    upcoming.set_rows(
        [
            AppointmentRow(
                uuid.UUID(int=i),
                f"R{i}",
                t0 + timedelta(days=i),
                t0 + timedelta(days=i, minutes=50),
                AppointmentStatus.BOOKED,
                f"Client {i}",
                uuid.UUID(int=99),
                "Dr X",
                "Individual session",
                "#5aa57b",
            )
            for i in range(2)
        ]
    )
    assert upcoming.index(0, UpcomingAppointmentsModel.COL_WHEN).data() == (
        "Sun 30 Mar 2025, 08:00–08:50"
    )
    upcoming.set_rows([])
