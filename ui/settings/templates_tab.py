"""Settings, "E-mail templates" tab: edit what clients receive, with a live preview.

Each kind (booked, rescheduled, cancelled, reminder) keeps its own draft, so
switching kinds or tabs loses nothing; the list marks the kinds with unsaved
changes and Save stores them all at once. The preview is the draft filled
with a sample appointment (`render_preview`), redrawn as you type; what is
wrong with a draft (an unknown placeholder, an empty subject) is listed under
the editor, and Save refuses while anything is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.messaging.commands import TemplateInput, UpdateTemplates
from desktop_app.messaging.templates import (
    DEFAULT_TEMPLATES,
    KINDS,
    PLACEHOLDERS,
    EmailTemplate,
    render_preview,
    template_problems,
    validate_template,
)
from ui.kit.command_dialog import field_error_label, form_error_label, section_title
from ui.kit.ops import run_in_background
from ui.settings.settings_form import refusal_text

KIND_TITLES = {
    "booked": "Booked",
    "rescheduled": "Rescheduled",
    "cancelled": "Cancelled",
    "reminder": "Reminder",
}
UNSAVED_MARK = " (unsaved)"


class TemplatesTab(QWidget):
    # Whether any kind has unsaved changes (for the tab's title).
    dirty_changed = Signal(bool)
    # A short confirmation for the page's banner after a save.
    saved = Signal(str)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.setObjectName("templatesTab")
        self.setProperty("clinicForm", True)
        self.stored: dict[str, EmailTemplate] = dict(DEFAULT_TEMPLATES)
        self.drafts: dict[str, EmailTemplate] = dict(DEFAULT_TEMPLATES)
        self.kind = next(iter(KINDS))
        self.sample: dict[str, str] = {}
        self.sending = False
        self._showing = False
        self._dirty = False

        self.outer = QHBoxLayout(self)
        self.outer.setContentsMargins(0, 14, 0, 0)
        self.outer.setSpacing(16)
        self.outer.addLayout(self._lists(), 0)
        # The editor and its preview side by side, or the preview under it when narrow.
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(16)
        self.columns.addWidget(self._editor(), 5)
        self.columns.addWidget(self._preview(), 4)
        self.outer.addLayout(self.columns, 1)
        self.show_kind(self.kind)

    # --- building --------------------------------------------------------

    def _lists(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(section_title("Template"))
        self.kind_list = QListWidget()
        self.kind_list.setObjectName("plainList")
        for kind, title in KIND_TITLES.items():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(KINDS[kind])
            self.kind_list.addItem(item)
        self.kind_list.setFixedWidth(200)
        self.kind_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kind_list.ensurePolished()
        rows = self.kind_list.sizeHintForRow(0) * self.kind_list.count()
        self.kind_list.setFixedHeight(rows + 2 * self.kind_list.frameWidth() + 2)
        self.kind_list.currentItemChanged.connect(self._kind_picked)
        column.addWidget(self.kind_list)

        column.addWidget(section_title("Placeholders"))
        hint = QLabel("Click one to insert it where the cursor is.")
        hint.setObjectName("cardCaption")
        hint.setWordWrap(True)
        hint.setFixedWidth(200)
        column.addWidget(hint)
        self.placeholder_list = QListWidget()
        self.placeholder_list.setObjectName("plainList")
        for name, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem("{" + name + "}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(meaning[:1].upper() + meaning[1:])
            self.placeholder_list.addItem(item)
        self.placeholder_list.setFixedWidth(200)
        self.placeholder_list.itemClicked.connect(
            lambda item: self.insert_placeholder(item.data(Qt.ItemDataRole.UserRole))
        )
        column.addWidget(self.placeholder_list, 1)
        return column

    def _editor(self) -> QWidget:
        box = QWidget()
        # Room for the buttons under the editor.
        box.setMinimumWidth(380)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.kind_caption = section_title("")
        column.addWidget(self.kind_caption)
        subject_label = QLabel("Subject")
        subject_label.setObjectName("cardCaption")
        column.addWidget(subject_label)
        self.subject = QLineEdit()
        self.subject.setObjectName("templateSubject")
        self.subject.textChanged.connect(self._typed)
        column.addWidget(self.subject)
        body_label = QLabel("Text")
        body_label.setObjectName("cardCaption")
        column.addWidget(body_label)
        self.body = QPlainTextEdit()
        self.body.setObjectName("templateBody")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(180)
        self.body.textChanged.connect(self._typed)
        column.addWidget(self.body, 1)
        # Placeholders go into whichever of the two was used last.
        self._target: QLineEdit | QPlainTextEdit = self.body
        self.subject.installEventFilter(self)
        self.body.installEventFilter(self)

        self.problems_label = field_error_label()
        column.addWidget(self.problems_label)
        self.state_label = QLabel()
        self.state_label.setObjectName("cardCaption")
        column.addWidget(self.state_label)
        self.error_label = form_error_label()
        column.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.default_button = QPushButton("Restore default")
        self.default_button.setToolTip("Put the default text of this template in the editor")
        self.default_button.clicked.connect(self.restore_default)
        self.discard_button = QPushButton("Discard changes")
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.default_button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)
        column.addLayout(buttons)
        return box

    def _preview(self) -> QWidget:
        box = QWidget()
        box.setMinimumWidth(300)
        outer = QVBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addWidget(section_title("Preview"))
        caption = QLabel("As a client would receive it, for a sample appointment.")
        caption.setObjectName("cardCaption")
        caption.setWordWrap(True)
        outer.addWidget(caption)
        card = QFrame()
        card.setObjectName("formCard")
        outer.addWidget(card, 1)
        column = QVBoxLayout(card)
        column.setContentsMargins(16, 14, 16, 16)
        column.setSpacing(8)
        self.preview_subject = QLabel()
        self.preview_subject.setObjectName("cardTitle")
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.preview_subject)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setObjectName("templatePreview")
        self.preview_body.setReadOnly(True)
        self.preview_body.setMinimumHeight(180)
        column.addWidget(self.preview_body, 1)
        return box

    def fit_width(self, width: int) -> bool:
        """The preview beside the editor when both fit in `width`, else under it.

        True when that changed the arrangement."""
        before = self.columns.direction()
        self.columns.setDirection(QBoxLayout.Direction.LeftToRight)
        # The enclosing layout caches its size until the next layout pass.
        self.outer.invalidate()
        if self.outer.minimumSize().width() > width:
            self.columns.setDirection(QBoxLayout.Direction.TopToBottom)
            # Measured side by side just now: measure again.
            self.outer.invalidate()
        return self.columns.direction() != before

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject, self.body):
            self._target = watched
        return super().eventFilter(watched, event)

    # --- editing ---------------------------------------------------------

    def show_kind(self, kind: str) -> None:
        """Edit `kind`'s draft (the one shown before stays as its draft)."""
        self.kind = kind
        row = list(KIND_TITLES).index(kind)
        if self.kind_list.currentRow() != row:
            self.kind_list.setCurrentRow(row)
        self.kind_caption.setText(KINDS[kind])
        self._show_draft()

    def _kind_picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.show_kind(item.data(Qt.ItemDataRole.UserRole))

    def _show_draft(self) -> None:
        """Put the current kind's draft in the editor, leaving equal text (and the cursor) alone."""
        draft = self.drafts[self.kind]
        self._showing = True
        try:
            if self.subject.text() != draft.subject:
                self.subject.setText(draft.subject)
            if self.body.toPlainText() != draft.body:
                self.body.setPlainText(draft.body)
        finally:
            self._showing = False
        self._typed()

    def _typed(self) -> None:
        if not self._showing:
            self.drafts[self.kind] = EmailTemplate(self.subject.text(), self.body.toPlainText())
        self.refresh_preview()
        self._update_state()

    def refresh_preview(self) -> None:
        rendered = render_preview(self.drafts[self.kind], self.sample)
        self.preview_subject.setText(rendered.subject or "(no subject)")
        if self.preview_body.toPlainText() != rendered.body:
            self.preview_body.setPlainText(rendered.body)
        self.problems_label.setText("\n".join(rendered.problems))
        self.problems_label.setVisible(bool(rendered.problems))

    def insert_placeholder(self, name: str) -> None:
        text = "{" + name + "}"
        if isinstance(self._target, QLineEdit):
            self._target.insert(text)
        else:
            self._target.insertPlainText(text)
        self._target.setFocus()

    def restore_default(self) -> None:
        self.drafts[self.kind] = DEFAULT_TEMPLATES[self.kind]
        self._show_draft()

    def discard(self) -> None:
        self.drafts[self.kind] = self.stored[self.kind]
        self.error_label.setVisible(False)
        self._show_draft()

    def dirty_kinds(self) -> list[str]:
        return [k for k in KINDS if self.drafts[k] != self.stored[k]]

    def is_dirty(self) -> bool:
        return bool(self.dirty_kinds())

    def _update_state(self) -> None:
        dirty = self.dirty_kinds()
        for row, kind in enumerate(KIND_TITLES):
            item = self.kind_list.item(row)
            item.setText(KIND_TITLES[kind] + (UNSAVED_MARK if kind in dirty else ""))
        draft = self.drafts[self.kind]
        if draft != self.stored[self.kind]:
            state = "Unsaved changes."
        elif draft == DEFAULT_TEMPLATES[self.kind]:
            state = "The default text."
        else:
            state = "The clinic's own text."
        self.state_label.setText(state)
        self.default_button.setEnabled(not self.sending and draft != DEFAULT_TEMPLATES[self.kind])
        self.discard_button.setEnabled(not self.sending and self.kind in dirty)
        self.save_button.setEnabled(not self.sending and bool(dirty))
        self.save_button.setText("Saving…" if self.sending else "Save")
        self.subject.setReadOnly(self.sending)
        self.body.setReadOnly(self.sending)
        if bool(dirty) != self._dirty:
            self._dirty = bool(dirty)
            self.dirty_changed.emit(self._dirty)

    # --- loading and saving ----------------------------------------------

    def apply(self, templates: dict[str, EmailTemplate], clinic_name: str) -> None:
        """Show the stored templates; a kind being edited keeps its draft."""
        self.sample = {"clinic_name": clinic_name}
        for kind in KINDS:
            new = templates.get(kind, DEFAULT_TEMPLATES[kind])
            if self.drafts[kind] == self.stored[kind]:
                self.drafts[kind] = new
            self.stored[kind] = new
        self._show_draft()

    def save(self) -> None:
        if self.sending:
            return
        kinds = self.dirty_kinds()
        if not kinds:
            return
        cleaned: dict[str, EmailTemplate] = {}
        for kind in kinds:
            if template_problems(self.drafts[kind]):
                self.show_kind(kind)
                self._show_error(
                    f"Nothing was saved: the {KIND_TITLES[kind].lower()} template has "
                    "problems (listed above). Correct them first."
                )
                return
            try:
                cleaned[kind] = validate_template(kind, self.drafts[kind])
            except ValidationError as exc:
                self.show_kind(kind)
                self._show_error(str(exc))
                return
        command = UpdateTemplates(
            templates=tuple(TemplateInput(k, t.subject, t.body) for k, t in cleaned.items())
        )
        self._show_error("")
        self.sending = True
        self._update_state()

        def done(_result: object) -> None:
            self.sending = False
            self.stored.update(cleaned)
            self.drafts.update(cleaned)
            self._show_draft()
            self.saved.emit("E-mail templates saved.")

        def failed(exc: BaseException) -> None:
            self.sending = False
            self._update_state()
            self._show_error(refusal_text(exc))

        run_in_background(self, lambda: self.ctx.bus.handle(command, self.actor), done, failed)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
