"""The few SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, FunctionElement, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler


class seconds_between(FunctionElement[Any]):
    """`b - a` in seconds, for two instant columns (or bound instants)."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    # Instants are stored as naive UTC text; julianday reads it exactly enough
    # (to the millisecond) for minutes of appointments.
    return f"((julianday({b}) - julianday({a})) * 86400.0)"


@compiles(seconds_between)
def _seconds_default(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({b} - {a})) AS DOUBLE PRECISION)"


class whole_seconds_between(FunctionElement[Any]):
    """`b - a` rounded to whole seconds, as an integer."""

    type = Integer()
    inherit_cache = True


@compiles(whole_seconds_between, "sqlite")
def _whole_sqlite(element: whole_seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round((julianday({b}) - julianday({a})) * 86400.0) AS INTEGER)"


@compiles(whole_seconds_between)
def _whole_default(element: whole_seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round(EXTRACT(EPOCH FROM ({b} - {a}))) AS BIGINT)"


class minute_of_week(FunctionElement[Any]):
    """An instant's minute of the week, Monday 00:00 = 0, on a clock `offset`
    seconds ahead of UTC (a bound integer: callers split periods where the
    clinic's offset changes)."""

    type = Integer()
    inherit_cache = True


# 1970-01-01 was a Thursday: 3 days after a Monday.
_EPOCH_MONDAY_S = 3 * 86_400


@compiles(minute_of_week, "sqlite")
def _minute_sqlite(element: minute_of_week, compiler: SQLCompiler, **kw: Any) -> str:
    column, offset = (compiler.process(c, **kw) for c in element.clauses)
    epoch = f"CAST(round((julianday({column}) - 2440587.5) * 86400.0) AS INTEGER)"
    return f"((({epoch} + {offset} + {_EPOCH_MONDAY_S}) / 60) % 10080)"


@compiles(minute_of_week)
def _minute_default(element: minute_of_week, compiler: SQLCompiler, **kw: Any) -> str:
    column, offset = (compiler.process(c, **kw) for c in element.clauses)
    epoch = f"CAST(floor(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    return f"mod(CAST(floor(({epoch} + {offset} + {_EPOCH_MONDAY_S}) / 60.0) AS BIGINT), 10080)"
