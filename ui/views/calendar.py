"""Calendar (placeholder until its feature lands)."""

from __future__ import annotations

from ui.views.placeholder import PlaceholderView


class CalendarView(PlaceholderView):
    TITLE = "Calendar"
    MESSAGE = "Day, week and month calendar — coming with booking"
    DETAILS = (
        "One or several practitioners side by side; drag an "
        "appointment to move it, click free time to book."
    )
