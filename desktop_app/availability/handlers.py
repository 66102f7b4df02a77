"""Handlers for weekly rules, date overrides, recurring exceptions, schedule
settings and clinic holidays.

Every edit is validated whole before anything is written: an invalid block
anywhere refuses the whole change with a message that says which and why.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from desktop_app.availability import slot_engine, weekly_blocks
from desktop_app.availability.commands import (
    AddClinicHoliday,
    AddRecurringException,
    RemoveClinicHoliday,
    RemoveDateOverride,
    RemoveRecurringException,
    SetDateOverride,
    SetWeeklyRules,
    UpdateScheduleSettings,
    WeeklyBlockInput,
)
from desktop_app.availability.events import AvailabilityChanged
from desktop_app.availability.weekly_blocks import WEEKDAYS
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from models import (
    ClinicHoliday,
    ClinicSetting,
    DateOverride,
    OverrideBlock,
    Practitioner,
    RecurringException,
    Role,
    ScheduleSettings,
    Service,
    WeeklyRule,
)

SCHEDULE_EDITORS = frozenset({Role.PRACTITIONER, Role.MANAGER})


def practitioner_for_edit(
    uow: UnitOfWork, practitioner_id: uuid.UUID, actor: Actor
) -> Practitioner:
    """A practitioner edits their own schedule; a manager anyone's."""
    practitioner = uow.session.get(Practitioner, practitioner_id)
    if practitioner is None:
        raise NotFound("That practitioner does not exist.")
    own = practitioner.account_id == actor.account_id
    if not (actor.is_system or Role.MANAGER in actor.roles or own):
        raise PermissionDenied("You may only change your own schedule.")
    return practitioner


def practitioner_zone(uow: UnitOfWork, practitioner: Practitioner) -> ZoneInfo:
    if practitioner.timezone:
        return ZoneInfo(practitioner.timezone)
    stored = uow.session.get(ClinicSetting, "timezone")
    settings = ClinicSettings.from_mapping({"timezone": stored.value} if stored else {})
    return ZoneInfo(settings.timezone)


def _settings_row(uow: UnitOfWork, practitioner_id: uuid.UUID) -> ScheduleSettings:
    row = uow.session.get(ScheduleSettings, practitioner_id)
    if row is None:
        row = ScheduleSettings(
            practitioner_id=practitioner_id,
            slot_interval_min=15,
            buffer_before_min=0,
            buffer_after_min=0,
            min_notice_min=0,
            horizon_days=90,
        )
        uow.session.add(row)
    return row


def _check_range(start: time, end: time, interval_min: int, where: str) -> None:
    if error := weekly_blocks.range_error(start, end, interval_min, where):
        raise ValidationError(error)


def _check_no_overlap(ranges: list[tuple[time, time]], where: str) -> None:
    if error := weekly_blocks.overlap_error(ranges, where):
        raise ValidationError(error)


def _check_not_past(uow: UnitOfWork, practitioner: Practitioner, day: date) -> None:
    today = uow.clock.now().astimezone(practitioner_zone(uow, practitioner)).date()
    if error := weekly_blocks.past_exception_error(day, today):
        raise ValidationError(error)


def _validate_weekly(blocks: tuple[WeeklyBlockInput, ...], interval_min: int) -> None:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for b in blocks:
        if not 0 <= b.weekday <= 6:
            raise ValidationError(f"{b.weekday} is not a weekday (0 = Monday … 6 = Sunday).")
        _check_range(b.start, b.end, interval_min, WEEKDAYS[b.weekday])
        by_day.setdefault(b.weekday, []).append((b.start, b.end))
    for weekday, ranges in by_day.items():
        _check_no_overlap(ranges, WEEKDAYS[weekday])


