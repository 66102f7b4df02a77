"""The demo clinic generator: a pure function from (size, seed, now) to rows.

No database and no wall clock here: the handler in demo/handlers.py inserts
what `generate` returns. Every random choice comes from `random.Random`
instances derived from the seed, one per part of the clinic, so the same seed
and the same "now" give the same clinic, ids included, and changing how one
part is generated leaves the others as they were.

Appointments are laid out the way a diary fills up: each practitioner's
opening hours (weekly blocks, date overrides, recurring exceptions, clinic
holidays, buffers, daily maximum) are packed with sessions on the schedule's
grid, then a weighted sample keeps the share a busy clinic would have booked
(fuller in the past and the coming days than in a few weeks' time). The
result never overlaps per practitioner and always lies inside the hours the
slot engine would offer.
"""

from __future__ import annotations

from datetime import datetime

from desktop_app.demo import catalogue as cat
from desktop_app.demo.build import DemoBuild
from desktop_app.demo.client_rows import add_clients, add_partners
from desktop_app.demo.clinic_rows import add_clinic, add_staff
from desktop_app.demo.dataset import SIZES, DemoDataset, DemoSummary
from desktop_app.demo.diary import add_appointments, assign_caseloads
from desktop_app.demo.ledger_rows import add_ledger
from desktop_app.demo.notes import add_notes_and_notifications
from desktop_app.kernel.text_search import client_search_key
from models import Base
from models.enums import PractitionerStatus


def generate(size: str, seed: int, now: datetime, password_hash: str) -> DemoDataset:
    """The rows of a demo clinic of `size` ("small" or "large") as of `now`."""
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}")
    return _assemble(DemoBuild(size, seed, now, password_hash))


def _assemble(g: DemoBuild) -> DemoDataset:
    add_clinic(g)
    add_staff(g)
    add_clients(g)
    add_partners(g)
    for row in g.client_rows:
        row["search_key"] = client_search_key(row["full_name"], row["email"], row["phone"])
    assign_caseloads(g)
    add_appointments(g)
    add_ledger(g)
    add_notes_and_notifications(g)
    order = (
        "clinic_setting",
        "staff_account",
        "staff_role",
        "service",
        "credit_pack",
        "clinic_holiday",
        "practitioner",
        "practitioner_decision",
        "service_practitioner",
        "schedule_settings",
        "weekly_rule",
        "weekly_rule_service",
        "date_override",
        "override_block",
        "recurring_exception",
        "partner_organisation",
        "client",
        "partner_allocation",
        "appointment",
        "payment",
        "credit_entry",
        "session_note",
        "notification",
    )
    tables = [(Base.metadata.tables[name], g.tables.get(name, [])) for name in order]
    bookable = sum(p.status is PractitionerStatus.APPROVED for p in g.practitioners)
    summary = DemoSummary(
        size=g.size,
        seed=g.seed,
        clinic_name=cat.CLINIC_NAME,
        password=cat.DEMO_PASSWORD,
        logins=tuple(g.logins),
        staff_accounts=len(g.tables["staff_account"]),
        practitioners=len(g.practitioners),
        bookable_practitioners=bookable,
        services=len(g.tables["service"]),
        clients=len(g.client_rows),
        appointments=len(g.tables["appointment"]),
        payments=len(g.tables["payment"]),
        credit_entries=len(g.tables["credit_entry"]),
        partner_organisations=len(g.tables["partner_organisation"]),
        partner_allocations=len(g.allocations),
        clinic_holidays=len(g.tables["clinic_holiday"]),
        notifications=len(g.tables["notification"]),
        session_notes=len(g.tables["session_note"]),
    )
    return DemoDataset(tables=tables, summary=summary)
