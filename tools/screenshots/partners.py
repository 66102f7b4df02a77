"""Screenshots of the partner screens: a CSV import's preview with two bad rows,
a usage report and the credit packs (numbered from 55).

Rendering only reads: the sample CSV is written to a temporary file and
previewed, never imported.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from tools.screenshots.support import close, open_window, save, show_dialog, wait_until
from ui.credits.page import CreditsView
from ui.kit.ops import pending_operations

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


def render_partner_screens(ctx: AppContext, manager: Actor, out_dir: Path) -> list[Path]:
    window = open_window(ctx, manager)
    paths: list[Path] = []
    try:
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
                paths.append(show_dialog(window, dialog, out_dir / "55-partner-import-preview.png"))
                # Cancelled: the preview imported nothing, and nothing is.
                dialog.reject()

            report = view.usage_report()
            assert report is not None
            wait_until(lambda: report.is_loaded() and pending_operations() == 0)
            usage = report.usage
            if usage is not None and not usage.rows:
                # Last month was quiet: the last three months, which the demo fills.
                report.set_period(view.today - timedelta(days=90), view.today)
            paths.append(show_dialog(window, report, out_dir / "56-partner-usage.png"))
            report.close()

        view.tabs.setCurrentWidget(view.packs)
        wait_until(settled)
        if view.packs.model.rows:
            view.packs.table.selectRow(0)
        paths.append(save(window, out_dir / "57-credit-packs.png"))
    finally:
        close(window)
    return paths
