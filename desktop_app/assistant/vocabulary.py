"""The clinic's own names, as the parser needs them: a snapshot, indexed once.

Clients are found by their name's words through a dict (word → clients) and,
for typos, by fuzzy matching the typed word against the distinct words of all
names (a few thousand, however many clients), never by scanning every client
per keystroke. Practitioners get "Dr <surname>" aliases; services get the
words that tell them apart ("hygiene", "check-up") and a few common synonyms.
Pure: built from plain rows; `desktop_app.assistant.loading` reads the rows.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from desktop_app.assistant.request import Named
from desktop_app.kernel.text_search import fold

_WORD = re.compile(r"[a-z0-9]+")

# Words in service names that do not tell one service from another.
GENERIC_SERVICE_WORDS = frozenset(
    {"session", "sessions", "appointment", "appointments", "visit", "and", "the", "of", "a"}
)
# Typed word → the words of service names it stands for.
SERVICE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "checkup": ("check", "up"),
    "checkups": ("check", "up"),
    "check-ups": ("check", "up"),
    "exam": ("check", "up"),
    "examination": ("check", "up"),
    "hygienist": ("hygiene",),
    "cleaning": ("hygiene",),
    "clean": ("hygiene",),
    "physio": ("physiotherapy",),
    "couple": ("couples",),
    "marriage": ("couples",),
    "fillings": ("filling",),
    "followup": ("follow", "up"),
    "urgent": ("emergency",),
    "toothache": ("emergency",),
    "video": ("online",),
    "remote": ("online",),
    "first": ("intake",),
    "polishing": ("polish",),
    "counselling": ("individual",),
    "counseling": ("individual",),
}


def words(text: str) -> list[str]:
    """Folded words: "O'Brien" → ["obrien"], "Jürgen's" → ["jurgen"]."""
    folded = fold(text).replace("’", "'")
    folded = re.sub(r"'s\b", "", folded).replace("'", "")
    return _WORD.findall(folded)


@dataclass(frozen=True)
class ClientName:
    id: uuid.UUID
    name: str
    detail: str = ""


@dataclass(frozen=True)
class PractitionerName:
    id: uuid.UUID
    name: str
    service_ids: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class ServiceName:
    id: uuid.UUID
    name: str
    duration_min: int = 30


@dataclass(frozen=True)
class Match:
    """Clients matching typed words; `exact` when every word matched as typed."""

    clients: tuple[Named, ...]
    exact: bool


class Vocabulary:
    def __init__(
        self,
        clients: Iterable[ClientName],
        practitioners: Iterable[PractitionerName],
        services: Iterable[ServiceName],
        *,
        zone: ZoneInfo,
        opening: tuple[time, time] = (time(8), time(20)),
    ) -> None:
        self.zone = zone
        self.opening = opening
        self.client_list: list[ClientName] = list(clients)
        index: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(self.client_list):
            for w in dict.fromkeys(words(c.name)):
                index[w].append(i)
        self._index: dict[str, list[int]] = dict(index)
        self._client_words: list[str] = sorted(self._index)
        self.practitioners: tuple[PractitionerName, ...] = tuple(practitioners)
        self._practitioner_words = [words(p.name) for p in self.practitioners]
        self.services: tuple[ServiceName, ...] = tuple(services)
        self._service_keys = [
            tuple(w for w in words(s.name.replace("-", " ")) if w not in GENERIC_SERVICE_WORDS)
            for s in self.services
        ]
        self.service_words = frozenset(w for key in self._service_keys for w in key)
        self.practitioner_words = frozenset(w for ws in self._practitioner_words for w in ws)

    # --- clients -----------------------------------------------------------

    def is_client_word(self, word: str) -> bool:
        return word in self._index

    @lru_cache(maxsize=4096)  # noqa: B019 - a snapshot lives as long as its cache
    def _similar(self, word: str) -> tuple[tuple[str, float], ...]:
        """Name words like the typed one; the word itself first when it is one."""
        found: list[tuple[str, float]] = []
        if word in self._index:
            found.append((word, 100.0))
        if len(word) >= 4:
            cutoff = 80 if len(word) >= 6 else 75
            for other, score, _ in process.extract(
                word, self._client_words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
            ):
                if other != word:
                    found.append((other, score))
        return tuple(found)

    def find_clients(self, typed: Sequence[str], limit: int = 8) -> Match:
        """Clients whose name has every typed word (each as typed or with a typo)."""
        if not typed:
            return Match((), False)
        exact_sets: list[set[int]] = []
        fuzzy_sets: list[set[int]] = []
        for word in typed:
            similar = self._similar(word)
            if not similar:
                return Match((), False)
            exact = set(self._index.get(word, ()))
            fuzzy = set(exact)
            for other, _ in similar:
                fuzzy.update(self._index[other])
            exact_sets.append(exact)
            fuzzy_sets.append(fuzzy)
        hits = set.intersection(*exact_sets)
        is_exact = bool(hits)
        if not hits:
            hits = set.intersection(*fuzzy_sets)
            if not hits:
                return Match((), False)
            hits = self._closest(typed, hits)
        ranked = sorted(hits, key=lambda i: (self.client_list[i].name, i))
        return Match(
            tuple(
                Named(self.client_list[i].id, self.client_list[i].name, self.client_list[i].detail)
                for i in ranked[:limit]
            ),
            is_exact,
        )

    def client_count(self, typed: Sequence[str]) -> int:
        sets = [set(self._index.get(w, ())) for w in typed]
        return len(set.intersection(*sets)) if sets else 0

    def _closest(self, typed: Sequence[str], hits: set[int]) -> set[int]:
        """Of fuzzy hits, those whose name is nearest to what was typed."""
        joined = " ".join(typed)
        scored = {
            i: fuzz.token_set_ratio(joined, " ".join(words(self.client_list[i].name))) for i in hits
        }
        best = max(scored.values())
        return {i for i, s in scored.items() if s >= best - 0.01}

    # --- practitioners ---------------------------------------------------------

    def find_practitioners(self, typed: Sequence[str], cutoff: float = 80) -> tuple[Named, ...]:
        """Practitioners named by the words: full name, surname or first name."""
        if not typed:
            return ()
        best: list[int] = []
        best_score = 0.0
        for i, ws in enumerate(self._practitioner_words):
            score = _cover(typed, ws, cutoff)
            if score > best_score:
                best, best_score = [i], score
            elif score == best_score and score > 0:
                best.append(i)
        if best_score < cutoff:
            return ()
        return tuple(Named(self.practitioners[i].id, self.practitioners[i].name) for i in best)

    def practitioner(self, pid: uuid.UUID) -> PractitionerName | None:
        return next((p for p in self.practitioners if p.id == pid), None)

    # --- services ----------------------------------------------------------

    def find_services(self, typed: Sequence[str]) -> tuple[tuple[Named, ...], frozenset[str]]:
        """Services the words point at, best first, and the words that did.

        A service scores by the share of its distinguishing words that were
        typed: "individual" is all of "Individual session" and half of
        "Online individual session", so it means the first; "dental" is a
        third of three services alike, so it is a question."""
        expanded: list[tuple[str, str]] = []  # (service word, typed word)
        for w in typed:
            for s in SERVICE_SYNONYMS.get(w, (w,)):
                expanded.append((s, w))
        scores: list[tuple[float, int, int]] = []
        used: set[str] = set()
        for i, key in enumerate(self._service_keys):
            if not key:
                continue
            hit = set()
            for sword, tword in expanded:
                for k in key:
                    if k == sword or (
                        len(sword) >= 5 and len(k) >= 5 and fuzz.ratio(sword, k) >= 80
                    ):
                        hit.add(k)
                        used.add(tword)
            if hit:
                scores.append((len(hit) / len(key), len(hit), i))
        if not scores:
            return (), frozenset()

        # A service whose every distinguishing word was typed wins; else the one
        # with the most words typed; a tie is a question.
        def rank(share: float, hits: int) -> tuple[bool, int]:
            return (share == 1.0, hits)

        top = max(rank(share, n) for share, n, _ in scores)
        best = sorted(
            (i for share, n, i in scores if rank(share, n) == top),
            key=lambda i: self.services[i].name,
        )
        return tuple(Named(self.services[i].id, self.services[i].name) for i in best), frozenset(
            used
        )

    def service(self, sid: uuid.UUID) -> ServiceName | None:
        return next((s for s in self.services if s.id == sid), None)


def _cover(typed: Sequence[str], name_words: Sequence[str], cutoff: float) -> float:
    """How well the typed words name someone: 100 when each is one of the
    name's words; typos score lower; a word that is no part of it scores 0."""
    if not name_words:
        return 0.0
    total = 0.0
    for t in typed:
        best = max(
            (100.0 if t == w else fuzz.ratio(t, w) if len(t) >= 4 else 0.0) for w in name_words
        )
        if best < cutoff:
            return 0.0
        total += best
    return total / len(typed)
