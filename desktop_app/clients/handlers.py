"""Handlers for client records: register, edit, archive (never delete)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select

from desktop_app.clients.commands import ArchiveClient, RegisterClient, UpdateClient
from desktop_app.clients.errors import DuplicateClient, PossibleDuplicate
from desktop_app.clients.events import ClientChanged
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import NotFound, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.text_search import client_search_key, digits
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import normalise_email, require_text
from models import Client, Role

CLIENT_EDITORS = frozenset({Role.FRONT_DESK, Role.MANAGER, Role.PRACTITIONER})

_MIN_PHONE_DIGITS = 6


@dataclass(frozen=True)
class _Contact:
    full_name: str
    phone: str | None
    email: str | None


def _clean(full_name: str, phone: str | None, email: str | None) -> _Contact:
    name = require_text(full_name, "client's name")
    phone = " ".join(phone.split()) if phone and phone.strip() else None
    if phone is not None and len(digits(phone)) < _MIN_PHONE_DIGITS:
        raise ValidationError(f"{phone!r} does not look like a phone number.")
    email = normalise_email(email) if email and email.strip() else None
    if phone is None and email is None:
        raise ValidationError("Give a phone number or an e-mail address, so we can reach them.")
    return _Contact(name, phone, email)


def find_duplicates(
    uow: UnitOfWork, contact: _Contact, exclude: uuid.UUID | None = None
) -> list[PossibleDuplicate]:
    conditions = []
    if contact.email:
        conditions.append(Client.email == contact.email)
    phone_digits = digits(contact.phone or "")
    if phone_digits:
        # Narrow in SQL on the digits' tail, then compare whole digit strings,
        # so "07700 900123" and "07700-900-123" are the same number.
        conditions.append(Client.search_key.contains(phone_digits[-_MIN_PHONE_DIGITS:]))
    if not conditions:
        return []
    stmt = select(Client).where(Client.archived_at.is_(None), or_(*conditions))
    if exclude is not None:
        stmt = stmt.where(Client.id != exclude)
    found = []
    for c in uow.session.scalars(stmt.limit(50)):
        if contact.email and c.email == contact.email:
            found.append(PossibleDuplicate(c.id, c.full_name, c.phone, c.email, "e-mail"))
        elif phone_digits and digits(c.phone or "") == phone_digits:
            found.append(PossibleDuplicate(c.id, c.full_name, c.phone, c.email, "phone"))
    return found


def _live_client(uow: UnitOfWork, client_id: uuid.UUID) -> Client:
    client = uow.session.get(Client, client_id)
    if client is None:
        raise NotFound("That client does not exist.")
    if client.archived_at is not None:
        raise ValidationError(f"{client.full_name} is archived; restore the record first.")
    return client


def register_client(uow: UnitOfWork, cmd: RegisterClient, actor: Actor) -> Outcome:
    contact = _clean(cmd.full_name, cmd.phone, cmd.email)
    if not cmd.allow_duplicate and (matches := find_duplicates(uow, contact)):
        raise DuplicateClient(matches)
    client = Client(
        full_name=contact.full_name,
        phone=contact.phone,
        email=contact.email,
        date_of_birth=cmd.date_of_birth,
        notes=cmd.notes.strip(),
        emergency_contact_name=(cmd.emergency_contact_name or "").strip() or None,
        emergency_contact_phone=(cmd.emergency_contact_phone or "").strip() or None,
        created_at=uow.clock.now(),
        search_key=client_search_key(contact.full_name, contact.email, contact.phone),
    )
    uow.session.add(client)
    uow.session.flush()
    uow.emit(ClientChanged(client.id))
    return Outcome(result=client.id, target=f"client:{client.id}")


def update_client(uow: UnitOfWork, cmd: UpdateClient, actor: Actor) -> Outcome:
    client = _live_client(uow, cmd.client_id)
    contact = _clean(cmd.full_name, cmd.phone, cmd.email)
    if contact.email and (
        clash := [m for m in find_duplicates(uow, contact, client.id) if m.matched_on == "e-mail"]
    ):
        raise DuplicateClient(clash)
    before = {"full_name": client.full_name, "phone": client.phone, "email": client.email}
    client.full_name = contact.full_name
    client.phone = contact.phone
    client.email = contact.email
    client.date_of_birth = cmd.date_of_birth
    client.notes = cmd.notes.strip()
    client.emergency_contact_name = (cmd.emergency_contact_name or "").strip() or None
    client.emergency_contact_phone = (cmd.emergency_contact_phone or "").strip() or None
    client.search_key = client_search_key(contact.full_name, contact.email, contact.phone)
    uow.emit(ClientChanged(client.id))
    return Outcome(target=f"client:{client.id}", changes={"before": before})


def archive_client(uow: UnitOfWork, cmd: ArchiveClient, actor: Actor) -> Outcome:
    client = _live_client(uow, cmd.client_id)
    require_text(cmd.reason, "reason for archiving", 500)
    client.archived_at = uow.clock.now()
    uow.emit(ClientChanged(client.id))
    return Outcome(target=f"client:{client.id}")


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    RegisterClient: HandlerSpec(register_client, roles=CLIENT_EDITORS),
    UpdateClient: HandlerSpec(update_client, roles=CLIENT_EDITORS),
    ArchiveClient: HandlerSpec(archive_client, roles=frozenset({Role.FRONT_DESK, Role.MANAGER})),
}
