"""The booking assistant for `render_all`: a request understood with its free
times (70-assistant) and an ambiguity asked about (71-assistant-question).

The requests are made from the clinic's own names (a client with a coming
appointment, a dentist, a first name several clients share), so the shots
work on any demo clinic. Rendering only reads: nothing is booked.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from desktop_app.assistant.loading import load_vocabulary
from desktop_app.assistant.vocabulary import Vocabulary
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from tools.screenshots.support import save, wait_until
from ui.assistant.bar import AssistantBar
from ui.kit.ops import pending_operations

ASSISTANT_SHOT = "70-assistant.png"
QUESTION_SHOT = "71-assistant-question.png"


def requests_for(vocab: Vocabulary) -> tuple[str, str]:
    """An unambiguous request with a dentist, and one whose first name is shared."""
    full = Counter(c.name for c in vocab.client_list)
    firsts = Counter(c.name.split()[0] for c in vocab.client_list)
    unique = next((c.name for c in vocab.client_list if full[c.name] == 1), "Ana Silva")
    dentist = next(
        (
            p
            for p in vocab.practitioners
            for s in vocab.services
            if s.id in p.service_ids and "check" in s.name.lower()
        ),
        None,
    )
    with_whom = f" with Dr {dentist.name.split()[-1]}" if dentist else ""
    shared = max(firsts, key=lambda n: (firsts[n], n)) if firsts else "Ana"
    return (
        f"{unique} check-up{with_whom} next week after 3pm",
        f"{shared} hygiene next week mornings",
    )


def render_assistant_screens(
    ctx: AppContext,
    desk: Actor,
    out_dir: Path,
) -> list[Path]:
    first, second = requests_for(load_vocabulary(ctx.db))
    paths: list[Path] = []
    for text, name in ((first, ASSISTANT_SHOT), (second, QUESTION_SHOT)):
        bar = AssistantBar(ctx, desk)
        bar.resize(900, 560)
        bar.show()
        wait_until(bar.is_idle)
        bar.input.setText(text)
        wait_until(lambda b=bar, t=text: b.is_idle() and _shown(b, t))  # type: ignore[misc]
        wait_until(lambda: pending_operations() == 0)
        paths.append(save(bar, out_dir / name))
        bar.close()
        bar.deleteLater()
    return paths


def _shown(bar: AssistantBar, text: str) -> bool:
    return bar.understanding is not None and bar.understanding.request.text == text
