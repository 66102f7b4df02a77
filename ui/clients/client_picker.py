"""A client field that searches as you type, with quick registration.

`ClientPicker` is self-contained: give it the app context and the acting
person, listen to `client_chosen(uuid.UUID)`. Typing searches
(client_queries.search_clients, off the GUI thread, lightly debounced); Up/Down move
through the matches and Enter chooses one. Enter pressed before the results
are in chooses the first match as soon as they arrive, so a fast typist is not
made to wait for the list. "New client…" (Ctrl+N) opens a small registration
form that flags possible duplicates before anything is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clients import queries as client_queries
from desktop_app.clients.commands import RegisterClient
from desktop_app.clients.errors import DuplicateClient, PossibleDuplicate
from desktop_app.clients.queries import ClientRow
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.kernel.text_search import digits
from ui.kit.command_dialog import CommandDialog
from ui.kit.ops import run_in_background
from ui.kit.widgets import ElidedLabel

# Long enough to skip the intermediate words of a fast typist, short enough
# that the list seems to follow the keys.
SEARCH_DEBOUNCE_MS = 150
RESULT_LIMIT = 25
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 10
ID_ROLE = Qt.ItemDataRole.UserRole + 11


@dataclass(frozen=True)
class ChosenClient:
    id: uuid.UUID
    full_name: str
    phone: str | None = None
    email: str | None = None

    @property
    def details(self) -> str:
        return "  ·  ".join(p for p in (self.phone, self.email) if p)


def client_details(row: ClientRow) -> str:
    parts = [p for p in (row.phone, row.email) if p]
    if row.date_of_birth is not None:
        parts.append(f"born {row.date_of_birth.year}")
    return "  ·  ".join(parts)


class _ResultDelegate(QStyledItemDelegate):
    """Name in the body colour, contact details muted after it, on one line."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect: QRect = opt.rect.adjusted(10, 0, -10, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        bold = QFont(opt.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(QColor("#17384a"))
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(rect, int(flags), name)
        used = QFontMetrics(bold).horizontalAdvance(name) + 14
        detail = str(index.data(DETAIL_ROLE) or "")
        if detail:
            painter.setFont(opt.font)
            painter.setPen(QColor("#3e4c59" if selected else "#66788a"))
            rest = rect.adjusted(used, 0, 0, 0)
            elided = QFontMetrics(opt.font).elidedText(
                detail, Qt.TextElideMode.ElideRight, rest.width()
            )
            painter.drawText(rest, int(flags), elided)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), 30))


class _SearchEdit(QLineEdit):
    """The search field; the picker decides what its keys mean.

    A subclass rather than an event filter on the parent: Qt still sends a
    child events while its parent is being destroyed, and a filter
    implemented in Python would then run on a half-deleted object.
    """

    def __init__(self, on_key: Callable[[QKeyEvent], bool]) -> None:
        super().__init__()
        self._on_key = on_key

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._on_key(event):
            super().keyPressEvent(event)


