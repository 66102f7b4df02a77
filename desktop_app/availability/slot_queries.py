"""Open slots from the database: loads the slot engine's inputs, asks the engine.

The engine (desktop_app.slot_engine) is pure; this module is the only place
that turns stored rules, exceptions, appointments and holds into its inputs.
Only approved practitioners with an active account who offer the service are
considered."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    FunctionElement,
    Integer,
    String,
    bindparam,
    cast,
    func,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from desktop_app.availability import slot_engine as engine
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    ClinicHoliday,
    ClinicSetting,
    DateOverride,
    OverrideBlock,
    Practitioner,
    PractitionerStatus,
    RecurringException,
    ScheduleSettings,
    Service,
    SlotHold,
    StaffAccount,
    WeeklyRule,
    service_practitioner,
)
from models.availability import weekly_rule_service

DEFAULT_SETTINGS = engine.ScheduleSettings(
    slot_interval=timedelta(minutes=15),
    buffer_before=timedelta(0),
    buffer_after=timedelta(0),
    min_notice=timedelta(0),
    horizon_days=90,
    max_per_day=None,
)

# Busy times are loaded a little beyond the asked window: buffers and local
# days in far-off zones reach past its edges.
_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class ServiceInfo:
    id: uuid.UUID
    name: str
    duration: timedelta


@dataclass(frozen=True)
class Inputs:
    service: ServiceInfo
    schedules: tuple[engine.PractitionerSchedule, ...]
    holidays: frozenset[date]


def clinic_zone(session: Session) -> ZoneInfo:
    stored = session.get(ClinicSetting, "timezone")
    return ZoneInfo(
        ClinicSettings.from_mapping({"timezone": stored.value} if stored else {}).timezone
    )


@lru_cache(maxsize=2048)
def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# Statements are built once: constructing SQLAlchemy constructs costs more
# than running these small indexed queries, and a booking runs all of them.
# They select plain columns and run on the session's connection, so rows come
# back as tuples without ORM instances or per-row type processing where the
# column allows it.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)


def _text(column: Any) -> Any:
    """A UUID column as the database's text (SQLite's hex, PostgreSQL's
    canonical form): read back through `_uuid`, a UUID costs one dict lookup
    instead of a parse per row."""
    return cast(column, String).label(column.key)


# Text -> UUID: a pure function of the text, so it never goes stale; bounded
# so that a long-running process does not grow it forever.
_UUIDS: dict[str, uuid.UUID] = {}


def _uuid(text: str) -> uuid.UUID:
    found = _UUIDS.get(text)
    if found is None:
        if len(_UUIDS) >= 100_000:
            _UUIDS.clear()
        found = _UUIDS[text] = uuid.UUID(text)
    return found


# Who offers the service, with their booking settings (none: the defaults).
_WHO = (
    select(
        Practitioner.id,
        Practitioner.timezone,
        Practitioner.status.label("status"),  # type: ignore[attr-defined]
        StaffAccount.is_active,
        ScheduleSettings.slot_interval_min,
        ScheduleSettings.buffer_before_min,
        ScheduleSettings.buffer_after_min,
        ScheduleSettings.min_notice_min,
        ScheduleSettings.horizon_days,
        ScheduleSettings.max_per_day,
    )
    .join(StaffAccount, StaffAccount.id == Practitioner.account_id)
    .join(service_practitioner, service_practitioner.c.practitioner_id == Practitioner.id)
    .outerjoin(ScheduleSettings, ScheduleSettings.practitioner_id == Practitioner.id)
    .where(service_practitioner.c.service_id == bindparam("service_id"))
    .order_by(StaffAccount.name)
)

_RULES = (
    select(
        _text(WeeklyRule.id),
        _text(WeeklyRule.practitioner_id),
        WeeklyRule.weekday,
        WeeklyRule.start_time,
        WeeklyRule.end_time,
        _text(weekly_rule_service.c.service_id),
    )
    .outerjoin(weekly_rule_service, weekly_rule_service.c.rule_id == WeeklyRule.id)
    .where(WeeklyRule.practitioner_id.in_(_IDS))
)

_OVERRIDES = (
    select(
        _text(DateOverride.id),
        _text(DateOverride.practitioner_id),
        DateOverride.day,
        DateOverride.reason,
        OverrideBlock.start_time,
        OverrideBlock.end_time,
    )
    .outerjoin(OverrideBlock, OverrideBlock.override_id == DateOverride.id)
    .where(
        DateOverride.practitioner_id.in_(_IDS),
        DateOverride.day.between(bindparam("first_day"), bindparam("last_day")),
    )
)

_RECURRING = select(
    _text(RecurringException.practitioner_id),
    RecurringException.rrule,
    RecurringException.starts_on,
    RecurringException.start_time,
    RecurringException.end_time,
    RecurringException.reason,
).where(RecurringException.practitioner_id.in_(_IDS))


class _EpochFloor(FunctionElement[Any]):
    """An instant column as whole epoch seconds, rounded down; on SQLite the
    stored text, for `_text_seconds`."""

    type = Integer()
    inherit_cache = True


class _EpochCeil(FunctionElement[Any]):
    """An instant column as whole epoch seconds, rounded up; on SQLite the
    stored text, for `_text_seconds`."""

    type = Integer()
    inherit_cache = True


# Tens of thousands of busy instants are read per query, and an aware datetime
# per instant costs more than the engine's whole answer. PostgreSQL turns them
# into integers itself: date_part's double is quicker than EXTRACT's numeric
# and still exact for floor and ceil (near today's epoch a double resolves a
# quarter of a microsecond). SQLite hands over its stored text as is: its own
# strftime('%s') is slower than parsing in Python with a cache (a clinic's
# appointments share a few thousand distinct instants) and rounds fractions
# to milliseconds first, which could move a start later.
@compiles(_EpochFloor, "sqlite")
@compiles(_EpochCeil, "sqlite")
def _stored_text_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_EpochFloor)
def _epoch_floor(element: _EpochFloor, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(floor(date_part('epoch', {column})) AS BIGINT)"


@compiles(_EpochCeil)
def _epoch_ceil(element: _EpochCeil, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(ceil(date_part('epoch', {column})) AS BIGINT)"


_EPOCH = datetime(1970, 1, 1)

_SECOND = timedelta(seconds=1)

# Stored text -> (floor, ceil) epoch seconds; pure and bounded like _UUIDS.
_TEXT_SECONDS: dict[str, tuple[int, int]] = {}

_TEXT_SECONDS_MAX = 200_000


def _text_seconds(text: str) -> tuple[int, int]:
    found = _TEXT_SECONDS.get(text)
    if found is None:
        # SQLite's text is naive UTC ('YYYY-MM-DD HH:MM:SS.ffffff').
        instant = datetime.fromisoformat(text)
        if instant.tzinfo is not None:
            instant = instant.astimezone(UTC).replace(tzinfo=None)
        offset = instant - _EPOCH
        found = (offset // _SECOND, -(-offset // _SECOND))
        if len(_TEXT_SECONDS) >= _TEXT_SECONDS_MAX:
            _TEXT_SECONDS.clear()
        _TEXT_SECONDS[text] = found
    return found


_APPOINTMENT_COLUMNS = (
    _text(Appointment.practitioner_id),
    _EpochFloor(Appointment.starts_at),
    _EpochCeil(Appointment.ends_at),
    Appointment.buffer_before_min * 60,
    Appointment.buffer_after_min * 60,
)

_APPOINTMENT_FILTER = (
    Appointment.practitioner_id.in_(_IDS),
    Appointment.status.in_(LIVE_APPOINTMENT_STATUSES),
    Appointment.starts_at < bindparam("hi"),
    Appointment.ends_at > bindparam("lo"),
    # Redundant but exact (the database keeps every appointment shorter than a
    # day): it bounds the (practitioner, start) index range from below, so past
    # years of appointments are not read to be thrown away.
    Appointment.starts_at > bindparam("lo_start"),
)

# Unexpired holds, in the same shape: a hold becomes an appointment with the
# practitioner's buffers (the default ones when they have no settings).
_HOLDS = (
    select(
        _text(SlotHold.practitioner_id),
        _EpochFloor(SlotHold.starts_at),
        _EpochCeil(SlotHold.ends_at),
        func.coalesce(ScheduleSettings.buffer_before_min * 60, bindparam("default_before")),
        func.coalesce(ScheduleSettings.buffer_after_min * 60, bindparam("default_after")),
    )
    .outerjoin(ScheduleSettings, ScheduleSettings.practitioner_id == SlotHold.practitioner_id)
    .where(
        SlotHold.practitioner_id.in_(_IDS),
        SlotHold.expires_at > bindparam("now"),
        SlotHold.starts_at < bindparam("hi"),
        SlotHold.ends_at > bindparam("lo"),
    )
)

# One round trip for both.
_BUSY = union_all(select(*_APPOINTMENT_COLUMNS).where(*_APPOINTMENT_FILTER), _HOLDS)

_BUSY_BUT = union_all(
    select(*_APPOINTMENT_COLUMNS).where(
        *_APPOINTMENT_FILTER, Appointment.id != bindparam("ignore")
    ),
    _HOLDS,
)

_DEFAULT_PADS = {
    "default_before": DEFAULT_SETTINGS.buffer_before // _SECOND,
    "default_after": DEFAULT_SETTINGS.buffer_after // _SECOND,
}

_HOLIDAYS = select(ClinicHoliday.day).where(
    ClinicHoliday.day.between(bindparam("first_day"), bindparam("last_day"))
)

_LONGEST_APPOINTMENT = timedelta(days=1)


def load_inputs(
    session: Session,
    service_id: uuid.UUID,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    practitioner_ids: Collection[uuid.UUID] | None = None,
    *,
    ignore_appointment: uuid.UUID | None = None,
    require_bookable: bool = True,
) -> Inputs:
    """Everything the engine needs to answer for `service_id` within the window.

    `ignore_appointment` leaves one appointment out of the busy times (the one
    being rescheduled). `require_bookable=False` also loads practitioners who
    are not approved, for checks that only need their rules.
    """
    service = session.get(Service, service_id)
    if service is None or not service.is_active:
        raise NotFound("That service does not exist or is no longer offered.")
    info = ServiceInfo(service.id, service.name, _minutes(service.duration_min))
    clinic_tz = clinic_zone(session)
    # The statements below run on the connection, which skips the ORM's
    # autoflush; flushing here keeps what this session changed visible.
    if session.autoflush:
        session.flush()
    connection = session.connection()
    run = connection.execute

    wanted = set(practitioner_ids) if practitioner_ids is not None else None
    people = [
        p
        for p in run(_WHO, {"service_id": service_id})
        if (wanted is None or p.id in wanted)
        and (not require_bookable or (p.status == PractitionerStatus.APPROVED and p.is_active))
    ]
    ids = [p.id for p in people]
    if not ids:
        return Inputs(info, (), frozenset())
    by_ids = {"ids": ids}

    settings = {
        p.id: engine.ScheduleSettings(
            slot_interval=_minutes(p.slot_interval_min),
            buffer_before=_minutes(p.buffer_before_min),
            buffer_after=_minutes(p.buffer_after_min),
            min_notice=_minutes(p.min_notice_min),
            horizon_days=p.horizon_days,
            max_per_day=p.max_per_day,
        )
        for p in people
        if p.slot_interval_min is not None
    }

    rule_rows: dict[str, Any] = {}
    rule_services: dict[str, set[uuid.UUID]] = defaultdict(set)
    for r in run(_RULES, by_ids):
        rule_rows[r.id] = r
        if r.service_id is not None:
            rule_services[r.id].add(_uuid(r.service_id))
    weekly: dict[uuid.UUID, list[engine.WeeklyBlock]] = defaultdict(list)
    for rule_id, r in rule_rows.items():
        only = rule_services.get(rule_id)
        weekly[_uuid(r.practitioner_id)].append(
            engine.WeeklyBlock(
                r.weekday, r.start_time, r.end_time, frozenset(only) if only else None
            )
        )

    days = {
        "first_day": (window_start - _MARGIN).date(),
        "last_day": (window_end + _MARGIN).date(),
    }
    override_heads: dict[str, Any] = {}
    override_blocks: dict[str, list[engine.TimeBlock]] = defaultdict(list)
    for o in run(_OVERRIDES, {**by_ids, **days}):
        override_heads[o.id] = o
        if o.start_time is not None:
            override_blocks[o.id].append(engine.TimeBlock(o.start_time, o.end_time))
    overrides: dict[uuid.UUID, list[engine.DateOverride]] = defaultdict(list)
    for oid, o in override_heads.items():
        blocks = tuple(sorted(override_blocks.get(oid, []), key=lambda b: b.start))
        overrides[_uuid(o.practitioner_id)].append(engine.DateOverride(o.day, blocks, o.reason))

    recurring: dict[uuid.UUID, list[engine.RecurringException]] = defaultdict(list)
    for x in run(_RECURRING, by_ids):
        block = (
            engine.TimeBlock(x.start_time, x.end_time)
            if x.start_time is not None and x.end_time is not None
            else None
        )
        recurring[_uuid(x.practitioner_id)].append(
            engine.RecurringException(x.rrule, x.starts_on, block, x.reason)
        )

    lo = window_start - _MARGIN
    busy: dict[uuid.UUID, list[engine.BusyRow]] = {i: [] for i in ids}
    by_text: dict[str, list[engine.BusyRow]] = {}

    def rows_of(text: str) -> list[engine.BusyRow]:
        rows = by_text[text] = busy[_uuid(text)]
        return rows

    # Each appointment keeps the buffers it was booked with (the database's
    # overlap check uses the same), so the engine and the database agree.
    params = {
        **by_ids,
        **_DEFAULT_PADS,
        "lo": lo,
        "hi": window_end + _MARGIN,
        "lo_start": lo - _LONGEST_APPOINTMENT,
        "now": now,
    }
    if ignore_appointment is None:
        found = run(_BUSY, params)
    else:
        found = run(_BUSY_BUT, {**params, "ignore": ignore_appointment})
    # Row by row, not fetchall(): rows that die young cost the garbage
    # collector nothing, a list of thousands gets them all scanned again later.
    if connection.dialect.name == "sqlite":
        known = _TEXT_SECONDS
        for pid, start, end, before, after in found:
            # An empty list is falsy too; rows_of then finds the same list.
            (by_text.get(pid) or rows_of(pid)).append(
                (
                    (known.get(start) or _text_seconds(start))[0],
                    (known.get(end) or _text_seconds(end))[1],
                    before,
                    after,
                    True,
                )
            )
    else:
        for pid, start, end, before, after in found:
            (by_text.get(pid) or rows_of(pid)).append((start, end, before, after, True))

    holidays = frozenset(run(_HOLIDAYS, days).scalars())

    schedules = tuple(
        engine.PractitionerSchedule(
            practitioner_id=p.id,
            tz=_zone(p.timezone) if p.timezone else clinic_tz,
            weekly=tuple(weekly.get(p.id, ())),
            overrides=tuple(overrides.get(p.id, ())),
            recurring=tuple(recurring.get(p.id, ())),
            settings=settings.get(p.id, DEFAULT_SETTINGS),
            busy=engine.BusySeconds(busy[p.id]),
        )
        for p in people
    )
    return Inputs(info, schedules, holidays)


def _day_window(day_from: date, day_to: date) -> tuple[datetime, datetime]:
    # Generous in UTC: a local date can start up to 14 hours either side.
    return (
        datetime.combine(day_from, time(0), UTC) - timedelta(hours=14),
        datetime.combine(day_to + timedelta(days=1), time(0), UTC) + timedelta(hours=14),
    )


def _ids(practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None) -> list[uuid.UUID] | None:
    if practitioner_id is None:
        return None
    if isinstance(practitioner_id, uuid.UUID):
        return [practitioner_id]
    return list(practitioner_id)


def open_slots(
    db: Database,
    service_id: uuid.UUID,
    day_from: date,
    day_to: date,
    now: datetime,
    practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None = None,
) -> list[engine.Slot]:
    """Open slots for the service on local dates day_from..day_to, for one
    practitioner, several, or (None) anyone who offers it."""
    start, end = _day_window(day_from, day_to)
    with db.read_sessions() as session:
        inputs = load_inputs(session, service_id, start, end, now, _ids(practitioner_id))
    return engine.open_slots_many(
        inputs.schedules,
        service_id,
        inputs.service.duration,
        day_from,
        day_to,
        now,
        inputs.holidays,
    )


def days_with_room(
    db: Database,
    service_id: uuid.UUID,
    year: int,
    month: int,
    now: datetime,
    practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None = None,
) -> set[date]:
    """Local dates of the month with at least one open slot (for a date picker)."""
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = _day_window(first, last)
    with db.read_sessions() as session:
        inputs = load_inputs(session, service_id, start, end, now, _ids(practitioner_id))
    return engine.days_with_room(
        inputs.schedules, service_id, inputs.service.duration, year, month, now, inputs.holidays
    )


def next_free_slot(
    db: Database,
    service_id: uuid.UUID,
    now: datetime,
    practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None = None,
    after: datetime | None = None,
) -> engine.Slot | None:
    """The earliest open slot with the practitioner(s), or with anyone.

    Looks three days ahead first (the usual answer), then two weeks, then out
    to the longest booking horizon, so the common case loads little: busy
    times dominate the cost, and a busy clinic has thousands a fortnight.
    """
    from_instant = max(now, after) if after else now
    with db.read_sessions() as session:
        for span in (timedelta(days=3), timedelta(days=14), None):
            if span is None:
                horizon = session.scalar(select(func.max(ScheduleSettings.horizon_days)))
                if horizon is None:
                    horizon = DEFAULT_SETTINGS.horizon_days
                span = timedelta(days=horizon + 1)
            inputs = load_inputs(
                session, service_id, from_instant, from_instant + span, now, _ids(practitioner_id)
            )
            slot = engine.next_free_slot(
                inputs.schedules, service_id, inputs.service.duration, now, inputs.holidays, after
            )
            if slot is not None and slot.start <= from_instant + span:
                return slot
    return None
