"""run_in_background: work on a worker, outcome on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.kernel.errors import ValidationError
from ui.kit.ops import run_in_background


def test_result_is_delivered_on_the_gui_thread(qtbot: QtBot) -> None:
    parent = QObject()
    ran_on: list[int] = []
    delivered: list[tuple[int, bool]] = []

    def work() -> int:
        ran_on.append(threading.get_ident())
        return 42

    op = run_in_background(
        parent,
        work,
        lambda result: delivered.append(
            (result, QThread.currentThread() is QApplication.instance().thread())  # type: ignore[union-attr]
        ),
        lambda exc: None,
    )
    with qtbot.waitSignal(op.finished):
        pass
    assert delivered == [(42, True)]
    assert ran_on != [threading.get_ident()]
    assert op.done


def test_exception_goes_to_on_error(qtbot: QtBot) -> None:
    parent = QObject()
    errors: list[BaseException] = []

    def work() -> None:
        raise ValidationError("The name must not be empty.")

    op = run_in_background(parent, work, lambda _: None, errors.append)
    with qtbot.waitSignal(op.finished):
        pass
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)


def test_no_callback_after_the_parent_is_gone(qtbot: QtBot) -> None:
    parent = QWidget()
    release = threading.Event()
    called: list[object] = []

    def work() -> int:
        release.wait(5)
        return 1

    op = run_in_background(parent, work, called.append, called.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent))
    release.set()
    with qtbot.waitSignal(op.finished):
        pass
    assert called == []


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
