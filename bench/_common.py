"""Shared bits of the benchmarks: the large demo clinic and timing."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.bootstrap import AppContext, open_app
from desktop_app.infra.config import DatabaseChoice, parse_database_url


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--database",
        help="a database holding the large demo clinic (default: build one in a temp file, ~1 min)",
    )
    p.add_argument("--repeat", type=int, default=7)
    return p


def open_large_demo(database: str | None) -> AppContext:
    if database:
        return open_app(DatabaseChoice(parse_database_url(database), "bench"))
    from desktop_app.demo.seed import seed_demo

    path = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-")) / "large.sqlite3"
    ctx = open_app(DatabaseChoice(parse_database_url(str(path)), "bench"))
    started = time.perf_counter()
    seed_demo(ctx, size="large", seed=1)
    print(f"built the large demo clinic in {time.perf_counter() - started:.1f} s at {path}")
    return ctx


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Run fn `repeat` times; return the times in ms and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def row(name: str, times: list[float], target: str) -> str:
    return (
        f"| {name} | {min(times):.1f} | {statistics.median(times):.1f} | "
        f"{max(times):.1f} | {target} |"
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
