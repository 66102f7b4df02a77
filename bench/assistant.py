"""The booking assistant on the large demo clinic: keystroke to proposals (issue #17).

Target: ≤ 50 ms from a keystroke to the proposals (95th percentile). Types
requests one character at a time, as a desk would, and for every prefix
times what the bar does: read the text (parse, in the GUI thread) and find
the free times (understand: slot queries, appointment look-ups). Also times
loading the clinic's names once (when the bar first opens).

    python bench/assistant.py [--database URL] [--repeat N]

Prints a table and, on its last line, a JSON object of the figures in ms.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import open_large_demo, p95, parser
from desktop_app.assistant.loading import load_vocabulary
from desktop_app.assistant.parse import parse
from desktop_app.assistant.proposals import understand
from desktop_app.assistant.vocabulary import Vocabulary


def requests(vocab: Vocabulary) -> list[str]:
    """Requests over the clinic's own names, in the shapes of the issue's examples."""
    client = vocab.client_list[len(vocab.client_list) // 3].name
    other = vocab.client_list[len(vocab.client_list) // 2].name
    dentist = next(
        p for p in vocab.practitioners for s in vocab.services
        if s.id in p.service_ids and "check" in s.name.lower()
    )  # fmt: skip
    return [
        f"{client} check-up with Dr {dentist.name.split()[-1]} next Tuesday after 3pm",
        "first free hygiene appointment this week, mornings",
        f"move {other.split()[0]}'s Thursday appointment to Friday same time",
        f"cancel {other}'s 4pm",
        f"book {client} in 2 weeks, same as last time",
        f"{client} individual session with anyone tomorrow at 16:30",
    ]


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    ctx = open_large_demo(args.database)
    started = time.perf_counter()
    vocab = load_vocabulary(ctx.db)
    load_ms = (time.perf_counter() - started) * 1000
    now = ctx.clock.now()
    texts = requests(vocab)
    parse_times: list[float] = []
    total_times: list[float] = []
    per_request: dict[str, float] = {}
    for _ in range(max(1, args.repeat // 3)):
        for text in texts:
            full: list[float] = []
            for n in range(1, len(text) + 1):
                started = time.perf_counter()
                request = parse(text[:n], vocab, now)
                parsed = time.perf_counter()
                understand(ctx.db, vocab, request, now)
                done = time.perf_counter()
                parse_times.append((parsed - started) * 1000)
                total_times.append((done - started) * 1000)
                full.append((done - started) * 1000)
            per_request[text] = full[-1]
    ctx.close()
    print(
        f"{len(vocab.client_list)} clients, {len(vocab.practitioners)} bookable practitioners, "
        f"{len(total_times)} keystrokes; names loaded in {load_ms:.0f} ms"
    )
    print()
    print("| what | median ms | p95 ms | max ms | target |")
    print("| --- | --: | --: | --: | --: |")
    for name, times, target in (
        ("read the text (parse)", parse_times, "a few ms"),
        ("keystroke to proposals (parse + free times)", total_times, "≤ 50 ms p95"),
    ):
        print(
            f"| {name} | {statistics.median(times):.1f} | {p95(times):.1f} | "
            f"{max(times):.1f} | {target} |"
        )
    print()
    for text, ms in per_request.items():
        print(f"- {ms:6.1f} ms  {text}")
    print(
        json.dumps(
            {
                "assistant_p95_ms": round(p95(total_times), 1),
                "assistant_median_ms": round(statistics.median(total_times), 1),
                "assistant_max_ms": round(max(total_times), 1),
                "parse_p95_ms": round(p95(parse_times), 2),
                "parse_median_ms": round(statistics.median(parse_times), 2),
                "names_load_ms": round(load_ms),
                "keystrokes": len(total_times),
                "clients": len(vocab.client_list),
            }
        )
    )


if __name__ == "__main__":
    main()
