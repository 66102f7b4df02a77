"""My sessions (placeholder until its feature lands)."""

from __future__ import annotations

from ui.views.placeholder import PlaceholderView


class MySessionsView(PlaceholderView):
    TITLE = "My sessions"
    MESSAGE = "Your sessions and private notes — coming with session notes"
    DETAILS = "Your day and week, with notes only you can read."
