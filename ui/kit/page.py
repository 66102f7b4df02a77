"""What every page of the main window shares.

A `View` has a title and a short subtitle, and says when it is loaded (the
screenshot renderer and tests wait on that). A `DataView` loads its data with
`run_in_background` and reloads when the bus publishes an event; a hidden
view only notes that it is stale and reloads when it is next shown, so ten
views do not all query the database after every command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.kernel.events import Event
from ui.kit.ops import run_in_background

D = TypeVar("D")

# A busy bar for a load shorter than this would only flicker.
BUSY_DELAY_MS = 250
# Events tend to come in bursts (a command can publish several); one reload
# after the burst is enough.
REFRESH_DEBOUNCE_MS = 60


class View(QWidget):
    TITLE: ClassVar[str] = ""
    SUBTITLE: ClassVar[str] = ""

    loaded = Signal()

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.setObjectName("view")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 18)
        outer.setSpacing(12)

        header = QHBoxLayout()
        header.setSpacing(12)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = QLabel(self.TITLE)
        self.title_label.setObjectName("viewTitle")
        self.subtitle_label = QLabel(self.SUBTITLE)
        self.subtitle_label.setObjectName("viewSubtitle")
        self.subtitle_label.setVisible(bool(self.SUBTITLE))
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header.addLayout(titles, 1)
        # Subclasses put their controls (search box, day buttons) here.
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(8)
        header.addLayout(self.toolbar)
        outer.addLayout(header)

        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer.addLayout(self.body, 1)

    def is_loaded(self) -> bool:
        """True once the view shows current data and no load is in flight."""
        return True

    def ensure_loaded(self) -> None:
        """Start loading if the view has never loaded or is stale."""

    def on_event(self, event: Event) -> None:
        """The bus published `event` (called on the GUI thread)."""

    def set_subtitle(self, text: str) -> None:
        self.subtitle_label.setText(text)
        self.subtitle_label.setVisible(bool(text))


class DataView(View, Generic[D]):
    """A view whose data comes from the core's queries, loaded off the GUI thread."""

    # None: any event may change what the view shows.
    REFRESH_ON: ClassVar[tuple[type[Event], ...] | None] = None

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self._loading = False
        self._reload_pending = False
        self._stale = True
        self._loaded_once = False
        self.load_count = 0

        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(3)
        self.busy_bar.setVisible(False)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self.busy_bar.setVisible(self._loading))

        self.error_banner = QFrame()
        self.error_banner.setObjectName("errorBanner")
        banner_layout = QHBoxLayout(self.error_banner)
        banner_layout.setContentsMargins(12, 8, 8, 8)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        retry = QPushButton("Try again")
        retry.clicked.connect(self.refresh)
        banner_layout.addWidget(self.error_label, 1)
        banner_layout.addWidget(retry)
        self.error_banner.setVisible(False)

        self.body.addWidget(self.busy_bar)
        self.body.addWidget(self.error_banner)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DEBOUNCE_MS)
        self._refresh_timer.timeout.connect(self.refresh)

    # --- to override -----------------------------------------------------

    def fetch(self) -> Callable[[], D]:
        """A function that reads the data on a worker thread.

        Build it on the GUI thread (read any widget state here) and give it
        only plain values: it must not touch widgets.
        """
        raise NotImplementedError

    def apply(self, data: D) -> None:
        """Show freshly loaded data (on the GUI thread)."""
        raise NotImplementedError

    # --- loading ---------------------------------------------------------

    def is_loaded(self) -> bool:
        return self._loaded_once and not self._stale and not self._loading

    def ensure_loaded(self) -> None:
        if self._stale and not self._loading:
            self.refresh()

    def refresh(self) -> None:
        if self._loading:
            # Whatever is in flight may predate the change: load once more after it.
            self._reload_pending = True
            self._stale = True
            return
        self._loading = True
        self._stale = False
        self._busy_timer.start()
        run_in_background(self, self.fetch(), self._loaded, self._failed)

    def _loaded(self, data: D) -> None:
        self._finish_loading()
        self.error_banner.setVisible(False)
        self.apply(data)
        self._loaded_once = True
        self.load_count += 1
        if self._reload_pending:
            self._reload_pending = False
            self.refresh()
        else:
            self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finish_loading()
        self._reload_pending = False
        if isinstance(exc, ClinicdeskError):
            message = str(exc)
        else:
            message = f"Could not load this page: {exc}"
        self.error_label.setText(message)
        self.error_banner.setVisible(True)
        # Counts as loaded: the page shows what happened and how to retry.
        self._loaded_once = True
        self.loaded.emit()

    def _finish_loading(self) -> None:
        self._loading = False
        self._busy_timer.stop()
        self.busy_bar.setVisible(False)

    # --- events ----------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if self.REFRESH_ON is not None and not isinstance(event, self.REFRESH_ON):
            return
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._loading:
            # Let the page paint first; the load result fills it in.
            QTimer.singleShot(0, self, self.ensure_loaded)


def empty_state(text: str) -> QLabel:
    """A centred, muted line for a list with nothing in it."""
    label = QLabel(text)
    label.setObjectName("emptyState")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label
