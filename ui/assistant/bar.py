"""The booking assistant bar (Ctrl+K): type what the caller says, get the booking.

The text is read on every keystroke (in the GUI thread: a millisecond or
two); the free times come from the slot queries on a worker. What was
understood is shown as fields the desk can change; a question (two clients of
that name, "Friday" on a Friday, a time outside opening hours) is shown with
its answers as buttons. Enter books the first free time through the usual
booking dialog (payment choice and confirmation there), with source
`assistant`; a move asks for confirmation, a cancellation opens the cancel
dialog.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.assistant import dates
from desktop_app.assistant.loading import names_for
from desktop_app.assistant.parse import parse, with_answer
from desktop_app.assistant.proposals import (
    Proposal,
    Understanding,
    move_command,
    understand,
)
from desktop_app.assistant.request import Action, Ask, Named, Question, Request, When
from desktop_app.assistant.vocabulary import Vocabulary
from desktop_app.booking.results import BookingResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from models.enums import AppointmentSource
from ui.booking.appointment_actions import AppointmentActions
from ui.booking.booking_dialog import BookingDialog
from ui.clients.client_dialogs import ClientDialog
from ui.kit.ops import run_in_background

log = logging.getLogger(__name__)

ACTIONS = (
    (Action.BOOK, "Book"),
    (Action.MOVE, "Move"),
    (Action.CANCEL, "Cancel"),
    (Action.FIND, "Find free times"),
)
ASSISTANT_LABEL = "Booking assistant"


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def times_text(when: When | None) -> str:
    if when is None:
        return ""
    if when.same_time:
        return "same time"
    if when.at is not None:
        return f"at {when.at:%H:%M}"
    parts = []
    if when.start is not None:
        parts.append(f"after {when.start:%H:%M}")
    if when.end is not None:
        parts.append(f"before {when.end:%H:%M}")
    return " ".join(parts)


class _Input(QLineEdit):
    """The text line: Enter acts, Down moves into the proposals, Escape closes."""

    moved_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.moved_down.emit()
            return
        super().keyPressEvent(event)


class AssistantBar(QDialog):
    """`understood` is emitted with each Understanding shown (for tests and the shell)."""

    understood = Signal(object)
    booked = Signal(object)  # BookingResult (booked or moved)
    message = Signal(str)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.setObjectName("assistantBar")
        self.setWindowTitle(ASSISTANT_LABEL)
        self.resize(860, 520)
        self.vocab: Vocabulary | None = None
        self.request: Request | None = None
        self.understanding: Understanding | None = None
        # Parts set by hand, kept while the text changes.
        self.overrides: dict[str, Any] = {}
        self.dialog: QDialog | None = None
        self._seq = 0
        self._asking = False
        self._loading = True
        self._filling = False
        self._busy = False
        self._actions = AppointmentActions(ctx, actor, self)
        self._actions.message.connect(lambda text, _err: self._done(text))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        title = QLabel(ASSISTANT_LABEL)
        title.setObjectName("dialogTitle")
        layout.addWidget(title)
        self.input = _Input()
        self.input.setObjectName("assistantInput")
        self.input.setPlaceholderText(
            "Type what the caller says: “Ana Silva with Dr Hunt next Tuesday after 3pm”"
        )
        self.input.setAccessibleName("What the caller asks for")
        self.input.textChanged.connect(self._text_changed)
        self.input.returnPressed.connect(self.act)
        self.input.moved_down.connect(self._focus_proposals)
        layout.addWidget(self.input)

        self.fields = QFrame()
        self.fields.setObjectName("assistantFields")
        grid = QGridLayout(self.fields)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        self.action_combo = QComboBox()
        for action, label in ACTIONS:
            self.action_combo.addItem(label, action)
        self.client_combo = QComboBox()
        self.client_combo.setMinimumWidth(220)
        self.service_combo = QComboBox()
        self.service_combo.setMinimumWidth(200)
        self.practitioner_combo = QComboBox()
        self.practitioner_combo.setMinimumWidth(180)
        self.day_from = QDateEdit()
        self.day_to = QDateEdit()
        for edit in (self.day_from, self.day_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
        self.times_edit = QLineEdit()
        self.times_edit.setPlaceholderText("any time")
        self.times_edit.setToolTip("e.g. after 15:00, before 10, at 16:30, mornings")
        labelled: tuple[tuple[str, QWidget], ...] = (
            ("Action", self.action_combo),
            ("Client", self.client_combo),
            ("Service", self.service_combo),
            ("With", self.practitioner_combo),
            ("From", self.day_from),
            ("To", self.day_to),
            ("Times", self.times_edit),
        )
        for column, (text, widget) in enumerate(labelled[:4]):
            grid.addWidget(QLabel(text), 0, column)
            grid.addWidget(widget, 1, column)
        for column, (text, widget) in enumerate(labelled[4:]):
            grid.addWidget(QLabel(text), 2, column)
            grid.addWidget(widget, 3, column)
        layout.addWidget(self.fields)
        self.action_combo.currentIndexChanged.connect(lambda _: self._edited("action"))
        self.client_combo.currentIndexChanged.connect(lambda _: self._edited("clients"))
        self.service_combo.currentIndexChanged.connect(lambda _: self._edited("service"))
        self.practitioner_combo.currentIndexChanged.connect(lambda _: self._edited("practitioner"))
        self.day_from.dateChanged.connect(lambda _: self._edited("when"))
        self.day_to.dateChanged.connect(lambda _: self._edited("when"))
        self.times_edit.editingFinished.connect(lambda: self._edited("when"))

        self.question_box = QFrame()
        self.question_box.setObjectName("bookingMessage")
        qbox = QVBoxLayout(self.question_box)
        qbox.setContentsMargins(12, 8, 12, 8)
        self.question_label = QLabel()
        self.question_label.setObjectName("bookingMessageText")
        self.question_label.setWordWrap(True)
        qbox.addWidget(self.question_label)
        # Answers four to a row, so that a long list wraps instead of widening the bar.
        self.answers_row = QGridLayout()
        self.answers_row.setHorizontalSpacing(6)
        qbox.addLayout(self.answers_row)
        self.answer_buttons: list[QPushButton] = []
        layout.addWidget(self.question_box)

        self.status = QLabel()
        self.status.setObjectName("dialogCaption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.proposals = QListWidget()
        self.proposals.setObjectName("assistantProposals")
        self.proposals.itemActivated.connect(lambda item: self.act(self.proposals.row(item)))
        layout.addWidget(self.proposals, 1)
        hint = QLabel("Enter: book the first time · ↓ choose another · Esc: close")
        hint.setObjectName("dialogCaption")
        layout.addWidget(hint)

        self._show_nothing("Loading the clinic's names…")
        cache = names_for(ctx.db, ctx.bus)
        run_in_background(self, cache.get, self._names_loaded, self._names_failed)
        self.input.setFocus()

    # --- state -----------------------------------------------------------------

    def is_idle(self) -> bool:
        return not self._loading and not self._asking and not self._busy

    def _names_loaded(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._loading = False
        self._fill_choices(vocab)
        self._text_changed(self.input.text())

    def _names_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._show_nothing(f"Could not read the clinic's names: {exc}")

    def _fill_choices(self, vocab: Vocabulary) -> None:
        self._filling = True
        self.service_combo.clear()
        self.service_combo.addItem("—", None)
        for s in vocab.services:
            self.service_combo.addItem(f"{s.name} · {s.duration_min} min", Named(s.id, s.name))
        self.practitioner_combo.clear()
        self.practitioner_combo.addItem("Anyone", None)
        for p in vocab.practitioners:
            self.practitioner_combo.addItem(p.name, Named(p.id, p.name))
        self._filling = False

    # --- reading -----------------------------------------------------------------

    def _now(self) -> datetime:
        return self.ctx.clock.now()

    def _text_changed(self, text: str) -> None:
        if self.vocab is None:
            return
        if not text.strip():
            self.overrides.clear()
        self.request = parse(text, self.vocab, self._now())
        self._refresh()

    def _effective(self) -> Request | None:
        if self.request is None:
            return None
        if not self.overrides:
            return self.request
        return with_answer(self.request, **self.overrides)

    def _refresh(self) -> None:
        request = self._effective()
        if request is None or self.vocab is None:
            return
        self._show_request(request)
        self._seq += 1
        seq = self._seq
        if request.asks(Ask.TEXT) and not (request.clients or request.service):
            self._asking = False
            self._shown(Understanding(request), seq)
            return
        self._asking = True
        db, vocab, now = self.ctx.db, self.vocab, self._now()
        run_in_background(
            self,
            lambda: understand(db, vocab, request, now),
            lambda u: self._shown(u, seq),
            lambda exc: self._failed(exc, seq),
        )

    def _shown(self, u: Understanding, seq: int) -> None:
        if seq != self._seq:
            return
        self._asking = False
        self.understanding = u
        self._show_request(u.request)
        self._show_questions(u.request.questions)
        self.proposals.clear()
        assert self.vocab is not None
        zone = self.vocab.zone
        for p in u.proposals:
            item = QListWidgetItem(self.proposal_text(p))
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.proposals.addItem(item)
        if u.proposals:
            self.proposals.setCurrentRow(0)
        status = u.message
        if u.appointment is not None:
            a = u.appointment
            local = a.starts_at.astimezone(zone)
            status = (
                f"{'Cancel' if u.request.action is Action.CANCEL else 'Move'} {a.reference}: "
                f"{a.client_name} · {a.service_name} with {a.practitioner_name}, "
                f"{local:%a} {local.day} {local:%b} {local:%H:%M}. " + status
            )
        elif not status and not u.proposals and u.request.action is not Action.CANCEL:
            status = "" if u.questions else "No free time matches."
        self.status.setText(status.strip())
        self.understood.emit(u)

    def _failed(self, exc: BaseException, seq: int) -> None:
        if seq != self._seq:
            return
        self._asking = False
        text = str(exc) if isinstance(exc, ClinicdeskError) else f"Something went wrong: {exc}"
        self.status.setText(text)

    def proposal_text(self, p: Proposal) -> str:
        assert self.vocab is not None
        start, end = p.start.astimezone(self.vocab.zone), p.end.astimezone(self.vocab.zone)
        day = f"{start:%a} {start.day} {start:%b}"
        return f"{day}  {start:%H:%M}–{end:%H:%M}  ·  {p.practitioner.name}"

    def _show_nothing(self, text: str) -> None:
        self.question_box.setVisible(False)
        self.status.setText(text)

    def _show_request(self, r: Request) -> None:
        self._filling = True
        self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(r.action)))
        self.client_combo.clear()
        if len(r.clients) == 1:
            self.client_combo.addItem(r.clients[0].name, r.clients[0])
        elif r.clients:
            self.client_combo.addItem(f"{len(r.clients)} match — choose", None)
            for c in r.clients[:8]:
                self.client_combo.addItem(f"{c.name} ({c.detail})" if c.detail else c.name, c)
        elif r.new_client_name:
            self.client_combo.addItem(f"{r.new_client_name} (new)", None)
        else:
            self.client_combo.addItem("—", None)
        self.service_combo.setCurrentIndex(
            self._index(self.service_combo, r.service.id if r.service else None)
        )
        self.practitioner_combo.setCurrentIndex(
            self._index(self.practitioner_combo, r.practitioner.id if r.practitioner else None)
        )
        when = r.current if r.action is Action.CANCEL else r.when
        if when is not None:
            self.day_from.setDate(_qdate(when.day_from))
            self.day_to.setDate(_qdate(when.day_to))
        self.times_edit.setText(times_text(when))
        self._filling = False

    @staticmethod
    def _index(combo: QComboBox, wanted: uuid.UUID | None) -> int:
        for i in range(combo.count()):
            data = combo.itemData(i)
            if (data.id if isinstance(data, Named) else None) == wanted:
                return i
        return 0

    def _show_questions(self, questions: tuple[Question, ...]) -> None:
        for button in self.answer_buttons:
            button.deleteLater()
        self.answer_buttons = []
        while self.answers_row.count():
            self.answers_row.takeAt(0)
        shown = list(questions)
        self.question_box.setVisible(bool(shown))
        if not shown:
            return
        q = shown[0]
        rest = f"  (and {len(shown) - 1} more)" if len(shown) > 1 else ""
        self.question_label.setText(q.text + rest)
        for choice in q.choices[:8]:
            label = f"{choice.name} · {choice.detail}" if choice.detail else choice.name
            self._answer(label, lambda _=False, c=choice, q=q: self.answer(q, c))
        for option in q.options:
            label = option
            if q.about is Ask.DAY:
                d = date.fromisoformat(option)
                label = f"{d:%a} {d.day} {d:%b}"
            self._answer(label, lambda _=False, o=option, q=q: self.answer(q, o))
        if q.about is Ask.NEW_CLIENT:
            self._answer("Register…", lambda _=False: self.register_client())
        self.answers_row.setColumnStretch(4, 1)

    def _answer(self, label: str, fn: Any) -> None:
        button = QPushButton(label)
        button.setObjectName("alternativeButton")
        button.setAutoDefault(False)
        button.clicked.connect(fn)
        n = len(self.answer_buttons)
        self.answer_buttons.append(button)
        self.answers_row.addWidget(button, n // 4, n % 4)

    # --- answers and edits ---------------------------------------------------------

    def answer(self, question: Question, value: Named | str) -> None:
        """Take an answer to a question, as the buttons do."""
        r = self._effective()
        if r is None:
            return
        about = question.about
        if about is Ask.CLIENT and isinstance(value, Named):
            self.overrides["clients"] = (value,)
        elif about is Ask.SERVICE and isinstance(value, Named):
            self.overrides["service"] = value
        elif about is Ask.PRACTITIONER and isinstance(value, Named):
            self.overrides["practitioner"] = value
        elif about is Ask.APPOINTMENT and isinstance(value, Named):
            self._choose_appointment(value)
            return
        elif about in (Ask.DAY, Ask.TIME) and isinstance(value, str):
            key = "current" if r.action is Action.CANCEL else "when"
            when = getattr(r, key)
            if when is None:
                return
            if about is Ask.DAY:
                d = date.fromisoformat(value)
                when = When(d, d, when.start, when.end, when.at, when.same_time, True)
            else:
                hh, mm = value.split(":")
                when = When(
                    when.day_from, when.day_to, at=time(int(hh), int(mm)), day_given=when.day_given
                )
            self.overrides[key] = when
        self._refresh()

    def _choose_appointment(self, chosen: Named) -> None:
        """Several appointments matched: the one chosen."""
        self.overrides["appointment_id"] = chosen.id
        self._refresh()

    def _edited(self, what: str) -> None:
        if self._filling or self.request is None:
            return
        if what == "action":
            self.overrides["action"] = self.action_combo.currentData()
        elif what == "clients":
            client = self.client_combo.currentData()
            if isinstance(client, Named):
                self.overrides["clients"] = (client,)
        elif what == "service":
            self.overrides["service"] = self.service_combo.currentData()
        elif what == "practitioner":
            self.overrides["practitioner"] = self.practitioner_combo.currentData()
        elif what == "when" and self.vocab is not None:
            a, b = _pydate(self.day_from.date()), _pydate(self.day_to.date())
            if b < a:
                b = a
            _, t, _questions = dates.read_times(self.times_edit.text().lower(), self.vocab.opening)
            key = "current" if self.request.action is Action.CANCEL else "when"
            self.overrides[key] = When(a, b, t.start, t.end, t.at, t.same_time, True)
        self._refresh()

    def _focus_proposals(self) -> None:
        if self.proposals.count():
            self.proposals.setFocus()
            self.proposals.setCurrentRow(min(1, self.proposals.count() - 1))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.proposals.hasFocus():
            self.act(self.proposals.currentRow())
            return
        super().keyPressEvent(event)

    # --- acting ---------------------------------------------------------------------

    def act(self, index: int = 0) -> None:
        """Enter: book (or move, or cancel) as understood, through the usual dialogs."""
        u = self.understanding
        if u is None or self._asking or self._loading:
            return
        r = u.request
        if r.action is Action.CANCEL:
            if u.appointment is None:
                self.status.setText(u.blocker() or "Which appointment?")
                return
            assert self.vocab is not None
            self.dialog = self._actions.cancel(u.appointment, self.vocab.zone)
            return
        if r.asks(Ask.NEW_CLIENT):
            self.register_client()
            return
        blocker = u.blocker()
        if r.action is Action.FIND and u.proposals:
            blocker = None
        if blocker is not None:
            self.status.setText(blocker)
            return
        if not u.proposals:
            return
        index = max(0, min(index, len(u.proposals) - 1))
        if r.action is Action.MOVE:
            self._confirm_move(u, index)
            return
        self.open_booking(u, index)

    def open_booking(self, u: Understanding, index: int = 0) -> BookingDialog:
        r = u.request
        p = u.proposals[index]
        dialog = BookingDialog(
            self.ctx,
            self.actor,
            service_id=r.service.id if r.service else None,
            practitioner_id=p.practitioner.id,
            starts_at=p.start,
            client_id=r.client.id if r.client else None,
            parent=self,
        )
        # The booking records that the assistant made it.
        dialog.source_combo.addItem(ASSISTANT_LABEL, AppointmentSource.ASSISTANT)
        dialog.source_combo.setCurrentIndex(dialog.source_combo.count() - 1)
        dialog.booked.connect(self._booked)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _booked(self, result: BookingResult) -> None:
        self.booked.emit(result)
        self.message.emit(f"Booked {result.reference} through the assistant.")

    def _confirm_move(self, u: Understanding, index: int) -> None:
        assert u.appointment is not None
        p = u.proposals[index]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Move appointment",
            f"Move {u.appointment.reference} ({u.appointment.client_name}) to "
            f"{self.proposal_text(p)}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("assistantMoveConfirm")
        box.accepted.connect(lambda: self._move(u, index))
        self.dialog = box
        box.open()

    def _move(self, u: Understanding, index: int) -> None:
        command = move_command(u, index)
        bus, actor = self.ctx.bus, self.actor
        self._busy = True

        def moved(result: BookingResult) -> None:
            self._busy = False
            self.booked.emit(result)
            self._done(f"Moved {result.reference}.")

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._failed(exc, self._seq)

        run_in_background(self, lambda: bus.handle(command, actor), moved, failed)

    def _done(self, text: str) -> None:
        self.status.setText(text)
        self.message.emit(text)
        self.overrides.clear()
        self._refresh()

    def register_client(self) -> ClientDialog:
        r = self._effective()
        name = r.new_client_name if r and r.new_client_name else ""
        dialog = ClientDialog(self.ctx, self.actor, prefill=name, parent=self)
        dialog.saved.connect(self._registered)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _registered(self, client_id: object) -> None:
        name = self._effective()
        shown = name.new_client_name if name and name.new_client_name else "New client"
        if isinstance(client_id, uuid.UUID):
            self.overrides["clients"] = (Named(client_id, shown),)
            self.overrides["new_client_name"] = None
        self._refresh()
