"""`clinicdesk report NAME --from --to [--format csv|json]` over the hand-counted July."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from desktop_app.bootstrap import AppContext
from desktop_app.cli import main
from desktop_app.payments.commands import RecordPayment
from desktop_app.payments.queries import cash_up, cash_up_html
from desktop_app.reports.dashboards import desk_dashboard, manager_dashboard, practitioner_dashboard
from desktop_app.reports.export import safe_cell
from models import PaymentMethod
from tests.integration.reports.clinic import JulyClinic, local


def _url(app: AppContext) -> str:
    return app.choice.url.render_as_string(hide_password=False)


def run(app: AppContext, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--database", _url(app), "report", *args]) == 0
    return capsys.readouterr().out


def test_report_as_json(app: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    JulyClinic(app)
    out = run(
        app, capsys, "no-shows", "--from", "2030-07-01", "--to", "2030-07-31", "--format", "json"
    )
    data = json.loads(out)
    assert data["report"] == "no-shows"
    assert data["figures"]["No-shows"] == 1
    assert data["figures"]["Late cancellations"] == 1
    out = run(
        app, capsys, "utilisation", "--from", "2030-07-01", "--to", "2030-07-31", "--format", "json"
    )
    assert json.loads(out)["figures"]["Scheduled hours"] == 178.0


def test_report_as_csv_is_spreadsheet_safe(
    app: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    JulyClinic(app)
    out = run(app, capsys, "no-shows", "--from", "2030-07-01", "--to", "2030-07-31")
    cells = [cell for line in csv.reader(io.StringIO(out)) for cell in line]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    for name in ("utilisation", "revenue", "credits", "sources", "clients"):
        assert run(app, capsys, name, "--from", "2030-07-01", "--to", "2030-07-31")


def test_report_refuses_bad_input(app: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(app)
    assert (
        main(["--database", url, "report", "takings", "--from", "2030-07-01", "--to", "2030-07-31"])
        == 2
    )
    assert "invalid choice" in capsys.readouterr().err
    assert (
        main(["--database", url, "report", "sources", "--from", "2030-07-31", "--to", "2030-07-01"])
        == 2
    )
    assert "ends before it starts" in capsys.readouterr().err


def test_help_lists_the_reports(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    for name in ("utilisation", "revenue", "credits", "no-shows", "sources"):
        assert name in out


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("ok", "ok"),
    ],
)
def test_safe_cell(value: str, cell: str) -> None:
    assert safe_cell(value) == cell


def test_cash_up_and_dashboards(app: AppContext) -> None:
    july = JulyClinic(app)
    july.bus.handle(
        RecordPayment(
            appointment_id=july.b1, amount_cents=6000, currency="EUR", method=PaymentMethod.CASH
        ),
        july.desk,
    )
    day = cash_up(app.db, date(2030, 7, 20))
    assert [line.amount_cents for line in day.lines] == [6000]
    assert day.total(PaymentMethod.CASH) == 6000 and day.total(PaymentMethod.CARD) == 0
    assert "Zoe New" in cash_up_html(day)
    assert cash_up(app.db, date(2030, 7, 21)).lines == ()

    desk = desk_dashboard(app.db, local(date(2030, 7, 2), 8))
    assert [r.id for r in desk.arrivals] == []  # a1 is already completed
    assert [r.id for r in desk.unpaid] == [july.a1]
    mine = practitioner_dashboard(app.db, july.ada, local(date(2030, 7, 3), 8))
    assert {r.id for r in mine.sessions} == {july.a1}
    # Monday 1 to Friday 5 July, and the Saturday override (Wednesday 10 is the next week).
    assert mine.scheduled_hours.value == pytest.approx(8 * 5 + 2)
    assert [r.id for r in mine.to_write] == [july.a1]
    manager = manager_dashboard(app.db, local(date(2030, 7, 3), 8))
    sessions = next(c for c in manager.figures if c.label == "Sessions")
    assert (sessions.this_week, sessions.last_week) == (1, 0)
