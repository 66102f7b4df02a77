"""Handlers for practitioner applications, decisions and profiles.

A practitioner's status is the latest decision (models/practitioner.py); each
decision is a new row, so who decided what, when and why is never lost.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import NotFound, PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from desktop_app.messaging.notify import notify, queue_email, staff_with_role
from desktop_app.staff.account_handlers import new_account
from desktop_app.staff.commands import (
    ApprovePractitioner,
    ReinstatePractitioner,
    RejectPractitioner,
    SubmitApplication,
    SuspendPractitioner,
    UpdatePractitionerProfile,
)
from desktop_app.staff.events import PractitionerChanged
from desktop_app.staff.uploads import check_document, check_photo
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    Practitioner,
    PractitionerDecision,
    PractitionerDocument,
    PractitionerStatus,
    Role,
    ScheduleSettings,
)

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_MAX_TAGS = 20


def _tags(values: tuple[str, ...], what: str) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))
    if len(cleaned) > _MAX_TAGS:
        raise ValidationError(f"At most {_MAX_TAGS} {what}.")
    if any(len(v) > 60 for v in cleaned):
        raise ValidationError(f"Each of the {what} must be under 60 characters.")
    return cleaned


def _practitioner(uow: UnitOfWork, practitioner_id: uuid.UUID) -> Practitioner:
    p = uow.session.get(Practitioner, practitioner_id)
    if p is None:
        raise NotFound("That practitioner does not exist.")
    return p


def _decide(
    uow: UnitOfWork,
    p: Practitioner,
    actor: Actor,
    allowed_from: set[PractitionerStatus],
    to: PractitionerStatus,
    reason: str,
    doing: str,
) -> None:
    current = PractitionerStatus(p.status)  # type: ignore[attr-defined]
    if current not in allowed_from:
        raise ValidationError(f"Cannot {doing} {p.account.name}: the status is {current.value}.")
    last = uow.session.scalar(
        select(func.max(PractitionerDecision.seq)).where(
            PractitionerDecision.practitioner_id == p.id
        )
    )
    uow.session.add(
        PractitionerDecision(
            practitioner_id=p.id,
            seq=(last or 0) + 1,
            status=to,
            decided_by_id=actor.account_id,
            decided_at=uow.clock.now(),
            reason=reason.strip(),
        )
    )
    uow.emit(PractitionerChanged(p.id, to.value))


def submit_application(uow: UnitOfWork, cmd: SubmitApplication, actor: Actor) -> Outcome:
    profession = require_text(cmd.profession, "profession", 100)
    specialisations = _tags(cmd.specialisations, "specialisations")
    languages = _tags(cmd.languages, "languages")
    if cmd.experience_years is not None and not 0 <= cmd.experience_years <= 70:
        raise ValidationError("Years of experience must be between 0 and 70.")
    if cmd.photo is not None:
        check_photo(cmd.photo)
    documents = [(d, check_document(d.filename, d.kind, d.data)) for d in cmd.documents]
    account = new_account(
        uow,
        email=cmd.email,
        name=cmd.name,
        password=cmd.password,
        roles=frozenset({Role.PRACTITIONER}),
        phone=cmd.phone,
    )
    account.photo = cmd.photo
    p = Practitioner(
        account_id=account.id,
        profession=profession,
        bio=cmd.bio.strip(),
        specialisations=specialisations,
        languages=languages,
        experience_years=cmd.experience_years,
        licence_number=(cmd.licence_number or "").strip() or None,
    )
    uow.session.add(p)
    uow.session.flush()
    uow.session.add(ScheduleSettings(practitioner_id=p.id))
    for doc, content_type in documents:
        uow.session.add(
            PractitionerDocument(
                practitioner_id=p.id,
                kind=doc.kind,
                filename=doc.filename.strip()[:255] or "document",
                content_type=content_type,
                size_bytes=len(doc.data),
                data=doc.data,
                uploaded_at=uow.clock.now(),
                uploaded_by_id=account.id,
            )
        )
    uow.session.add(
        PractitionerDecision(
            practitioner_id=p.id,
            seq=1,
            status=PractitionerStatus.APPLIED,
            decided_by_id=account.id,
            decided_at=uow.clock.now(),
            reason="application submitted",
        )
    )
    notify(
        uow,
        staff_with_role(uow, Role.MANAGER),
        "application",
        f"New application from {account.name} ({profession}).",
    )
    uow.emit(PractitionerChanged(p.id, "applied"))
    return Outcome(
        result=p.id,
        target=f"practitioner:{p.id}",
        changes={"documents": [d.filename for d, _ in documents]},
    )


def _tell_applicant(uow: UnitOfWork, p: Practitioner, subject: str, text: str) -> None:
    notify(uow, [p.account_id], "application", text)
    queue_email(uow, p.account.email, subject, f"Dear {p.account.name},\n\n{text}\n")


def approve(uow: UnitOfWork, cmd: ApprovePractitioner, actor: Actor) -> Outcome:
    p = _practitioner(uow, cmd.practitioner_id)
    _decide(
        uow,
        p,
        actor,
        {PractitionerStatus.APPLIED},
        PractitionerStatus.APPROVED,
        cmd.reason,
        "approve",
    )
    _tell_applicant(
        uow,
        p,
        "Your application was approved",
        "Your application was approved: you can now log in as a practitioner.",
    )
    return Outcome(target=f"practitioner:{p.id}")


def reject(uow: UnitOfWork, cmd: RejectPractitioner, actor: Actor) -> Outcome:
    reason = require_text(cmd.reason, "reason for rejecting", 1000)
    p = _practitioner(uow, cmd.practitioner_id)
    _decide(
        uow, p, actor, {PractitionerStatus.APPLIED}, PractitionerStatus.REJECTED, reason, "reject"
    )
    _tell_applicant(
        uow, p, "Your application", f"Your application was not accepted. Reason: {reason}"
    )
    return Outcome(target=f"practitioner:{p.id}")


def suspend(uow: UnitOfWork, cmd: SuspendPractitioner, actor: Actor) -> Outcome:
    """Suspends, and returns the future appointments the desk must now move or
    cancel: they are also announced to every front desk, never left silently."""
    reason = require_text(cmd.reason, "reason for suspending", 1000)
    p = _practitioner(uow, cmd.practitioner_id)
    _decide(
        uow,
        p,
        actor,
        {PractitionerStatus.APPROVED},
        PractitionerStatus.SUSPENDED,
        reason,
        "suspend",
    )
    future = uow.session.scalars(
        select(Appointment)
        .where(
            Appointment.practitioner_id == p.id,
            Appointment.starts_at >= uow.clock.now(),
            Appointment.status.in_(LIVE_APPOINTMENT_STATUSES),
        )
        .order_by(Appointment.starts_at)
    ).all()
    if future:
        refs = ", ".join(a.reference for a in future[:10])
        more = f" and {len(future) - 10} more" if len(future) > 10 else ""
        notify(
            uow,
            staff_with_role(uow, Role.FRONT_DESK) + staff_with_role(uow, Role.MANAGER),
            "suspension",
            f"{p.account.name} is suspended; {len(future)} future appointments need moving "
            f"or cancelling: {refs}{more}.",
        )
    notify(uow, [p.account_id], "application", f"Your account is suspended. Reason: {reason}")
    return Outcome(
        result=[a.id for a in future],
        target=f"practitioner:{p.id}",
        changes={"future_appointments": len(future)},
    )


def reinstate(uow: UnitOfWork, cmd: ReinstatePractitioner, actor: Actor) -> Outcome:
    reason = require_text(cmd.reason, "reason for reinstating", 1000)
    p = _practitioner(uow, cmd.practitioner_id)
    _decide(
        uow,
        p,
        actor,
        {PractitionerStatus.SUSPENDED},
        PractitionerStatus.APPROVED,
        reason,
        "reinstate",
    )
    notify(uow, [p.account_id], "application", "Your account is active again.")
    return Outcome(target=f"practitioner:{p.id}")


def update_profile(uow: UnitOfWork, cmd: UpdatePractitionerProfile, actor: Actor) -> Outcome:
    p = _practitioner(uow, cmd.practitioner_id)
    if not (actor.is_system or Role.MANAGER in actor.roles or p.account_id == actor.account_id):
        raise PermissionDenied("You may only edit your own profile.")
    if len(cmd.bio) > 5000:
        raise ValidationError("The bio is too long (at most 5000 characters).")
    p.bio = cmd.bio.strip()
    p.specialisations = _tags(cmd.specialisations, "specialisations")
    p.languages = _tags(cmd.languages, "languages")
    if cmd.profession is not None:
        p.profession = require_text(cmd.profession, "profession", 100)
    if cmd.colour is not None:
        if not _COLOUR.match(cmd.colour):
            raise ValidationError(f"{cmd.colour!r} is not a colour like #4a90d9.")
        p.colour = cmd.colour.lower()
    uow.emit(PractitionerChanged(p.id, "profile"))
    return Outcome(target=f"practitioner:{p.id}")


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    SubmitApplication: HandlerSpec(submit_application, roles=frozenset(Role)),
    ApprovePractitioner: HandlerSpec(approve, roles=frozenset({Role.MANAGER})),
    RejectPractitioner: HandlerSpec(reject, roles=frozenset({Role.MANAGER})),
    SuspendPractitioner: HandlerSpec(suspend, roles=frozenset({Role.MANAGER})),
    ReinstatePractitioner: HandlerSpec(reinstate, roles=frozenset({Role.MANAGER})),
    UpdatePractitionerProfile: HandlerSpec(
        update_profile, roles=frozenset({Role.PRACTITIONER, Role.MANAGER})
    ),
}
