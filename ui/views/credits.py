"""Credits & partners (placeholder until its feature lands)."""

from __future__ import annotations

from ui.views.placeholder import PlaceholderView


class CreditsView(PlaceholderView):
    TITLE = "Credits & partners"
    MESSAGE = "Credit balances and partner organisations — coming with credits"
    DETAILS = "Ledgers, credit packs, partner allocations, CSV import of employees and expiry."
