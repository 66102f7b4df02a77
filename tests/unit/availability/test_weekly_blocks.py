"""The one rule for blocks of hours (desktop_app.availability.weekly_blocks)."""

from __future__ import annotations

import uuid
from datetime import date, time

from desktop_app.availability import weekly_blocks as wb
from desktop_app.availability.commands import WeeklyBlockInput
from desktop_app.availability.weekly_blocks import Problem, WeekBlock


def test_range_problems() -> None:
    assert wb.range_problem(time(9), time(12), 15) is None
    assert wb.range_problem(time(12), time(9), 15) is Problem.EMPTY
    assert wb.range_problem(time(9), time(9), 15) is Problem.EMPTY
    assert wb.range_problem(time(9, 10), time(12), 15) is Problem.OFF_GRID
    assert wb.range_problem(time(9, 0, 30), time(12), 15) is Problem.OFF_GRID
    assert wb.minutes_problem(540, 720, 15) is None
    assert wb.minutes_problem(545, 720, 15) is Problem.OFF_GRID
    assert wb.minutes_problem(720, 540, 15) is Problem.EMPTY


def test_the_cores_words() -> None:
    assert (
        wb.range_error(time(12), time(9), 15, "Monday")
        == "Monday: the end (09:00) must be after the start (12:00)."
    )
    assert wb.range_error(time(9, 10), time(12), 15, "Monday") == (
        "Monday: 09:10 is off the 15-minute slot grid; use a time on the grid (e.g. 09:00)."
    )
    assert wb.end_before_start_text(time(12), time(9)) == (
        "The end (09:00) must be after the start (12:00)."
    )
    assert wb.end_before_start_text(time(9), time(12)) is None
    assert wb.overlap_error([(time(11), time(13)), (time(9), time(12))], "Tuesday") == (
        "Tuesday: 09:00–12:00 and 11:00–13:00 overlap; join them into one block or move one."
    )
    # Touching blocks do not overlap.
    assert wb.overlap_error([(time(9), time(12)), (time(12), time(13))], "Tuesday") is None
    assert wb.past_exception_error(date(2025, 1, 1), date(2025, 1, 2)) == (
        "2025-01-01 is in the past; exceptions are for today or later."
    )
    assert wb.past_exception_error(date(2025, 1, 2), date(2025, 1, 2)) is None


def test_problem_blocks_marks_both_of_an_overlap_and_the_off_grid() -> None:
    blocks = [
        WeekBlock(0, 540, 720),
        WeekBlock(0, 700, 800),
        WeekBlock(1, 540, 720),  # another day: no clash
        WeekBlock(2, 545, 600),  # off the grid
        WeekBlock(3, 600, 600),  # empty
    ]
    assert wb.problem_blocks(blocks, 15) == {0, 1, 3, 4}
    assert wb.problem_blocks(blocks[:3], 5) == {0, 1}


def test_canonical_order_and_rooms() -> None:
    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    week = [
        WeekBlock(1, 540, 600, room="  "),
        WeekBlock(0, 780, 840, frozenset({b}), " Room 2 "),
        WeekBlock(0, 540, 600, frozenset({a})),
    ]
    assert wb.canonical(week) == (
        WeekBlock(0, 540, 600, frozenset({a})),
        WeekBlock(0, 780, 840, frozenset({b}), "Room 2"),
        WeekBlock(1, 540, 600),
    )
    assert wb.canonical(reversed(week)) == wb.canonical(week)
    assert wb.normalised_room("  ") is None
    assert wb.normalised_room(" Room 2 ") == "Room 2"


def test_blocks_and_the_command_agree() -> None:
    block = WeekBlock(4, 9 * 60, 24 * 60)
    assert block.as_input() == WeeklyBlockInput(4, time(9), time(23, 59))
    assert WeekBlock.of(WeeklyBlockInput(4, time(9), time(12), room="R")) == WeekBlock(
        4, 540, 720, room="R"
    )
    inputs = [WeeklyBlockInput(2, time(9), time(10)), WeeklyBlockInput(0, time(13), time(14))]
    assert [b.weekday for b in wb.canonical_inputs(inputs)] == [0, 2]
    assert wb.latest_end(15) == 23 * 60 + 45
    assert WeekBlock(0, 540, 600).overlaps(WeekBlock(0, 570, 660))
    assert not WeekBlock(0, 540, 600).overlaps(WeekBlock(0, 600, 660))
    assert not WeekBlock(0, 540, 600).overlaps(WeekBlock(1, 540, 600))
