"""From an application typed into the form to a suspension the desk must act on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from desktop_app.staff import queries as staff_queries
from models.enums import PractitionerStatus
from tests import factories
from tests.ui.sample_clinic import (
    APPLICANT_EMAIL,
    APPLICANT_PASSWORD,
    delete_closed_widgets,
    submit_sample_application,
)
from tools.sample_documents import licence_png, photo_png
from ui.booking.booking_dialog import BookingDialog
from ui.practitioners.application_form import ApplicationForm, field_for_message
from ui.practitioners.my_application import MyApplicationView
from ui.practitioners.page import PractitionersView
from ui.shell.login import LoginDialog
from ui.shell.main_window import MainWindow

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


def _fill(form: ApplicationForm, email: str = APPLICANT_EMAIL) -> None:
    form.name.setText("Dr Ada Lovelace")
    form.email.setText(email)
    form.password.setText(APPLICANT_PASSWORD)
    form.password_again.setText(APPLICANT_PASSWORD)
    form.profession.setText("Psychotherapist")
    form.licence_number.setText("HCPC-123")
    form.experience.setValue(7)
    form.specialisations.entry.setText("anxiety")
    form.specialisations.add_typed()
    # Typed but never confirmed with Enter: still sent.
    form.specialisations.entry.setText("sleep")
    form.languages.set_tags(["English", "French"])
    form.bio.setPlainText("Calm and kind.")


def _pick_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    photo = tmp_path / "me.png"
    photo.write_bytes(photo_png("AL"))
    licence = tmp_path / "licence.png"
    licence.write_bytes(licence_png("Dr Ada Lovelace", "Psychotherapist", "HCPC-123"))
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(photo), ""))
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: ([str(licence)], ""))
    )


def test_apply_review_approve_book_and_suspend(
    qtbot: QtBot,
    sqlite_app: AppContext,
    manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = sqlite_app
    # --- the applicant, from the login dialog --------------------------------
    login = LoginDialog(ctx)
    qtbot.addWidget(login)
    login.show()
    login.apply_button.click()
    form = login.application
    assert isinstance(form, ApplicationForm) and form.isVisible()
    _fill(form)
    _pick_files(monkeypatch, tmp_path)
    form.photo.choose_button.click()
    form.documents.add_button.click()
    assert [d.filename for d in form.documents.documents] == ["licence.png"]
    assert form.documents.documents[0].kind == "licence"
    form.submit_button.click()
    qtbot.waitUntil(lambda: form.pages.currentWidget() is form.done_page, timeout=WAIT)
    assert APPLICANT_EMAIL in form.done_text.text()
    form.back_button.click()
    assert login.email.text() == APPLICANT_EMAIL

    # They can log in, and see their application and nothing else.
    login.password.setText(APPLICANT_PASSWORD)
    with qtbot.waitSignal(login.accepted, timeout=WAIT):
        login.login_button.click()
    applicant = login.actor
    assert applicant is not None and applicant.roles == frozenset()
    own = MainWindow(ctx, applicant)
    qtbot.addWidget(own)
    own.show()
    assert own.page_titles() == ["My application"]
    page = own.current_view()
    assert isinstance(page, MyApplicationView)
    qtbot.waitUntil(page.is_loaded, timeout=WAIT)
    assert "waiting" in page.status_title.text()
    assert page.profile is not None and page.profile.specialisations == ("anxiety", "sleep")
    assert page.profile.photo is not None
    own.close()

    # --- the manager reviews it ---------------------------------------------
    window = MainWindow(ctx, manager)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    view = window.show_page("practitioners")
    assert isinstance(view, PractitionersView)
    qtbot.waitUntil(lambda: view.is_loaded() and view.profile is not None, timeout=WAIT)
    assert view.tabs.currentIndex() == 0
    assert view.applications_model.rowCount() == 1
    profile = view.profile
    assert profile is not None and profile.name == "Dr Ada Lovelace"
    pid = profile.id
    assert [b.isVisible() for k, b in view.panel.decision_buttons.items()] == [
        True,  # approve
        True,  # reject
        False,
        False,
    ]
    view.panel.view_buttons[0].click()
    viewer = view.viewer
    assert viewer is not None
    qtbot.waitUntil(viewer.is_loaded, timeout=WAIT)
    assert viewer.shows_pages()
    assert viewer.document is not None and viewer.document.filename == "licence.png"
    viewer.close()

    view.panel.decision_buttons["approve"].click()
    assert view.flow is not None
    approve = view.flow.dialog
    assert approve.isVisible()
    approve.reason.setPlainText("Licence checked with the register")
    approve.ok_button.click()
    qtbot.waitUntil(
        lambda: view.profile is not None and view.profile.status is PractitionerStatus.APPROVED,
        timeout=WAIT,
    )
    # Out of the queue, but the profile stays on show with the decision on top.
    assert view.applications_model.rowCount() == 0
    assert view.panel.decision_buttons["suspend"].isVisible()
    assert view.profile is not None
    last = view.profile.decisions[-1]
    assert (last.decided_by, last.reason) == ("Morgan Reyes", "Licence checked with the register")

    # --- bookable now ------------------------------------------------------------
    assert pid in [p.id for p in staff_queries.practitioners(ctx.db, bookable_only=True)]
    service = factories.service(ctx, "Individual", 50)
    booking = BookingDialog(ctx, manager)
    qtbot.addWidget(booking)
    qtbot.waitUntil(lambda: booking.meta is not None, timeout=WAIT)
    combo = booking.practitioner_combo
    assert "Dr Ada Lovelace" in [combo.itemText(i) for i in range(combo.count())]
    booking.close()

    starts = ctx.clock.now() + timedelta(days=2)
    appointment_id = factories.appointment(
        ctx, pid, service, starts, starts + timedelta(minutes=50)
    )

    # --- suspended: the desk gets the list ---------------------------------------
    view.panel.decision_buttons["suspend"].click()
    suspend = view.flow.dialog
    suspend.ok_button.click()
    assert "reason" in suspend.error_label.text()
    assert suspend.isVisible()
    suspend.reason.setPlainText("Licence lapsed")
    suspend.ok_button.click()
    qtbot.waitUntil(lambda: view.future_dialog is not None, timeout=WAIT)
    listed = view.future_dialog
    assert listed is not None and listed.isVisible()
    assert [r.id for r in listed.rows] == [appointment_id]
    assert listed.model.rowCount() == 1
    assert listed.rows[0].reference in listed.as_text()
    assert "Cli Ent" in listed.as_text()
    assert pid not in [p.id for p in staff_queries.practitioners(ctx.db, bookable_only=True)]
    qtbot.waitUntil(
        lambda: view.profile is not None and view.profile.status is PractitionerStatus.SUSPENDED,
        timeout=WAIT,
    )
    assert view.panel.decision_buttons["reinstate"].isVisible()
    listed.accept()


def test_the_form_checks_every_field_and_keeps_what_was_typed(
    qtbot: QtBot, sqlite_app: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    submit_sample_application(sqlite_app)  # takes APPLICANT_EMAIL
    form = ApplicationForm(sqlite_app)
    qtbot.addWidget(form)
    form.show()
    form.submit_button.click()
    for key in ("name", "email", "password", "profession", "documents"):
        assert form.field_errors[key].isVisible(), key
    assert form.name.property("invalid") is True
    assert form.error_label.isVisible()

    _fill(form)
    form.password_again.setText("something else")
    _pick_files(monkeypatch, tmp_path)
    form.documents.add_button.click()
    form.submit_button.click()
    assert form.field_errors["password_again"].isVisible()
    assert not form.field_errors["name"].isVisible()

    # The core refuses the taken e-mail: said next to the e-mail field.
    form.password_again.setText(APPLICANT_PASSWORD)
    form.submit_button.click()
    qtbot.waitUntil(lambda: form.field_errors["email"].isVisible(), timeout=WAIT)
    assert "already an account" in form.field_errors["email"].text()
    assert form.pages.currentWidget() is not form.done_page
    assert form.submit_button.isEnabled()
    assert form.name.text() == "Dr Ada Lovelace"
    assert form.password.text() == APPLICANT_PASSWORD
    assert form.specialisations.tags() == ("anxiety", "sleep")
    assert len(form.documents.documents) == 1

    # A file that is no document is refused when picked, with its name.
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a scan")
    assert not form.documents.add_file(bogus)
    assert "notes.txt" in form.field_errors["documents"].text()


def test_core_messages_find_their_field() -> None:
    assert field_for_message("There is already an account with the e-mail a@b.example.") == (
        "email"
    )
    assert field_for_message("The profession must not be empty.") == "profession"
    assert field_for_message("scan.pdf is too large (12 MB)", ("scan.pdf",)) == "documents"
    assert field_for_message("Something else entirely.") is None