def set_weekly_rules(uow: UnitOfWork, cmd: SetWeeklyRules, actor: Actor) -> Outcome:
    practitioner = practitioner_for_edit(uow, cmd.practitioner_id, actor)
    settings = _settings_row(uow, practitioner.id)
    _validate_weekly(cmd.blocks, settings.slot_interval_min)
    wanted_services = {sid for b in cmd.blocks for sid in b.service_ids}
    services = {
        s.id: s for s in uow.session.scalars(select(Service).where(Service.id.in_(wanted_services)))
    }
    if missing := wanted_services - services.keys():
        raise ValidationError(f"{len(missing)} of the chosen services no longer exist.")
    uow.session.execute(delete(WeeklyRule).where(WeeklyRule.practitioner_id == practitioner.id))
    for b in weekly_blocks.canonical_inputs(cmd.blocks):
        uow.session.add(
            WeeklyRule(
                practitioner_id=practitioner.id,
                weekday=b.weekday,
                start_time=b.start,
                end_time=b.end,
                room=weekly_blocks.normalised_room(b.room),
                services=[services[sid] for sid in sorted(b.service_ids)],
            )
        )
    uow.emit(AvailabilityChanged(practitioner.id))
    return Outcome(target=f"practitioner:{practitioner.id}")


def set_date_override(uow: UnitOfWork, cmd: SetDateOverride, actor: Actor) -> Outcome:
    practitioner = practitioner_for_edit(uow, cmd.practitioner_id, actor)
    _check_not_past(uow, practitioner, cmd.day)
    interval = _settings_row(uow, practitioner.id).slot_interval_min
    where = cmd.day.strftime("%a %d %b %Y")
    for start, end in cmd.blocks:
        _check_range(start, end, interval, where)
    _check_no_overlap(list(cmd.blocks), where)
    uow.session.execute(
        delete(DateOverride).where(
            DateOverride.practitioner_id == practitioner.id, DateOverride.day == cmd.day
        )
    )
    uow.session.flush()
    uow.session.add(
        DateOverride(
            practitioner_id=practitioner.id,
            day=cmd.day,
            reason=cmd.reason.strip(),
            blocks=[OverrideBlock(start_time=s, end_time=e) for s, e in sorted(cmd.blocks)],
        )
    )
    uow.emit(AvailabilityChanged(practitioner.id))
    return Outcome(target=f"practitioner:{practitioner.id}")


def remove_date_override(uow: UnitOfWork, cmd: RemoveDateOverride, actor: Actor) -> Outcome:
    practitioner = practitioner_for_edit(uow, cmd.practitioner_id, actor)
    override = uow.session.scalar(
        select(DateOverride).where(
            DateOverride.practitioner_id == practitioner.id, DateOverride.day == cmd.day
        )
    )
    if override is None:
        raise NotFound(f"There is no exception on {cmd.day.isoformat()}.")
    uow.session.delete(override)
    uow.emit(AvailabilityChanged(practitioner.id))
    return Outcome(target=f"practitioner:{practitioner.id}")


def add_recurring_exception(uow: UnitOfWork, cmd: AddRecurringException, actor: Actor) -> Outcome:
    practitioner = practitioner_for_edit(uow, cmd.practitioner_id, actor)
    if (cmd.start is None) != (cmd.end is None):
        raise ValidationError("Give both a start and an end time, or neither for the whole day.")
    block = None
    if cmd.start is not None and cmd.end is not None:
        interval = _settings_row(uow, practitioner.id).slot_interval_min
        _check_range(cmd.start, cmd.end, interval, "Recurring exception")
        block = slot_engine.TimeBlock(cmd.start, cmd.end)
    try:
        parsed = slot_engine.RecurringException(cmd.rrule, cmd.starts_on, block)
    except ValueError as exc:
        raise ValidationError(f"The repeat rule is not valid: {exc}") from exc
    row = RecurringException(
        practitioner_id=practitioner.id,
        rrule=parsed.rrule.strip(),
        starts_on=cmd.starts_on,
        start_time=cmd.start,
        end_time=cmd.end,
        reason=cmd.reason.strip(),
    )
    uow.session.add(row)
    uow.session.flush()
    uow.emit(AvailabilityChanged(practitioner.id))
    return Outcome(result=row.id, target=f"practitioner:{practitioner.id}")


def remove_recurring_exception(
    uow: UnitOfWork, cmd: RemoveRecurringException, actor: Actor
) -> Outcome:
    row = uow.session.get(RecurringException, cmd.exception_id)
    if row is None:
        raise NotFound("That recurring exception no longer exists.")
    practitioner = practitioner_for_edit(uow, row.practitioner_id, actor)
    uow.session.delete(row)
    uow.emit(AvailabilityChanged(practitioner.id))
    return Outcome(target=f"practitioner:{practitioner.id}")


