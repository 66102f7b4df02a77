"""Client search-as-you-type on the large demo clinic (DESIGN §8).

Target: ≤ 30 ms per keystroke at the 95th percentile over 100 000 clients.
Types names, e-mail fragments and phone digits one character at a time, as a
desk would, and times client_queries.search_clients for every prefix.

    python bench/search.py [--database URL]

Prints a table and, on its last line, a JSON object of the figures in ms.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench._common import open_large_demo, p95, parser
from desktop_app.clients import queries as client_queries
from models import Client

TYPED = ["anna", "siân", "mohammed", "o'brien", "zoë", "07700 900", "@example", "lee smith"]


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    ctx = open_large_demo(args.database)
    with ctx.db.read_sessions() as s:
        clients = s.scalar(select(func.count()).select_from(Client))
    import time

    times: list[float] = []
    found: dict[str, int] = {}
    for _ in range(max(1, args.repeat // 3)):
        for word in TYPED:
            for n in range(1, len(word) + 1):
                prefix = word[:n]
                started = time.perf_counter()
                rows = client_queries.search_clients(ctx.db, prefix)
                times.append((time.perf_counter() - started) * 1000)
                found[word] = len(rows)
    ctx.close()
    print(f"{clients} clients, {len(times)} keystrokes; results for the full words: {found}")
    print()
    print("| what | median ms | p95 ms | max ms | target |")
    print("| --- | --: | --: | --: | --- |")
    print(
        f"| search per keystroke | {statistics.median(times):.1f} | {p95(times):.1f} | "
        f"{max(times):.1f} | ≤ 30 ms (p95) |"
    )
    print(
        json.dumps(
            {
                "search_keystroke_median_ms": round(statistics.median(times), 1),
                "search_keystroke_p95_ms": round(p95(times), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
