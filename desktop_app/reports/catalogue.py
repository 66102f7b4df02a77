"""Every report by name: what the page's chooser and `clinicdesk report` list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.infra.database import Database
from desktop_app.kernel.errors import ValidationError
from desktop_app.reports.attendance import no_shows
from desktop_app.reports.clients import new_and_returning
from desktop_app.reports.credits import credits
from desktop_app.reports.model import Report
from desktop_app.reports.period import Period, Scope
from desktop_app.reports.revenue import revenue
from desktop_app.reports.sources import sources
from desktop_app.reports.utilisation import utilisation

Builder = Callable[[Database, Period, Scope | None], Report]


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    description: str
    build: Builder
    # Whether a practitioner or service narrows it.
    scoped: bool = True


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "utilisation",
            "Utilisation",
            "booked ÷ scheduled hours per practitioner, and by weekday and hour",
            utilisation,
        ),
        ReportSpec(
            "revenue",
            "Revenue",
            "money taken net of refunds by method, practitioner and service; outstanding",
            revenue,
        ),
        ReportSpec(
            "credits",
            "Credits",
            "credits sold, used, expired and outstanding (the liability); partner usage",
            credits,
            scoped=False,
        ),
        ReportSpec(
            "no-shows",
            "No-shows and late cancellations",
            "missed sessions by practitioner and by client",
            no_shows,
        ),
        ReportSpec(
            "sources",
            "Booking sources",
            "front desk, phone, practitioner, assistant, exchange",
            sources,
        ),
        ReportSpec(
            "clients",
            "New and returning clients",
            "clients seen, first visits and returning clients per practitioner",
            new_and_returning,
        ),
    )
}


def build(db: Database, name: str, period: Period, scope: Scope | None = None) -> Report:
    spec = REPORTS.get(name)
    if spec is None:
        raise ValidationError(
            f"There is no report called {name!r}; the reports are {', '.join(REPORTS)}."
        )
    return spec.build(db, period, scope)
