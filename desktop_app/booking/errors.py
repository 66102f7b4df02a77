"""What booking refuses, with what the desk needs to offer instead."""

from __future__ import annotations

from desktop_app.availability import slot_engine as engine
from desktop_app.kernel.errors import Conflict, ValidationError


class SlotTaken(Conflict):
    """The slot went to someone else; `alternatives` are the next free ones."""

    def __init__(self, alternatives: list[engine.Slot]) -> None:
        self.alternatives = alternatives
        super().__init__("That slot was just taken. Choose one of the next free slots.")


class NotBookable(ValidationError):
    pass
