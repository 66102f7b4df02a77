"""My schedule (placeholder until its feature lands)."""

from __future__ import annotations

from ui.views.placeholder import PlaceholderView


class MyScheduleView(PlaceholderView):
    TITLE = "My schedule"
    MESSAGE = "Weekly schedule editor — coming with availability"
    DETAILS = (
        "Drag blocks on a week grid, add date exceptions, and set buffers, notice and horizon."
    )
