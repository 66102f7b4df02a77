"""Locking the window after idle time (DESIGN §8: the desk locks after idle time).

Idle means no mouse or keyboard input to the application: an event filter on
the QApplication notes the time of the last input, and one timer checks it
(restarting a timer on every mouse move would cost more than reading a
clock). The timeout comes from the clinic setting idle_lock_minutes (0 =
never); tests inject milliseconds.

When it locks, every window of the session is covered, so no client data
stays on screen, and a modal lock dialog on top of them all asks for the same
person's password (checked by auth.unlock, off the GUI thread). It is a
dialog of its own, not a widget inside the main window, because a dialog left
open underneath (a half-filled booking) would otherwise block its input.
"Log in as someone else" closes the open dialogs and ends the session, back
to the login dialog.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff import auth
from ui.kit.command_dialog import error_text, form_error_label
from ui.kit.formatting import roles_text
from ui.kit.ops import run_in_background
from ui.kit.profile_widgets import avatar_pixmap
from ui.kit.resources import ACCENT, app_icon

MINUTE_MS = 60_000
# The header's dark teal: unmistakably "locked", and nothing of the page shows through.
COVER_COLOUR = QColor("#17384a")

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` once no input has reached the application for `timeout_ms`."""

    idle = Signal()

    def __init__(self, parent: QObject, timeout_ms: int = 0) -> None:
        super().__init__(parent)
        self._timeout_ms = 0
        self._since_input = QElapsedTimer()
        self._since_input.start()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._paused = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.set_timeout_ms(timeout_ms)

    @property
    def timeout_ms(self) -> int:
        return self._timeout_ms

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """0 never locks."""
        self._timeout_ms = max(0, timeout_ms)
        self._since_input.restart()
        self._arm(self._timeout_ms)

    def pause(self) -> None:
        self._paused = True
        self._timer.stop()

    def resume(self) -> None:
        self._paused = False
        self._since_input.restart()
        self._arm(self._timeout_ms)

    def _arm(self, in_ms: int) -> None:
        self._timer.stop()
        if self._timeout_ms and not self._paused:
            self._timer.start(max(1, in_ms))

    def _check(self) -> None:
        left = self._timeout_ms - self._since_input.elapsed()
        if left > 0:
            self._arm(left)
        elif not self._paused:
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._since_input.restart()
        return False


