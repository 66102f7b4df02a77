"""A small, believable clinic for GUI tests and screenshots.

Accounts the tests log in with go through the core's commands; the rest
(practitioner profiles, services, clients, appointments, credits), for which
the core has no commands yet, is inserted directly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.kernel.clock import FixedClock
from desktop_app.staff.auth import login
from desktop_app.staff.commands import CreateFirstManager, CreateStaffAccount
from desktop_app.staff.passwords import hash_password
from models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    Practitioner,
    PractitionerDecision,
    PractitionerStatus,
    Role,
    Service,
    StaffAccount,
    StaffRole,
    WeeklyRule,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

MANAGER_EMAIL = "morgan@riverside.example"
MANAGER_PASSWORD = "manager-pass-1"
DESK_EMAIL = "dana@riverside.example"
DESK_PASSWORD = "desk-pass-123"
CLINIC_NAME = "Riverside Therapy Centre"
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class SampleClinic:
    manager: Actor
    desk: Actor
    practitioner: Actor
    tz: ZoneInfo
    today: date


def create_manager(ctx: AppContext) -> Actor:
    ctx.bus.handle(
        CreateFirstManager(email=MANAGER_EMAIL, name="Morgan Reyes", password=MANAGER_PASSWORD),
        Actor.system("tests"),
    )
    return login(ctx.db, MANAGER_EMAIL, MANAGER_PASSWORD)


@cache
def _shared_hash() -> str:
    # One argon2 hash for every directly inserted account keeps the fixture fast.
    return hash_password("practitioner-pass")


PRACTITIONERS = (
    ("Aisha Karim", "Clinical psychologist", "#3f8fd2", ("anxiety", "trauma"), "approved"),
    ("Ben Okafor", "Physiotherapist", "#43a36b", ("sports injuries",), "approved"),
    ("Chloé Martin", "Couples therapist", "#c4698f", ("couples", "family"), "approved"),
    ("Daniel Novak", "Dentist", "#d79a2b", ("check-ups",), "applied"),
)

CLIENTS = (
    ("Amelia Hughes", 6),
    ("Bruno Silva", 0),
    ("Carla Jensen", 3),
    ("David Chen", 1),
    ("Elena Petrova", 10),
    ("Farid Haddad", 0),
    ("Grace O'Neill", 2),
    ("Hiro Tanaka", 0),
    ("Isla Murray", 5),
    ("Jonas Weber", 1),
    ("Keira Walsh", 0),
    ("Liam Byrne", 4),
)

SERVICES = (
    ("Intake", 60, 9000, "#7c8fd6"),
    ("Individual session", 50, 7500, "#5aa57b"),
    ("Couples session", 80, 11000, "#c27aa6"),
)

# Weekly hours per practitioner index: (weekdays, start, end, room); 0 = Monday.
WEEKLY_HOURS = (
    ((0, 1, 2, 3), time(9, 0), time(12, 30), "Room 1"),
    ((0, 1, 2, 3), time(13, 30), time(17, 30), "Room 1"),
    ((4,), time(9, 0), time(13, 0), "Room 1"),
)
WEEKLY_HOURS_BY_PRACTITIONER = (
    WEEKLY_HOURS,
    (
        ((0, 2, 4), time(8, 0), time(12, 0), "Gym"),
        ((0, 2, 4), time(13, 0), time(16, 0), "Gym"),
        ((1, 3), time(12, 0), time(19, 0), "Gym"),
    ),
    (((1, 2, 3), time(9, 0), time(13, 0), "Room 3"), ((5,), time(10, 0), time(14, 0), "Room 3")),
)

# (practitioner index, local start, service index, client index, status)
DAY_PLAN = (
    (0, time(9, 0), 0, 0, AppointmentStatus.COMPLETED),
    (0, time(10, 15), 1, 2, AppointmentStatus.IN_PROGRESS),
    (0, time(11, 30), 1, 4, AppointmentStatus.BOOKED),
    (0, time(14, 0), 1, 8, AppointmentStatus.BOOKED),
    (1, time(8, 30), 1, 1, AppointmentStatus.COMPLETED),
    (1, time(9, 30), 1, 3, AppointmentStatus.NO_SHOW),
    (1, time(10, 30), 0, 5, AppointmentStatus.CHECKED_IN),
    (1, time(13, 0), 1, 9, AppointmentStatus.BOOKED),
    (1, time(15, 0), 1, 11, AppointmentStatus.CANCELLED),
    (2, time(9, 0), 2, 6, AppointmentStatus.COMPLETED),
    (2, time(11, 0), 2, 7, AppointmentStatus.BOOKED),
    (2, time(16, 0), 2, 10, AppointmentStatus.BOOKED),
)


def seed_sample_clinic(ctx: AppContext) -> SampleClinic:
    manager = create_manager(ctx)
    ctx.bus.handle(
        UpdateClinicSettings(values={"clinic_name": CLINIC_NAME, "timezone": TIMEZONE}), manager
    )
    ctx.bus.handle(
        CreateStaffAccount(
            email=DESK_EMAIL,
            name="Dana Whitfield",
            roles=frozenset({Role.FRONT_DESK}),
            password=DESK_PASSWORD,
        ),
        manager,
    )
    desk = login(ctx.db, DESK_EMAIL, DESK_PASSWORD)
    tz = ZoneInfo(TIMEZONE)
    now = ctx.clock.now()
    today = now.astimezone(tz).date()

    with ctx.db.write_sessions() as s, s.begin():
        practitioners: list[Practitioner] = []
        for name, profession, colour, specialisations, status in PRACTITIONERS:
            email = name.split()[0].lower().replace("é", "e") + "@riverside.example"
            account = StaffAccount(
                email=email,
                name=name,
                password_hash=_shared_hash(),
                created_at=now,
                roles=[StaffRole(role=Role.PRACTITIONER)],
            )
            profile = Practitioner(
                account=account,
                profession=profession,
                colour=colour,
                specialisations=list(specialisations),
                languages=["English"],
            )
            s.add(profile)
            s.flush()
            s.add(
                PractitionerDecision(
                    practitioner_id=profile.id,
                    seq=1,
                    status=PractitionerStatus(status),
                    decided_by_id=manager.account_id,
                    decided_at=now,
                    reason="",
                )
            )
            practitioners.append(profile)
        for profile, hours in zip(practitioners, WEEKLY_HOURS_BY_PRACTITIONER, strict=False):
            for weekdays, start, end, room in hours:
                s.add_all(
                    WeeklyRule(
                        practitioner_id=profile.id,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                        room=room,
                    )
                    for weekday in weekdays
                )
        services = [
            Service(name=n, duration_min=d, price_cents=p, price_credits=1, colour=c)
            for n, d, p, c in SERVICES
        ]
        s.add_all(services)
        clients: list[Client] = []
        for i, (name, _balance) in enumerate(CLIENTS):
            client = Client(
                full_name=name,
                email=name.lower().replace(" ", ".").replace("'", "") + "@mail.example",
                phone=f"+44 20 7946 0{100 + i:03d}",
                date_of_birth=date(1970 + (i * 3) % 35, 1 + i % 12, 1 + (i * 7) % 28),
                created_at=now,
            )
            clients.append(client)
        s.add_all(clients)
        s.flush()
        for client, (_, balance) in zip(clients, CLIENTS, strict=True):
            if balance:
                s.add(
                    CreditEntry(
                        client_id=client.id,
                        kind=CreditEntryKind.ADJUSTMENT,
                        amount=balance,
                        created_at=now,
                        actor_id=manager.account_id,
                        reason="Opening balance",
                    )
                )
        for n, (p, start, svc, cl, status) in enumerate(DAY_PLAN, start=1):
            starts_at = datetime.combine(today, start, tz)
            cancelled = status is AppointmentStatus.CANCELLED
            s.add(
                Appointment(
                    reference=f"RT{n:04d}",
                    command_id=uuid.uuid4(),
                    client_id=clients[cl].id,
                    practitioner_id=practitioners[p].id,
                    service_id=services[svc].id,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=services[svc].duration_min),
                    status=status,
                    source=AppointmentSource.FRONT_DESK,
                    created_by_id=desk.account_id,
                    created_at=now,
                    cancelled_by_id=desk.account_id if cancelled else None,
                    cancelled_at=now if cancelled else None,
                    cancel_reason="Client is unwell" if cancelled else None,
                )
            )
        first_practitioner = practitioners[0].account

    practitioner = Actor(
        first_practitioner.id,
        first_practitioner.name,
        frozenset({Role.PRACTITIONER}),
        workstation_name(),
    )
    return SampleClinic(manager=manager, desk=desk, practitioner=practitioner, tz=tz, today=today)


# --- opening hours, for the booking and Today tests ---------------------------

# Which services each approved practitioner offers (indexes into SERVICES).
OFFERS = {0: (0, 1), 1: (0, 1), 2: (1, 2)}
OPEN_FROM, OPEN_UNTIL = time(8, 0), time(18, 0)


def open_sample_hours(ctx: AppContext, clinic: SampleClinic) -> dict[str, uuid.UUID]:
    """Give the approved practitioners weekday hours and their services.

    Returns the ids by name (practitioners by full name, services by name).
    Services have no command to assign practitioners yet: that part is direct.
    """
    from sqlalchemy import select

    from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput

    with ctx.db.write_sessions() as s, s.begin():
        practitioners = s.scalars(
            select(Practitioner).join(Practitioner.account).order_by(StaffAccount.name)
        ).all()
        services = {svc.name: svc for svc in s.scalars(select(Service))}
        ids: dict[str, uuid.UUID] = {name: svc.id for name, svc in services.items()}
        for index, service_indexes in OFFERS.items():
            profile = practitioners[index]
            ids[profile.account.name] = profile.id
            for n in service_indexes:
                services[SERVICES[n][0]].practitioners.append(profile)
    week = tuple(WeeklyBlockInput(day, OPEN_FROM, OPEN_UNTIL) for day in range(5))
    for index in OFFERS:
        name = PRACTITIONERS[index][0]
        ctx.bus.handle(SetWeeklyRules(practitioner_id=ids[name], blocks=week), clinic.manager)
    return ids


def with_fixed_clock(ctx: AppContext, when: datetime) -> tuple[AppContext, FixedClock]:
    """The same database seen through a clock the test moves (for holds, "now")."""
    clock = FixedClock(when)
    return AppContext(ctx.choice, ctx.db, build_bus(ctx.db, clock), clock), clock


# --- practitioner applications (the account screens' tests) -------------------

APPLICANT_EMAIL = "ada@applicant.example"
APPLICANT_PASSWORD = "ada-pass-123"


def submit_sample_application(
    ctx: AppContext,
    *,
    email: str = APPLICANT_EMAIL,
    name: str = "Dr Ada Lovelace",
    with_document: bool = True,
) -> uuid.UUID:
    """An application through the core, as the form sends it, with a real PNG licence."""
    from desktop_app.staff.commands import DocumentUpload, SubmitApplication
    from tools.sample_documents import licence_png

    documents = (
        (DocumentUpload("licence", "licence.png", licence_png(name, "Psychotherapist", "HC-1")),)
        if with_document
        else ()
    )
    pid = ctx.bus.handle(
        SubmitApplication(
            email=email,
            name=name,
            password=APPLICANT_PASSWORD,
            profession="Psychotherapist",
            licence_number="HC-1",
            specialisations=("anxiety", "sleep"),
            languages=("English", "French"),
            experience_years=7,
            bio="Calm and kind.",
            documents=documents,
        ),
        Actor.system("application form"),
    )
    assert isinstance(pid, uuid.UUID)
    return pid


def delete_closed_widgets() -> None:
    """Delete now the widgets closed with deleteLater() (pytest-qt's teardown does that).

    processEvents() leaves deferred deletions alone, so closed windows would live
    on into the next test, where restyling the application re-polishes them all.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def settle(qtbot: QtBot, timeout_ms: int = 10_000) -> None:
    """Let every background operation finish while the test's widgets still exist.

    A finished operation can be freed on its worker thread; if it held the last
    reference to a widget without a parent (as tests make them), the widget
    would be destroyed there, off the GUI thread, and crash. Fixtures call
    this before they let go of their widgets.
    """
    from PySide6.QtCore import QThreadPool

    from ui.kit.ops import pending_operations

    qtbot.waitUntil(lambda: pending_operations() == 0, timeout=timeout_ms)
    QThreadPool.globalInstance().waitForDone(timeout_ms)
