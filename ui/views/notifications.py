"""Notifications (placeholder until its feature lands)."""

from __future__ import annotations

from ui.views.placeholder import PlaceholderView


class NotificationsView(PlaceholderView):
    TITLE = "Notifications"
    MESSAGE = "Your notifications — coming with reminders"
    DETAILS = "Booking changes, exchange requests and reminders addressed to you appear here."
