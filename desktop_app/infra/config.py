"""Where the database lives and other per-installation settings.

The database URL is taken from, in order: the --database option, the
CLINICDESK_DATABASE_URL environment variable, the settings file, and finally
a SQLite file in the user's data directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from desktop_app.kernel.errors import ConfigError

APP_NAME = "Clinicdesk"
ENV_DATABASE_URL = "CLINICDESK_DATABASE_URL"
ENV_CONFIG_DIR = "CLINICDESK_CONFIG_DIR"
ENV_DATA_DIR = "CLINICDESK_DATA_DIR"


def config_dir() -> Path:
    override = os.environ.get(ENV_CONFIG_DIR)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, False))


def data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def settings_file() -> Path:
    return config_dir() / "settings.json"


def default_sqlite_path() -> Path:
    return data_dir() / "clinicdesk.sqlite3"


@dataclass(frozen=True)
class DatabaseChoice:
    url: URL
    origin: str  # "option", "environment", "settings file" or "default"


def _read_settings_url() -> str | None:
    path = settings_file()
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the settings file {path}: {exc}") from exc
    url = data.get("database_url") if isinstance(data, dict) else None
    if url is not None and not isinstance(url, str):
        raise ConfigError(f"'database_url' in {path} must be text")
    return url


def parse_database_url(raw: str) -> URL:
    """Accept a SQLAlchemy URL or a plain path to a SQLite file."""
    raw = raw.strip()
    if not raw:
        raise ConfigError("the database URL is empty")
    if "://" not in raw:
        return make_url("sqlite:///" + str(Path(raw).expanduser().absolute()))
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"malformed database URL: {raw!r}") from exc
    backend = url.get_backend_name()
    if backend == "postgresql":
        # psycopg 3 is the driver we ship; plain postgresql:// means it too.
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        elif url.drivername != "postgresql+psycopg":
            raise ConfigError(
                f"unsupported PostgreSQL driver {url.drivername!r}: use postgresql://..."
            )
    elif backend == "postgres":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if url.drivername != "sqlite":
            raise ConfigError(f"unsupported SQLite driver {url.drivername!r}: use sqlite:///PATH")
    else:
        raise ConfigError(
            f"unsupported database {backend!r}: use sqlite:///PATH or postgresql://..."
        )
    return url


def choose_database(option: str | None = None) -> DatabaseChoice:
    if option:
        return DatabaseChoice(parse_database_url(option), "option")
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return DatabaseChoice(parse_database_url(env), "environment")
    from_file = _read_settings_url()
    if from_file:
        return DatabaseChoice(parse_database_url(from_file), "settings file")
    return DatabaseChoice(make_url("sqlite:///" + str(default_sqlite_path())), "default")


def describe_url(url: URL) -> str:
    """A label for the status bar and messages: never shows a password."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite: {url.database or 'in memory'}"
    host = url.host or "local socket"
    port = f":{url.port}" if url.port else ""
    return f"PostgreSQL: {url.database or '(no database name)'} on {host}{port}"