def update_schedule_settings(uow: UnitOfWork, cmd: UpdateScheduleSettings, actor: Actor) -> Outcome:
    practitioner = practitioner_for_edit(uow, cmd.practitioner_id, actor)
    checks = [
        (
            5 <= cmd.slot_interval_min <= 240 and 1440 % cmd.slot_interval_min == 0,
            "The slot interval must divide the day evenly, 5 to 240 minutes (e.g. 15 or 30).",
        ),
        (0 <= cmd.buffer_before_min <= 240, "The buffer before must be 0 to 240 minutes."),
        (0 <= cmd.buffer_after_min <= 240, "The buffer after must be 0 to 240 minutes."),
        (0 <= cmd.min_notice_min <= 60 * 24 * 30, "The minimum notice must be 0 to 30 days."),
        (1 <= cmd.horizon_days <= 730, "The booking horizon must be 1 to 730 days."),
        (
            cmd.max_per_day is None or 1 <= cmd.max_per_day <= 100,
            "The maximum bookings per day must be 1 to 100, or empty for no limit.",
        ),
    ]
    for ok, message in checks:
        if not ok:
            raise ValidationError(message)
    # Existing blocks must stay on the new grid, or slots would silently move.
    for rule in uow.session.scalars(
        select(WeeklyRule).where(WeeklyRule.practitioner_id == practitioner.id)
    ):
        _check_range(rule.start_time, rule.end_time, cmd.slot_interval_min, WEEKDAYS[rule.weekday])
    row = _settings_row(uow, practitioner.id)
    row.slot_interval_min = cmd.slot_interval_min
    row.buffer_before_min = cmd.buffer_before_min
    row.buffer_after_min = cmd.buffer_after_min
    row.min_notice_min = cmd.min_notice_min
    row.horizon_days = cmd.horizon_days
    row.max_per_day = cmd.max_per_day
    uow.emit(AvailabilityChanged(practitioner.id))
    return Outcome(target=f"practitioner:{practitioner.id}")


def add_clinic_holiday(uow: UnitOfWork, cmd: AddClinicHoliday, actor: Actor) -> Outcome:
    name = require_text(cmd.name, "holiday name", 100)
    if isinstance(cmd.day, datetime):
        raise ValidationError("A holiday is a calendar date.")
    if uow.session.scalar(select(ClinicHoliday).where(ClinicHoliday.day == cmd.day)):
        raise Conflict(f"{cmd.day.isoformat()} is already a holiday.")
    uow.session.add(ClinicHoliday(day=cmd.day, name=name))
    uow.emit(AvailabilityChanged(None))
    return Outcome(target=f"holiday:{cmd.day.isoformat()}")


def remove_clinic_holiday(uow: UnitOfWork, cmd: RemoveClinicHoliday, actor: Actor) -> Outcome:
    row = uow.session.scalar(select(ClinicHoliday).where(ClinicHoliday.day == cmd.day))
    if row is None:
        raise NotFound(f"{cmd.day.isoformat()} is not a holiday.")
    uow.session.delete(row)
    uow.emit(AvailabilityChanged(None))
    return Outcome(target=f"holiday:{cmd.day.isoformat()}")


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    SetWeeklyRules: HandlerSpec(set_weekly_rules, roles=SCHEDULE_EDITORS),
    SetDateOverride: HandlerSpec(set_date_override, roles=SCHEDULE_EDITORS),
    RemoveDateOverride: HandlerSpec(remove_date_override, roles=SCHEDULE_EDITORS),
    AddRecurringException: HandlerSpec(add_recurring_exception, roles=SCHEDULE_EDITORS),
    RemoveRecurringException: HandlerSpec(remove_recurring_exception, roles=SCHEDULE_EDITORS),
    UpdateScheduleSettings: HandlerSpec(update_schedule_settings, roles=SCHEDULE_EDITORS),
    AddClinicHoliday: HandlerSpec(add_clinic_holiday, roles=frozenset({Role.MANAGER})),
    RemoveClinicHoliday: HandlerSpec(remove_clinic_holiday, roles=frozenset({Role.MANAGER})),
}
