"""The demo's session notes and staff notifications."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from desktop_app.demo import catalogue as cat
from desktop_app.demo.build import DemoBuild, seconds, uid
from desktop_app.demo.dataset import Row
from models.enums import AppointmentStatus, PractitionerStatus


def add_notes_and_notifications(g: DemoBuild) -> None:
    rng = g.rng("notes")
    notes: list[Row] = []
    for row, c in g.appointment_meta:
        p = g.practitioners[c.practitioner]
        if (
            row["status"] is AppointmentStatus.COMPLETED
            and "partner" in p.service_keys
            and rng.random() < 0.35
        ):
            written = min(row["ends_at"] + seconds(rng, 300, 7200), g.now)
            notes.append(
                {
                    "id": uid(rng),
                    "appointment_id": row["id"],
                    "author_id": p.account_id,
                    "body": rng.choice(cat.SESSION_NOTES),
                    "written_at": written,
                }
            )
    g.tables["session_note"] = notes

    out = g.tables["notification"]

    def notify(to: uuid.UUID, kind: str, text: str, at: datetime, read: bool) -> None:
        out.append(
            {
                "id": uid(rng),
                "recipient_id": to,
                "kind": kind,
                "text": text,
                "created_at": at,
                "read_at": at + seconds(rng, 300, 86400) if read else None,
                "expires_at": at + timedelta(days=30),
            }
        )

    for p in g.practitioners:
        if p.status is PractitionerStatus.APPLIED:
            notify(
                g.manager_id,
                "practitioner_application",
                f"New application from {p.name} ({p.profession.name.lower()}).",
                g.now - seconds(rng, 3600, 86400),
                read=False,
            )
        elif p.status is PractitionerStatus.SUSPENDED:
            notify(
                g.manager_id,
                "practitioner_suspended",
                f"{p.name} is suspended until their insurance is renewed.",
                g.now - seconds(rng, 3 * 86400, 4 * 86400),
                read=True,
            )
    recent = [
        (row, c)
        for row, c in g.appointment_meta
        if row["starts_at"] > g.now and g.now - row["created_at"] < timedelta(days=3)
    ]
    per_practitioner: dict[int, int] = defaultdict(int)
    for row, c in recent:
        if per_practitioner[c.practitioner] >= 2:
            continue
        per_practitioner[c.practitioner] += 1
        p = g.practitioners[c.practitioner]
        client = g.client_rows[c.client]["full_name"]
        when = row["starts_at"].astimezone(g.tz)
        service = g.services[c.service]["name"]
        if row["status"] is AppointmentStatus.CANCELLED:
            notify(
                rng.choice(g.desk_ids),
                "appointment_cancelled",
                f"{client} cancelled {row['reference']} on {when:%a %d %b at %H:%M}.",
                row["cancelled_at"],
                read=rng.random() < 0.5,
            )
        else:
            notify(
                p.account_id,
                "appointment_booked",
                f"New booking: {client}, {service}, {when:%a %d %b at %H:%M}.",
                row["created_at"],
                read=rng.random() < 0.5,
            )
    out.sort(key=lambda r: (r["created_at"], r["id"]))
