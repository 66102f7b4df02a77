"""Starting the GUI: first-run wizard if needed, login, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.bootstrap import AppContext
from desktop_app.staff import queries as staff_queries
from ui.kit.resources import app_icon, style_sheet
from ui.shell.first_run import FirstRunWizard
from ui.shell.login import LoginDialog
from ui.shell.main_window import MainWindow

APPLICATION_NAME = "Clinicdesk"
# How long to let background reads finish at exit before the database closes.
SHUTDOWN_WAIT_MS = 5000


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication, created and styled on first call."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    configure_application(app)
    return app


def configure_application(app: QApplication) -> None:
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationDisplayName(APPLICATION_NAME)
    app.setOrganizationName(APPLICATION_NAME)
    app.setWindowIcon(app_icon())
    # Fusion draws the same on every platform, so the style sheet looks as designed.
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(style_sheet())


def run_gui(ctx: AppContext, argv: list[str] | None = None) -> int:
    """Run the interface over `ctx` until the user quits; returns the exit code."""
    app = ensure_application(argv)
    # Dialogs come and go between windows; only closing the main window quits.
    app.setQuitOnLastWindowClosed(False)
    # Other workstations' changes, and the link's state in the status bar.
    ctx.start_live()
    try:
        email = ""
        if not staff_queries.has_manager(ctx.db):
            wizard = FirstRunWizard(ctx)
            if wizard.exec() != QDialog.DialogCode.Accepted:
                return 0
            email = wizard.manager_email
        while True:
            login = LoginDialog(ctx, email=email)
            if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
                return 0
            window = MainWindow(ctx, login.actor)
            window.closed.connect(app.quit)
            window.show()
            code = app.exec()
            if not window.logged_out:
                return code
            window.deleteLater()
            # The next person types their own e-mail.
            email = ""
    finally:
        QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
