"""The cancellation policy's rule and how the dialogs put it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from desktop_app.booking.cancellation import (
    CancellationOutlook,
    describe_cancellation,
    describe_no_show,
    is_late,
)

START = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)


def test_late_means_inside_the_free_window_and_exactly_on_its_edge_is_in_time() -> None:
    assert not is_late(START, START - timedelta(hours=24), 24)
    assert is_late(START, START - timedelta(hours=24) + timedelta(seconds=1), 24)
    assert not is_late(START, START - timedelta(minutes=1), 0)
    assert is_late(START, START + timedelta(minutes=1), 0)


def _outlook(held: int, late: bool, hours: int = 24) -> CancellationOutlook:
    return CancellationOutlook(uuid.uuid4(), held, hours, late)


def test_what_the_dialogs_say() -> None:
    assert describe_cancellation(_outlook(1, False)) == (
        "Cancelling now, more than 24 h before: the 1 credit it used comes back."
    )
    assert describe_cancellation(_outlook(2, True)) == (
        "Late cancellation (less than 24 h before): the 2 credits it used are kept."
    )
    assert describe_cancellation(_outlook(1, True, 0)) == (
        "Late cancellation (after the start): the 1 credit it used is kept."
    )
    assert _outlook(2, True).credits_back == 0 and _outlook(2, False).credits_back == 2
    # Paid at the desk: nothing to say.
    assert describe_cancellation(_outlook(0, True)) == describe_no_show(_outlook(0, True)) == ""
    assert describe_no_show(_outlook(1, False)) == (
        "A no-show follows the cancellation policy: the 1 credit it used is kept."
    )
