"""Where the database lives: option, environment, settings file, default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.infra import config
from desktop_app.kernel.errors import ConfigError


def test_default_is_a_sqlite_file_in_the_user_data_directory() -> None:
    choice = config.choose_database(None)
    assert choice.origin == "default"
    assert choice.url.get_backend_name() == "sqlite"
    assert Path(choice.url.database or "") == config.default_sqlite_path()


def test_precedence_option_then_environment_then_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.settings_file().parent.mkdir(parents=True)
    config.settings_file().write_text(json.dumps({"database_url": "postgresql://fromfile/db"}))
    assert config.choose_database(None).origin == "settings file"
    assert config.choose_database(None).url.drivername == "postgresql+psycopg"

    monkeypatch.setenv("CLINICDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert config.choose_database(None).origin == "environment"

    chosen = config.choose_database(str(tmp_path / "opt.sqlite3"))
    assert chosen.origin == "option"
    assert chosen.url.database == str(tmp_path / "opt.sqlite3")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("mysql://u@h/db", "unsupported database"),
        ("postgresql+asyncpg://u@h/db", "unsupported PostgreSQL driver"),
        ("sqlite+aiosqlite:///x", "unsupported SQLite driver"),
    ],
)
def test_bad_urls_get_a_clear_message(raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config.parse_database_url(raw)


def test_unreadable_settings_file_is_reported() -> None:
    config.settings_file().parent.mkdir(parents=True)
    config.settings_file().write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read the settings file"):
        config.choose_database(None)


def test_label_never_shows_the_password() -> None:
    url = config.parse_database_url("postgresql://clinic:hunter2@db.local:5433/clinic")
    label = config.describe_url(url)
    assert "hunter2" not in label
    assert label == "PostgreSQL: clinic on db.local:5433"


def test_passwords_are_argon2id_with_at_least_owasp_parameters() -> None:
    from argon2 import PasswordHasher

    from desktop_app.staff import passwords

    assert passwords.MEMORY_COST_KIB >= 19 * 1024 and passwords.TIME_COST >= 2
    digest = PasswordHasher(
        time_cost=passwords.TIME_COST,
        memory_cost=passwords.MEMORY_COST_KIB,
        parallelism=passwords.PARALLELISM,
    ).hash("correct horse")
    assert digest.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in digest
    assert passwords.verify_password(digest, "correct horse")
    assert not passwords.verify_password(digest, "wrong horse")
