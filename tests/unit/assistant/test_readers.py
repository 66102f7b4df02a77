"""The day and time readers on their own, and the name index at scale."""

from __future__ import annotations

import time as timer
import uuid
from datetime import date, datetime, time

from desktop_app.assistant import dates
from desktop_app.assistant.parse import parse, with_answer
from desktop_app.assistant.request import Ask
from desktop_app.assistant.vocabulary import ClientName, Vocabulary
from tests.unit.assistant.clinic_names import PRACTITIONERS, SERVICES, ZONE, vocabulary

LONG_HOURS = (time(7), time(22))


def test_an_hour_that_fits_both_ways_is_a_question() -> None:
    _, times, questions = dates.read_times("at 8", LONG_HOURS)
    assert times.at is None
    assert [q.about for q in questions] == [Ask.TIME]
    assert questions[0].options == ("08:00", "20:00")


def test_the_part_of_the_day_decides_the_hour() -> None:
    _, times, questions = dates.read_times("at 8 in the evening", LONG_HOURS)
    assert times.at == time(20) and not questions
    _, times, questions = dates.read_times("morning at 8", LONG_HOURS)
    assert times.at == time(8) and not questions


def test_a_time_outside_opening_hours_is_asked_about_with_the_hours() -> None:
    _, _, questions = dates.read_times("at 6am", (time(8), time(20)))
    assert "outside opening hours (08:00–20:00)" in questions[0].text


def test_read_days_leaves_other_words() -> None:
    rest, days, _ = dates.read_days("ana silva next week please", date(2030, 3, 13))
    assert days == dates.Days(date(2030, 3, 18), date(2030, 3, 24))
    assert "ana silva" in rest and "please" in rest and "week" not in rest


def test_an_answer_drops_its_question() -> None:
    vocab = vocabulary()
    now = datetime(2030, 3, 13, 10, tzinfo=ZONE)
    request = parse("Ana Silva checkup tomorrow", vocab, now)
    assert request.asks(Ask.CLIENT)
    answered = with_answer(request, clients=(request.clients[1],))
    assert not answered.asks(Ask.CLIENT)
    assert answered.client == request.clients[1]


def test_the_name_index_answers_fast_over_100_000_clients() -> None:
    firsts = ["Ana", "Jürgen", "María", "Wei", "Siân", "Oliver", "Zoë", "Łukasz"] * 25
    surnames = [f"Surname{i}" for i in range(500)]
    clients = [
        ClientName(uuid.UUID(int=i), f"{firsts[i % len(firsts)]} {surnames[i % 497]}")
        for i in range(100_000)
    ]
    started = timer.perf_counter()
    vocab = Vocabulary(clients, PRACTITIONERS.values(), SERVICES.values(), zone=ZONE)
    built = timer.perf_counter() - started
    now = datetime(2030, 3, 13, 10, tzinfo=ZONE)
    texts = ["Ana Surname12 checkup tomorrow", "jurgen surnme7 hygiene friday after 3pm"]
    parse(texts[0], vocab, now)
    started = timer.perf_counter()
    for _ in range(20):
        for text in texts:
            request = parse(text, vocab, now)
    per_parse = (timer.perf_counter() - started) / 40
    assert request.clients
    # Generous bounds: these are not benchmarks (bench/assistant.py is).
    assert built < 10
    assert per_parse < 0.05
