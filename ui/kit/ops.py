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
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.kernel.errors import ClinicdeskError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Operations in flight. Their relay objects have no Qt parent (a worker
# emits on them, so the parent must not be able to delete them mid-emit);
# this set is what keeps them alive until their result is delivered.
_pending: set[BackgroundOp[Any]] = set()
# Delivered operations whose worker may still be returning. They are released
# here, on the GUI thread, once the worker is done with them: a QObject whose
# last reference went away on a worker thread would be deleted there, which
# crashes Qt.
_delivered: list[BackgroundOp[Any]] = []


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
        self.worker_done = False
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
        _delivered.append(self)
        self.finished.emit()


def _release_delivered() -> None:
    """Drop delivered operations whose worker has returned (GUI thread only)."""
    _delivered[:] = [op for op in _delivered if not op.worker_done]


def _work(holder: list[BackgroundOp[Any]]) -> None:
    """The worker's side. It holds the operation only while running it, so
    that the last reference is always dropped on the GUI thread."""
    op = holder.pop()
    try:
        op._run()
    finally:
        op.worker_done = True
        del op


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

    _release_delivered()
    op = BackgroundOp(parent, fn, on_done, on_error)
    _pending.add(op)
    holder = [op]
    # A plain callable, not a QRunnable subclass: no Python wrapper of a
    # runnable for the pool to delete under Python's feet.
    (pool or QThreadPool.globalInstance()).start(lambda: _work(holder))
    return op


def pending_operations() -> int:
    """How many operations have not delivered their outcome yet (for tests and rendering)."""
    _release_delivered()
    return len(_pending)
