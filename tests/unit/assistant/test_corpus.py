"""The assistant's corpus: phrasings as a caller says them and what they mean.

Each row pins `now` and the clinic's names (tests/unit/assistant/clinic_names.py);
a field left out of a row is not checked. Days are local dates in the clinic's
zone (Europe/London); WED is Wednesday 13 March 2030, the week before the
clocks go forward (Sunday 31 March) — DST rows start on Friday 29 March and
on Friday 25 October (clocks go back on Sunday 27 October).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest

from desktop_app.assistant.parse import parse
from desktop_app.assistant.request import Action, Ask, Request
from tests.unit.assistant.clinic_names import ZONE, C, P, S, vocabulary

WED = datetime(2030, 3, 13, 10, 0, tzinfo=ZONE)
FRI = datetime(2030, 3, 15, 9, 30, tzinfo=ZONE)
MON = datetime(2030, 3, 11, 9, 0, tzinfo=ZONE)
SUN = datetime(2030, 3, 17, 11, 0, tzinfo=ZONE)
DST_SPRING = datetime(2030, 3, 29, 16, 0, tzinfo=ZONE)  # Friday; clocks go forward Sunday
DST_AUTUMN = datetime(2030, 10, 25, 16, 0, tzinfo=ZONE)  # Friday; clocks go back Sunday
MONTH_END = datetime(2030, 1, 30, 12, 0, tzinfo=ZONE)  # Wednesday
LEAP_END = datetime(2030, 2, 27, 12, 0, tzinfo=ZONE)  # Wednesday, not a leap year
YEAR_END = datetime(2030, 12, 30, 9, 0, tzinfo=ZONE)  # Monday

ANY = object()
ANYONE = "anyone"


def d(month: int, day: int, year: int = 2030) -> date:
    return date(year, month, day)


def t(hh: int, mm: int = 0) -> time:
    return time(hh, mm)


@dataclass(frozen=True)
class Case:
    text: str
    now: datetime = WED
    action: Action | None = None
    # A key of C, a tuple of keys (candidates), None (nobody) or ANY.
    client: object = ANY
    new_client: object = ANY
    service: object = ANY
    practitioner: object = ANY
    days: object = ANY
    start: object = ANY
    end: object = ANY
    at: object = ANY
    same_time: object = ANY
    same_as_last: object = ANY
    # The appointment a move or cancel is about: (days, at) or ANY.
    current_days: object = ANY
    current_at: object = ANY
    asks: tuple[Ask, ...] | object = ANY
    note: str = field(default="", compare=False)


def ids(keys: object, table: dict[str, uuid.UUID]) -> object:
    if isinstance(keys, tuple):
        return tuple(table[k] for k in keys)
    return table[keys] if isinstance(keys, str) else keys


CORPUS: list[Case] = [
    # --- the issue's own examples ----------------------------------------------------
    Case(
        "Ana Silva with Dr Hunt next Tuesday after 3pm",
        action=Action.BOOK,
        client=("ana1", "ana2"),
        practitioner="hunt",
        days=(d(3, 19), d(3, 19)),
        start=t(15),
        asks=(Ask.CLIENT, Ask.SERVICE),
    ),
    Case(
        "first free hygiene appointment this week, mornings",
        action=Action.FIND,
        client=None,
        service="hygiene",
        practitioner=None,
        days=(d(3, 13), d(3, 17)),
        start=None,
        end=t(12),
        asks=(),
    ),
    Case(
        "move Jürgen's Thursday appointment to Friday same time",
        action=Action.MOVE,
        client="jurgen",
        current_days=(d(3, 14), d(3, 14)),
        days=(d(3, 15), d(3, 15)),
        same_time=True,
        asks=(),
    ),
    Case(
        "cancel María Adeyemi's 4pm",
        action=Action.CANCEL,
        client="maria",
        current_at=t(16),
        asks=(),
    ),
    Case(
        "book Wei Wang in 2 weeks, same as last time",
        action=Action.BOOK,
        client="wei",
        same_as_last=True,
        service=None,
        days=(d(3, 27), d(4, 2)),
        asks=(),
    ),
    # --- clients: accents, typos, possessives, ambiguity, nobody -------------------------
    Case(
        "Jurgen Muller check-up tomorrow",
        client="jurgen",
        service="checkup",
        days=(d(3, 14), d(3, 14)),
        action=Action.BOOK,
        asks=(),
    ),
    Case("jürgen müller checkup tomorrow", client="jurgen", service="checkup", asks=()),
    Case("JÜRGEN MÜLLER CHECK-UP TOMORROW", client="jurgen", service="checkup", asks=()),
    Case(
        "Maria Adeyemi hygiene friday",
        client="maria",
        service="hygiene",
        days=(d(3, 15), d(3, 15)),
        asks=(),
    ),
    Case(
        "María Adeyemmi hygiene friday",
        client="maria",
        service="hygiene",
        asks=(),
        note="typo in the surname",
    ),
    Case("Mraia Adeyemi hygiene friday", client="maria", asks=(), note="typo in the first name"),
    Case(
        "Sian Llewellyn individual session monday",
        client="sian",
        service="individual",
        days=(d(3, 18), d(3, 18)),
        asks=(),
    ),
    Case("Siân Llewelyn individual session monday", client="sian", asks=()),
    Case(
        "Sean O'Brien intake next week",
        client="obrien",
        service="intake",
        days=(d(3, 18), d(3, 24)),
        asks=(),
    ),
    Case("Seán OBrien intake next week", client="obrien", asks=()),
    Case(
        "Zoe Dvorak scale and polish thursday",
        client="zoe",
        service="scale",
        days=(d(3, 14), d(3, 14)),
        asks=(),
    ),
    Case(
        "Lukasz Nowak physio assessment tomorrow", client="lukasz", service="physio_assess", asks=()
    ),
    Case(
        "Łukasz Nowak physio follow up tomorrow", client="lukasz", service="physio_follow", asks=()
    ),
    Case(
        "Chloe Dubois couples session saturday",
        client="chloe",
        service="couples",
        days=(d(3, 16), d(3, 16)),
        asks=(),
    ),
    Case(
        "Bjorn Hakansson filling on the 20th",
        client="bjorn",
        service="filling",
        days=(d(3, 20), d(3, 20)),
        asks=(),
    ),
    Case(
        "Ines Fernandez online session tomorrow at 5pm",
        client="ines",
        service="online",
        at=t(17),
        asks=(),
    ),
    Case(
        "Goncalo Ferreira checkup monday 9am", client="gonzalo", service="checkup", at=t(9), asks=()
    ),
    Case(
        "Omer Yilmaz emergency today",
        client="omer",
        service="emergency",
        days=(d(3, 13), d(3, 13)),
        asks=(),
    ),
    Case("Mei Chen hygiene next week", client="mei", service="hygiene", asks=()),
    Case("Mei Chenn hygiene next week", client="mei", asks=(), note="doubled letter"),
    Case("Ana Costa checkup", client="ana_costa", service="checkup", asks=()),
    Case("Ana Silva checkup tomorrow", client=("ana1", "ana2"), asks=(Ask.CLIENT,)),
    Case("Ana checkup tomorrow", client=("ana_costa", "ana1", "ana2"), asks=(Ask.CLIENT,)),
    Case("Smith hygiene friday", client=("oliver", "olivia"), asks=(Ask.CLIENT,)),
    Case("Oliver Smith hygiene friday", client="oliver", asks=()),
    Case("Olivia Smith hygiene friday", client="olivia", asks=()),
    Case("Olivr Smith hygiene friday", client="oliver", asks=(), note="typo, nearest wins"),
    Case(
        "book Zelda Quux checkup tomorrow at 10am",
        action=Action.BOOK,
        client=None,
        new_client="Zelda Quux",
        service="checkup",
        at=t(10),
        asks=(Ask.NEW_CLIENT,),
    ),
    Case(
        "new client Tom Baker hygiene monday",
        client=None,
        new_client="Tom Baker",
        asks=(Ask.NEW_CLIENT,),
    ),
    Case("book checkup tomorrow", action=Action.BOOK, client=None, asks=(Ask.CLIENT,)),
    Case(
        "James Hunt checkup with Dr Okafor",
        client="james",
        practitioner="okafor",
        service="checkup",
        asks=(),
        note="a client sharing a practitioner's surname",
    ),
    Case(
        "Priya Shah individual session with Priya Patel",
        client="priya_c",
        practitioner="patel_a",
        service="individual",
        asks=(),
    ),
    Case(
        "for Wei Wang please, a check-up on Monday",
        client="wei",
        service="checkup",
        days=(d(3, 18), d(3, 18)),
        asks=(),
    ),
    Case("Wei Wang's check-up", client="wei", service="checkup", asks=()),
    Case("can I get Wei Wang in for a filling tomorrow", client="wei", service="filling", asks=()),
    # --- services: names, aliases, synonyms, typos, ambiguity ------------------------------
    Case("first free hygiene appointment", service="hygiene", action=Action.FIND, asks=()),
    Case("next available hygienist", service="hygiene", action=Action.FIND, asks=()),
    Case("earliest cleaning", service="hygiene", asks=()),
    Case("first free hygeine appointment", service="hygiene", asks=(), note="typo"),
    Case("free times for a checkup", service="checkup", asks=()),
    Case("next free check up", service="checkup", asks=()),
    Case("dental exam friday", service="checkup", asks=()),
    Case("next free filling", service="filling", asks=()),
    Case("fillings next week", service="filling", asks=()),
    Case("first free emergency appointment", service="emergency", asks=()),
    Case("urgent dental today", service="emergency", asks=()),
    Case("toothache today", service="emergency", asks=()),
    Case("scale and polish next week", service="scale", asks=()),
    Case("next free polish", service="scale", asks=()),
    Case("intake assessment monday", service="intake", asks=()),
    Case("first free individual session", service="individual", asks=()),
    Case("first free online individual session", service="online", asks=()),
    Case("video session tomorrow", service="online", asks=()),
    Case("couples therapy next week", service="couples", asks=()),
    Case("physio follow-up friday", service="physio_follow", asks=()),
    Case("physiotherapy followup friday", service="physio_follow", asks=()),
    Case("physiotheraphy assesment friday", service="physio_assess", asks=(), note="typos"),
    Case("assessment friday", service=None, asks=(Ask.SERVICE,)),
    Case("dental appointment friday", service=None, asks=(Ask.SERVICE,)),
    Case("next free physio", service=None, asks=(Ask.SERVICE,)),
    Case("first free slot tomorrow", service=None, asks=(Ask.SERVICE,)),
    Case("Dr Hunt tomorrow", practitioner="hunt", service=None, asks=(Ask.SERVICE,)),
    Case("first free with Ella Wood", practitioner="wood", service=None, asks=(Ask.SERVICE,)),
    Case("with Lewis Fox tomorrow", practitioner="fox", service=None, asks=(Ask.SERVICE,)),
    # --- practitioners and anyone ------------------------------------------------------------
    Case("checkup with Dr Hunt", practitioner="hunt", service="checkup", asks=()),
    Case("checkup with dr. hunt", practitioner="hunt", asks=()),
    Case("checkup with doctor hunt", practitioner="hunt", asks=()),
    Case("checkup with Hunt", practitioner="hunt", asks=()),
    Case("checkup with Sam Hunt", practitioner="hunt", asks=()),
    Case("checkup with Sam", practitioner="hunt", asks=()),
    Case("checkup Sam Hunt tomorrow", practitioner="hunt", asks=()),
    Case("checkup with Dr Hnut", practitioner="hunt", asks=(), note="typo"),
    Case("checkup with Dr Okafor", practitioner="okafor", asks=()),
    Case("checkup with dr okafoor", practitioner="okafor", asks=()),
    Case("hygiene with Ella", practitioner="wood", asks=()),
    Case("individual session with Dr Patel", practitioner=None, asks=(Ask.PRACTITIONER,)),
    Case("individual session with Rohan Patel", practitioner="patel_r", asks=()),
    Case("individual session with Priya", practitioner="patel_a", asks=()),
    Case("checkup with anyone tomorrow", practitioner=ANYONE, service="checkup", asks=()),
    Case("checkup anyone", practitioner=ANYONE, asks=()),
    Case("checkup with anybody", practitioner=ANYONE, asks=()),
    Case("checkup whoever is free", practitioner=ANYONE, asks=()),
    Case("checkup any dentist friday", practitioner=ANYONE, asks=()),
    Case("checkup no preference", practitioner=ANYONE, asks=()),
    Case("checkup with any1 tomorrow", practitioner=ANYONE, asks=()),
    Case(
        "Oliver Smith filling with anyone next week",
        client="oliver",
        practitioner=ANYONE,
        service="filling",
        days=(d(3, 18), d(3, 24)),
        asks=(),
    ),
    # --- days ---------------------------------------------------------------------------------
    Case("checkup today", days=(d(3, 13), d(3, 13))),
    Case("checkup tomorrow", days=(d(3, 14), d(3, 14))),
    Case("checkup tmrw", days=(d(3, 14), d(3, 14))),
    Case("checkup tomorow", days=(d(3, 14), d(3, 14)), note="typo"),
    Case("checkup day after tomorrow", days=(d(3, 15), d(3, 15))),
    Case("checkup this week", days=(d(3, 13), d(3, 17))),
    Case("checkup later this week", days=(d(3, 13), d(3, 17))),
    Case("checkup next week", days=(d(3, 18), d(3, 24))),
    Case("checkup week after next", days=(d(3, 25), d(3, 31))),
    Case("checkup in 2 weeks", days=(d(3, 27), d(4, 2))),
    Case("checkup in two weeks", days=(d(3, 27), d(4, 2))),
    Case("checkup in a fortnight", days=(d(3, 27), d(4, 2))),
    Case("checkup 3 weeks from now", days=(d(4, 3), d(4, 9))),
    Case("checkup in 3 days", days=(d(3, 16), d(3, 16))),
    Case("checkup in a week", days=(d(3, 20), d(3, 26))),
    Case("checkup in a month", days=(d(4, 13), d(4, 19))),
    Case("checkup next month", days=(d(4, 1), d(4, 30))),
    Case("checkup this weekend", days=(d(3, 16), d(3, 17))),
    Case("checkup thursday", days=(d(3, 14), d(3, 14))),
    Case("checkup on thursday", days=(d(3, 14), d(3, 14))),
    Case("checkup thurs", days=(d(3, 14), d(3, 14))),
    Case("checkup thrusday", days=(d(3, 14), d(3, 14)), note="typo"),
    Case(
        "checkup wensday",
        days=(d(3, 13), d(3, 13)),
        asks=(Ask.DAY,),
        note="typo; today is Wednesday",
    ),
    Case("checkup monday", days=(d(3, 18), d(3, 18)), asks=()),
    Case("checkup this friday", days=(d(3, 15), d(3, 15)), asks=()),
    Case("checkup next tuesday", days=(d(3, 19), d(3, 19)), asks=()),
    Case(
        "checkup next friday",
        days=(d(3, 15), d(3, 15)),
        asks=(Ask.DAY,),
        note="this week's or next week's",
    ),
    Case(
        "checkup friday",
        now=FRI,
        days=(d(3, 15), d(3, 15)),
        asks=(Ask.DAY,),
        note="today is Friday",
    ),
    Case("checkup next friday", now=FRI, days=(d(3, 22), d(3, 22)), asks=()),
    Case("checkup this friday", now=FRI, days=(d(3, 15), d(3, 15)), asks=()),
    Case("checkup tuesday next week", days=(d(3, 19), d(3, 19)), asks=()),
    Case("checkup next week on friday", days=(d(3, 22), d(3, 22)), asks=()),
    Case("checkup in 2 weeks on tuesday", days=(d(4, 2), d(4, 2)), asks=()),
    Case("checkup on the 20th", days=(d(3, 20), d(3, 20))),
    Case("checkup the 2nd", days=(d(4, 2), d(4, 2)), note="the 2nd has passed: next month's"),
    Case("checkup 14 march", days=(d(3, 14), d(3, 14))),
    Case("checkup march 14th", days=(d(3, 14), d(3, 14))),
    Case("checkup 2 april", days=(d(4, 2), d(4, 2))),
    Case("checkup 1st of april", days=(d(4, 1), d(4, 1))),
    Case("checkup 5 march", days=(d(3, 5, 2031), d(3, 5, 2031)), note="passed: next year"),
    Case("checkup 20/03", days=(d(3, 20), d(3, 20))),
    Case("checkup 2/4", days=(d(4, 2), d(4, 2)), note="day first, as in the UK"),
    Case("checkup 2030-04-02", days=(d(4, 2), d(4, 2))),
    Case("checkup 31/02", asks=(Ask.DAY,), note="not a date"),
    Case("checkup yesterday", asks=(Ask.DAY,)),
    Case("checkup monday", now=SUN, days=(d(3, 18), d(3, 18)), asks=()),
    Case("checkup next monday", now=SUN, days=(d(3, 18), d(3, 18)), asks=()),
    Case("checkup this week", now=SUN, days=(d(3, 17), d(3, 17))),
    Case("checkup next tuesday", now=MON, days=(d(3, 12), d(3, 12)), asks=(Ask.DAY,)),
    # --- month, year and DST boundaries ------------------------------------------------------
    Case("checkup in 3 days", now=MONTH_END, days=(d(2, 2), d(2, 2))),
    Case("checkup next week", now=MONTH_END, days=(d(2, 4), d(2, 10))),
    Case("checkup friday", now=MONTH_END, days=(d(2, 1), d(2, 1))),
    Case("checkup on the 2nd", now=MONTH_END, days=(d(2, 2), d(2, 2))),
    Case("checkup next month", now=MONTH_END, days=(d(2, 1), d(2, 28))),
    Case(
        "checkup in a month",
        now=MONTH_END,
        days=(d(2, 28), d(3, 6)),
        note="30 January plus a month is the end of February",
    ),
    Case("checkup tomorrow", now=LEAP_END, days=(d(2, 28), d(2, 28))),
    Case("checkup in 2 days", now=LEAP_END, days=(d(3, 1), d(3, 1))),
    Case("checkup 29/02", now=LEAP_END, asks=(Ask.DAY,), note="2030 is not a leap year"),
    Case("checkup next week", now=YEAR_END, days=(d(1, 6, 2031), d(1, 12, 2031))),
    Case("checkup friday", now=YEAR_END, days=(d(1, 3, 2031), d(1, 3, 2031))),
    Case("checkup 2 january", now=YEAR_END, days=(d(1, 2, 2031), d(1, 2, 2031))),
    Case("checkup in 2 weeks", now=YEAR_END, days=(d(1, 13, 2031), d(1, 19, 2031))),
    Case(
        "checkup monday at 10am",
        now=DST_SPRING,
        days=(d(4, 1), d(4, 1)),
        at=t(10),
        note="the clocks go forward in between",
    ),
    Case("checkup sunday", now=DST_SPRING, days=(d(3, 31), d(3, 31))),
    Case("checkup next week mornings", now=DST_SPRING, days=(d(4, 1), d(4, 7)), end=t(12)),
    Case("checkup tomorrow after 3pm", now=DST_SPRING, days=(d(3, 30), d(3, 30)), start=t(15)),
    Case(
        "checkup monday 16:30",
        now=DST_AUTUMN,
        days=(d(10, 28), d(10, 28)),
        at=t(16, 30),
        note="the clocks go back in between",
    ),
    Case("checkup in 3 days at 9", now=DST_AUTUMN, days=(d(10, 28), d(10, 28)), at=t(9)),
    # --- times: 12- and 24-hour, windows, parts of the day, hours ------------------------------
    Case("checkup tomorrow at 4pm", at=t(16), asks=()),
    Case("checkup tomorrow at 4 pm", at=t(16), asks=()),
    Case("checkup tomorrow 4pm", at=t(16), asks=()),
    Case("checkup tomorrow at 4", at=t(16), asks=(), note="4 am is before opening"),
    Case("checkup tomorrow at 16:30", at=t(16, 30), asks=()),
    Case("checkup tomorrow 16:30", at=t(16, 30), asks=()),
    Case("checkup tomorrow at 4:30pm", at=t(16, 30), asks=()),
    Case("checkup tomorrow at 4.30pm", at=t(16, 30), asks=()),
    Case("checkup tomorrow at 9:15", at=t(9, 15), asks=()),
    Case("checkup tomorrow at 09:15", at=t(9, 15), asks=()),
    Case("checkup tomorrow 16h", at=t(16), asks=()),
    Case("checkup tomorrow 14h30", at=t(14, 30), asks=()),
    Case("checkup tomorrow at noon", at=t(12), asks=()),
    Case("checkup tomorrow @ 11am", at=t(11), asks=()),
    Case("checkup tomorrow at 10 o'clock", at=t(10), asks=()),
    Case("checkup tomorrow around 2", at=t(14), asks=()),
    Case("checkup tomorrow at 12", at=t(12), asks=()),
    Case("checkup tomorrow at 8", at=t(8), asks=(), note="20:00 is closing time"),
    Case("checkup tomorrow at 7", at=t(19), asks=(), note="7 am is before opening"),
    Case("checkup tomorrow at 2am", asks=(Ask.TIME,), note="outside opening hours"),
    Case("checkup tomorrow at 23:00", asks=(Ask.TIME,)),
    Case("checkup tomorrow at 25:00", asks=(Ask.TIME,), note="not a time"),
    Case("checkup tomorrow after 3pm", start=t(15), end=None, asks=()),
    Case("checkup tomorrow after 3", start=t(15), asks=()),
    Case("checkup tomorrow after 15:00", start=t(15), asks=()),
    Case("checkup tomorrow from 2pm", start=t(14), asks=()),
    Case("checkup tomorrow before 10", end=t(10), start=None, asks=()),
    Case("checkup tomorrow before 10am", end=t(10), asks=()),
    Case("checkup tomorrow by 11", end=t(11), asks=()),
    Case("checkup tomorrow before 2", end=t(14), asks=()),
    Case("checkup tomorrow between 2 and 4", start=t(14), end=t(16), asks=()),
    Case("checkup tomorrow between 2pm and 4pm", start=t(14), end=t(16), asks=()),
    Case("checkup tomorrow 2-4pm", start=t(14), end=t(16), asks=()),
    Case("checkup tomorrow 14:00-16:00", start=t(14), end=t(16), asks=()),
    Case("checkup tomorrow between 10 and 12", start=t(10), end=t(12), asks=()),
    Case("checkup tomorrow morning", start=None, end=t(12), asks=()),
    Case("checkup tomorrow in the morning", end=t(12), asks=()),
    Case("checkup mornings next week", end=t(12), days=(d(3, 18), d(3, 24)), asks=()),
    Case("checkup tomorrow afternoon", start=t(12), end=t(17), asks=()),
    Case("checkup afternoons this week", start=t(12), end=t(17), asks=()),
    Case("checkup tomorrow evening", start=t(17), end=None, asks=()),
    Case("checkup tonight", days=(d(3, 13), d(3, 13)), start=t(17), asks=()),
    Case("checkup this afternoon", days=(d(3, 13), d(3, 13)), start=t(12), end=t(17)),
    Case("checkup tomorrow lunchtime", start=t(12), end=t(14), asks=()),
    Case("checkup tomorrow early morning", end=t(10), asks=()),
    Case("checkup tomorrow late afternoon", start=t(15), end=t(17), asks=()),
    Case("checkup tomorrow afternoon at 3", at=t(15), asks=()),
    Case("checkup tomorrow morning at 8", at=t(8), asks=(), note="the morning says which 8"),
    Case("checkup tomorrow after work", start=t(17), asks=()),
    Case("checkup tomorrow after 9pm", asks=(Ask.TIME,), note="after closing"),
    Case("checkup tomorrow after 4 before 3", asks=(Ask.TIME,)),
    # --- move ----------------------------------------------------------------------------------
    Case(
        "move Ana Costa to Friday",
        action=Action.MOVE,
        client="ana_costa",
        days=(d(3, 15), d(3, 15)),
        asks=(),
    ),
    Case(
        "reschedule Oliver Smith's checkup to next week",
        action=Action.MOVE,
        client="oliver",
        service="checkup",
        days=(d(3, 18), d(3, 24)),
        asks=(),
    ),
    Case(
        "move Wei Wang's 4pm to 5pm",
        action=Action.MOVE,
        client="wei",
        current_at=t(16),
        at=t(17),
        asks=(),
    ),
    Case(
        "move Wei Wang from Thursday to Monday at 10",
        action=Action.MOVE,
        client="wei",
        current_days=(d(3, 14), d(3, 14)),
        days=(d(3, 18), d(3, 18)),
        at=t(10),
        asks=(),
    ),
    Case(
        "change Mei Chen's appointment to tomorrow afternoon",
        action=Action.MOVE,
        client="mei",
        days=(d(3, 14), d(3, 14)),
        start=t(12),
        end=t(17),
        asks=(),
    ),
    Case(
        "push back Zoe Dvorak to next month",
        action=Action.MOVE,
        client="zoe",
        days=(d(4, 1), d(4, 30)),
        asks=(),
    ),
    Case(
        "move Sian's Friday appointment to Monday same time",
        action=Action.MOVE,
        client="sian",
        current_days=(d(3, 15), d(3, 15)),
        days=(d(3, 18), d(3, 18)),
        same_time=True,
        asks=(),
    ),
    Case(
        "reschedule Jurgen to Friday with Dr Okafor",
        action=Action.MOVE,
        client="jurgen",
        practitioner="okafor",
        asks=(),
    ),
    Case(
        "rebook Omer Yilmaz to the 20th",
        action=Action.MOVE,
        client="omer",
        days=(d(3, 20), d(3, 20)),
        asks=(),
    ),
    Case("move the 4pm checkup to 5pm", action=Action.MOVE, client=None, asks=(Ask.CLIENT,)),
    Case(
        "move Mei Chen's Monday appointment to Tuesday",
        now=DST_SPRING,
        action=Action.MOVE,
        client="mei",
        current_days=(d(4, 1), d(4, 1)),
        days=(d(4, 2), d(4, 2)),
    ),
    # --- cancel --------------------------------------------------------------------------------
    Case("cancel Maria Adeyemi's 4pm", action=Action.CANCEL, client="maria", current_at=t(16)),
    Case("cancel María Adeyemi at 16:00", action=Action.CANCEL, client="maria", current_at=t(16)),
    Case(
        "cancel Wei Wang's appointment tomorrow",
        action=Action.CANCEL,
        client="wei",
        current_days=(d(3, 14), d(3, 14)),
        asks=(),
    ),
    Case(
        "cancel Oliver Smith's checkup on Friday",
        action=Action.CANCEL,
        client="oliver",
        service="checkup",
        current_days=(d(3, 15), d(3, 15)),
        asks=(),
    ),
    Case("please cancel Mei Chen", action=Action.CANCEL, client="mei", asks=()),
    Case(
        "cancell Zoe's appointment",
        action=Action.CANCEL,
        client="zoe",
        asks=(),
        note="typo in the verb",
    ),
    Case("call off Bjorn's filling", action=Action.CANCEL, client="bjorn", service="filling"),
    Case("cancel the 4pm", action=Action.CANCEL, client=None, asks=(Ask.CLIENT,)),
    Case(
        "cancel Ana Silva's Thursday",
        action=Action.CANCEL,
        client=("ana1", "ana2"),
        current_days=(d(3, 14), d(3, 14)),
        asks=(Ask.CLIENT,),
    ),
    # --- same as last time ---------------------------------------------------------------------
    Case("Wei Wang same as last time", client="wei", same_as_last=True, asks=()),
    Case(
        "Wei Wang next week as usual",
        client="wei",
        same_as_last=True,
        days=(d(3, 18), d(3, 18 + 6)),
        asks=(),
    ),
    Case("book Mei Chen the usual on Friday", client="mei", same_as_last=True, asks=()),
    Case(
        "Oliver Smith same again in 3 weeks",
        client="oliver",
        same_as_last=True,
        days=(d(4, 3), d(4, 9)),
        asks=(),
    ),
    # --- bad input -----------------------------------------------------------------------------
    Case("", action=Action.FIND, client=None, asks=(Ask.TEXT,)),
    Case("   ", action=Action.FIND, client=None, asks=(Ask.TEXT,)),
    Case("asdfgh", client=None, asks=(Ask.TEXT,)),
    Case("qwerty zxcvb", client=None, asks=(Ask.TEXT,)),
    Case("??!!", client=None, asks=(Ask.TEXT,)),
]


def _check(case: Case, request: Request) -> None:
    if case.action is not None:
        assert request.action is case.action
    if case.client is not ANY:
        assert tuple(c.id for c in request.clients) == (
            ()
            if case.client is None
            else ids(case.client, C)
            if isinstance(case.client, tuple)
            else (C[str(case.client)],)
        )
    if case.new_client is not ANY:
        assert request.new_client_name == case.new_client
    if case.service is not ANY:
        assert (request.service.id if request.service else None) == ids(case.service, S)
    if case.practitioner is not ANY:
        if case.practitioner == ANYONE:
            assert request.practitioner is None and request.practitioner_given
        else:
            got = request.practitioner.id if request.practitioner else None
            assert got == ids(case.practitioner, P)
    when = request.when
    if case.days is not ANY:
        assert when is not None and (when.day_from, when.day_to) == case.days
    for name in ("start", "end", "at", "same_time"):
        wanted = getattr(case, name)
        if wanted is not ANY:
            assert when is not None and getattr(when, name) == wanted, name
    if case.same_as_last is not ANY:
        assert request.same_as_last is case.same_as_last
    if case.current_days is not ANY:
        cur = request.current
        assert cur is not None and (cur.day_from, cur.day_to) == case.current_days
    if case.current_at is not ANY:
        assert request.current is not None and request.current.at == case.current_at
    if case.asks is not ANY:
        assert tuple(q.about for q in request.questions) == case.asks


@pytest.mark.parametrize(
    "case", CORPUS, ids=[f"{i:03d}-{c.text[:40]}" for i, c in enumerate(CORPUS)]
)
def test_corpus(case: Case) -> None:
    request = parse(case.text, vocabulary(), case.now)
    _check(case, request)


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 150
    assert len({c.text for c in CORPUS}) + 20 >= len(CORPUS)


def test_parsing_is_deterministic() -> None:
    vocab = vocabulary()
    for case in CORPUS:
        assert parse(case.text, vocab, case.now) == parse(case.text, vocab, case.now)


def test_windows_carry_the_clinic_offset_across_dst() -> None:
    vocab = vocabulary()
    spring = parse("checkup monday at 10am", vocab, DST_SPRING).when
    assert spring is not None
    lo, hi = spring.bounds(ZONE)
    assert lo.isoformat() == "2030-04-01T10:00:00+01:00" == hi.isoformat()
    before = parse("checkup tomorrow at 10am", vocab, DST_SPRING).when
    assert before is not None
    assert before.bounds(ZONE)[0].isoformat() == "2030-03-30T10:00:00+00:00"
    autumn = parse("checkup monday after 3pm", vocab, DST_AUTUMN).when
    assert autumn is not None
    lo, hi = autumn.bounds(ZONE)
    assert lo.isoformat() == "2030-10-28T15:00:00+00:00"
    assert hi - lo == timedelta(hours=9)
