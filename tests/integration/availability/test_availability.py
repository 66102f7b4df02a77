"""Editing availability through commands, and asking for open slots, on both databases."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from desktop_app.availability import queries as schedule_queries
from desktop_app.availability import slot_engine as engine
from desktop_app.availability import slot_queries
from desktop_app.availability.commands import (
    AddClinicHoliday,
    AddRecurringException,
    RemoveDateOverride,
    SetDateOverride,
    SetWeeklyRules,
    UpdateScheduleSettings,
    WeeklyBlockInput,
)
from desktop_app.booking.commands import BookAppointment
from desktop_app.bootstrap import AppContext, build_bus, open_app
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.kernel.errors import PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import MessageBus
from models import Appointment, AppointmentStatus, PractitionerStatus, Role, SlotHold, WeeklyRule
from tests import factories

MONDAY = date(2030, 1, 7)
NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)  # the Sunday before, London = UTC in winter


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), UTC)


def starts(slots: list[slot_queries.engine.Slot]) -> list[str]:
    return [s.start.strftime("%a %H:%M") for s in slots]


@pytest.fixture
def bus(app: AppContext) -> MessageBus:
    return build_bus(app.db, FixedClock(NOW))


@pytest.fixture
def svc(app: AppContext) -> uuid.UUID:
    return factories.service(app, "Individual", 60)


@pytest.fixture
def pract(app: AppContext, svc: uuid.UUID) -> tuple[Actor, uuid.UUID]:
    return factories.practitioner(app, "Dr Ada", services=(svc,), interval_min=60)


def weekly(*blocks: tuple[int, int, int]) -> tuple[WeeklyBlockInput, ...]:
    return tuple(WeeklyBlockInput(d, time(s), time(e)) for d, s, e in blocks)


def test_weekly_rules_with_several_blocks_give_slots_only_inside_them(
    app: AppContext, bus: MessageBus, svc: uuid.UUID, pract: tuple[Actor, uuid.UUID]
) -> None:
    actor, pid = pract
    bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 12), (0, 14, 16))), actor)
    slots = slot_queries.open_slots(app.db, svc, MONDAY, MONDAY, NOW, pid)
    assert starts(slots) == ["Mon 09:00", "Mon 10:00", "Mon 11:00", "Mon 14:00", "Mon 15:00"]
    # Tuesday has no hours.
    assert (
        slot_queries.open_slots(app.db, svc, MONDAY + timedelta(1), MONDAY + timedelta(1), NOW)
        == []
    )


def test_override_opens_a_day_without_weekly_hours_and_replaces_all_blocks(
    app: AppContext, bus: MessageBus, svc: uuid.UUID, pract: tuple[Actor, uuid.UUID]
) -> None:
    actor, pid = pract
    bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 12), (0, 14, 16))), actor)
    saturday = MONDAY + timedelta(days=5)
    bus.handle(
        SetDateOverride(practitioner_id=pid, day=saturday, blocks=((time(10), time(12)),)), actor
    )
    bus.handle(
        SetDateOverride(
            practitioner_id=pid, day=MONDAY, blocks=((time(13), time(14)),), reason="training"
        ),
        actor,
    )
    assert starts(slot_queries.open_slots(app.db, svc, MONDAY, saturday, NOW, pid)) == [
        "Mon 13:00",
        "Sat 10:00",
        "Sat 11:00",
    ]
    bus.handle(SetDateOverride(practitioner_id=pid, day=saturday, blocks=()), actor)  # closed
    bus.handle(RemoveDateOverride(practitioner_id=pid, day=MONDAY), actor)
    assert len(slot_queries.open_slots(app.db, svc, MONDAY, saturday, NOW, pid)) == 5


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        (((0, time(12), time(9)),), "must be after the start"),
        (((0, time(9), time(12)), (0, time(11), time(13))), "overlap"),
        (((2, time(9, 10), time(12)),), "off the 60-minute slot grid"),
        (((7, time(9), time(12)),), "not a weekday"),
    ],
)
def test_invalid_weekly_edits_are_refused_and_nothing_changes(
    app: AppContext,
    bus: MessageBus,
    pract: tuple[Actor, uuid.UUID],
    blocks: tuple[tuple[int, time, time], ...],
    message: str,
) -> None:
    actor, pid = pract
    bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 12))), actor)
    bad = tuple(WeeklyBlockInput(d, s, e) for d, s, e in blocks)
    with pytest.raises(ValidationError, match=message):
        bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((1, 9, 10)) + bad), actor)
    with app.db.read_sessions() as s:
        rules = s.execute(select(WeeklyRule.weekday, WeeklyRule.start_time)).all()
    assert [(r.weekday, r.start_time) for r in rules] == [(0, time(9))]


def test_exception_in_the_past_is_refused(bus: MessageBus, pract: tuple[Actor, uuid.UUID]) -> None:
    actor, pid = pract
    with pytest.raises(ValidationError, match="in the past"):
        bus.handle(SetDateOverride(practitioner_id=pid, day=date(2030, 1, 5)), actor)


def test_only_the_practitioner_or_a_manager_edits_a_schedule(
    app: AppContext, bus: MessageBus, pract: tuple[Actor, uuid.UUID]
) -> None:
    _, pid = pract
    other, _ = factories.practitioner(app, "Dr Other")
    desk = factories.staff(app, "Dee Desk", Role.FRONT_DESK)
    manager = factories.staff(app, "Mo Manager", Role.MANAGER)
    command = SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 12)))
    with pytest.raises(PermissionDenied, match="your own schedule"):
        bus.handle(command, other)
    with pytest.raises(PermissionDenied):
        bus.handle(command, desk)
    bus.handle(command, manager)


def test_appointments_with_both_buffers_holds_and_holidays_take_time_away(
    app: AppContext, bus: MessageBus, svc: uuid.UUID
) -> None:
    actor, pid = factories.practitioner(
        app, "Dr Buf", services=(svc,), interval_min=30, buffer_before_min=15, buffer_after_min=15
    )
    bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 13), (1, 9, 11))), actor)
    factories.appointment(app, pid, svc, at(MONDAY, 10), at(MONDAY, 11))
    # A cancelled appointment frees its time.
    factories.appointment(
        app, pid, svc, at(MONDAY, 12), at(MONDAY, 13), status=AppointmentStatus.CANCELLED
    )
    slots = slot_queries.open_slots(app.db, svc, MONDAY, MONDAY, NOW, pid)
    # 60-minute service, 15 minutes each side, and the booked 10-11 with its own 15 each side:
    # a new slot must end by 09:30 (09:30 + 15 + 15 = 10:00) or start at 11:30.
    assert starts(slots) == ["Mon 11:30", "Mon 12:00"]

    with app.db.write_sessions.begin() as s:
        s.add(
            SlotHold(
                practitioner_id=pid,
                starts_at=at(MONDAY, 11, 30),
                ends_at=at(MONDAY, 12, 30),
                expires_at=NOW + timedelta(minutes=5),
            )
        )
        s.add(
            SlotHold(
                practitioner_id=pid,
                starts_at=at(MONDAY, 9),
                ends_at=at(MONDAY, 10),
                expires_at=NOW - timedelta(minutes=1),  # expired: no longer holds anything
            )
        )
    assert starts(slot_queries.open_slots(app.db, svc, MONDAY, MONDAY, NOW, pid)) == []

    tuesday = MONDAY + timedelta(days=1)
    assert starts(slot_queries.open_slots(app.db, svc, tuesday, tuesday, NOW, pid)) == [
        "Tue 09:00",
        "Tue 09:30",
        "Tue 10:00",
    ]
    manager = factories.staff(app, "Mo Manager", Role.MANAGER)
    bus.handle(AddClinicHoliday(day=tuesday, name="Staff training"), manager)
    assert slot_queries.open_slots(app.db, svc, tuesday, tuesday, NOW, pid) == []


def test_recurring_exception_closes_every_first_monday(
    app: AppContext, bus: MessageBus, svc: uuid.UUID, pract: tuple[Actor, uuid.UUID]
) -> None:
    actor, pid = pract
    bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 10))), actor)
    bus.handle(
        AddRecurringException(
            practitioner_id=pid, rrule="FREQ=MONTHLY;BYDAY=1MO", starts_on=MONDAY, reason="admin"
        ),
        actor,
    )
    mondays = slot_queries.open_slots(app.db, svc, MONDAY, MONDAY + timedelta(days=28), NOW, pid)
    assert [s.start.date().isoformat() for s in mondays] == [
        "2030-01-14",
        "2030-01-21",
        "2030-01-28",
    ]
    with pytest.raises(ValidationError, match="repeat rule is not valid"):
        bus.handle(
            AddRecurringException(practitioner_id=pid, rrule="FREQ=SOMETIMES", starts_on=MONDAY),
            actor,
        )


def test_next_free_with_anyone_and_days_with_room(
    app: AppContext, bus: MessageBus, svc: uuid.UUID
) -> None:
    early, early_id = factories.practitioner(app, "Dr Early", services=(svc,), interval_min=60)
    late, late_id = factories.practitioner(app, "Dr Late", services=(svc,), interval_min=60)
    pending, pending_id = factories.practitioner(
        app, "Dr Pending", services=(svc,), status=PractitionerStatus.APPLIED
    )
    bus.handle(SetWeeklyRules(practitioner_id=early_id, blocks=weekly((2, 9, 10))), early)
    bus.handle(SetWeeklyRules(practitioner_id=late_id, blocks=weekly((0, 15, 17))), late)
    bus.handle(SetWeeklyRules(practitioner_id=pending_id, blocks=weekly((0, 8, 9))), pending)

    slot = slot_queries.next_free_slot(app.db, svc, NOW)
    assert slot is not None
    assert (slot.practitioner_id, slot.start) == (late_id, at(MONDAY, 15))
    mine = slot_queries.next_free_slot(app.db, svc, NOW, early_id)
    assert mine is not None and mine.start == at(MONDAY + timedelta(days=2), 9)
    # An applicant is never offered, even when asked for by name.
    assert slot_queries.next_free_slot(app.db, svc, NOW, pending_id) is None

    days = slot_queries.days_with_room(app.db, svc, 2030, 1, NOW)
    assert min(days) == MONDAY
    assert {d.weekday() for d in days} == {0, 2}


def test_schedule_settings_are_validated_and_keep_blocks_on_the_grid(
    app: AppContext, bus: MessageBus, pract: tuple[Actor, uuid.UUID]
) -> None:
    actor, pid = pract
    bus.handle(
        SetWeeklyRules(practitioner_id=pid, blocks=(WeeklyBlockInput(0, time(9), time(12)),)),
        actor,
    )
    good = {
        "practitioner_id": pid,
        "slot_interval_min": 30,
        "buffer_before_min": 5,
        "buffer_after_min": 10,
        "min_notice_min": 120,
        "horizon_days": 60,
        "max_per_day": 6,
    }
    bus.handle(UpdateScheduleSettings(**good), actor)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="divide the day"):
        bus.handle(UpdateScheduleSettings(**{**good, "slot_interval_min": 7}), actor)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="horizon"):
        bus.handle(UpdateScheduleSettings(**{**good, "horizon_days": 0}), actor)  # type: ignore[arg-type]
    with app.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(WeeklyRule)) == 1


def test_schedule_of_shows_what_the_editor_needs(
    app: AppContext, bus: MessageBus, svc: uuid.UUID, pract: tuple[Actor, uuid.UUID]
) -> None:
    actor, pid = pract
    bus.handle(
        SetWeeklyRules(
            practitioner_id=pid,
            blocks=(WeeklyBlockInput(0, time(9), time(12), frozenset({svc}), "Room 2"),),
        ),
        actor,
    )
    bus.handle(SetDateOverride(practitioner_id=pid, day=MONDAY, reason="conference"), actor)
    view = schedule_queries.schedule_of(app.db, pid, NOW.date())
    assert view.practitioner_name == "Dr Ada"
    assert view.timezone == "Europe/London"
    assert [(b.weekday, b.start, b.service_ids, b.room) for b in view.weekly] == [
        (0, time(9), frozenset({svc}), "Room 2")
    ]
    assert [(o.day, o.blocks, o.reason) for o in view.overrides] == [(MONDAY, (), "conference")]
    assert view.settings.slot_interval_min == 60
    assert schedule_queries.practitioner_id_of_account(app.db, actor.account_id) == pid  # type: ignore[arg-type]


def test_a_change_from_another_workstation_is_seen_at_once(
    app: AppContext, db_url: URL, bus: MessageBus, svc: uuid.UUID, pract: tuple[Actor, uuid.UUID]
) -> None:
    """Nothing the loader keeps between calls may show a slot as free once the
    database says otherwise, whoever changed it."""
    actor, pid = pract
    bus.handle(SetWeeklyRules(practitioner_id=pid, blocks=weekly((0, 9, 12))), actor)
    # Asked first, so anything kept from these answers is in place.
    assert starts(slot_queries.open_slots(app.db, svc, MONDAY, MONDAY, NOW, pid)) == [
        "Mon 09:00",
        "Mon 10:00",
        "Mon 11:00",
    ]
    first = slot_queries.next_free_slot(app.db, svc, NOW)
    assert first is not None and first.start == at(MONDAY, 9)

    other = open_app(DatabaseChoice(db_url, "test"))
    try:
        other_bus = build_bus(other.db, FixedClock(NOW))
        desk = factories.staff(other, "Other Desk", Role.FRONT_DESK)
        other_bus.handle(
            BookAppointment(
                client_id=factories.client(other),
                practitioner_id=pid,
                service_id=svc,
                starts_at=at(MONDAY, 9),
            ),
            desk,
        )
        with other.db.write_sessions.begin() as s:
            s.add(
                SlotHold(
                    practitioner_id=pid,
                    starts_at=at(MONDAY, 10),
                    ends_at=at(MONDAY, 11),
                    expires_at=NOW + timedelta(minutes=5),
                )
            )
        assert starts(slot_queries.open_slots(app.db, svc, MONDAY, MONDAY, NOW, pid)) == [
            "Mon 11:00"
        ]
        slot = slot_queries.next_free_slot(app.db, svc, NOW)
        assert slot is not None and slot.start == at(MONDAY, 11)

        other_bus.handle(SetDateOverride(practitioner_id=pid, day=MONDAY, reason="away"), actor)
        assert slot_queries.open_slots(app.db, svc, MONDAY, MONDAY, NOW, pid) == []
        assert MONDAY not in slot_queries.days_with_room(app.db, svc, 2030, 1, NOW, pid)
    finally:
        other.close()


def test_busy_times_are_loaded_exactly_with_their_own_buffers(
    app: AppContext, svc: uuid.UUID
) -> None:
    """The loader hands the engine whole epoch seconds instead of `Busy`
    objects: the same intervals, sub-second instants rounded outwards."""
    _, pid = factories.practitioner(
        app, "Dr Pad", services=(svc,), interval_min=60, buffer_before_min=5, buffer_after_min=10
    )
    booked = factories.appointment(
        app, pid, svc, at(MONDAY, 10), at(MONDAY, 11) + timedelta(microseconds=500_000)
    )
    ignored = factories.appointment(app, pid, svc, at(MONDAY, 15), at(MONDAY, 16))
    # 0.4 ms before 13:00: rounding to milliseconds first would move it to 13:00.
    almost = at(MONDAY, 13) - timedelta(microseconds=400)
    factories.appointment(app, pid, svc, almost, at(MONDAY, 13, 30))
    with app.db.write_sessions.begin() as s:
        s.get_one(Appointment, booked).buffer_after_min = 20
        s.add(
            SlotHold(
                practitioner_id=pid,
                starts_at=at(MONDAY, 8),
                ends_at=at(MONDAY, 9),
                expires_at=NOW + timedelta(minutes=5),
            )
        )
    second = timedelta(seconds=1)
    with app.db.read_sessions() as s:
        inputs = slot_queries.load_inputs(
            s, svc, at(MONDAY, 0), at(MONDAY, 23), NOW, [pid], ignore_appointment=ignored
        )
    (schedule,) = inputs.schedules
    assert sorted(
        (b.start, b.end, b.pad_before, b.pad_after, b.counts_for_day_limit) for b in schedule.busy
    ) == [
        # The hold takes the practitioner's buffers; each appointment keeps its own.
        (at(MONDAY, 8), at(MONDAY, 9), timedelta(minutes=5), timedelta(minutes=10), True),
        (at(MONDAY, 10), at(MONDAY, 11) + second, timedelta(0), timedelta(minutes=20), True),
        (at(MONDAY, 13) - second, at(MONDAY, 13, 30), timedelta(0), timedelta(0), True),
    ]

    # The engine answers the same from the loaded rows as from `Busy` objects.
    blocks = (engine.WeeklyBlock(0, time(6), time(20)),)
    fast = dataclasses.replace(schedule, weekly=blocks)
    slow = dataclasses.replace(schedule, weekly=blocks, busy=tuple(schedule.busy))
    assert fast == slow
    duration = timedelta(minutes=60)
    answer = engine.open_slots(fast, svc, duration, MONDAY, MONDAY, NOW, ())
    assert answer == engine.open_slots(slow, svc, duration, MONDAY, MONDAY, NOW, ())
    # New bookings take 5 minutes before and 10 after; the ignored 15:00 frees its hour.
    assert starts(answer) == [
        "Mon 06:00",
        "Mon 14:00",
        "Mon 15:00",
        "Mon 16:00",
        "Mon 17:00",
        "Mon 18:00",
        "Mon 19:00",
    ]