class ClientPicker(QWidget):
    """Search-as-you-type client field; emits `client_chosen(uuid.UUID)`."""

    client_chosen = Signal(object)
    # The choice was undone (the user edited the name after choosing).
    client_cleared = Signal()
    # A search result is on screen (tests and screenshots wait on this).
    results_shown = Signal()

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        allow_register: bool = True,
        visible_rows: int = 6,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.chosen: ChosenClient | None = None
        self.registration_dialog: QuickRegisterDialog | None = None
        self._rows: list[ClientRow] = []
        self._search_seq = 0
        self._shown_seq = 0
        self._searched_text = ""
        self._choose_when_ready = False
        self._setting_text = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        row = QHBoxLayout()
        row.setSpacing(8)
        self.search_edit = _SearchEdit(self._handle_key)
        self.search_edit.setObjectName("clientSearch")
        self.search_edit.setPlaceholderText("Type a name, phone or e-mail")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Client")
        self.search_edit.textEdited.connect(self._text_edited)
        row.addWidget(self.search_edit, 1)
        self.new_button = QPushButton("New client…")
        self.new_button.setToolTip("Register a new client (Ctrl+N)")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.open_registration)
        self.new_button.setVisible(allow_register)
        row.addWidget(self.new_button)
        layout.addLayout(row)

        self.results = QListWidget()
        self.results.setObjectName("clientResults")
        self.results.setItemDelegate(_ResultDelegate(self.results))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setUniformItemSizes(True)
        self.results.setFixedHeight(visible_rows * 30 + 6)
        self.results.itemClicked.connect(self._item_clicked)
        self.results.setVisible(False)
        layout.addWidget(self.results)

        self.status = QLabel()
        self.status.setObjectName("pickerStatus")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)

        self.chosen_card = QFrame()
        self.chosen_card.setObjectName("chosenClient")
        card = QHBoxLayout(self.chosen_card)
        card.setContentsMargins(10, 6, 6, 6)
        # The name always shows; phone and e-mail give way when the column is narrow.
        self.chosen_label = ElidedLabel()
        self.chosen_label.setObjectName("chosenClientText")
        card.addWidget(self.chosen_label, 1)
        change = QPushButton("Change")
        change.setObjectName("linkButton")
        change.setAutoDefault(False)
        change.clicked.connect(self._change)
        card.addWidget(change)
        self.chosen_card.setVisible(False)
        layout.addWidget(self.chosen_card)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_now)

        if allow_register:
            shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.open_registration)

    # --- public ------------------------------------------------------------

    @property
    def client_id(self) -> uuid.UUID | None:
        return self.chosen.id if self.chosen else None

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_edit.selectAll()

    def set_client(self, client: ChosenClient, *, emit: bool = True) -> None:
        """Show `client` as chosen (e.g. a booking made from their record)."""
        self.chosen = client
        self._choose_when_ready = False
        self._timer.stop()
        self._setting_text = True
        try:
            self.search_edit.setText(client.full_name)
        finally:
            self._setting_text = False
        self.results.setVisible(False)
        self.status.setVisible(False)
        self.chosen_label.set_full_text(
            f"✓  {client.full_name}" + (f"   {client.details}" if client.details else "")
        )
        self.chosen_card.setVisible(True)
        if emit:
            self.client_chosen.emit(client.id)

    def load_client(self, client_id: uuid.UUID) -> None:
        """Choose a client known by id only: their name is read in the background."""
        db = self.ctx.db

        def load() -> client_queries.ClientRecord | None:
            return client_queries.client_record(db, client_id)

        def loaded(record: client_queries.ClientRecord | None) -> None:
            if record is not None and self.chosen is None:
                self.set_client(
                    ChosenClient(record.id, record.full_name, record.phone, record.email)
                )

        run_in_background(self, load, loaded)

    def clear(self) -> None:
        was_chosen = self.chosen is not None
        self.chosen = None
        self._setting_text = True
        try:
            self.search_edit.clear()
        finally:
            self._setting_text = False
        self._set_rows([], "")
        self.chosen_card.setVisible(False)
        if was_chosen:
            self.client_cleared.emit()

    def search(self, text: str) -> None:
        """Search for `text` at once, as if typed (no debounce)."""
        self._setting_text = True
        try:
            self.search_edit.setText(text)
        finally:
            self._setting_text = False
        self._text_edited(text)
        self._search_now()

    def choose_row(self, row: int) -> None:
        """Choose the `row`-th match, as Enter would with it highlighted."""
        self.results.setCurrentRow(row)
        self._choose_current()

    def is_searching(self) -> bool:
        return self._timer.isActive() or self._search_seq != self._shown_seq

    def result_names(self) -> list[str]:
        return [r.full_name for r in self._rows]

    # --- searching ---------------------------------------------------------

    def _text_edited(self, text: str) -> None:
        if self._setting_text:
            return
        if self.chosen is not None:
            self.chosen = None
            self.chosen_card.setVisible(False)
            self.client_cleared.emit()
        if not text.strip():
            self._timer.stop()
            self._search_seq += 1
            self._shown_seq = self._search_seq
            self._choose_when_ready = False
            self._set_rows([], "")
            return
        self._timer.start()

    def _search_now(self) -> None:
        self._timer.stop()
        text = self.search_edit.text().strip()
        if not text:
            return
        self._search_seq += 1
        seq = self._search_seq
        db = self.ctx.db
        run_in_background(
            self,
            lambda: client_queries.search_clients(db, text, limit=RESULT_LIMIT),
            lambda rows: self._results(seq, text, rows),
            lambda exc: self._search_failed(seq, exc),
        )

    def _results(self, seq: int, text: str, rows: list[ClientRow]) -> None:
        if seq != self._search_seq:
            return  # an older search; a newer one is on its way
        self._shown_seq = seq
        if self.chosen is not None:
            return
        self._set_rows(rows, text)
        if self._choose_when_ready:
            self._choose_when_ready = False
            self._choose_current()
        self.results_shown.emit()

    def _search_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._search_seq:
            return
        self._shown_seq = seq
        self._choose_when_ready = False
        message = str(exc) if isinstance(exc, ClinicdeskError) else f"Search failed: {exc}"
        self.status.setText(message)
        self.status.setVisible(True)

    def _set_rows(self, rows: list[ClientRow], text: str) -> None:
        self._rows = rows
        self._searched_text = text
        self.results.clear()
        for r in rows:
            item = QListWidgetItem(r.full_name)
            item.setData(DETAIL_ROLE, client_details(r))
            item.setData(ID_ROLE, r.id)
            item.setToolTip(f"{r.full_name}\n{client_details(r)}")
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
        self.results.setVisible(bool(rows))
        if not text:
            self.status.setVisible(False)
            return
        if rows:
            more = " (the first ones: type more to narrow)" if len(rows) >= RESULT_LIMIT else ""
            self.status.setText(
                f"{len(rows)} match{'es' if len(rows) != 1 else ''}{more}. "
                "↑ ↓ to move, Enter to choose."
            )
        else:
            self.status.setText(
                f"No client matches “{text}”. Check the spelling, or register them "
                "with New client… (Ctrl+N)."
            )
        self.status.setVisible(True)

    # --- choosing ----------------------------------------------------------

    def _choose_current(self) -> None:
        row = max(self.results.currentRow(), 0)
        if 0 <= row < len(self._rows):
            r = self._rows[row]
            self.set_client(ChosenClient(r.id, r.full_name, r.phone, r.email))

    def _item_clicked(self, item: QListWidgetItem) -> None:
        self.results.setCurrentItem(item)
        self._choose_current()

    def _change(self) -> None:
        text = self.search_edit.text()
        self.chosen = None
        self.chosen_card.setVisible(False)
        self.client_cleared.emit()
        self.focus_search()
        if text.strip():
            self._timer.start()

    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if self.chosen is not None:
            # Enter now belongs to the dialog around us (its default button).
            return False
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            if self._rows:
                step = 1 if key == Qt.Key.Key_Down else -1
                row = min(max(self.results.currentRow() + step, 0), len(self._rows) - 1)
                self.results.setCurrentRow(row)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.search_edit.text().strip():
                return True
            if self.is_searching() or self._searched_text != self.search_edit.text().strip():
                self._choose_when_ready = True
                if self._timer.isActive() or self._search_seq == self._shown_seq:
                    self._search_now()
            elif self._rows:
                self._choose_current()
            # Swallowed either way: Enter with no match must not press the
            # dialog's default button and book for nobody.
            return True
        return False

    # --- registering -------------------------------------------------------

    def open_registration(self) -> QuickRegisterDialog:
        typed = self.search_edit.text().strip() if self.chosen is None else ""
        dialog = QuickRegisterDialog(self.ctx, self.actor, typed, self.window())
        self.registration_dialog = dialog
        dialog.registered.connect(self.set_client)
        dialog.open()
        return dialog


