"""Screenshots of the partner screens: a CSV import's preview with two bad rows,
a usage report and the credit packs (numbered from 55).

Rendering only reads: the sample CSV is written to a temporary file and
previewed, never imported.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from ui.credits.page import CreditsView
from ui.kit.ops import pending_operations
from ui.shell.main_window import MainWindow

SAMPLE_EMPLOYEES = (
    ("Hannah Price", ""),
    ("Tariq Mahmood", "2"),
    ("Sophie Laurent", ""),
    ("Kwame Boateng", ""),
    ("Mei Lin", "4"),
    ("Rory Gallagher", ""),
)


def sample_csv(domain: str) -> str:
    """A believable employee list with two mistakes: a mistyped e-mail and a
    person listed twice."""
    lines = ["E-mail,Name,Credits"]
    for name, credits in SAMPLE_EMPLOYEES:
        first, last = name.lower().split()
        lines.append(f"{first}.{last}@{domain},{name},{credits}")
    lines.insert(3, f"daniel.okoro@@{domain},Daniel Okoro,")
    lines.append(f"tariq.mahmood@{domain},Tariq Mahmood,1")
    return "\n".join(lines) + "\n"


def _helpers() -> tuple[
    Callable[..., None],
    Callable[[QWidget, Path], Path],
    Callable[[QWidget, QWidget, Path], Path],
    Callable[..., None],
]:
    # ui.screenshots imports the account series, which these reuse; importing
    # them at call time keeps the modules free of cycles.
    from tools.screenshots import accounts
    from tools.screenshots import render as screenshots

    return (
        screenshots.wait_until,
        screenshots._save,
        accounts._with_dialog,
        accounts._centre_over,
    )


def render_partner_screens(ctx: AppContext, manager: Actor, out_dir: Path) -> list[Path]:
    from tools.screenshots import render as screenshots

    wait_until, save, _with_dialog, _centre_over = _helpers()
    window = MainWindow(ctx, manager)
    window.resize(screenshots.WINDOW_SIZE)
    window.show()
    paths: list[Path] = []
    try:
        wait_until(lambda: window.clinic_settings is not None)
        view = window.show_page("credits")
        assert isinstance(view, CreditsView)

        def settled() -> bool:
            return view.is_loaded() and pending_operations() == 0

        view.ensure_loaded()
        wait_until(settled)
        view.show_example()
        wait_until(settled)
        organisation = view.selected_organisation()
        if organisation is not None:
            contact = organisation.organisation.contact_email or ""
            domain = contact.partition("@")[2] or "employer.example"
            with tempfile.TemporaryDirectory(prefix="clinicdesk-shots-") as folder:
                sample = Path(folder) / "employees.csv"
                sample.write_text(sample_csv(domain), encoding="utf-8")
                dialog = view.import_csv(sample)
                assert dialog is not None
                paths.append(
                    _dialog_shot(window, dialog, out_dir / "55-partner-import-preview.png")
                )
                # Cancelled: the preview imported nothing, and nothing is.
                dialog.reject()

            report = view.usage_report()
            assert report is not None
            wait_until(lambda: report.is_loaded() and pending_operations() == 0)
            usage = report.usage
            if usage is not None and not usage.rows:
                # Last month was quiet: the last three months, which the demo fills.
                report.set_period(view.today - timedelta(days=90), view.today)
            paths.append(_dialog_shot(window, report, out_dir / "56-partner-usage.png"))
            report.close()

        view.tabs.setCurrentWidget(view.packs)
        wait_until(settled)
        if view.packs.model.rows:
            view.packs.table.selectRow(0)
        paths.append(save(window, out_dir / "57-credit-packs.png"))
    finally:
        window.close()
        window.deleteLater()
    return paths


def _dialog_shot(window: QWidget, dialog: QDialog, path: Path) -> Path:
    wait_until, _save, with_dialog, centre_over = _helpers()
    wait_until(lambda: dialog.isVisible())
    wait_until(lambda: getattr(dialog, "is_loaded", lambda: True)() and pending_operations() == 0)
    centre_over(dialog, window)
    wait_until(lambda: True)
    return with_dialog(window, dialog, path)
