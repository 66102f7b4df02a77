"""What the demo generator makes: the sizes it builds, its rows and its summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

Row = dict[str, Any]


@dataclass(frozen=True)
class SizeSpec:
    practitioners: int
    desks: int
    clients: int
    weeks_back: int
    weeks_ahead: int
    # None: keep `fill` of the diary's capacity.
    appointments: int | None
    fill: float
    partner_organisations: int
    allocations_per_organisation: int


SIZES = {
    "small": SizeSpec(
        practitioners=10,
        desks=2,
        clients=300,
        weeks_back=2,
        weeks_ahead=2,
        appointments=None,
        fill=0.72,
        partner_organisations=2,
        allocations_per_organisation=12,
    ),
    # 100 000 appointments do not fit 100 practitioners' hours in four months,
    # so the past reaches back about half a year; the future is ~60 days.
    "large": SizeSpec(
        practitioners=100,
        desks=6,
        clients=100_000,
        weeks_back=26,
        weeks_ahead=9,
        appointments=100_000,
        fill=0.8,
        partner_organisations=10,
        allocations_per_organisation=300,
    ),
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    size: str
    seed: int
    clinic_name: str
    password: str
    logins: tuple[DemoLogin, ...]
    staff_accounts: int
    practitioners: int
    bookable_practitioners: int
    services: int
    clients: int
    appointments: int
    payments: int
    credit_entries: int
    partner_organisations: int
    partner_allocations: int
    clinic_holidays: int
    notifications: int
    session_notes: int

    def counts(self) -> dict[str, int]:
        return {
            "staff_accounts": self.staff_accounts,
            "practitioners": self.practitioners,
            "bookable_practitioners": self.bookable_practitioners,
            "services": self.services,
            "clients": self.clients,
            "appointments": self.appointments,
            "payments": self.payments,
            "credit_entries": self.credit_entries,
            "partner_organisations": self.partner_organisations,
            "partner_allocations": self.partner_allocations,
            "clinic_holidays": self.clinic_holidays,
            "notifications": self.notifications,
            "session_notes": self.session_notes,
        }

    def describe(self, max_logins: int = 15) -> str:
        """A few lines for the command line: what was made and how to log in."""
        lines = [
            f"Seeded the {self.size} demo clinic “{self.clinic_name}” (seed {self.seed}): "
            f"{self.practitioners} practitioners ({self.bookable_practitioners} bookable), "
            f"{self.clients} clients, {self.appointments} appointments, "
            f"{self.credit_entries} credit entries, {self.payments} payments.",
            f"Logins (password for all: {self.password}):",
        ]
        for login in self.logins[:max_logins]:
            lines.append(f"  {login.email:<34} {login.name} — {login.role}")
        if len(self.logins) > max_logins:
            rest = self.logins[max_logins:]
            lines.append(
                f"  … and {len(rest)} more ({rest[0].email} to {rest[-1].email})",
            )
        return "\n".join(lines)


@dataclass
class DemoDataset:
    # In an order that satisfies every foreign key.
    tables: list[tuple[Table, list[Row]]]
    summary: DemoSummary