def _prefill(typed: str) -> tuple[str, str, str]:
    """(name, phone, e-mail) from what was typed in the search field."""
    if "@" in typed:
        return "", "", typed
    if typed and len(digits(typed)) >= max(3, len(typed.replace(" ", "")) - 2):
        return "", typed, ""
    return typed, "", ""


class QuickRegisterDialog(CommandDialog):
    """Name plus a phone or an e-mail; possible duplicates shown before saving."""

    registered = Signal(object)  # ChosenClient

    def __init__(self, ctx: Core, actor: Actor, typed: str, parent: QWidget | None) -> None:
        super().__init__(
            ctx,
            actor,
            title="New client",
            caption="A name, and a phone number or an e-mail address so we can reach them.",
            action="Register",
            busy_text="Registering…",
            parent=parent,
        )
        self.result_client: ChosenClient | None = None
        self._allow_duplicate = False
        self._sent: RegisterClient | None = None
        self.setObjectName("quickRegister")
        self.setModal(True)
        self.setMinimumWidth(600)

        name, phone, email = _prefill(typed)
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("First and last name")
        self.phone_edit = QLineEdit(phone)
        self.phone_edit.setPlaceholderText("e.g. 07700 900123")
        self.email_edit = QLineEdit(email)
        self.email_edit.setPlaceholderText("name@example.com")
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Phone", self.phone_edit)
        self.form.addRow("E-mail", self.email_edit)

        # Filled when the core says this may be someone already registered.
        self.duplicates_box = QFrame()
        self.duplicates_box.setObjectName("duplicatesBox")
        self.duplicates_layout = QVBoxLayout(self.duplicates_box)
        self.duplicates_layout.setContentsMargins(12, 10, 12, 10)
        self.duplicates_layout.setSpacing(6)
        self.duplicates_box.setVisible(False)
        self.layout_.insertWidget(self.layout_.indexOf(self.error_label) + 1, self.duplicates_box)
        self.duplicate_buttons: list[QPushButton] = []

        self.save_button = self.ok_button
        self.anyway_button = QPushButton("Register anyway")
        self.anyway_button.setAutoDefault(False)
        self.anyway_button.setVisible(False)
        self.anyway_button.clicked.connect(lambda: self.save(allow_duplicate=True))
        self.button_row.insertWidget(self.button_row.indexOf(self.save_button), self.anyway_button)
        self.succeeded.connect(self._saved)

        first_empty = next(
            (e for e in (self.name_edit, self.phone_edit) if not e.text()), self.email_edit
        )
        first_empty.setFocus()
        for edit in (self.name_edit, self.phone_edit, self.email_edit):
            edit.textEdited.connect(self._contact_edited)

    def _contact_edited(self) -> None:
        # Different details may no longer match anyone: ask the core again.
        if self.duplicates_box.isVisible():
            self._show_duplicates([])

    def save(self, *, allow_duplicate: bool) -> None:
        self._allow_duplicate = allow_duplicate
        self.submit()

    def build_command(self) -> Command:
        self._sent = RegisterClient(
            full_name=self.name_edit.text(),
            phone=self.phone_edit.text() or None,
            email=self.email_edit.text() or None,
            allow_duplicate=self._allow_duplicate,
        )
        return self._sent

    def inputs(self) -> list[QWidget]:
        return [self.name_edit, self.phone_edit, self.email_edit, self.anyway_button]

    def _saved(self, client_id: object) -> None:
        command = self._sent
        assert isinstance(client_id, uuid.UUID) and command is not None
        self.result_client = ChosenClient(
            client_id, command.full_name.strip(), command.phone or None, command.email or None
        )
        self.registered.emit(self.result_client)

    def _finish(self, client: ChosenClient) -> None:
        self.result_client = client
        self.registered.emit(client)
        self.accept()

    def show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, DuplicateClient):
            self.error_label.setVisible(False)
            self._show_duplicates(exc.matches)
            return
        text = str(exc) if isinstance(exc, ClinicdeskError) else f"Could not register: {exc}"
        self.show_error(text)

    def _show_duplicates(self, matches: list[PossibleDuplicate]) -> None:
        while self.duplicates_layout.count():
            item = self.duplicates_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.duplicate_buttons = []
        self.duplicates_box.setVisible(bool(matches))
        self.anyway_button.setVisible(bool(matches))
        self.save_button.setVisible(not matches)
        if not matches:
            self.save_button.setDefault(True)
            return
        heading = QLabel(
            "This may be someone we already have. Use their record, or register anyway."
        )
        heading.setObjectName("duplicatesTitle")
        heading.setWordWrap(True)
        self.duplicates_layout.addWidget(heading)
        for m in matches:
            line = QHBoxLayout()
            contact = "  ·  ".join(p for p in (m.phone, m.email) if p)
            label = QLabel(f"{m.full_name} (same {m.matched_on})\n{contact}")
            label.setObjectName("duplicateMatch")
            label.setTextFormat(Qt.TextFormat.PlainText)
            use = QPushButton("Use this client")
            use.setToolTip(f"Book for {m.full_name}, already registered")
            use.setAutoDefault(False)
            chosen = ChosenClient(m.client_id, m.full_name, m.phone, m.email)
            use.clicked.connect(lambda _=False, c=chosen: self._finish(c))
            self.duplicate_buttons.append(use)
            line.addWidget(label, 1)
            line.addWidget(use)
            holder = QWidget()
            holder.setLayout(line)
            line.setContentsMargins(0, 0, 0, 0)
            self.duplicates_layout.addWidget(holder)
        self.duplicate_buttons[0].setDefault(True)
        self.duplicate_buttons[0].setFocus()
        # Room for the matches' contact details, which the form did not need.
        self.adjustSize()
