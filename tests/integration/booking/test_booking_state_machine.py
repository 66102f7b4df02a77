"""Booking invariants over random sequences of book / duplicate / cancel /
reschedule / complete, checked after every step.

SQLite, each example on a copy of one migrated clinic (a few seconds a run);
the same commands run on PostgreSQL in test_booking.py and the stress tests.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select
from sqlalchemy.engine import make_url

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import (
    BookAppointment,
    CancelAppointment,
    CompleteAppointment,
    RescheduleAppointment,
)
from desktop_app.booking.errors import SlotTaken
from desktop_app.bootstrap import open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.infra.config import DatabaseChoice
from desktop_app.infra.doctor import run_checks
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.kernel.errors import ValidationError
from models import LIVE_APPOINTMENT_STATUSES, Appointment, AppointmentStatus, Role
from tests import factories

NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)
MONDAY = datetime(2030, 1, 7, tzinfo=UTC)
STARTS = [MONDAY + timedelta(hours=8, minutes=30 * i) for i in range(15)]
_TEMPLATE: dict[str, object] = {}


def _template() -> dict[str, object]:
    if _TEMPLATE:
        return _TEMPLATE
    path = Path(tempfile.mkdtemp(prefix="clinicdesk-booking-sm-")) / "template.sqlite3"
    ctx = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "test"), clock=FixedClock(NOW))
    try:
        service = factories.service(ctx, "Individual", 60)
        pids = []
        for name in ("Dr A", "Dr B"):
            pract, pid = factories.practitioner(
                ctx, name, services=(service,), interval_min=30, buffer_after_min=0
            )
            ctx.bus.handle(
                SetWeeklyRules(
                    practitioner_id=pid, blocks=(WeeklyBlockInput(0, time(8), time(16)),)
                ),
                pract,
            )
            pids.append(pid)
        desk = factories.staff(ctx, "Desk", Role.FRONT_DESK)
        client = ctx.bus.handle(RegisterClient(full_name="Sam", phone="07700900111"), desk)
    finally:
        ctx.close()
    _TEMPLATE.update(path=path, service=service, pids=pids, desk=desk, client=client)
    return _TEMPLATE


class Booking(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        t = _template()
        folder = Path(tempfile.mkdtemp(prefix="clinicdesk-booking-run-"))
        path = folder / "clinic.sqlite3"
        shutil.copy(t["path"], path)  # type: ignore[arg-type]
        self.folder = folder
        self.ctx = open_app(
            DatabaseChoice(make_url(f"sqlite:///{path}"), "test"), clock=FixedClock(NOW)
        )
        self.service: uuid.UUID = t["service"]  # type: ignore[assignment]
        self.pids: list[uuid.UUID] = t["pids"]  # type: ignore[assignment]
        self.desk: Actor = t["desk"]  # type: ignore[assignment]
        self.client: uuid.UUID = t["client"]  # type: ignore[assignment]
        self.sent: list[BookAppointment] = []
        self.booked: dict[uuid.UUID, uuid.UUID] = {}  # command id -> appointment id

    def teardown(self) -> None:
        # What `clinicdesk doctor` checks holds at the end of every run.
        try:
            failed = [f for f in run_checks(self.ctx.db) if not f.ok]
            assert failed == []
        finally:
            self.ctx.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _appointments(self) -> list[Appointment]:
        with self.ctx.db.read_sessions() as s:
            return list(s.scalars(select(Appointment)))

    @rule(slot=st.integers(0, len(STARTS) - 1), who=st.integers(0, 1))
    def book(self, slot: int, who: int) -> None:
        cmd = BookAppointment(
            client_id=self.client,
            practitioner_id=self.pids[who],
            service_id=self.service,
            starts_at=STARTS[slot],
        )
        self.sent.append(cmd)
        try:
            result = self.ctx.bus.handle(cmd, self.desk)
        except SlotTaken as refused:
            assert all(a.start >= STARTS[slot] for a in refused.alternatives)
            return
        self.booked[cmd.command_id] = result.appointment_id

    @rule(data=st.data())
    def send_again(self, data: st.DataObject) -> None:
        if not self.sent:
            return
        cmd = data.draw(st.sampled_from(self.sent))
        try:
            result = self.ctx.bus.handle(cmd, self.desk)
        except SlotTaken:
            assert cmd.command_id not in self.booked
            return
        expected = self.booked.setdefault(cmd.command_id, result.appointment_id)
        assert result.appointment_id == expected

    def _pick(self, data: st.DataObject, statuses: set[AppointmentStatus]) -> uuid.UUID | None:
        # A fixed range to draw from, whatever the database holds: hypothesis
        # replays a failing case by its draws, and a list whose length (or
        # order, with random ids) changed between runs would not replay.
        found = sorted(
            (a for a in self._appointments() if a.status in statuses),
            key=lambda a: (a.starts_at, str(a.practitioner_id), str(a.id)),
        )
        index = data.draw(st.integers(0, 999))
        return found[index % len(found)].id if found else None

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        if (aid := self._pick(data, {AppointmentStatus.BOOKED})) is not None:
            self.ctx.bus.handle(CancelAppointment(appointment_id=aid, reason="ill"), self.desk)

    @rule(data=st.data(), slot=st.integers(0, len(STARTS) - 1), who=st.integers(0, 1))
    def reschedule(self, data: st.DataObject, slot: int, who: int) -> None:
        if (aid := self._pick(data, {AppointmentStatus.BOOKED})) is None:
            return
        with contextlib.suppress(SlotTaken):
            self.ctx.bus.handle(
                RescheduleAppointment(
                    appointment_id=aid, starts_at=STARTS[slot], practitioner_id=self.pids[who]
                ),
                self.desk,
            )

    @rule(data=st.data())
    def complete_or_refuse(self, data: st.DataObject) -> None:
        aid = self._pick(data, set(AppointmentStatus))
        if aid is None:
            return
        try:
            self.ctx.bus.handle(CompleteAppointment(appointment_id=aid), self.desk)
        except ValidationError as refused:
            assert "Cannot complete" in str(refused)

    @invariant()
    def no_live_overlap_and_one_row_per_booking(self) -> None:
        rows = self._appointments()
        assert len(rows) == len(self.booked)
        live = sorted(
            (a.practitioner_id, a.starts_at, a.ends_at)
            for a in rows
            if a.status in LIVE_APPOINTMENT_STATUSES
        )
        for (p1, _, end1), (p2, start2, _) in itertools.pairwise(live):
            assert p1 != p2 or start2 >= end1


Booking.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBookingStateMachine = Booking.TestCase
