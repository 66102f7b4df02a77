"""Which pages exist, in which order, and who sees them (DESIGN §1, §7).

Hiding a page is a convenience, not security: the core checks every command's
permission whatever the interface shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtWidgets import QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from models.enums import Role
from ui.audit.page import AuditLogView
from ui.calendar.page import CalendarView
from ui.clients.page import ClientsView
from ui.credits.page import CreditsView
from ui.kit.page import View
from ui.notifications.page import NotificationsView
from ui.practitioners.my_application import MyApplicationView
from ui.practitioners.my_profile import MyProfileView
from ui.practitioners.page import PractitionersView
from ui.reports.page import ReportsView
from ui.schedule.my_sessions import MySessionsView
from ui.schedule.page import MyScheduleView
from ui.settings.page import SettingsView
from ui.staff.page import StaffView
from ui.today.page import TodayView

ViewFactory = Callable[[Core, Actor, QWidget | None], View]

DESK = Role.FRONT_DESK
PRACTITIONER = Role.PRACTITIONER
MANAGER = Role.MANAGER


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    roles: frozenset[Role]
    factory: ViewFactory
    # The title for someone who has the page without `owner_role` (a manager
    # editing other people's schedules has no schedule of their own).
    owner_role: Role | None = None
    others_title: str = ""


PAGES: tuple[Page, ...] = (
    Page("today", "Today", frozenset({DESK, MANAGER}), TodayView),
    # A practitioner's own schedule; a manager edits anyone's on their behalf.
    Page(
        "my_schedule",
        "My schedule",
        frozenset({PRACTITIONER, MANAGER}),
        MyScheduleView,
        owner_role=PRACTITIONER,
        others_title="Schedules",
    ),
    Page("calendar", "Calendar", frozenset({DESK, PRACTITIONER, MANAGER}), CalendarView),
    Page("clients", "Clients", frozenset({DESK, MANAGER}), ClientsView),
    Page("my_sessions", "My sessions", frozenset({PRACTITIONER}), MySessionsView),
    Page("my_profile", "My profile", frozenset({PRACTITIONER}), MyProfileView),
    Page("credits", "Credits & partners", frozenset({DESK, MANAGER}), CreditsView),
    Page("practitioners", "Practitioners", frozenset({MANAGER}), PractitionersView),
    Page("reports", "Reports", frozenset({DESK, PRACTITIONER, MANAGER}), ReportsView),
    Page(
        "notifications",
        "Notifications",
        frozenset({DESK, PRACTITIONER, MANAGER}),
        NotificationsView,
    ),
    Page("audit_log", "Audit log", frozenset({MANAGER}), AuditLogView),
    Page("settings", "Settings", frozenset({MANAGER}), SettingsView),
    # Last, so the pages before it keep their Ctrl+number.
    Page("staff", "Staff", frozenset({MANAGER}), StaffView),
    # Only for an account with no role to act in (see pages_for).
    Page("my_application", "My application", frozenset(), MyApplicationView),
)

NO_ROLE_PAGES = ("my_application",)


def pages_for(actor: Actor) -> list[Page]:
    if not actor.roles and not actor.is_system:
        # An applicant not yet approved (or a practitioner suspended or rejected)
        # has no effective role: they follow their application, nothing else.
        return [page for page in PAGES if page.key in NO_ROLE_PAGES]
    return [_titled_for(page, actor) for page in PAGES if actor.has_any(page.roles)]


def _titled_for(page: Page, actor: Actor) -> Page:
    if page.owner_role is None or page.owner_role in actor.roles or not page.others_title:
        return page
    return replace(page, title=page.others_title)
