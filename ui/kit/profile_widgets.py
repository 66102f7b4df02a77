"""Pieces of the practitioner forms: avatar, photo picker, tag lists, document picker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.staff.commands import DocumentUpload
from desktop_app.staff.uploads import DOCUMENT_KINDS, check_document, check_photo

PHOTO_FILTER = "Images (*.png *.jpg *.jpeg *.webp)"
DOCUMENT_FILTER = "Documents (*.pdf *.png *.jpg *.jpeg)"
DOCUMENT_KIND_LABELS = {"licence": "Licence", "identity": "Identity document", "other": "Other"}


def initials(name: str) -> str:
    words = [w for w in name.replace("Dr ", "").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def avatar_pixmap(photo: bytes | None, name: str, colour: str, size: int) -> QPixmap:
    """The photo cut to a circle, or the person's initials on their colour."""
    ratio = 2.0  # drawn at twice the size so it stays sharp on high-density screens
    side = int(size * ratio)
    canvas = QPixmap(side, side)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    clip = QPainterPath()
    clip.addEllipse(QRectF(0, 0, side, side))
    painter.setClipPath(clip)
    source = QPixmap()
    if photo and source.loadFromData(photo) and not source.isNull():
        scaled = source.scaled(
            side,
            side,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.drawPixmap((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
    else:
        painter.fillRect(0, 0, side, side, QColor(colour or "#7b8794"))
        font = QFont()
        font.setPixelSize(int(side * 0.38))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(QRectF(0, 0, side, side), Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.end()
    canvas.setDevicePixelRatio(ratio)
    return canvas


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping like words (for chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height > 0:
                x = rect.x()
                y += line_height + self._spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class PhotoPicker(QWidget):
    """A photo preview with Choose… and Remove; checks the file as the core will."""

    changed = Signal()
    error = Signal(str)

    def __init__(self, name: str = "", colour: str = "#7b8794", parent: QWidget | None = None):
        super().__init__(parent)
        self._name = name
        self._colour = colour
        self.data: bytes | None = None
        self.filename = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.preview = QLabel()
        self.preview.setObjectName("photoPreview")
        self.preview.setFixedSize(QSize(72, 72))
        layout.addWidget(self.preview)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        self.choose_button = QPushButton("Choose photo…")
        self.choose_button.setObjectName("choosePhoto")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removePhoto")
        self.remove_button.clicked.connect(lambda: self.set_photo(None))
        self.note = QLabel("PNG, JPEG or WebP, under 2 MB.")
        self.note.setObjectName("gridHint")
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        buttons.addLayout(row)
        buttons.addWidget(self.note)
        layout.addLayout(buttons, 1)
        self._refresh()

    def set_name(self, name: str) -> None:
        self._name = name
        self._refresh()

    def set_photo(self, data: bytes | None, filename: str = "") -> None:
        self.data = data
        self.filename = filename
        self._refresh()
        self.changed.emit()

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose a photo", "", PHOTO_FILTER)
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.error.emit(f"Could not read {path.name}: {exc.strerror or exc}.")
            return False
        try:
            check_photo(data)
        except ClinicdeskError as exc:
            self.error.emit(f"{path.name}: {exc}")
            return False
        self.error.emit("")
        self.set_photo(data, path.name)
        return True

    def _refresh(self) -> None:
        self.preview.setPixmap(avatar_pixmap(self.data, self._name, self._colour, 72))
        self.remove_button.setEnabled(self.data is not None)
        if self.filename:
            self.note.setText(self.filename)
        elif self.data is None:
            self.note.setText("PNG, JPEG or WebP, under 2 MB.")


class TagListEdit(QWidget):
    """A short list of words (specialisations, languages) as chips; Enter adds, × removes."""

    changed = Signal()

    def __init__(
        self, placeholder: str, suggestions: tuple[str, ...] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._tags: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        entry = QHBoxLayout()
        entry.setSpacing(6)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(placeholder)
        self.entry.setMaxLength(60)
        self.entry.returnPressed.connect(self.add_typed)
        if suggestions:
            completer = QCompleter(list(suggestions), self.entry)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.entry.setCompleter(completer)
        self.add_button = QPushButton("Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_typed)
        entry.addWidget(self.entry, 1)
        entry.addWidget(self.add_button)
        layout.addLayout(entry)
        self.chips = QWidget()
        self.chips.setObjectName("tagChips")
        self.flow = FlowLayout(self.chips)
        layout.addWidget(self.chips)
        self.chips.setVisible(False)

    def tags(self) -> tuple[str, ...]:
        # What is still in the entry counts too: nothing typed is lost for want of Enter.
        items = list(self._tags)
        pending = " ".join(self.entry.text().split())
        if pending and pending.casefold() not in {t.casefold() for t in items}:
            items.append(pending)
        return tuple(items)

    def set_tags(self, tags: tuple[str, ...] | list[str]) -> None:
        self._tags = []
        for tag in tags:
            self._add(tag)
        self._rebuild()

    def add_typed(self) -> None:
        text = " ".join(self.entry.text().split())
        if text:
            self._add(text)
            self.entry.clear()
            self._rebuild()
            self.changed.emit()

    def remove(self, tag: str) -> None:
        if tag in self._tags:
            self._tags.remove(tag)
            self._rebuild()
            self.changed.emit()

    def _add(self, text: str) -> None:
        if text.casefold() not in {t.casefold() for t in self._tags}:
            self._tags.append(text)

    def _rebuild(self) -> None:
        while self.flow.count():
            item = self.flow.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for tag in self._tags:
            self.flow.addWidget(self._chip(tag))
        self.chips.setVisible(bool(self._tags))
        self.chips.updateGeometry()

    def _chip(self, tag: str) -> QWidget:
        chip = QFrame()
        chip.setObjectName("tagChip")
        line = QHBoxLayout(chip)
        line.setContentsMargins(9, 1, 3, 1)
        line.setSpacing(2)
        label = QLabel(tag)
        label.setObjectName("tagText")
        remove = QToolButton()
        remove.setObjectName("tagRemove")
        remove.setText("×")
        remove.setToolTip(f"Remove {tag}")
        remove.setAutoRaise(True)
        remove.clicked.connect(lambda _c=False, t=tag: self.remove(t))
        line.addWidget(label)
        line.addWidget(remove)
        return chip


@dataclass(frozen=True)
class PickedDocument:
    kind: str
    filename: str
    data: bytes

    def upload(self) -> DocumentUpload:
        return DocumentUpload(self.kind, self.filename, self.data)


def file_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


class DocumentPicker(QWidget):
    """The documents of an application: each a file and what it is (licence, ID…)."""

    changed = Signal()
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._documents: list[PickedDocument] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        layout.addLayout(self.rows)
        bottom = QHBoxLayout()
        self.add_button = QPushButton("Add document…")
        self.add_button.setObjectName("addDocument")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.choose)
        self.note = QLabel("Your licence and an identity document: PDF, PNG or JPEG, 10 MB each.")
        self.note.setObjectName("gridHint")
        self.note.setWordWrap(True)
        bottom.addWidget(self.add_button)
        bottom.addWidget(self.note, 1)
        layout.addLayout(bottom)

    @property
    def documents(self) -> tuple[PickedDocument, ...]:
        return tuple(self._documents)

    def choose(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, "Choose documents", "", DOCUMENT_FILTER)
        for path in paths:
            self.add_file(Path(path))

    def _next_kind(self) -> str:
        # Licence first, then the ID: the order people are asked for them.
        kinds = [d.kind for d in self._documents]
        for kind in ("licence", "identity"):
            if kind not in kinds:
                return kind
        return "other"

    def add_file(self, path: Path, kind: str | None = None) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.error.emit(f"Could not read {path.name}: {exc.strerror or exc}.")
            return False
        return self.add(path.name, data, kind)

    def add(self, filename: str, data: bytes, kind: str | None = None) -> bool:
        kind = kind or self._next_kind()
        try:
            check_document(filename, kind, data)
        except ClinicdeskError as exc:
            self.error.emit(str(exc))
            return False
        self.error.emit("")
        self._documents.append(PickedDocument(kind, filename, data))
        self._rebuild()
        self.changed.emit()
        return True

    def remove(self, index: int) -> None:
        del self._documents[index]
        self._rebuild()
        self.changed.emit()

    def _set_kind(self, index: int, kind: str) -> None:
        doc = self._documents[index]
        self._documents[index] = PickedDocument(kind, doc.filename, doc.data)

    def _rebuild(self) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for i, doc in enumerate(self._documents):
            row = QWidget()
            row.setObjectName("documentRow")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(8)
            kind = QComboBox()
            for key in DOCUMENT_KINDS:
                kind.addItem(DOCUMENT_KIND_LABELS[key], key)
            kind.setCurrentIndex(DOCUMENT_KINDS.index(doc.kind))
            kind.currentIndexChanged.connect(
                lambda _n, i=i, combo=kind: self._set_kind(i, str(combo.currentData()))
            )
            name = QLabel(f"{doc.filename}  ·  {file_size(len(doc.data))}")
            name.setObjectName("previewLine")
            remove = QPushButton("Remove")
            remove.setAutoDefault(False)
            remove.clicked.connect(lambda _checked=False, i=i: self.remove(i))
            line.addWidget(kind)
            line.addWidget(name, 1)
            line.addWidget(remove)
            self.rows.addWidget(row)
