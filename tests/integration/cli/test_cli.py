"""The `clinicdesk` command: its contract, and one clear line for bad input."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from desktop_app.cli import main
from desktop_app.infra import schema
from desktop_app.infra.database import open_database
from desktop_app.staff import queries as staff_queries
from models import Role


def _url(db_url: URL) -> str:
    return db_url.render_as_string(hide_password=False)


def test_migrate_then_create_manager_from_stdin(
    db_url: URL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--database", _url(db_url)]) == 0
    assert "Upgraded" in capsys.readouterr().out
    assert main(["--database", _url(db_url), "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out

    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    code = main(
        [
            "create-manager",
            "--email",
            "Boss@Clinic.test",
            "--name",
            "Bo Boss",
            "--password-stdin",
            "--database",
            _url(db_url),
        ]
    )
    assert code == 0, capsys.readouterr().err
    db = open_database(db_url)
    try:
        staff = staff_queries.staff_accounts(db)
    finally:
        db.dispose()
    assert [(s.email, s.roles) for s in staff] == [("boss@clinic.test", {Role.MANAGER})]

    # A second "first manager" is refused with one line, and nothing changes.
    monkeypatch.setattr(sys, "stdin", io.StringIO("another-password\n"))
    args = ["create-manager", "--email", "x@clinic.test", "--name", "X", "--password-stdin"]
    assert main([*args, "--database", _url(db_url)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clinicdesk: error: ") and err.count("\n") == 1
    assert "already has a manager" in err


def test_weak_password_is_refused(
    sqlite_url: URL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    args = ["create-manager", "--email", "a@b.test", "--name", "A", "--password-stdin"]
    assert main([*args, "--database", str(sqlite_url)]) == 2
    assert "at least 8 characters" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["demo", "--size", "huge"], "invalid choice: 'huge'"),
        (["demo", "--seed", "many"], "invalid int value: 'many'"),
        (["migrate", "--database", "mysql://u@h/db"], "unsupported database 'mysql'"),
        (["migrate", "--database", "postgresql+asyncpg://h/db"], "unsupported PostgreSQL driver"),
        (["migrate", "--database", "postgresql://u@127.0.0.1:1/x"], "cannot reach the database"),
        (["migrate", "--database", "sqlite:////proc/no-such-dir/x.sqlite3"], "cannot create"),
    ],
)
def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("clinicdesk: error: ")
    assert message in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_newer_schema_is_refused_by_the_command_line(
    sqlite_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text

    assert main(["migrate", "--database", str(sqlite_url)]) == 0
    db = open_database(sqlite_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'abc_future'"))
    db.dispose()
    assert main(["migrate", "--database", str(sqlite_url)]) == 2
    assert "newer than this Clinicdesk knows" in capsys.readouterr().err


def test_console_script_runs_without_a_traceback(tmp_path: Path) -> None:
    """The installed entry point, in a real process, as a user would run it."""
    exe = Path(sys.executable).with_name("clinicdesk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "desktop_app.cli"]
    db = tmp_path / "c.sqlite3"
    ok = subprocess.run(
        [*cmd, "migrate", "--database", str(db)], capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*cmd, "--nope"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("clinicdesk: error:")
    assert "Traceback" not in bad.stderr
    db_obj = open_database(URL.create("sqlite", database=str(db)))
    try:
        assert schema.is_up_to_date(db_obj)
    finally:
        db_obj.dispose()
