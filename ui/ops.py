"""Running slow work off the GUI thread (in the spirit of Anki's CollectionOp).

`run_in_background(parent, fn, on_done, on_error)` runs `fn` on a QThreadPool
worker. `fn` must not touch widgets. Its result, or the exception it raised,
comes back to the GUI thread through a queued signal, and the callback runs
there, but only while `parent` still exists: a view closed mid-load never gets
a callback on a deleted widget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.errors import ClinicdeskError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Operations in flight. Their relay objects have no Qt parent (a worker
# emits on them, so the parent must not be able to delete them mid-emit);
# this set is what keeps them alive until their result is delivered.
_pending: set[BackgroundOp[Any]] = set()


class BackgroundOp(QObject, Generic[T]):
    """One call of `fn` on a worker; relays its outcome to the GUI thread."""

    _succeeded = Signal(object)
    _failed = Signal(object)
    # Emitted on the GUI thread after the callback has run (success or failure).
    finished = Signal()

    def __init__(
        self,
        parent: QObject,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._parent = parent
        self._fn = fn
        self._on_done = on_done
        self._on_error = on_error
        self.done = False
        self._succeeded.connect(self._deliver_result)
        self._failed.connect(self._deliver_error)

    def _run(self) -> None:  # on the worker thread
        try:
            result = self._fn()
        except BaseException as exc:
            self._failed.emit(exc)
        else:
            self._succeeded.emit(result)

    def _parent_alive(self) -> bool:
        return shiboken6.isValid(self._parent)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        try:
            if self._parent_alive():
                self._on_done(result)
        finally:
            self._finish()

    @Slot(object)
    def _deliver_error(self, exc: Any) -> None:
        try:
            if self._parent_alive():
                self._on_error(exc)
            else:
                log.warning("background operation failed after its window closed: %r", exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        _pending.discard(self)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, op: BackgroundOp[Any]) -> None:
        super().__init__()
        self._op = op

    def run(self) -> None:
        self._op._run()


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """The default error callback: a message a person can act on."""
    if isinstance(exc, ClinicdeskError):
        text = str(exc)
    else:
        log.error("unexpected error in a background operation", exc_info=exc)
        text = f"Something went wrong: {exc}. The change was not saved; please try again."
    QMessageBox.warning(parent, "Clinicdesk", text)


def run_in_background(
    parent: QObject,
    fn: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> BackgroundOp[T]:
    """Run `fn` on a worker; call `on_done(result)` or `on_error(exc)` on the GUI thread.

    Returns the operation, whose `finished` signal fires after the callback.
    """
    if on_error is None:

        def on_error(exc: BaseException) -> None:
            show_error(parent if isinstance(parent, QWidget) else None, exc)

    op = BackgroundOp(parent, fn, on_done, on_error)
    _pending.add(op)
    (pool or QThreadPool.globalInstance()).start(_Runnable(op))
    return op


def pending_operations() -> int:
    """How many operations have not delivered their outcome yet (for tests and rendering)."""
    return len(_pending)
