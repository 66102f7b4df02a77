"""Command handlers. Importing this package registers all of them on the bus."""

from desktop_app.services import clinic, demo, staff

__all__ = ["clinic", "demo", "staff"]
