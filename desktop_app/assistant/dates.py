"""Days and times as a caller says them, read by rules: deterministic given `today`.

Each reader takes the (folded) text, takes out what it understood (replaced by
a " | " that keeps the words either side apart) and returns the rest.

Days ("today", "tomorrow", "next Tuesday", "this week", "in 2 weeks",
"14/03", "March 14th", "the 3rd") become local dates; times ("after 3pm",
"before 10", "at 16:30", "mornings", "between 2 and 4") become a window of
start times. An hour said without am/pm is read within the clinic's opening
hours; when both readings or neither fit, that is a question, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta

from desktop_app.assistant.request import Ask, Question

GAP = " | "

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join([*MONTHS, "sept", *(m[:3] for m in MONTHS)]) + r")"
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "few": 3,
}
_N = r"(?P<n>\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"


def _sub(text: str, pattern: str, fn: Callable[[re.Match[str]], str | None]) -> str:
    """Replace what `fn` understood with a gap (or with what it returns)."""

    def one(m: re.Match[str]) -> str:
        kept = fn(m)
        return GAP if kept is None else f" {kept} "

    return re.sub(pattern, one, text)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text]


def _month(text: str) -> int:
    return (
        MONTHS.index(text) + 1
        if text in MONTHS
        else _MONTH_ABBR[text[:4] if text == "sept" else text[:3]]
    )


def fmt_day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B}"


def fmt_time(t: time) -> str:
    return f"{t:%H:%M}"


# --- days ----------------------------------------------------------------------


@dataclass(frozen=True)
class Days:
    day_from: date
    day_to: date


@dataclass
class _DayParts:
    exact: date | None = None
    span: tuple[date, date] | None = None
    weekday: int | None = None
    weekday_mod: str = ""


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _future(d: date, today: date, *, years: bool) -> date:
    """A date without a year (or month) that has passed means the next one."""
    if d >= today:
        return d
    return d + relativedelta(years=1) if years else d + relativedelta(months=1)


def read_days(text: str, today: date) -> tuple[str, Days | None, list[Question]]:
    questions: list[Question] = []
    parts = _DayParts()

    def sub(pattern: str, fn: Callable[[re.Match[str]], str | None]) -> None:
        nonlocal text
        text = _sub(text, pattern, fn)

    def exact(d: date | None) -> None:
        if d is not None and parts.exact is None:
            parts.exact = d

    def span(a: date, b: date) -> None:
        if parts.span is None:
            parts.span = (a, b)

    def iso(m: re.Match[str]) -> None:
        exact(_safe_date(int(m["y"]), int(m["mo"]), int(m["d"]), questions))

    sub(r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b", iso)

    def slashed(m: re.Match[str]) -> None:
        year = m["y"]
        if year is None:
            d = _safe_date(today.year, int(m["mo"]), int(m["d"]), questions)
            exact(_future(d, today, years=True) if d else None)
        else:
            y = int(year) + (2000 if len(year) == 2 else 0)
            exact(_safe_date(y, int(m["mo"]), int(m["d"]), questions))

    sub(r"\b(?P<d>\d{1,2})/(?P<mo>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b", slashed)

    def day_month(m: re.Match[str]) -> None:
        year = int(m["y"]) if m["y"] else None
        d = _safe_date(year or today.year, _month(m["month"]), int(m["d"]), questions)
        exact(_future(d, today, years=True) if d and year is None else d)

    sub(
        r"\b(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        + _MONTH
        + r"\b(?:\s+(?P<y>\d{4}))?",
        day_month,
    )
    sub(
        r"\b" + _MONTH + r"\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{4}))?",
        day_month,
    )

    def nth(m: re.Match[str]) -> None:
        d = _safe_date(today.year, today.month, int(m["d"]), questions)
        exact(_future(d, today, years=False) if d else None)

    sub(r"\b(?:on\s+)?(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b", nth)

    sub(r"\b(?:the\s+)?day after tomorrow\b", lambda m: exact(today + timedelta(days=2)))
    sub(r"\b(?:tomorrow|overnight)\b", lambda m: exact(today + timedelta(days=1)))

    def today_part(m: re.Match[str]) -> str | None:
        exact(today)
        # "tonight", "this morning": the day is today; the part of it stays.
        return "evening" if m[0] == "tonight" else m["part"]

    sub(r"\btoday\b|\btonight\b|\bthis (?P<part>morning|afternoon|evening)\b", today_part)

    def passed(m: re.Match[str]) -> None:
        questions.append(Question(Ask.DAY, f"“{m[0]}” has passed: which day should it be?"))

    sub(r"\b(?:yesterday|last (?:week|month))\b", passed)

    sub(r"\bweek after next\b", lambda m: span(*_week(today, 2)))
    sub(
        r"\bnext week(?:end)?\b",
        lambda m: span(*(_weekend(today, 1) if m[0].endswith("end") else _week(today, 1))),
    )
    sub(
        r"\b(?:later )?this week(?:end)?\b",
        lambda m: span(
            *(_weekend(today, 0) if m[0].endswith("end") else (today, _week(today, 0)[1]))
        ),
    )
    sub(r"\b(?:the |at the )?weekend\b", lambda m: span(*_weekend(today, 0)))
    sub(
        r"\b(?:in |within )?(?:a|the) fortnight\b|\bin two weeks\b",
        lambda m: span(today + timedelta(days=14), today + timedelta(days=20)),
    )

    def in_n(m: re.Match[str]) -> None:
        n = _number(m["n"])
        unit = m["unit"]
        if unit.startswith("day"):
            exact(today + timedelta(days=n))
        elif unit.startswith("week"):
            start = today + timedelta(weeks=n)
            span(start, start + timedelta(days=6))
        else:
            start = today + relativedelta(months=n)
            span(start, start + timedelta(days=6))

    sub(r"\bin\s+(?:a\s+)?" + _N + r"\s+(?P<unit>days?|weeks?|months?)(?:\s+time)?\b", in_n)
    sub(
        r"\b" + _N + r"\s+(?P<unit>days?|weeks?|months?)\s+(?:from\s+(?:now|today)|away|ahead)\b",
        in_n,
    )

    def month_span(m: re.Match[str]) -> None:
        first = today.replace(day=1) + relativedelta(months=1 if m[1] == "next" else 0)
        last = first + relativedelta(months=1) - timedelta(days=1)
        span(max(first, today), last)

    sub(r"\b(next|this) month\b", month_span)

    def weekday(m: re.Match[str]) -> None:
        if parts.weekday is None:
            parts.weekday = WEEKDAYS.index(m["wd"])
            parts.weekday_mod = (m["mod"] or "").strip()

    sub(
        r"\b(?:on\s+)?(?P<mod>next\s+|this\s+|coming\s+|this coming\s+|following\s+)?"
        r"(?P<wd>" + "|".join(WEEKDAYS) + r")s?\b",
        weekday,
    )

    days = _combine(parts, today, questions)
    return text, days, questions


def _safe_date(y: int, mo: int, d: int, questions: list[Question]) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        questions.append(Question(Ask.DAY, f"{d}/{mo}/{y} is not a date: which day?"))
        return None


def _week(today: date, ahead: int) -> tuple[date, date]:
    start = _week_start(today) + timedelta(weeks=ahead)
    return start, start + timedelta(days=6)


def _weekend(today: date, ahead: int) -> tuple[date, date]:
    start = _week_start(today) + timedelta(weeks=ahead, days=5)
    return max(start, today), start + timedelta(days=1)


def _combine(parts: _DayParts, today: date, questions: list[Question]) -> Days | None:
    if parts.exact is not None:
        d = parts.exact
        if parts.weekday is not None and d.weekday() != parts.weekday:
            questions.append(
                Question(
                    Ask.DAY,
                    f"{fmt_day(d)} is not a {WEEKDAYS[parts.weekday].title()}: which day?",
                    options=(d.isoformat(),),
                )
            )
        if d < today:
            questions.append(Question(Ask.DAY, f"{fmt_day(d)} has passed: which day?"))
        return Days(d, d)
    if parts.weekday is not None:
        wd = parts.weekday
        if parts.span is not None:
            a, b = parts.span
            for i in range((b - a).days + 1):
                d = a + timedelta(days=i)
                if d.weekday() == wd:
                    return Days(d, d)
            questions.append(
                Question(
                    Ask.DAY, f"No {WEEKDAYS[wd].title()} between {fmt_day(a)} and {fmt_day(b)}."
                )
            )
            return Days(a, b)
        ahead = (wd - today.weekday()) % 7
        mod = parts.weekday_mod
        if mod == "next":
            first = today + timedelta(days=ahead or 7)
            if _week_start(first) == _week_start(today):
                # "next Friday" on a Monday: this week's, or next week's?
                later = first + timedelta(days=7)
                questions.append(
                    Question(
                        Ask.DAY,
                        f"Next {WEEKDAYS[wd].title()}: {fmt_day(first)} or {fmt_day(later)}?",
                        options=(first.isoformat(), later.isoformat()),
                    )
                )
            return Days(first, first)
        if mod in ("", "on") and ahead == 0:
            later = today + timedelta(days=7)
            questions.append(
                Question(
                    Ask.DAY,
                    f"{WEEKDAYS[wd].title()}: today ({fmt_day(today)}) or {fmt_day(later)}?",
                    options=(today.isoformat(), later.isoformat()),
                )
            )
            return Days(today, today)
        d = today + timedelta(days=ahead)
        return Days(d, d)
    if parts.span is not None:
        a, b = parts.span
        return Days(max(a, today), b) if b >= today else Days(a, b)
    return None


# --- times ---------------------------------------------------------------------


@dataclass(frozen=True)
class Times:
    start: time | None = None
    end: time | None = None
    at: time | None = None
    same_time: bool = False


_T = (
    r"(?P<{p}h>\d{{1,2}})(?:[:.h](?P<{p}m>\d{{2}}))?\s*"
    r"(?P<{p}ap>a\.?m\.?|p\.?m\.?|o'?clock|h(?![a-z]))?"
)
_T_WORD = r"(?P<{p}w>noon|midday|midnight)"


def _t(prefix: str) -> str:
    return r"(?:" + _T.format(p=prefix) + r"|" + _T_WORD.format(p=prefix) + r")"


_PARTS = (
    # (pattern, start, end)
    (r"\b(?:early|first thing in the) mornings?\b|\bfirst thing\b", None, time(10)),
    (r"\blate mornings?\b", time(10), time(12)),
    (r"\b(?:in the )?mornings?\b|\bam only\b|\bbefore lunch\b", None, time(12)),
    (r"\bearly afternoons?\b|\bafter lunch\b", time(12), time(14)),
    (r"\blate afternoons?\b", time(15), time(17)),
    (r"\b(?:in the )?afternoons?\b|\bpm only\b", time(12), time(17)),
    (r"\b(?:in the )?evenings?\b|\bafter work\b|\bafter school\b|\btonight\b", time(17), None),
    (r"\blunch ?time\b|\bover lunch\b|\bat lunch\b", time(12), time(14)),
)


@dataclass(frozen=True)
class _Said:
    """An hour as said: what is certain about it and what is not."""

    hour: int
    minute: int
    ap: str  # "am", "pm", "24" (unambiguous) or "" (either)
    words: str


def _said(m: re.Match[str], p: str) -> _Said | None:
    groups = m.groupdict()
    word = groups.get(p + "w")
    if word:
        return _Said(0 if word == "midnight" else 12, 0, "24", word)
    h = groups.get(p + "h")
    if h is None:
        return None
    mins, ap = groups.get(p + "m"), (groups.get(p + "ap") or "").replace(".", "")
    hour, minute = int(h), int(mins or 0)
    if ap in ("am", "pm"):
        return _Said(hour, minute, ap, m[0].strip())
    if ap == "h" or hour >= 13 or hour == 0 or h.startswith("0"):
        return _Said(hour, minute, "24", m[0].strip())
    return _Said(hour, minute, "", m[0].strip())


def _readings(s: _Said) -> list[time] | None:
    if s.minute > 59 or s.hour > 23 or (s.ap in ("am", "pm") and not 1 <= s.hour <= 12):
        return None
    if s.ap == "24":
        return [time(s.hour, s.minute)]
    if s.ap == "am":
        return [time(s.hour % 12, s.minute)]
    if s.ap == "pm":
        return [time(s.hour % 12 + 12, s.minute)]
    if s.hour == 12:
        return [time(12, s.minute)]
    return [time(s.hour, s.minute), time(s.hour + 12, s.minute)]


def read_times(
    text: str, opening: tuple[time, time], hint: str = ""
) -> tuple[str, Times, list[Question]]:
    """`hint` is "am"/"pm" when the text says mornings/afternoons elsewhere."""
    questions: list[Question] = []
    start: time | None = None
    end: time | None = None
    at: time | None = None
    same_time = False
    opens, closes = opening
    hours = f"{fmt_time(opens)}–{fmt_time(closes)}"

    def resolve(s: _Said, kind: str, ap_hint: str = "") -> time | None:
        readings = _readings(s)
        if readings is None:
            questions.append(Question(Ask.TIME, f"“{s.words}” is not a time of day."))
            return None
        if len(readings) == 2 and (ap_hint or hint):
            readings = [readings[0] if (ap_hint or hint) == "am" else readings[1]]

        def inside(t: time) -> bool:
            return opens < t <= closes if kind == "end" else opens <= t < closes

        fitting = [t for t in readings if inside(t)]
        if len(readings) == 1 and fitting:
            return readings[0]
        if len(fitting) == 1:
            return fitting[0]
        if len(fitting) == 2:
            a, b = fitting
            questions.append(
                Question(
                    Ask.TIME,
                    f"“{s.words}”: {fmt_time(a)} or {fmt_time(b)}?",
                    options=(fmt_time(a), fmt_time(b)),
                )
            )
            return None
        shown = " or ".join(fmt_time(t) for t in readings)
        questions.append(
            Question(
                Ask.TIME,
                f"{shown} is outside opening hours ({hours}): which time?",
                options=tuple(fmt_time(t) for t in readings),
            )
        )
        return readings[0] if len(readings) == 1 else None

    def sub(pattern: str, fn: Callable[[re.Match[str]], None]) -> None:
        nonlocal text
        text = _sub(text, pattern, fn)

    def same(m: re.Match[str]) -> None:
        nonlocal same_time
        same_time = True

    sub(r"\b(?:at\s+)?(?:the\s+)?same time\b", same)

    part_start: time | None = None
    part_end: time | None = None
    part_hint = ""
    for pattern, a, b in _PARTS:
        if re.search(pattern, text):
            text = re.sub(pattern, GAP, text)
            if part_start is None and part_end is None:
                part_start, part_end = a, b
                part_hint = "am" if b is not None and b <= time(12) else "pm"

    def between(m: re.Match[str]) -> None:
        nonlocal start, end
        first, second = _said(m, "a"), _said(m, "b")
        if first is None or second is None:
            return
        ap = second.ap if second.ap in ("am", "pm") else part_hint
        if first.ap == "" and ap == "pm" and first.hour > second.hour and second.ap == "pm":
            ap = "am"  # "11-1pm"
        s = resolve(first, "start", ap if first.ap == "" else "")
        e = resolve(second, "end", "")
        if s is not None and e is not None and e <= s and second.ap == "":
            e2 = time(e.hour + 12, e.minute) if e.hour < 12 else e
            e = e2
        start, end = s, e

    sub(
        r"\b(?:between|from)\s+"
        + _t("a")
        + r"\s*(?:-|–|to|and|until|till)\s*"
        + _t("b")
        + r"(?!\w)",
        between,
    )
    sub(r"\b" + _t("a") + r"\s*(?:-|–)\s*" + _t("b") + r"(?!\w)", between)

    def after(m: re.Match[str]) -> None:
        nonlocal start
        s = _said(m, "a")
        if s is not None:
            start = resolve(s, "start", part_hint)

    def before(m: re.Match[str]) -> None:
        nonlocal end
        s = _said(m, "a")
        if s is not None:
            end = resolve(s, "end", part_hint)

    def exact(m: re.Match[str]) -> None:
        nonlocal at
        s = _said(m, "a")
        if s is not None and at is None:
            at = resolve(s, "start", part_hint)

    sub(
        r"\b(?:any ?time\s+)?(?:after|from|not before|later than|past)\s+" + _t("a") + r"(?!\w)",
        after,
    )
    sub(
        r"\b(?:any ?time\s+)?(?:before|by|until|till|no later than|earlier than|not after)\s+"
        + _t("a")
        + r"(?!\w)",
        before,
    )
    sub(r"(?:\b(?:at|around|about)\s+|@\s*)" + _t("a") + r"(?!\w)", exact)
    # A bare time must look like one: 4pm, 16:30, 9.15am, 16h, noon.
    sub(
        r"\b(?P<ah>\d{1,2})(?:[:.h](?P<am>\d{2}))?\s*"
        r"(?P<aap>a\.?m\.?|p\.?m\.?|o'?clock|h(?![a-z]))(?!\w)",
        exact,
    )
    sub(r"\b(?P<ah>\d{1,2})[:h](?P<am>\d{2})\b", exact)
    sub(r"\b(?P<aw>noon|midday)\b", exact)

    if start is None and end is None and at is None:
        start, end = part_start, part_end
    elif at is None:
        start = start if start is not None else part_start
        end = end if end is not None else part_end
    if any(q.about is Ask.TIME for q in questions):
        pass
    elif start is not None and end is not None and end <= start:
        questions.append(
            Question(Ask.TIME, f"After {fmt_time(start)} and before {fmt_time(end)}: which times?")
        )
    elif start is not None and start >= closes:
        questions.append(
            Question(Ask.TIME, f"After {fmt_time(start)} is outside opening hours ({hours}).")
        )
    return text, Times(start, end, at, same_time), questions
