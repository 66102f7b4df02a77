"""The assistant over a real database (SQLite and PostgreSQL): proposals through
the slot queries, bookings with source `assistant`, moves and cancellations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.assistant.loading import NameCache, load_vocabulary
from desktop_app.assistant.proposals import ask, book_command, cancel_command, move_command
from desktop_app.assistant.request import Action, Ask
from desktop_app.booking import queries as booking_queries
from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.cli import main
from desktop_app.clients.commands import RegisterClient
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from models import Appointment, AppointmentStatus, Client
from tests import factories

# Monday 7 January 2030, 08:00 in London (UTC in winter).
NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
DESK = Actor.system("test desk")


class Clinic:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.bus = build_bus(app.db, FixedClock(NOW))
        self.hygiene = factories.service(app, "Hygiene appointment", 45)
        self.checkup = factories.service(app, "Dental check-up", 30)
        weekdays = tuple((wd, time(9), time(17)) for wd in range(5))
        _, self.hunt = factories.practitioner(
            app, "Sam Hunt", services=(self.checkup,), interval_min=30, weekly=weekdays
        )
        _, self.wood = factories.practitioner(
            app, "Ella Wood", services=(self.hygiene,), interval_min=15, weekly=weekdays
        )
        self.ana1 = factories.client(app, "Ana Silva")
        self.ana2 = factories.client(app, "Ana Silva")
        self.wei = factories.client(app, "Wei Wang")
        self.maria = factories.client(app, "María Adeyemi")
        with app.db.write_sessions.begin() as s:
            s.add_all(
                [
                    _appointment(self.wei, self.hunt, self.checkup, NOW - timedelta(days=30)),
                    _appointment(
                        self.maria, self.wood, self.hygiene, datetime(2030, 1, 9, 16, tzinfo=UTC)
                    ),
                ]
            )

    def vocab(self):  # type: ignore[no-untyped-def]
        return load_vocabulary(self.app.db)


def _appointment(client, practitioner, service, start):  # type: ignore[no-untyped-def]
    from models import AppointmentSource

    minutes = 30
    return Appointment(
        reference=f"R{start:%m%d%H%M}",
        client_id=client,
        practitioner_id=practitioner,
        service_id=service,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        status=AppointmentStatus.BOOKED if start > NOW else AppointmentStatus.COMPLETED,
        source=AppointmentSource.FRONT_DESK,
    )


@pytest.fixture
def clinic(app: AppContext) -> Clinic:
    return Clinic(app)


def test_first_free_times_in_the_window_asked(clinic: Clinic) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "first free hygiene appointment tomorrow, mornings", NOW)
    assert u.request.action is Action.FIND
    starts = [p.start for p in u.proposals]
    assert starts == [
        datetime(2030, 1, 8, h, m, tzinfo=UTC)
        for h, m in ((9, 0), (9, 15), (9, 30), (9, 45), (10, 0))
    ]
    assert all(p.practitioner.id == clinic.wood for p in u.proposals)
    assert u.blocker() is not None  # finding changes nothing


def test_a_booking_made_by_the_assistant_records_its_source(clinic: Clinic) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "Wei Wang check-up with Dr Hunt tomorrow after 3pm", NOW)
    assert u.request.client and u.request.client.id == clinic.wei
    assert u.blocker() is None
    assert u.proposals[0].start == datetime(2030, 1, 8, 15, tzinfo=UTC)
    result = clinic.bus.handle(book_command(u), DESK)
    rows = booking_queries.appointments_between(
        clinic.app.db, NOW, NOW + timedelta(days=3), [clinic.hunt]
    )
    row = next(r for r in rows if r.id == result.appointment_id)
    assert row.source == "assistant"
    assert row.client_id == clinic.wei and row.starts_at == u.proposals[0].start


def test_an_exact_time_taken_offers_the_nearest(clinic: Clinic) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "Wei Wang hygiene wednesday at 4pm", NOW)
    assert u.message.startswith("Nothing free")
    assert u.proposals and u.proposals[0].start != datetime(2030, 1, 9, 16, tzinfo=UTC)


def test_two_clients_of_the_same_name_are_a_question_and_nothing_is_booked(
    clinic: Clinic,
) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "Ana Silva hygiene tomorrow", NOW)
    assert [q.about for q in u.questions] == [Ask.CLIENT]
    assert u.proposals  # the times are the same whoever it is
    assert "Ana Silva" in (u.blocker() or "")


def test_same_as_last_time_takes_the_service_and_practitioner(clinic: Clinic) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "book Wei Wang in 2 weeks, same as last time", NOW)
    assert u.request.service and u.request.service.id == clinic.checkup
    assert u.request.practitioner and u.request.practitioner.id == clinic.hunt
    assert u.proposals[0].start == datetime(2030, 1, 21, 9, tzinfo=UTC)


def test_cancel_finds_the_appointment_and_cancels_it(clinic: Clinic) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "cancel María Adeyemi's 4pm", NOW)
    assert u.appointment is not None and u.appointment.client_id == clinic.maria
    assert u.blocker() is None
    clinic.bus.handle(cancel_command(u), DESK)
    with clinic.app.db.read_sessions() as s:
        status = s.scalar(select(Appointment.status).where(Appointment.id == u.appointment.id))
    assert status is AppointmentStatus.CANCELLED


def test_move_keeps_the_practitioner_and_the_time(clinic: Clinic) -> None:
    u = ask(
        clinic.app.db, clinic.vocab(), "move María's Wednesday appointment to Friday same time", NOW
    )
    assert u.appointment is not None
    assert u.proposals[0].start == datetime(2030, 1, 11, 16, tzinfo=UTC)
    result = clinic.bus.handle(move_command(u), DESK)
    assert result.starts_at == datetime(2030, 1, 11, 16, tzinfo=UTC)


def test_no_appointment_is_a_question(clinic: Clinic) -> None:
    u = ask(clinic.app.db, clinic.vocab(), "cancel Wei Wang's Thursday appointment", NOW)
    assert u.appointment is None and u.request.asks(Ask.APPOINTMENT)
    assert u.blocker() is not None


def test_the_name_cache_sees_a_new_client(clinic: Clinic) -> None:
    cache = NameCache(clinic.app.db, clinic.bus)
    assert not cache.get().find_clients(["zelda"]).clients
    clinic.bus.handle(RegisterClient(full_name="Zelda Quux", phone="+44 20 7946 0001"), DESK)
    assert cache.get().find_clients(["zelda"]).clients


# --- the command line --------------------------------------------------------------------


def _cli(app: AppContext, *args: str) -> list[str]:
    url = app.db.url.render_as_string(hide_password=False)
    return ["assistant", *args, "--now", NOW.isoformat(), "--database", url]


def _count(app: AppContext) -> int:
    with app.db.read_sessions() as s:
        return s.scalar(select(func.count()).select_from(Appointment)) or 0


def test_cli_json_changes_nothing(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    before = _count(clinic.app)
    code = main(_cli(clinic.app, "Ana Silva hygiene tomorrow mornings", "--json"))
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["action"] == "book" and out["client"] is None
    assert out["service"]["name"].startswith("Hygiene appointment")
    assert out["practitioner"] is None
    assert out["window"]["from"] == "2030-01-08T00:00:00+00:00"
    assert out["window"]["to"] == "2030-01-08T12:00:00+00:00"
    assert len(out["proposals"]) == 5
    assert set(out["proposals"][0]) == {"start", "end", "practitioner"}
    assert out["questions"][0]["about"] == "client"
    assert _count(clinic.app) == before


def test_cli_book(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(_cli(clinic.app, "Wei Wang hygiene tomorrow at 10am", "--json", "--book"))
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["done"]["booked"] and out["done"]["start"] == "2030-01-08T10:00:00+00:00"
    with clinic.app.db.read_sessions() as s:
        source = s.scalar(
            select(Appointment.source).where(Appointment.reference == out["done"]["booked"])
        )
    assert source is not None and source.value == "assistant"


@pytest.mark.parametrize("text", ["Ana Silva hygiene tomorrow", "", "asdfgh", "hygiene tomorrow"])
def test_cli_book_refuses_what_is_unclear(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    before = _count(clinic.app)
    with clinic.app.db.read_sessions() as s:
        clients = s.scalar(select(func.count()).select_from(Client))
    assert main(_cli(clinic.app, text, "--book")) == 2
    assert "nothing done" in capsys.readouterr().err
    assert _count(clinic.app) == before
    with clinic.app.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == clients
