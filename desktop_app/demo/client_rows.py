"""The demo clinic's clients, and its partner organisations with their allocations."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from desktop_app.demo import catalogue as cat
from desktop_app.demo.build import DemoBuild, ascii_slug, phone_number, seconds, uid
from models.enums import AllocationStatus


def add_clients(g: DemoBuild) -> None:
    rng = g.rng("clients")
    emails: set[str] = set()
    g.client_rows = []
    latest_created = g.first_day - timedelta(days=30)
    for _ in range(g.spec.clients):
        first = rng.choice(cat.FIRST_NAMES)
        last = rng.choice(cat.SURNAMES)
        if rng.random() < 0.04:
            last = f"{last}-{rng.choice(cat.SURNAMES)}"
        full_name = f"{first} {last}"
        email: str | None = None
        if rng.random() < 0.85:
            base = f"{ascii_slug(first)}.{ascii_slug(last)}"
            domain = rng.choice(cat.EMAIL_DOMAINS)
            email = f"{base}@{domain}"
            n = 1
            while email in emails:
                n += 1
                email = f"{base}{n}@{domain}"
            emails.add(email)
        phone = phone_number(rng) if email is None or rng.random() < 0.85 else None
        age_days = rng.randint(18 * 365, 85 * 365)
        created_at = datetime.combine(latest_created, time(9), UTC) - seconds(rng, 0, 1100 * 86400)
        archived_at = None
        if rng.random() < 0.02:
            archived_at = created_at + (g.now - created_at) * rng.random()
        intake: dict[str, str] = {}
        if rng.random() < 0.4:
            intake = {
                "referral": rng.choice(cat.REFERRAL_SOURCES),
                "concern": rng.choice(cat.INTAKE_CONCERNS),
            }
        emergency = rng.random() < 0.4
        row = {
            "id": uid(rng),
            "full_name": full_name,
            "date_of_birth": g.today - timedelta(days=age_days),
            "email": email,
            "phone": phone,
            "address": (
                f"{rng.randint(1, 120)} {rng.choice(cat.STREETS)}, {cat.TOWN}"
                if rng.random() < 0.6
                else None
            ),
            "emergency_contact_name": (
                f"{rng.choice(cat.FIRST_NAMES)} {last}" if emergency else None
            ),
            "emergency_contact_phone": phone_number(rng) if emergency else None,
            "notes": rng.choice(cat.CLIENT_NOTES) if rng.random() < 0.08 else "",
            "intake": intake,
            "partner_organisation_id": None,
            "created_at": created_at,
            "archived_at": archived_at,
        }
        g.client_rows.append(row)
    g.tables["client"] = g.client_rows


def add_partners(g: DemoBuild) -> None:
    rng = g.rng("partners")
    g.allocations = []
    # Allocations by client index, for paying partner sessions later.
    g.client_allocations = defaultdict(list)
    candidates = [i for i, c in enumerate(g.client_rows) if c["archived_at"] is None]
    rng.shuffle(candidates)
    next_candidate = 0
    g.partner_clients = set()
    for org_name, contact, domain in cat.PARTNER_ORGANISATIONS[: g.spec.partner_organisations]:
        credits = rng.choice((3, 4, 6))
        validity = rng.choice((180, 365))
        org_id = uid(rng)
        g.tables["partner_organisation"].append(
            {
                "id": org_id,
                "name": org_name,
                "contact_name": contact,
                "contact_email": f"people@{domain}",
                "default_credits": credits,
                "session_duration_min": 25,
                "validity_days": validity,
                "created_at": g.now - timedelta(days=validity + 400),
            }
        )
        emails: set[str] = set()
        for _ in range(g.spec.allocations_per_organisation):
            roll = rng.random()
            client_index: int | None = None
            if roll < 0.65 and next_candidate < len(candidates):
                client_index = candidates[next_candidate]
                next_candidate += 1
                client = g.client_rows[client_index]
                first, _, last = client["full_name"].partition(" ")
            else:
                first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.SURNAMES)
            base = f"{ascii_slug(first)}.{ascii_slug(last)}"
            email = f"{base}@{domain}"
            n = 1
            while email in emails:
                n += 1
                email = f"{base}{n}@{domain}"
            emails.add(email)
            status = AllocationStatus.ACTIVE
            if client_index is not None and rng.random() < 0.12:
                # Given long ago: it has lapsed.
                allocated_at = (
                    g.now - timedelta(days=validity) - seconds(rng, 10 * 86400, 60 * 86400)
                )
            elif client_index is None and roll > 0.95:
                status = AllocationStatus.REVOKED
                allocated_at = g.now - seconds(rng, 30 * 86400, 150 * 86400)
            else:
                allocated_at = g.now - seconds(rng, 5 * 86400, 100 * 86400)
            revoked = status is AllocationStatus.REVOKED
            row = {
                "id": uid(rng),
                "organisation_id": org_id,
                "employee_email": email,
                "employee_name": f"{first} {last}",
                "client_id": None,
                "credits": credits,
                "session_duration_min": 25,
                "status": status,
                "allocated_at": allocated_at,
                "allocated_by_id": g.manager_id,
                "expires_at": allocated_at + timedelta(days=validity),
                "revoked_at": allocated_at + timedelta(days=7) if revoked else None,
                "revoked_by_id": g.manager_id if revoked else None,
                "revoke_reason": "Left the company" if revoked else None,
            }
            if client_index is not None:
                client = g.client_rows[client_index]
                client["partner_organisation_id"] = org_id
                client["email"] = email
                row["client_id"] = client["id"]
                g.client_allocations[client_index].append(row)
                g.partner_clients.add(client_index)
            g.allocations.append(row)
    g.tables["partner_allocation"] = g.allocations
