"""Screenshots of the settings: the e-mail server filled in (60) and the
template editor with its preview (61).

The form is filled in as a manager would type it but never saved: rendering
writes nothing to the database or to the keyring.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from tools.screenshots.support import application, close, open_window, save, wait_until
from ui.kit.ops import pending_operations
from ui.settings.page import EMAIL_TAB, TEMPLATES_TAB, SettingsView

EXAMPLE_SERVER = "smtp.example.org"


def fill_email_example(view: SettingsView) -> None:
    """Type a typical server into the e-mail tab (unsaved)."""
    tab = view.email_tab
    tab.host.setText(EXAMPLE_SERVER)
    tab.security.setCurrentIndex(tab.security.findData("starttls"))
    tab.port.setValue(587)
    tab.user.setText("reception")
    tab.password.setText("not-a-real-password")
    tab.sender_address.setText("reception@riverside.example")
    tab.reminders.setText("24 h, 2 h")
    tab.confirmations.setChecked(True)


def show_template_example(view: SettingsView) -> None:
    """The reminder template with a line added, its preview beside it (unsaved)."""
    tab = view.templates_tab
    tab.show_kind("reminder")
    body = tab.body.toPlainText()
    marker = "\n\nIf you cannot come"
    if marker in body:
        extra = "\n\nPlease arrive five minutes early; {where} is on the first floor."
        tab.body.setPlainText(body.replace(marker, extra + marker, 1))


def render_settings_screens(ctx: AppContext, manager: Actor, out_dir: Path) -> list[Path]:
    application()
    out_dir.mkdir(parents=True, exist_ok=True)
    window = open_window(ctx, manager)
    paths: list[Path] = []
    try:
        view = window.show_page("settings")
        assert isinstance(view, SettingsView)
        view.ensure_loaded()
        wait_until(lambda: view.is_loaded() and pending_operations() == 0)

        view.tabs.setCurrentIndex(EMAIL_TAB)
        fill_email_example(view)
        wait_until(lambda: True)
        paths.append(save(window, out_dir / "60-settings-email.png"))

        view.tabs.setCurrentIndex(TEMPLATES_TAB)
        show_template_example(view)
        wait_until(lambda: True)
        paths.append(save(window, out_dir / "61-settings-templates.png"))
    finally:
        close(window)
    return paths
