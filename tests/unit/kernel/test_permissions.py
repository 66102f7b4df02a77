"""Who may issue which command: the whole matrix, checked in the core.

Each command's allowed roles are written out here on purpose: adding a command
without deciding who may use it fails this test.
"""

from __future__ import annotations

import pytest

from desktop_app.bootstrap import build_bus, handler_table
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from models import Role

D, P, M = Role.FRONT_DESK, Role.PRACTITIONER, Role.MANAGER
SYSTEM_ONLY = "system only"

EXPECTED: dict[str, frozenset[Role] | str] = {
    # staff accounts
    "CreateFirstManager": SYSTEM_ONLY,
    "CreateStaffAccount": frozenset({M}),
    "UpdateStaffAccount": frozenset({M}),
    "ResetPassword": frozenset({M}),
    "ChangePassword": frozenset({D, P, M}),
    "DeactivateAccount": frozenset({M}),
    "ReactivateAccount": frozenset({M}),
    "SetPhoto": frozenset({D, P, M}),  # own photo; managers anyone's (checked in the handler)
    # practitioners
    "SubmitApplication": frozenset({D, P, M}),  # and the anonymous application form (system)
    "ApprovePractitioner": frozenset({M}),
    "RejectPractitioner": frozenset({M}),
    "SuspendPractitioner": frozenset({M}),
    "ReinstatePractitioner": frozenset({M}),
    "UpdatePractitionerProfile": frozenset({P, M}),  # own profile (handler)
    # clinic
    "UpdateClinicSettings": frozenset({M}),
    "SeedDemoClinic": SYSTEM_ONLY,
    "AddClinicHoliday": frozenset({M}),
    "RemoveClinicHoliday": frozenset({M}),
    # availability: own schedule (handler), managers anyone's
    "SetWeeklyRules": frozenset({P, M}),
    "SetDateOverride": frozenset({P, M}),
    "RemoveDateOverride": frozenset({P, M}),
    "AddRecurringException": frozenset({P, M}),
    "RemoveRecurringException": frozenset({P, M}),
    "UpdateScheduleSettings": frozenset({P, M}),
    # clients
    "RegisterClient": frozenset({D, P, M}),
    "UpdateClient": frozenset({D, P, M}),
    "ArchiveClient": frozenset({D, M}),
    # appointments: practitioners only their own (handler)
    "PlaceHold": frozenset({D, P, M}),
    "ReleaseHold": frozenset({D, P, M}),
    "BookAppointment": frozenset({D, P, M}),
    "RescheduleAppointment": frozenset({D, P, M}),
    "CancelAppointment": frozenset({D, P, M}),
    "CheckInAppointment": frozenset({D, P, M}),
    "StartAppointment": frozenset({D, P, M}),
    "CompleteAppointment": frozenset({D, P, M}),
    "MarkNoShow": frozenset({D, P, M}),
    # session notes: only the treating practitioner (handler)
    "WriteSessionNote": frozenset({P}),
    "ReadSessionNotes": frozenset({P}),
    # e-mail and the notification centre (own notifications only: handler)
    "UpdateEmailSettings": frozenset({M}),
    "UpdateTemplates": frozenset({M}),
    "RetryMessage": frozenset({D, M}),
    "MarkNotificationRead": frozenset({D, P, M}),
    "MarkAllNotificationsRead": frozenset({D, P, M}),
    # the scheduler's due work
    "QueueReminders": SYSTEM_ONLY,
    "ExpireHolds": SYSTEM_ONLY,
    "ExpireNotifications": SYSTEM_ONLY,
    "FlagOverdueAppointments": SYSTEM_ONLY,
    # credits: sold at the desk, corrected only by managers
    "CreateCreditPack": frozenset({M}),
    "UpdateCreditPack": frozenset({M}),
    "SellCreditPack": frozenset({D, M}),
    "AdjustCredits": frozenset({M}),
    "RefundAppointmentCredits": frozenset({M}),
    "ExpireCredits": SYSTEM_ONLY,
    # partner organisations: managers; the desk links a client's waiting credits
    "CreatePartnerOrganisation": frozenset({M}),
    "UpdatePartnerOrganisation": frozenset({M}),
    "AllocatePartnerCredits": frozenset({M}),
    "ImportAllocations": frozenset({M}),
    "RevokeAllocation": frozenset({M}),
    "LinkPartnerAllocations": frozenset({D, M}),
    # money at the desk: taken and given back by the desk or a manager
    "RecordPayment": frozenset({D, M}),
    "RefundPayment": frozenset({D, M}),
}


def _actor(roles: frozenset[Role]) -> Actor:
    return Actor(None, "someone", roles, "test")


def test_every_command_has_a_decided_set_of_roles() -> None:
    registered = {cls.__name__ for cls in handler_table()}
    assert registered - EXPECTED.keys() == set(), "decide who may use these commands"
    assert EXPECTED.keys() - registered == set(), "these commands no longer exist"


MATRIX = [
    (name, role)
    for name in sorted(EXPECTED)
    for role in (None, Role.FRONT_DESK, Role.PRACTITIONER, Role.MANAGER)
]


@pytest.mark.parametrize(("name", "role"), MATRIX)
def test_permission_matrix(name: str, role: Role | None) -> None:
    from sqlalchemy.engine import make_url

    from desktop_app.infra.database import open_database

    handlers = {cls.__name__: cls for cls in handler_table()}
    command_type: type[Command] = handlers[name]
    bus = build_bus(open_database(make_url("sqlite://")))
    expected = EXPECTED[name]
    actor = _actor(frozenset({role}) if role else frozenset())
    allowed = False if expected == SYSTEM_ONLY else role in expected  # type: ignore[operator]
    assert bus.may(actor, command_type) is allowed
    assert bus.may(Actor.system(), command_type)
