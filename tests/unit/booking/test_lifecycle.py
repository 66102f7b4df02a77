"""The appointment life cycle table (desktop_app.booking.lifecycle)."""

from __future__ import annotations

import pytest

from desktop_app.booking import lifecycle
from desktop_app.booking.handlers import HANDLERS
from desktop_app.booking.lifecycle import NEXT, TRANSITIONS, Action
from desktop_app.kernel.errors import ValidationError
from models.enums import AppointmentStatus as S


def test_every_action_has_one_transition() -> None:
    assert set(TRANSITIONS) == set(Action)
    assert all(t.action is a for a, t in TRANSITIONS.items())


def test_every_transition_is_a_command_the_booking_handlers_take() -> None:
    assert {t.command for t in TRANSITIONS.values()} <= set(HANDLERS)


def test_the_designed_life_cycle() -> None:
    # booked → checked_in → in_progress → completed, or cancelled / no_show.
    assert {
        S.BOOKED: {S.CHECKED_IN, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED, S.NO_SHOW},
        S.CHECKED_IN: {S.IN_PROGRESS, S.COMPLETED, S.CANCELLED, S.NO_SHOW},
        S.IN_PROGRESS: {S.COMPLETED},
        S.COMPLETED: set(),
        S.CANCELLED: set(),
        S.NO_SHOW: set(),
    } == NEXT
    assert {S.COMPLETED, S.CANCELLED, S.NO_SHOW} == lifecycle.FINAL


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (
            S.BOOKED,
            {
                Action.CHECK_IN,
                Action.START,
                Action.COMPLETE,
                Action.NO_SHOW,
                Action.CANCEL,
                Action.RESCHEDULE,
            },
        ),
        (S.CHECKED_IN, {Action.START, Action.COMPLETE, Action.NO_SHOW, Action.CANCEL}),
        (S.IN_PROGRESS, {Action.COMPLETE}),
        (S.COMPLETED, set()),
        (S.CANCELLED, set()),
        (S.NO_SHOW, set()),
    ],
)
def test_actions_from_each_status(status: S, actions: set[Action]) -> None:
    assert lifecycle.actions_from(status) == actions
    assert lifecycle.enabled(status) == {a.value: a in actions for a in Action}
    assert lifecycle.is_movable(status) is (Action.RESCHEDULE in actions)


def test_a_move_keeps_the_status_and_only_a_booked_appointment_moves() -> None:
    assert TRANSITIONS[Action.RESCHEDULE].target is None
    assert [s for s in S if lifecycle.is_movable(s)] == [S.BOOKED]


def test_already_done_is_the_target_status() -> None:
    assert lifecycle.already_done(Action.CANCEL, S.CANCELLED)
    assert lifecycle.already_done(Action.CHECK_IN, S.CHECKED_IN)
    assert not lifecycle.already_done(Action.CHECK_IN, S.BOOKED)
    assert not lifecycle.already_done(Action.RESCHEDULE, S.BOOKED)


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        (Action.CHECK_IN, S.COMPLETED, "Cannot check in RT0001: it is completed."),
        (Action.START, S.CANCELLED, "Cannot start RT0001: it is cancelled."),
        (Action.COMPLETE, S.NO_SHOW, "Cannot complete RT0001: it is marked as a no-show."),
        (Action.NO_SHOW, S.IN_PROGRESS, "Cannot mark as a no-show RT0001: it is in progress."),
        (Action.CANCEL, S.COMPLETED, "Cannot cancel RT0001: it is completed."),
        (Action.RESCHEDULE, S.CHECKED_IN, "Cannot move RT0001: it is checked in."),
    ],
)
def test_require_refuses_in_the_cores_words(action: Action, status: S, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        lifecycle.require(action, status, "RT0001")
    assert str(caught.value) == message


def test_require_lets_an_allowed_move_pass() -> None:
    lifecycle.require(Action.CHECK_IN, S.BOOKED, "RT0001")


def test_what_took_place_and_what_occupies_time() -> None:
    assert {s for s in S if not lifecycle.took_place(s)} == {S.CANCELLED, S.NO_SHOW}
    assert {S.BOOKED, S.CHECKED_IN, S.IN_PROGRESS, S.COMPLETED} == lifecycle.OCCUPIES_TIME
    assert set(lifecycle.STATUS_WORDS) == set(S)
