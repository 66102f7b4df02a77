"""Switching day in the Today view on the large demo clinic (DESIGN §8).

Target: ≤ 100 ms for 30 practitioners. The large demo has about a hundred
bookable practitioners (every one a column) and ~600 appointments a day, a
harder case than the target's; --practitioners 30 measures on a copy of the
database cut down to the first 30 practitioners (the others' appointments
removed and their accounts deactivated), for the target itself.

What is timed, and how, is in tools/today_timing.py: from the day step to the
new day painted, cold (nothing fetched ahead) and ahead (the neighbouring
days fetched while the desk looks at the current one, as the view does).

    python bench/today_switch.py --database PATH [--practitioners 30]

Prints a table and, on its last line, a JSON object of the figures in ms.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench._common import open_large_demo, parser, row
from tools.today_timing import time_day_switches


def cut_down(database: str, keep: int) -> str:
    """A copy of the SQLite database with only the first `keep` practitioners by name."""
    copy = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-")) / "cut.sqlite3"
    source = sqlite3.connect(database.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    ids = [
        r[0]
        for r in target.execute(
            "SELECT p.id FROM practitioner p JOIN staff_account s ON s.id = p.account_id "
            "ORDER BY s.name"
        )
    ]
    gone = ids[keep:]
    marks = ",".join("?" * len(gone))
    # Foreign keys off: the removed appointments' ledger rows may point at them.
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute(f"DELETE FROM appointment WHERE practitioner_id IN ({marks})", gone)
    target.execute(
        "UPDATE staff_account SET is_active = 0 WHERE id IN "
        f"(SELECT account_id FROM practitioner WHERE id IN ({marks}))",
        gone,
    )
    target.commit()
    target.close()
    return str(copy)


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--practitioners", type=int, help="cut the clinic down to this many")
    args = p.parse_args()
    database = args.database
    if args.practitioners:
        if not database:
            raise SystemExit("--practitioners needs --database (a SQLite file)")
        database = cut_down(database, args.practitioners)
    ctx = open_large_demo(database)
    try:
        times = time_day_switches(ctx, max(args.repeat, 7), "Individual session")
    finally:
        ctx.close()
    print(
        f"{times.columns} practitioner columns, {times.appointments} appointments and "
        f"{times.free_times} free times on {times.day}"
    )
    print()
    print("| what | min ms | median ms | max ms | target |")
    print("| --- | --: | --: | --: | --- |")
    print(row("switch day, cold (load + layout + paint)", times.cold_ms, "≤ 100 ms"))
    print(row("switch day, neighbours fetched ahead", times.ahead_ms, "≤ 100 ms"))
    print(row("repaint the grid", times.repaint_ms, "one frame"))
    print(
        json.dumps(
            {
                "today_switch_cold_median_ms": round(statistics.median(times.cold_ms), 1),
                "today_switch_ahead_median_ms": round(statistics.median(times.ahead_ms), 1),
                "today_repaint_median_ms": round(statistics.median(times.repaint_ms), 1),
                "columns": times.columns,
            }
        )
    )


if __name__ == "__main__":
    main()
