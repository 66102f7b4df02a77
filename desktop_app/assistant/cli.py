"""`clinicdesk assistant "TEXT"`: what the assistant understands, and --book to do it."""

from __future__ import annotations

import json
from datetime import datetime

from desktop_app.assistant.loading import load_vocabulary
from desktop_app.assistant.proposals import (
    Understanding,
    ask,
    book_command,
    cancel_command,
    move_command,
)
from desktop_app.assistant.request import Action
from desktop_app.assistant.vocabulary import Vocabulary
from desktop_app.booking.results import BookingResult
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError, ValidationError
from desktop_app.staff import queries as staff_queries

EXIT_OK = 0
EXIT_NOT_DONE = 1


class AssistantRefused(ClinicdeskError):
    pass


def read_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        now = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--now {text!r} is not an ISO-8601 instant") from None
    if now.tzinfo is None:
        raise ValidationError(f"--now {text!r} needs an offset, e.g. 2030-03-13T10:00+00:00")
    return now


def _actor(core: Core, email: str | None) -> Actor:
    if email is None:
        return Actor.system("command line (assistant)")
    wanted = email.strip().lower()
    account = next((a for a in staff_queries.staff_accounts(core.db) if a.email == wanted), None)
    if account is None or not account.is_active:
        raise ValidationError(f"No active staff account {email!r}.")
    return Actor(account.id, account.name, account.roles, workstation_name())


def _describe(u: Understanding, vocab: Vocabulary) -> list[str]:
    data = u.as_json(vocab)
    r = u.request
    lines = [f"action: {r.action.value}"]
    if r.client:
        lines.append(f"client: {r.client.name}")
    elif r.new_client_name:
        lines.append(f"client: {r.new_client_name} (not registered)")
    lines.append(f"practitioner: {r.practitioner.name if r.practitioner else 'anyone'}")
    if r.service:
        lines.append(f"service: {r.service.name}")
    if data["window"]:
        lines.append(f"window: {data['window']['from']} to {data['window']['to']}")
    if u.appointment:
        lines.append(
            f"appointment: {data['appointment']['reference']} {data['appointment']['start']}"
        )
    for q in r.questions:
        lines.append(f"question: {q.text}")
        lines.extend(f"  - {c.name}{f' ({c.detail})' if c.detail else ''}" for c in q.choices)
    if u.message:
        lines.append(u.message)
    for p in data["proposals"]:
        lines.append(f"free: {p['start']} – {p['end'][11:16]} with {p['practitioner']['name']}")
    return lines


def run_assistant(
    core: Core, text: str, *, as_json: bool, book: bool, as_email: str | None = None
) -> int:
    now = core.clock.now()
    vocab = load_vocabulary(core.db)
    u = ask(core.db, vocab, text, now)
    out = u.as_json(vocab)
    done: dict[str, object] | None = None
    if book:
        refusal = u.blocker()
        if refusal is not None:
            if as_json:
                out["done"] = None
                out["refused"] = refusal
                print(json.dumps(out, ensure_ascii=False, indent=2))
            raise AssistantRefused(f"nothing done: {refusal}")
        actor = _actor(core, as_email)
        if u.request.action is Action.CANCEL:
            core.bus.handle(cancel_command(u), actor)
            assert u.appointment is not None
            done = {"cancelled": u.appointment.reference}
        else:
            command = move_command(u) if u.request.action is Action.MOVE else book_command(u)
            result: BookingResult = core.bus.handle(command, actor)
            done = {
                "moved" if u.request.action is Action.MOVE else "booked": result.reference,
                "appointment_id": str(result.appointment_id),
                "start": result.starts_at.astimezone(vocab.zone).isoformat(),
                "source": "assistant",
            }
        out["done"] = done
    if as_json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for line in _describe(u, vocab):
            print(line)
        if done:
            print("done: " + ", ".join(f"{k} {v}" for k, v in done.items()))
    return EXIT_OK
