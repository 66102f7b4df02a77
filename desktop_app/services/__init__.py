"""Command handlers. Importing this package registers all of them on the bus."""

from desktop_app.services import (
    availability,
    booking,
    clients,
    clinic,
    credits,
    demo,
    messages,
    partners,
    practitioners,
    scheduled,
    staff,
)

__all__ = [
    "availability",
    "booking",
    "clients",
    "clinic",
    "credits",
    "demo",
    "messages",
    "partners",
    "practitioners",
    "scheduled",
    "staff",
]