class LockCover(QWidget):
    """An opaque sheet over one window while it is locked."""

    def __init__(self, target: QWidget, clinic: str) -> None:
        super().__init__(target)
        self.setObjectName("lockCover")
        self.clinic = clinic
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), COVER_COLOUR)
        icon = app_icon().pixmap(QSize(48, 48))
        x = (self.width() - 48) // 2
        painter.drawPixmap(x, 40, icon)
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(
            self.rect().adjusted(0, 96, 0, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            f"{self.clinic} — locked" if self.clinic else "Clinicdesk — locked",
        )
        painter.end()


class LockDialog(QDialog):
    """Who is logged in, their password, and the way out to another person."""

    unlocked = Signal()
    switch_requested = Signal()

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.checking = False
        self._closing = False
        self.setObjectName("lockDialog")
        self.setProperty("clinicForm", True)
        self.setWindowTitle("Clinicdesk is locked")
        self.setWindowIcon(app_icon())
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        # No close button: the only ways out are the password and "someone else".
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setFixedWidth(420)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        avatar = QLabel()
        avatar.setPixmap(avatar_pixmap(None, actor.name, ACCENT, 64))
        avatar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(avatar)
        title = QLabel("Locked")
        title.setObjectName("dialogTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.who_label = QLabel(
            f"{actor.name} is logged in ({roles_text(actor.roles)}).\n"
            "Type your password to go back to your work."
        )
        self.who_label.setObjectName("dialogCaption")
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setWordWrap(True)
        layout.addWidget(self.who_label)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"{actor.name.split()[0]}'s password")
        self.password.returnPressed.connect(self.submit)
        layout.addWidget(self.password)
        self.error_label = form_error_label()
        layout.addWidget(self.error_label)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setObjectName("primaryButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        layout.addWidget(self.unlock_button)
        other = QHBoxLayout()
        other.addStretch(1)
        self.switch_button = QPushButton("Log in as someone else")
        self.switch_button.setObjectName("linkButton")
        self.switch_button.setAutoDefault(False)
        self.switch_button.setToolTip(
            f"End {actor.name}'s session (open dialogs are closed) and log in as another person"
        )
        self.switch_button.clicked.connect(self.switch_requested.emit)
        other.addWidget(self.switch_button)
        other.addStretch(1)
        layout.addLayout(other)
        self.password.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        parent = self.parentWidget()
        if parent is not None:
            # Over the middle of the (covered) main window.
            centre = parent.mapToGlobal(parent.rect().center())
            self.move(centre.x() - self.width() // 2, centre.y() - self.height() // 2)
        self.password.setFocus()

    def submit(self) -> None:
        if self.checking:
            return
        password = self.password.text()
        if not password:
            self.show_error("Type your password.")
            return
        self._set_checking(True)
        db, actor = self.ctx.db, self.actor
        run_in_background(
            self, lambda: auth.unlock(db, actor, password), self._checked, self._error
        )

    def _set_checking(self, checking: bool) -> None:
        self.checking = checking
        self.unlock_button.setEnabled(not checking)
        self.unlock_button.setText("Checking…" if checking else "Unlock")
        self.password.setReadOnly(checking)

    def _checked(self, ok: bool) -> None:
        self._set_checking(False)
        if ok:
            self.show_error("")
            self.unlocked.emit()
            return
        first = self.actor.name.split()[0]
        self.show_error(
            f"That is not {first}'s password. After several wrong tries each new try "
            "must wait a little longer."
        )
        self.password.clear()
        self.password.setFocus()

    def _error(self, exc: BaseException) -> None:
        self._set_checking(False)
        self.show_error(error_text(exc))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def finish(self) -> None:
        self._closing = True
        self.done(QDialog.DialogCode.Accepted)

    # Escape and the window's close must not open the lock.
    def reject(self) -> None:
        if self._closing:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            super().closeEvent(event)
        else:
            event.ignore()


class IdleLock(QObject):
    """Locks `window` (and every window over it) when the watcher says idle."""

    locked_changed = Signal(bool)
    switch_user = Signal()

    def __init__(self, window: QWidget, ctx: Core, actor: Actor, timeout_ms: int = 0) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.actor = actor
        self.clinic = ""
        self.dialog: LockDialog | None = None
        self.covers: list[LockCover] = []
        self.watcher = IdleWatcher(self, timeout_ms)
        self.watcher.idle.connect(self.lock)

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self.watcher.set_timeout_ms(timeout_ms)

    def lock(self) -> None:
        if self.locked or not self.window.isVisible():
            return
        self.watcher.pause()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        for widget in self._session_windows():
            self.covers.append(LockCover(widget, self.clinic))
        self.dialog = LockDialog(self.ctx, self.actor, self.window)
        self.dialog.unlocked.connect(self.unlock)
        self.dialog.switch_requested.connect(self._switch)
        self.dialog.open()
        self.locked_changed.emit(True)

    def unlock(self) -> None:
        if self.dialog is None:
            return
        self._remove_covers()
        dialog, self.dialog = self.dialog, None
        dialog.finish()
        dialog.deleteLater()
        self.watcher.resume()
        self.locked_changed.emit(False)

    def _switch(self) -> None:
        """Close everything the first person had open, then end their session."""
        lock = self.dialog
        for widget in self._session_windows():
            if widget is self.window:
                continue
            if isinstance(widget, QDialog):
                # done(), not reject(): a dialog that refuses to close mid-command
                # must still go; its command finishes on its own.
                widget.done(QDialog.DialogCode.Rejected)
            else:
                widget.close()
        self._remove_covers()
        self.dialog = None
        if lock is not None:
            lock.finish()
            lock.deleteLater()
        self.locked_changed.emit(False)
        # After the closed dialogs' event loops have unwound.
        QTimer.singleShot(0, self.switch_user.emit)

    def _session_windows(self) -> list[QWidget]:
        windows = [self.window]
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or widget is self.dialog or not widget.isVisible():
                continue
            if widget.isWindow() and not isinstance(widget, LockDialog):
                windows.append(widget)
        return windows

    def _remove_covers(self) -> None:
        for cover in self.covers:
            # A dialog closed meanwhile took its cover with it.
            if shiboken6.isValid(cover):
                cover.hide()
                cover.deleteLater()
        self.covers = []
