"""A small clinic's names for the parser's tests: fixed ids, no database."""

from __future__ import annotations

import uuid
from datetime import time
from zoneinfo import ZoneInfo

from desktop_app.assistant.vocabulary import (
    ClientName,
    PractitionerName,
    ServiceName,
    Vocabulary,
)

ZONE = ZoneInfo("Europe/London")


def uid(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


SERVICES = {
    name: ServiceName(uid(name), name, minutes)
    for name, minutes in (
        ("Intake assessment", 60),
        ("Individual session", 50),
        ("Couples session", 80),
        ("Online individual session", 50),
        ("Dental check-up", 30),
        ("Dental filling", 45),
        ("Emergency dental visit", 20),
        ("Hygiene appointment", 45),
        ("Scale and polish", 30),
        ("Physiotherapy assessment", 45),
        ("Physiotherapy follow-up", 30),
    )
}
S = {key: SERVICES[name].id for key, name in {
    "intake": "Intake assessment",
    "individual": "Individual session",
    "couples": "Couples session",
    "online": "Online individual session",
    "checkup": "Dental check-up",
    "filling": "Dental filling",
    "emergency": "Emergency dental visit",
    "hygiene": "Hygiene appointment",
    "scale": "Scale and polish",
    "physio_assess": "Physiotherapy assessment",
    "physio_follow": "Physiotherapy follow-up",
}.items()}  # fmt: skip

DENTAL = frozenset({S["checkup"], S["filling"], S["emergency"]})
PRACTITIONERS = {
    "hunt": PractitionerName(uid("Sam Hunt"), "Sam Hunt", DENTAL),
    "okafor": PractitionerName(uid("Grace Okafor"), "Grace Okafor", DENTAL),
    "wood": PractitionerName(uid("Ella Wood"), "Ella Wood", frozenset({S["hygiene"], S["scale"]})),
    "patel_a": PractitionerName(
        uid("Priya Patel"), "Priya Patel", frozenset({S["individual"], S["online"], S["intake"]})
    ),
    "patel_r": PractitionerName(
        uid("Rohan Patel"), "Rohan Patel", frozenset({S["individual"], S["couples"]})
    ),
    "fox": PractitionerName(
        uid("Lewis Fox"), "Lewis Fox", frozenset({S["physio_assess"], S["physio_follow"]})
    ),
}
P = {key: p.id for key, p in PRACTITIONERS.items()}

CLIENT_NAMES = (
    ("ana1", "Ana Silva", "b. 1984"),
    ("ana2", "Ana Silva", "b. 1991"),
    ("ana_costa", "Ana Costa", ""),
    ("jurgen", "Jürgen Müller", ""),
    ("maria", "María Adeyemi", ""),
    ("wei", "Wei Wang", ""),
    ("sian", "Siân Llewellyn", ""),
    ("obrien", "Seán O'Brien", ""),
    ("zoe", "Zoë Dvořák", ""),
    ("lukasz", "Łukasz Nowak", ""),
    ("chloe", "Chloé Dubois", ""),
    ("mei", "Mei Chen", ""),
    ("oliver", "Oliver Smith", ""),
    ("olivia", "Olivia Smith", ""),
    ("james", "James Hunt", ""),
    ("bjorn", "Björn Håkansson", ""),
    ("ines", "Inès Fernández", ""),
    ("gonzalo", "Gonçalo Ferreira", ""),
    ("omer", "Ömer Yılmaz", ""),
    ("priya_c", "Priya Shah", ""),
)
C = {key: uid(f"client {key}") for key, _, _ in CLIENT_NAMES}


def vocabulary() -> Vocabulary:
    return Vocabulary(
        [ClientName(C[key], name, detail) for key, name, detail in CLIENT_NAMES],
        PRACTITIONERS.values(),
        SERVICES.values(),
        zone=ZONE,
        opening=(time(8), time(20)),
    )
