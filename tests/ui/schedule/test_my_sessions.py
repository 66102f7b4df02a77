"""My sessions: a practitioner reads and writes private notes on their own
appointments; every read goes through the bus and is audited."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from desktop_app.audit import queries as audit_queries
from desktop_app.audit.queries import AuditFilter
from desktop_app.booking.commands import ReadSessionNotes
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from models.enums import AppointmentStatus
from tests import factories
from ui.schedule.my_sessions import MySessionsView

TIMEOUT = 10_000


def _view(qtbot: QtBot, ctx: AppContext, actor: Actor) -> MySessionsView:
    view = MySessionsView(ctx, actor)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(view.is_loaded, timeout=TIMEOUT)
    return view


def test_practitioner_writes_a_note_on_their_appointment(
    qtbot: QtBot, sqlite_app: AppContext
) -> None:
    service = factories.service(sqlite_app)
    actor, pid = factories.practitioner(sqlite_app, "Aisha Karim", services=(service,))
    _, other = factories.practitioner(sqlite_app, "Ben Okafor", services=(service,))
    now = sqlite_app.clock.now()
    past = now - timedelta(days=2)
    mine = factories.appointment(sqlite_app, pid, service, past, past + timedelta(minutes=50))
    factories.appointment(sqlite_app, other, service, past, past + timedelta(minutes=50))
    far = now - timedelta(days=90)
    factories.appointment(sqlite_app, pid, service, far, far + timedelta(minutes=50))

    view = _view(qtbot, sqlite_app, actor)
    assert view.model.rowCount() == 1  # not Ben's, not three months ago
    assert view.select_appointment(mine)
    qtbot.waitUntil(view.is_loaded, timeout=TIMEOUT)
    assert view.notes == []

    view.note_edit.setPlainText("Client slept better this week.")
    view.add_button.click()
    qtbot.waitUntil(lambda: view.is_loaded() and len(view.notes) == 1, timeout=TIMEOUT)
    assert view.notes[0].body == "Client slept better this week."
    assert "Client slept better" in view.notes_list.item(0).text()
    assert view.note_edit.toPlainText() == ""
    assert not view.notes_error.isVisible()

    stored = sqlite_app.bus.handle(ReadSessionNotes(appointment_id=mine), actor)
    assert [n.body for n in stored] == ["Client slept better this week."]
    reads = audit_queries.entries(sqlite_app.db, AuditFilter(command="ReadSessionNotes"))
    # Selecting, re-reading after the write, and the check above: all audited.
    assert len(reads) >= 3
    assert all(line.actor == "Aisha Karim" for line in reads)


def test_a_refused_note_is_explained_and_the_text_kept(
    qtbot: QtBot, sqlite_app: AppContext
) -> None:
    service = factories.service(sqlite_app)
    actor, pid = factories.practitioner(sqlite_app, "Aisha Karim", services=(service,))
    soon = sqlite_app.clock.now() + timedelta(days=1)
    cancelled = factories.appointment(
        sqlite_app,
        pid,
        service,
        soon,
        soon + timedelta(minutes=50),
        status=AppointmentStatus.CANCELLED,
    )

    view = _view(qtbot, sqlite_app, actor)
    assert view.select_appointment(cancelled)
    qtbot.waitUntil(view.is_loaded, timeout=TIMEOUT)
    view.note_edit.setPlainText("Should not be stored")
    view.add_button.click()
    qtbot.waitUntil(lambda: view.is_loaded() and view.notes_error.isVisible(), timeout=TIMEOUT)
    assert "did not take place" in view.notes_error.text()
    assert view.note_edit.toPlainText() == "Should not be stored"
    assert sqlite_app.bus.handle(ReadSessionNotes(appointment_id=cancelled), actor) == []
