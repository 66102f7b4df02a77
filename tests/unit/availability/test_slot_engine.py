"""Example tests of the slot engine, one or more per rule (see desktop_app/slot_engine.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from desktop_app.availability.slot_engine import (
    Busy,
    DateOverride,
    PractitionerSchedule,
    RecurringException,
    ScheduleSettings,
    Slot,
    TimeBlock,
    WeeklyBlock,
    days_with_room,
    next_free_slot,
    open_slots,
    open_slots_many,
)

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
SVC = uuid.UUID(int=1)
OTHER = uuid.UUID(int=2)
PID = uuid.UUID(int=10)
EARLY = datetime(2024, 1, 1, tzinfo=UTC)
MON = date(2025, 1, 6)  # a Monday, London on GMT (local = UTC)
NONE: frozenset[date] = frozenset()


def hm(h: int, m: int = 0) -> time:
    return time(h, m)


def mins(n: int) -> timedelta:
    return timedelta(minutes=n)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def make(
    weekly: Iterable[WeeklyBlock] = (),
    overrides: Iterable[DateOverride] = (),
    recurring: Iterable[RecurringException] = (),
    busy: Iterable[Busy] = (),
    tz: ZoneInfo = LONDON,
    pid: uuid.UUID = PID,
    **settings: Any,
) -> PractitionerSchedule:
    values: dict[str, Any] = {
        "slot_interval": mins(30),
        "buffer_before": mins(0),
        "buffer_after": mins(0),
        "min_notice": mins(0),
        "horizon_days": 3650,
        "max_per_day": None,
    }
    values.update(settings)
    return PractitionerSchedule(
        pid,
        tz,
        tuple(weekly),
        tuple(overrides),
        tuple(recurring),
        ScheduleSettings(**values),
        tuple(busy),
    )


def slots(
    schedule: PractitionerSchedule,
    first: date,
    last: date | None = None,
    minutes: int = 60,
    now: datetime = EARLY,
    holidays: frozenset[date] = NONE,
) -> list[Slot]:
    return open_slots(schedule, SVC, mins(minutes), first, last or first, now, holidays)


def walls(found: Iterable[Slot], tz: ZoneInfo = LONDON) -> list[str]:
    return [s.start.astimezone(tz).strftime("%H:%M") for s in found]


def local_days(found: Iterable[Slot], tz: ZoneInfo = LONDON) -> list[date]:
    return sorted({s.start.astimezone(tz).date() for s in found})


def every_day(start: time, end: time) -> list[WeeklyBlock]:
    return [WeeklyBlock(wd, start, end) for wd in range(7)]


# --------------------------------------------------------------------------
# weekly blocks and the grid


def test_weekly_block_gives_grid_starts_that_fit_before_its_end() -> None:
    found = slots(make([WeeklyBlock(0, hm(9), hm(11))]), MON)
    assert walls(found) == ["09:00", "09:30", "10:00"]
    assert all(s.end - s.start == mins(60) for s in found)
    assert all(s.start.tzinfo is UTC and s.practitioner_id == PID for s in found)
    assert slots(make([WeeklyBlock(0, hm(9), hm(11))]), MON + timedelta(days=1)) == []


def test_grid_is_anchored_at_the_block_start() -> None:
    schedule = make([WeeklyBlock(0, hm(9, 10), hm(10, 30))], slot_interval=mins(15))
    assert walls(slots(schedule, MON, minutes=30)) == ["09:10", "09:25", "09:40", "09:55"]


def test_blocks_for_other_services_are_ignored() -> None:
    schedule = make(
        [
            WeeklyBlock(0, hm(9), hm(10), frozenset({OTHER})),
            WeeklyBlock(0, hm(14), hm(15), frozenset({SVC, OTHER})),
        ]
    )
    assert walls(slots(schedule, MON)) == ["14:00"]


def test_overlapping_and_touching_blocks_are_merged() -> None:
    schedule = make(
        [
            WeeklyBlock(0, hm(9), hm(10)),
            WeeklyBlock(0, hm(9, 30), hm(10, 30)),
            WeeklyBlock(0, hm(10, 30), hm(11)),
        ]
    )
    # One 09:00-11:00 block: a 90-minute slot may run across all three.
    assert walls(slots(schedule, MON, minutes=90)) == ["09:00", "09:30"]


# --------------------------------------------------------------------------
# date overrides and holidays


def test_override_opens_a_weekday_without_weekly_hours() -> None:
    saturday = date(2025, 1, 11)
    schedule = make(
        [WeeklyBlock(0, hm(9), hm(17))],
        [DateOverride(saturday, (TimeBlock(hm(10), hm(12)),), "Saturday clinic")],
    )
    assert walls(slots(schedule, saturday)) == ["10:00", "10:30", "11:00"]
    assert slots(schedule, saturday + timedelta(days=7)) == []


def test_override_replaces_every_weekly_block_of_that_day() -> None:
    weekly = [
        WeeklyBlock(0, hm(8), hm(10)),
        WeeklyBlock(0, hm(11), hm(13)),
        WeeklyBlock(0, hm(15), hm(17)),
    ]
    next_monday = MON + timedelta(days=7)
    schedule = make(weekly, [DateOverride(next_monday, (TimeBlock(hm(14), hm(15)),))])
    assert walls(slots(schedule, next_monday)) == ["14:00"]
    assert {"08:00", "11:00", "15:00"} <= set(walls(slots(schedule, MON)))


def test_override_without_blocks_closes_the_day() -> None:
    schedule = make([WeeklyBlock(0, hm(9), hm(17))], [DateOverride(MON, (), "conference")])
    assert slots(schedule, MON) == []
    assert slots(schedule, MON + timedelta(days=7)) != []


def test_override_blocks_can_be_limited_to_services() -> None:
    override = DateOverride(
        MON,
        (TimeBlock(hm(9), hm(10), frozenset({OTHER})), TimeBlock(hm(10), hm(11))),
    )
    assert walls(slots(make([WeeklyBlock(0, hm(12), hm(17))], [override]), MON)) == ["10:00"]


def test_override_belongs_to_the_practitioners_local_date_whatever_the_callers_zone() -> None:
    # Auckland is UTC+13 in January: 09:00 on the 14th there is 20:00 UTC on the
    # 13th, and noon on the 13th for a caller in Los Angeles.
    closed = date(2025, 1, 14)
    schedule = make(every_day(hm(9), hm(10)), [DateOverride(closed, ())], tz=AUCKLAND)
    now = datetime(2025, 1, 1, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    found = slots(schedule, date(2025, 1, 13), date(2025, 1, 15), now=now)
    assert [s.start for s in found] == [utc(2025, 1, 12, 20), utc(2025, 1, 14, 20)]
    assert local_days(found, AUCKLAND) == [date(2025, 1, 13), date(2025, 1, 15)]


def test_holiday_closes_the_day_even_over_an_override() -> None:
    tuesday = MON + timedelta(days=1)
    schedule = make(
        [WeeklyBlock(0, hm(9), hm(12))], [DateOverride(tuesday, (TimeBlock(hm(9), hm(12)),))]
    )
    assert slots(schedule, MON, tuesday, holidays=frozenset({MON, tuesday})) == []
    assert local_days(slots(schedule, MON, tuesday, holidays=frozenset({MON}))) == [tuesday]


# --------------------------------------------------------------------------
# recurring exceptions


def test_recurring_first_monday_of_the_month_closed() -> None:
    schedule = make(
        [WeeklyBlock(0, hm(9), hm(10))],
        recurring=[RecurringException("FREQ=MONTHLY;BYDAY=1MO", date(2024, 1, 1), None)],
    )
    found = slots(schedule, date(2025, 1, 27), date(2025, 3, 10))
    assert local_days(found) == [
        date(2025, 1, 27),
        date(2025, 2, 10),
        date(2025, 2, 17),
        date(2025, 2, 24),
        date(2025, 3, 10),
    ]


def test_recurring_every_other_friday_afternoon_closed() -> None:
    # Started two years earlier, in phase with 3 January 2025 (104 weeks later).
    afternoon = RecurringException(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", date(2023, 1, 6), TimeBlock(hm(13), hm(17))
    )
    schedule = make([WeeklyBlock(4, hm(9), hm(18))], recurring=[afternoon], slot_interval=mins(60))
    short = ["09:00", "10:00", "11:00", "12:00", "17:00"]
    full = [f"{h:02}:00" for h in range(9, 18)]
    assert walls(slots(schedule, date(2025, 1, 3))) == short
    assert walls(slots(schedule, date(2025, 1, 10))) == full
    assert walls(slots(schedule, date(2025, 1, 17))) == short


def test_override_day_ignores_recurring_exceptions() -> None:
    first_monday = date(2025, 2, 3)
    schedule = make(
        [WeeklyBlock(0, hm(9), hm(10))],
        [DateOverride(first_monday, (TimeBlock(hm(14), hm(15)),), "make-up day")],
        [RecurringException("FREQ=MONTHLY;BYDAY=1MO", date(2024, 1, 1), None)],
    )
    assert walls(slots(schedule, first_monday)) == ["14:00"]


@pytest.mark.parametrize(
    ("rule", "dtstart", "closed"),
    [
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=2", MON, [MON, MON + timedelta(days=7)]),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20250114T000000Z", MON, [MON, MON + timedelta(days=7)]),
        (
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            MON + timedelta(days=4),
            [MON + timedelta(days=7), MON + timedelta(days=14)],
        ),
    ],
)
def test_recurring_exception_respects_count_until_and_dtstart(
    rule: str, dtstart: date, closed: list[date]
) -> None:
    schedule = make(
        [WeeklyBlock(0, hm(9), hm(10))], recurring=[RecurringException(rule, dtstart, None)]
    )
    mondays = [MON + timedelta(days=7 * i) for i in range(3)]
    open_days = local_days(slots(schedule, MON, mondays[-1]))
    assert open_days == [d for d in mondays if d not in closed]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH",
        "FREQ=WEEKLY;INTERVAL=2",
        "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,MO",
        "FREQ=MONTHLY",
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;INTERVAL=5;BYDAY=2WE",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY",
        "FREQ=YEARLY;INTERVAL=3;BYMONTH=3;BYDAY=1MO",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
    ],
)
@pytest.mark.parametrize("dtstart", [date(2019, 1, 31), date(2020, 2, 29), date(2024, 12, 30)])
def test_recurring_dates_match_dateutil_over_two_years(rule: str, dtstart: date) -> None:
    # The engine moves old DTSTARTs forward in phase; the dates must not change.
    schedule = make(
        every_day(hm(12), hm(12, 30)), recurring=[RecurringException(rule, dtstart, None)]
    )
    first, last = date(2025, 1, 1), date(2026, 12, 31)
    open_days = set(local_days(slots(schedule, first, last, minutes=30)))
    closed = {first + timedelta(days=i) for i in range((last - first).days + 1)} - open_days
    expected = rrulestr(rule, dtstart=datetime.combine(dtstart, time())).between(
        datetime.combine(first, time()), datetime.combine(last, time()), inc=True
    )
    assert closed == {d.date() for d in expected}


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "garbage",
        "",
        "FREQ=DAILY\nEXDATE:20250101",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=DAILY;BYHOUR=25",
        "FREQ=DAILY;FREQ=WEEKLY",
        "FREQ=DAILY;COUNT=many",
    ],
)
def test_invalid_recurring_rules_are_refused(rule: str) -> None:
    with pytest.raises(ValueError):
        RecurringException(rule, MON, None)


def test_recurring_exception_cannot_single_out_services() -> None:
    with pytest.raises(ValueError, match="every service"):
        RecurringException("FREQ=DAILY", MON, TimeBlock(hm(9), hm(10), frozenset({SVC})))


# --------------------------------------------------------------------------
# busy times and buffers


def test_buffers_of_both_the_existing_and_the_new_booking_count() -> None:
    # Existing 10:00-11:00 padded 10 min before / 15 after: busy 09:50-11:15.
    # New booking needs 10 min before and 5 after: starts <= 08:45 or >= 11:25.
    booked = Busy(utc(2025, 1, 6, 10), utc(2025, 1, 6, 11), mins(10), mins(15), True)
    schedule = make(
        [WeeklyBlock(0, hm(8), hm(13))],
        busy=[booked],
        slot_interval=mins(5),
        buffer_before=mins(10),
        buffer_after=mins(5),
    )
    found = walls(slots(schedule, MON))
    assert found[0] == "08:00"
    assert "08:45" in found and "08:50" not in found
    assert "11:20" not in found and "11:25" in found
    assert [w for w in found if "08:45" < w < "11:25"] == []
    assert found[-1] == "12:00"


def test_external_busy_has_no_pads_but_new_buffers_still_apply() -> None:
    external = Busy(utc(2025, 1, 6, 10), utc(2025, 1, 6, 11))
    schedule = make(
        [WeeklyBlock(0, hm(8), hm(13))],
        busy=[external],
        slot_interval=mins(5),
        buffer_before=mins(10),
        buffer_after=mins(5),
    )
    found = walls(slots(schedule, MON))
    assert "08:55" in found and "09:00" not in found
    assert "11:05" not in found and "11:10" in found


def test_slots_may_touch_busy_intervals() -> None:
    schedule = make(
        [WeeklyBlock(0, hm(9), hm(12))], busy=[Busy(utc(2025, 1, 6, 10), utc(2025, 1, 6, 11))]
    )
    assert walls(slots(schedule, MON)) == ["09:00", "11:00"]


def test_empty_busy_interval_blocks_nothing_unless_padded() -> None:
    at_ten = utc(2025, 1, 6, 10)
    bare = make([WeeklyBlock(0, hm(9), hm(12))], busy=[Busy(at_ten, at_ten)])
    assert walls(slots(bare, MON)) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    # Padded a minute each side it is 09:59-10:01: it catches the hour-long slots
    # starting at 09:00, 09:30 and 10:00.
    padded = make([WeeklyBlock(0, hm(9), hm(12))], busy=[Busy(at_ten, at_ten, mins(1), mins(1))])
    assert walls(slots(padded, MON)) == ["10:30", "11:00"]


def test_busy_sub_seconds_round_outwards() -> None:
    busy = Busy(utc(2025, 1, 6, 10) + timedelta(microseconds=1), utc(2025, 1, 6, 11))
    schedule = make([WeeklyBlock(0, hm(9), hm(12))], busy=[busy])
    assert walls(slots(schedule, MON)) == ["09:00", "11:00"]  # 09:00-10:00 still fits
    late = Busy(utc(2025, 1, 6, 9, 59, 59) + timedelta(microseconds=999_999), utc(2025, 1, 6, 11))
    schedule = make([WeeklyBlock(0, hm(9), hm(12))], busy=[late])
    assert walls(slots(schedule, MON)) == ["11:00"]


def test_input_order_and_long_busy_intervals() -> None:
    holiday_trip = Busy(utc(2025, 1, 6), utc(2025, 1, 10, 23, 59))
    busy = [
        Busy(utc(2025, 1, 7, 9), utc(2025, 1, 7, 10)),
        holiday_trip,
        Busy(utc(2025, 1, 13, 9), utc(2025, 1, 13, 10)),
        Busy(utc(2025, 1, 8, 9), utc(2025, 1, 8, 10)),
    ]
    weekly = [WeeklyBlock(wd, hm(9), hm(11)) for wd in range(5)]
    forward = slots(make(weekly, busy=busy), MON, MON + timedelta(days=7))
    backward = slots(make(weekly, busy=busy[::-1]), MON, MON + timedelta(days=7))
    assert forward == backward
    assert local_days(forward) == [MON + timedelta(days=7)]
    assert walls(forward) == ["10:00"]


# --------------------------------------------------------------------------
# notice, horizon, daily maximum


def test_minimum_notice() -> None:
    schedule = make([WeeklyBlock(0, hm(9), hm(12))], slot_interval=mins(15), min_notice=mins(60))
    assert walls(slots(schedule, MON, minutes=30, now=utc(2025, 1, 6, 9, 7)))[0] == "10:15"
    almost = utc(2025, 1, 6, 9, 14, 59) + timedelta(microseconds=500_000)
    assert walls(slots(schedule, MON, minutes=30, now=almost))[0] == "10:15"
    just_after = utc(2025, 1, 6, 9, 15) + timedelta(microseconds=1)
    assert walls(slots(schedule, MON, minutes=30, now=just_after))[0] == "10:30"


def test_minimum_notice_is_real_time_across_a_dst_change() -> None:
    # Saturday noon GMT + 24 h = Sunday 12:00 UTC = 13:00 BST, not 12:00 BST.
    schedule = make([WeeklyBlock(6, hm(9), hm(17))], slot_interval=mins(60), min_notice=mins(1440))
    found = slots(schedule, date(2025, 3, 30), now=utc(2025, 3, 29, 12))
    assert found[0].start == utc(2025, 3, 30, 12)
    assert walls(found)[0] == "13:00"


def test_buffers_are_real_time_across_a_dst_change() -> None:
    # 26 Oct 2025: 01:00-02:00 happens twice. An appointment in the first 01:00-01:30
    # padded 60 minutes after keeps the practitioner busy until 01:30 UTC, which is
    # the second 01:30 on the wall.
    booked = Busy(utc(2025, 10, 26, 0), utc(2025, 10, 26, 0, 30), mins(0), mins(60), True)
    schedule = make([WeeklyBlock(6, hm(0), hm(4))], busy=[booked])
    found = slots(schedule, date(2025, 10, 26), minutes=30)
    assert [s.start for s in found] == [
        utc(2025, 10, 25, 23),
        utc(2025, 10, 25, 23, 30),
        utc(2025, 10, 26, 1, 30),
        utc(2025, 10, 26, 2),
        utc(2025, 10, 26, 2, 30),
        utc(2025, 10, 26, 3),
        utc(2025, 10, 26, 3, 30),
    ]


def test_horizon_counts_local_days_from_today() -> None:
    schedule = make(every_day(hm(9), hm(10)), horizon_days=2)
    found = slots(schedule, MON, MON + timedelta(days=6), now=utc(2025, 1, 6, 8))
    assert local_days(found) == [MON, MON + timedelta(days=1), MON + timedelta(days=2)]
    # 12:00 UTC on the 6th is already 01:00 on the 7th in Auckland: today is the 7th.
    kiwi = make(every_day(hm(9), hm(10)), tz=AUCKLAND, horizon_days=0)
    found = slots(kiwi, MON, MON + timedelta(days=6), now=utc(2025, 1, 6, 12))
    assert local_days(found, AUCKLAND) == [date(2025, 1, 7)]
    # 21:00 UTC is 10:00 there: today's hours are over and tomorrow is too far.
    assert slots(kiwi, MON, MON + timedelta(days=6), now=utc(2025, 1, 6, 21)) == []


def test_max_per_day_closes_a_full_day() -> None:
    booked = [
        Busy(utc(2025, 1, 6, 9), utc(2025, 1, 6, 10), counts_for_day_limit=True),
        Busy(utc(2025, 1, 6, 10), utc(2025, 1, 6, 11), counts_for_day_limit=True),
    ]
    external = [Busy(utc(2025, 1, 13, h), utc(2025, 1, 13, h, 30)) for h in (9, 10, 11)]
    weekly = [WeeklyBlock(0, hm(9), hm(17))]
    full = make(weekly, busy=booked + external, max_per_day=2, slot_interval=mins(60))
    assert slots(full, MON) == []
    assert walls(slots(full, MON + timedelta(days=7))) == [f"{h}:00" for h in range(12, 17)]
    roomy = make(weekly, busy=booked, max_per_day=3, slot_interval=mins(60))
    assert walls(slots(roomy, MON)) == [f"{h}:00" for h in range(11, 17)]


def test_daily_maximum_counts_by_the_local_date_of_the_start() -> None:
    # 11:30 UTC on the 6th is 00:30 on the 7th in Auckland.
    late = Busy(utc(2025, 1, 6, 11, 30), utc(2025, 1, 6, 12), counts_for_day_limit=True)
    schedule = make(every_day(hm(9), hm(10)), busy=[late], tz=AUCKLAND, max_per_day=1)
    found = slots(schedule, MON, MON + timedelta(days=1))
    assert local_days(found, AUCKLAND) == [MON]
    # Its pad reaches back into Monday, but it is Tuesday's appointment.
    early = Busy(utc(2025, 1, 7, 0, 10), utc(2025, 1, 7, 1), mins(30), mins(0), True)
    schedule = make(every_day(hm(9), hm(10)), busy=[early], max_per_day=1)
    assert local_days(slots(schedule, MON, MON + timedelta(days=1))) == [MON]


# --------------------------------------------------------------------------
# daylight saving


def test_skipped_hour_grid_times_are_not_slots() -> None:
    spring = date(2025, 3, 30)  # 01:00 GMT becomes 02:00 BST
    found = slots(make([WeeklyBlock(6, hm(0), hm(4))]), spring, minutes=30)
    assert walls(found) == ["00:00", "00:30", "02:00", "02:30", "03:00", "03:30"]
    assert [s.start.hour for s in found] == [0, 0, 1, 1, 2, 2]


def test_block_edges_in_the_skipped_hour_move_to_the_jump() -> None:
    spring = date(2025, 3, 30)
    starts_in_gap = make([WeeklyBlock(6, hm(1, 30), hm(3))])
    assert walls(slots(starts_in_gap, spring, minutes=30)) == ["02:00", "02:30"]
    ends_in_gap = make([WeeklyBlock(6, hm(0), hm(1, 30))])
    found = slots(ends_in_gap, spring, minutes=30)
    assert [s.end for s in found] == [utc(2025, 3, 30, 0, 30), utc(2025, 3, 30, 1)]


def test_repeated_hour_yields_each_real_instant_once() -> None:
    autumn = date(2025, 10, 26)  # 02:00 BST becomes 01:00 GMT
    found = slots(make([WeeklyBlock(6, hm(0), hm(3))]), autumn, minutes=30)
    assert walls(found) == ["00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30"]
    starts = [s.start for s in found]
    assert starts == sorted(set(starts))
    assert starts[0] == utc(2025, 10, 25, 23) and starts[-1] == utc(2025, 10, 26, 2, 30)


def test_slot_length_is_real_time_up_to_the_blocks_end_instant() -> None:
    # 00:00-01:30 on the night the clock goes back lasts 2.5 real hours: it ends
    # when the clock reads 01:30 for the last time.
    autumn = date(2025, 10, 26)
    found = slots(make([WeeklyBlock(6, hm(0), hm(1, 30))]), autumn, minutes=120)
    assert [(s.start, s.end) for s in found] == [
        (utc(2025, 10, 25, 23), utc(2025, 10, 26, 1)),
        (utc(2025, 10, 25, 23, 30), utc(2025, 10, 26, 1, 30)),
    ]


def test_blocks_either_side_of_a_repeated_hour_join_in_real_time() -> None:
    # 00:00-01:30 runs to the second 01:30 (01:30 UTC); 01:45-03:00 starts at the
    # first 01:45 (00:45 UTC): together they cover 23:00-03:00 UTC without a gap.
    autumn = date(2025, 10, 26)
    schedule = make(
        [WeeklyBlock(6, hm(0), hm(1, 30)), WeeklyBlock(6, hm(1, 45), hm(3))],
        slot_interval=mins(15),
    )
    found = slots(schedule, autumn, minutes=90)
    assert utc(2025, 10, 26, 0, 15) in [s.start for s in found]  # the first 01:15


def test_lord_howe_half_hour_changes() -> None:
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    schedule = make([WeeklyBlock(6, hm(1), hm(3))], tz=lord_howe, slot_interval=mins(15))
    back = slots(schedule, date(2025, 4, 6), minutes=15)  # 02:00 becomes 01:30
    assert walls(back, lord_howe) == [
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "01:30",
        "01:45",
        "02:00",
        "02:15",
        "02:30",
        "02:45",
    ]
    forward = slots(schedule, date(2025, 10, 5), minutes=15)  # 02:00 becomes 02:30
    assert walls(forward, lord_howe) == ["01:00", "01:15", "01:30", "01:45", "02:30", "02:45"]


def test_midnight_that_does_not_exist() -> None:
    santiago = ZoneInfo("America/Santiago")  # 8 Sep 2024: 00:00 becomes 01:00
    schedule = make([WeeklyBlock(6, hm(0), hm(2))], tz=santiago)
    found = slots(schedule, date(2024, 9, 8), minutes=30)
    assert walls(found, santiago) == ["01:00", "01:30"]
    assert local_days(found, santiago) == [date(2024, 9, 8)]


# --------------------------------------------------------------------------
# several practitioners, date picker, next free slot


def test_open_slots_many_sorts_by_start_then_by_listed_order() -> None:
    a = make([WeeklyBlock(0, hm(9), hm(10))], pid=uuid.UUID(int=20))
    b = make([WeeklyBlock(0, hm(9, 30), hm(11))], pid=uuid.UUID(int=19))
    found = open_slots_many([a, b], SVC, mins(30), MON, MON, EARLY, NONE)
    assert [(walls([s])[0], s.practitioner_id.int) for s in found] == [
        ("09:00", 20),
        ("09:30", 20),
        ("09:30", 19),
        ("10:00", 19),
        ("10:30", 19),
    ]


def test_days_with_room() -> None:
    a = make([WeeklyBlock(0, hm(9), hm(10))], pid=uuid.UUID(int=20))
    b = make([WeeklyBlock(2, hm(9), hm(10))], pid=uuid.UUID(int=21))
    now = utc(2025, 1, 15, 12)  # Wednesday the 15th, after hours
    holidays = frozenset({date(2025, 1, 20)})
    mondays = {date(2025, 1, 27)}
    wednesdays = {date(2025, 1, 22), date(2025, 1, 29)}
    assert days_with_room(a, SVC, mins(60), 2025, 1, now, holidays) == mondays
    assert days_with_room([a, b], SVC, mins(60), 2025, 1, now, holidays) == mondays | wednesdays


def test_next_free_slot_is_the_earliest_across_practitioners() -> None:
    a = make([WeeklyBlock(1, hm(9), hm(10))], pid=uuid.UUID(int=20))  # Tuesdays
    b = make([WeeklyBlock(0, hm(15), hm(16))], pid=uuid.UUID(int=21))  # Mondays
    c = make([WeeklyBlock(0, hm(15), hm(16))], pid=uuid.UUID(int=22))  # same as b
    now = utc(2025, 1, 6, 8)
    found = next_free_slot([a, b, c], SVC, mins(60), now, NONE)
    assert found == Slot(uuid.UUID(int=21), utc(2025, 1, 6, 15), utc(2025, 1, 6, 16))
    later = next_free_slot([a, b, c], SVC, mins(60), now, NONE, after=utc(2025, 1, 6, 15, 1))
    assert later == Slot(uuid.UUID(int=20), utc(2025, 1, 7, 9), utc(2025, 1, 7, 10))
    assert next_free_slot(b, SVC, mins(60), now, frozenset({MON})) == Slot(
        uuid.UUID(int=21), utc(2025, 1, 13, 15), utc(2025, 1, 13, 16)
    )


def test_next_free_slot_stops_at_the_horizon() -> None:
    schedule = make([WeeklyBlock(0, hm(9), hm(10))], horizon_days=5)
    assert next_free_slot([schedule], SVC, mins(60), utc(2025, 1, 7, 8), NONE) is None
    assert next_free_slot([], SVC, mins(60), utc(2025, 1, 7, 8), NONE) is None


def test_next_free_slot_with_only_override_hours_and_a_huge_horizon() -> None:
    june = DateOverride(date(2025, 6, 2), (TimeBlock(hm(9), hm(10)),), "one-off clinic")
    only_june = make(overrides=[june], horizon_days=10**6, pid=uuid.UUID(int=30))
    no_hours = make(horizon_days=10**6, pid=uuid.UUID(int=31))
    found = next_free_slot([no_hours, only_june], SVC, mins(60), utc(2025, 1, 6, 8), NONE)
    assert found == Slot(uuid.UUID(int=30), utc(2025, 6, 2, 8), utc(2025, 6, 2, 9))
    assert next_free_slot(no_hours, SVC, mins(60), utc(2025, 1, 6, 8), NONE) is None


def test_next_free_slot_far_ahead_still_sees_busy_times() -> None:
    # Fully booked for three weeks, then one gap: the search must keep its busy
    # index complete well past the first days it looks at.
    weekly = [WeeklyBlock(wd, hm(9), hm(12)) for wd in range(5)]
    busy = [
        Busy(utc(2025, 1, 6 + d, 9), utc(2025, 1, 6 + d, 12), counts_for_day_limit=True)
        for d in range(21)
    ]
    busy.append(Busy(utc(2025, 1, 27, 9), utc(2025, 1, 27, 11)))
    schedule = make(weekly, busy=busy)
    found = next_free_slot([schedule], SVC, mins(60), utc(2025, 1, 6, 8), NONE)
    assert found is not None and found.start == utc(2025, 1, 27, 11)
    assert found == slots(schedule, MON, date(2025, 2, 28), now=utc(2025, 1, 6, 8))[0]


# --------------------------------------------------------------------------
# bad input


def _busy_naive() -> object:
    return Busy(datetime(2025, 1, 6, 9), utc(2025, 1, 6, 10))


@pytest.mark.parametrize(
    "build",
    [
        _busy_naive,
        lambda: Busy(utc(2025, 1, 6, 10), utc(2025, 1, 6, 9)),
        lambda: Busy(utc(2025, 1, 6, 9), utc(2025, 1, 6, 10), mins(-5)),
        lambda: TimeBlock(hm(10), hm(10)),
        lambda: TimeBlock(hm(10), hm(9)),
        lambda: TimeBlock(time(9, tzinfo=UTC), hm(10)),
        lambda: WeeklyBlock(7, hm(9), hm(10)),
        lambda: ScheduleSettings(mins(0), mins(0), mins(0), mins(0), 30, None),
        lambda: ScheduleSettings(mins(15), mins(-1), mins(0), mins(0), 30, None),
        lambda: ScheduleSettings(mins(15), mins(0), mins(0), mins(0), -1, None),
        lambda: ScheduleSettings(mins(15), mins(0), mins(0), mins(0), 30, 0),
        lambda: ScheduleSettings(timedelta(seconds=0.5), mins(0), mins(0), mins(0), 30, None),
        lambda: make(overrides=[DateOverride(MON, ()), DateOverride(MON, (), "again")]),
        lambda: make(tz=UTC),  # type: ignore[arg-type]
        lambda: slots(make(), MON, now=datetime(2025, 1, 1)),
        lambda: slots(make(), MON, MON - timedelta(days=1)),
        lambda: slots(make(), MON, minutes=0),
        lambda: next_free_slot(make(), SVC, mins(30), EARLY, NONE, after=datetime(2025, 1, 1)),
        lambda: days_with_room(make(), SVC, mins(30), 2025, 1, datetime(2025, 1, 1), NONE),
    ],
)
def test_bad_input_is_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()
