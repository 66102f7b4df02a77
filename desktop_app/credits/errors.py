"""What the credit ledger refuses."""

from __future__ import annotations

from desktop_app.kernel.errors import Conflict


class NotEnoughCredits(Conflict):
    """The client's usable credits do not cover what is asked."""

    def __init__(self, message: str, *, usable: int, needed: int) -> None:
        self.usable = usable
        self.needed = needed
        super().__init__(message)


class LedgerRefused(Conflict):
    """The database refused a ledger entry for a reason other than the balance."""
