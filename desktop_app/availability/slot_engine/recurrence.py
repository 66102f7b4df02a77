"""Recurring exceptions: the RRULE input and the dates it falls on, month by month."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from dateutil.rrule import rrule, rrulestr

from desktop_app.availability.slot_engine.blocks import TimeBlock

_RULE_FREQS: Final = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})


def _normalise_rrule(text: str) -> tuple[str, str, int, bool]:
    """Return (rule text, FREQ, INTERVAL, has COUNT) or raise ValueError."""
    if "\n" in text or "\r" in text:
        raise ValueError("a recurring exception takes one RRULE line, not a calendar")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: list[str] = []
    found: dict[str, str] = {}
    for part in body.split(";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"not an RRULE: {text!r}")
        key, value = key.strip().upper(), value.strip().upper()
        if key in found:
            raise ValueError(f"{key} appears twice in RRULE {text!r}")
        # Occurrences are whole local dates, so a UTC UNTIL is read as a date-time
        # in the practitioner's calendar; dateutil would refuse it with a date DTSTART.
        if key == "UNTIL" and value.endswith("Z"):
            value = value[:-1]
        found[key] = value
        parts.append(f"{key}={value}")
    freq = found.get("FREQ")
    if freq not in _RULE_FREQS:
        raise ValueError(f"RRULE FREQ must be one of {sorted(_RULE_FREQS)}, got {freq!r}")
    try:
        interval = int(found.get("INTERVAL", "1"))
    except ValueError:
        raise ValueError(f"RRULE INTERVAL must be a number in {text!r}") from None
    if interval < 1:
        raise ValueError(f"RRULE INTERVAL must be at least 1 in {text!r}")
    return ";".join(parts), freq, interval, "COUNT" in found


@dataclass(frozen=True, slots=True)
class RecurringException:
    """Closes a whole day (`block` None) or a wall-clock range, on every RRULE date.

    `rrule` is RFC 5545 RRULE text such as "FREQ=MONTHLY;BYDAY=1MO"; `dtstart`
    is the first date the rule may apply. FREQ must be DAILY, WEEKLY, MONTHLY
    or YEARLY.
    """

    rrule: str
    dtstart: date
    block: TimeBlock | None
    reason: str = ""
    rule_text: str = field(init=False, repr=False, compare=False)
    rule_freq: str = field(init=False, repr=False, compare=False)
    rule_interval: int = field(init=False, repr=False, compare=False)
    rule_counted: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.dtstart, datetime):
            raise ValueError("dtstart of a recurring exception is a date, not a datetime")
        if self.block is not None and self.block.service_ids is not None:
            raise ValueError("a recurring exception closes every service; leave service_ids None")
        text, freq, interval, counted = _normalise_rrule(self.rrule)
        try:
            _parse_rule(text, self.dtstart)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"invalid RRULE {self.rrule!r}: {exc}") from None
        object.__setattr__(self, "rule_text", text)
        object.__setattr__(self, "rule_freq", freq)
        object.__setattr__(self, "rule_interval", interval)
        object.__setattr__(self, "rule_counted", counted)


@lru_cache(maxsize=1_024)
def _parse_rule(text: str, dtstart: date) -> rrule:
    parsed = rrulestr(text, dtstart=datetime.combine(dtstart, time()))
    if not isinstance(parsed, rrule):
        raise ValueError(f"not a single RRULE: {text!r}")
    return parsed


def _add_months(day: date, months: int) -> date | None:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    if day.day > calendar.monthrange(year, month + 1)[1]:
        return None
    return date(year, month + 1, day.day)


def _fast_forward(rx: RecurringException, first: date) -> date:
    """A later DTSTART, in phase with the rule, that yields the same dates from `first` on.

    dateutil iterates from DTSTART, which for an old rule costs milliseconds.
    Moving DTSTART by whole rule periods keeps the phase (weekday, week
    alignment, day of month). Rules with COUNT are left alone: their dates
    depend on every earlier occurrence.
    """
    start = rx.dtstart
    if rx.rule_counted or start >= first:
        return start
    n = rx.rule_interval
    if rx.rule_freq in ("DAILY", "WEEKLY"):
        period = n if rx.rule_freq == "DAILY" else 7 * n
        periods = (first - start).days // period - 1
        return start + timedelta(days=periods * period) if periods > 0 else start
    unit = 12 if rx.rule_freq == "YEARLY" else 1
    months = (first.year - start.year) * 12 + first.month - start.month
    periods = months // (n * unit) - 1
    while periods > 0:
        moved = _add_months(start, periods * n * unit)
        if moved is not None:
            return moved
        periods -= 1  # e.g. the 31st in a shorter month: step back one period
    return start


@lru_cache(maxsize=8_192)
def rule_dates_in_month(rx: RecurringException, year: int, month: int) -> frozenset[date]:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    rule = _parse_rule(rx.rule_text, rx.dtstart)
    moved = _fast_forward(rx, first)
    if moved != rx.dtstart:
        rule = rule.replace(dtstart=datetime.combine(moved, time()))
    hits = rule.between(datetime.combine(first, time()), datetime.combine(last, time.max), True)
    return frozenset(hit.date() for hit in hits)


def clear_rule_caches() -> None:
    """Drop the parsed rules and the expanded months."""
    _parse_rule.cache_clear()
    rule_dates_in_month.cache_clear()
