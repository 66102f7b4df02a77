"""Typed text → a Request: rules over the clinic's own names. Pure and deterministic.

    parse("Ana Silva with Dr Hunt next Tuesday after 3pm", vocabulary, now)

The text is folded (case and accents), common shorthand and typos of day and
time words are put right, then readers take out, in turn: the action, the
days and times (for a move, those before "to" are the appointment's own),
"same as last time", "anyone" or the practitioner, the service; the words
left are the client's name. What cannot be decided is a question.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz, process

from desktop_app.assistant import dates
from desktop_app.assistant.dates import GAP
from desktop_app.assistant.request import Action, Ask, Named, Question, Request, When
from desktop_app.assistant.vocabulary import SERVICE_SYNONYMS, Vocabulary, words
from desktop_app.kernel.text_search import fold

# Clients kept as candidates (a move or cancel narrows them by appointment);
# a question shows the first few.
CANDIDATES = 200
SHOWN = 8
# How far ahead proposals look when the text names no day.
DEFAULT_DAYS = 14

SHORTHAND = {
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "tomoz": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tomorow": "tomorrow",
    "tommorow": "tomorrow",
    "tommorrow": "tomorrow",
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "weds": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
    "wk": "week",
    "wks": "weeks",
    "morn": "morning",
    "arvo": "afternoon",
    "appt": "appointment",
    "appts": "appointments",
    "pls": "please",
    "plz": "please",
    "doc": "dr",
    "anyone's": "anyone",
    "any1": "anyone",
    "resched": "reschedule",
}
# Words whose typos are put right (not names: those are matched fuzzily later).
_KNOWN = (
    *dates.WEEKDAYS,
    *dates.MONTHS,
    "today",
    "tomorrow",
    "morning",
    "mornings",
    "afternoon",
    "afternoons",
    "evening",
    "evenings",
    "next",
    "week",
    "weeks",
    "month",
    "cancel",
    "reschedule",
    "appointment",
    "anyone",
    "anybody",
    "between",
    "after",
    "before",
    "fortnight",
    "available",
    "hygiene",
)

_MOVE = (
    r"\b(?:move|moving|reschedule|rescheduling|rebook|re-book|change|shift|postpone"
    r"|bring forward|push back)\b"
)
_CANCEL = r"\b(?:cancel|cancels|cancelling|canceling|cancellation|call off|scrap|delete)\b"
_FIND = (
    r"\b(?:first|next|earliest|soonest)\s+(?:free|available|open|possible)\b"
    r"|\b(?:find|show|search|look for|is there|are there|do you have|have you got|any free"
    r"|when can|when is|when's)\b"
    r"|\b(?:free|available|open)\s+(?:slots?|times?|appointments?|spaces?)\b"
    r"|\bavailability\b"
)
_BOOK = r"\b(?:book|booking|schedule|arrange|squeeze in|fit in|put in|set up|make an?)\b"
_SAME_AS_LAST = (
    r"\b(?:(?:the )?same as (?:last time|last|before|usual|previously|the last one)"
    r"|as usual|the usual|like last time|same again|usual (?:one|appointment|session))\b"
)
_ANYONE = (
    r"\b(?:with\s+)?(?:anyone|anybody|any one|whoever|whoever'?s free|no preference|"
    r"any (?:practitioner|dentist|therapist|hygienist|physio|physiotherapist|doctor|"
    r"counsellor|clinician))\b"
)
_TITLE = r"(?:dr|doctor|dentist|hygienist|therapist|physio|counsellor)\.?"
_NAME_WORD = r"[a-z][a-z'’-]*"

# Words that are no part of a client's name.
STOP_WORDS = frozenset(
    " ".join(
        (
            "a an the for with on at in of to from and or please thanks thank you me i we us",
            "my our her his their them him she he they it its is are be been can could would",
            "will shall should like want wants wanted need needs get got have has do does did",
            "appointment appointments session sessions slot slots time times visit visits one",
            "some any there that this next week weeks day days possible if hi hello caller",
            "client patient mr mrs ms miss mx asap soon soonest earliest free available open ok",
            "okay again also just maybe around about instead same as usual last but not see let",
            "lets yes no anytime whenever sometime new booking book up else other another than",
            "then when what which who s t coming following o clock therapy treatment",
            "consultation dentist doctor practitioner someone",
        )
    ).split()
)


def normalise(text: str) -> str:
    folded = fold(text).replace("’", "'").replace("‘", "'")
    folded = re.sub(r"[,;!?()\"]", " ", folded)
    out = []
    for word in folded.split():
        bare = word.rstrip(".")
        fixed = SHORTHAND.get(bare)
        out.append(fixed if fixed else word)
    return " ".join(out)


def _fix_typos(text: str, vocab: Vocabulary) -> str:
    out = []
    for word in text.split(" "):
        w = word.strip(".")
        if (
            len(w) >= 5
            and w.isalpha()
            and w not in _KNOWN
            and not vocab.is_client_word(w)
            and w not in vocab.service_words
            and w not in vocab.practitioner_words
            and w not in SERVICE_SYNONYMS
        ):
            best = process.extractOne(w, _KNOWN, scorer=fuzz.ratio, score_cutoff=78)
            if best is not None:
                out.append(str(best[0]))
                continue
        out.append(word)
    return " ".join(out)


def _take(text: str, pattern: str) -> tuple[str, bool]:
    new, n = re.subn(pattern, GAP, text)
    return new, n > 0


def parse(text: str, vocab: Vocabulary, now: datetime) -> Request:
    today = now.astimezone(vocab.zone).date()
    raw = text.strip()
    if not raw:
        return Request(
            text,
            Action.FIND,
            questions=(
                Question(
                    Ask.TEXT,
                    "Type what the caller asks for, e.g. “Ana Silva with Dr Hunt next Tuesday "
                    "after 3pm”.",
                ),
            ),
        )
    s = _fix_typos(normalise(raw), vocab)
    questions: list[Question] = []

    s, moving = _take(s, _MOVE)
    s, cancelling = _take(s, _CANCEL)
    s, finding = _take(s, _FIND)
    s, booking = _take(s, _BOOK)
    s, same_as_last = _take(s, _SAME_AS_LAST)
    action = (
        Action.MOVE
        if moving and not cancelling
        else Action.CANCEL
        if cancelling
        else Action.BOOK
        if booking
        else Action.FIND
    )

    # Days and times. A move's text before "to" is about the appointment it moves.
    current: When | None = None
    if action is Action.MOVE:
        m = re.search(r"\b(?:to|until|till)\b", s)
        head, tail = (s[: m.start()], s[m.end() :]) if m else (s, "")
        head, current, qs = _read_when(head, vocab, today, selector=True)
        questions += qs
        tail, when, qs = _read_when(tail, vocab, today, selector=False)
        questions += qs
        s = head + GAP + tail
    elif action is Action.CANCEL:
        s, current, qs = _read_when(s, vocab, today, selector=True)
        questions += qs
        when = None
    else:
        s, when, qs = _read_when(s, vocab, today, selector=False)
        questions += qs

    # The practitioner, or anyone.
    practitioner: Named | None = None
    practitioner_given = False
    s, anyone = _take(s, _ANYONE)
    if anyone:
        practitioner_given = True
    else:
        s, found = _read_practitioner(s, vocab)
        if found:
            practitioner_given = True
            if len(found) == 1:
                practitioner = found[0]
            else:
                questions.append(Question(Ask.PRACTITIONER, "Which practitioner?", choices=found))

    # The service: the words that name one.
    tokens = _tokens(s)
    candidates, used = vocab.find_services([t for t in tokens if t != GAP.strip()])
    service: Named | None = None
    if len(candidates) == 1:
        service = candidates[0]
    elif len(candidates) > 1:
        questions.append(Question(Ask.SERVICE, "Which service?", choices=candidates))
    tokens = [GAP.strip() if t in used else t for t in tokens]

    # The client: the words left.
    clients, new_name, unknown = _read_client(tokens, vocab, raw)

    recognised = bool(
        moving
        or cancelling
        or finding
        or booking
        or same_as_last
        or practitioner_given
        or candidates
        or clients
        or (when is not None and (when.day_given or _has_time(when)))
        or (current is not None and (current.day_given or _has_time(current)))
    )
    if not recognised:
        return Request(
            text,
            Action.FIND,
            questions=(
                Question(
                    Ask.TEXT,
                    f"Could not make sense of “{raw}”: name a client, a service, a "
                    "practitioner, a day or a time.",
                ),
            ),
        )

    if len(clients) > 1:
        questions.append(
            Question(Ask.CLIENT, _which_client(clients, new_name), choices=clients[:SHOWN])
        )
    if not clients and new_name:
        questions.append(
            Question(Ask.NEW_CLIENT, f"No client named “{new_name}”: register them as new?")
        )
    if action in (Action.BOOK, Action.MOVE, Action.CANCEL) and not clients and not new_name:
        questions.append(Question(Ask.CLIENT, "Which client?"))
    if clients and action is Action.FIND:
        # A client named with a free time wanted is a booking.
        action = Action.BOOK

    if (
        service is None
        and not candidates
        and action in (Action.BOOK, Action.FIND)
        and not same_as_last
    ):
        offered = _practitioner_services(vocab, practitioner)
        if len(offered) == 1:
            service = offered[0]
        else:
            questions.append(Question(Ask.SERVICE, "Which service?", choices=offered))
    if unknown and not questions:
        questions.append(
            Question(Ask.TEXT, f"Not understood: “{' '.join(unknown)}”; the rest is below.")
        )

    return Request(
        text,
        action,
        clients=clients,
        new_client_name=new_name if not clients else None,
        practitioner=practitioner,
        practitioner_given=practitioner_given,
        service=service,
        when=when,
        current=current,
        same_as_last=same_as_last,
        questions=tuple(questions),
    )


def _has_time(w: When) -> bool:
    return w.at is not None or w.start is not None or w.end is not None or w.same_time


def _read_when(
    text: str, vocab: Vocabulary, today: date, *, selector: bool
) -> tuple[str, When, list[Question]]:
    text, days, day_questions = dates.read_days(text, today)
    text, times, time_questions = dates.read_times(text, vocab.opening)
    given = days is not None
    if days is None:
        span = 90 if selector else DEFAULT_DAYS
        days = dates.Days(today, today + timedelta(days=span - 1))
    when = When(
        days.day_from,
        days.day_to,
        start=times.start,
        end=times.end,
        at=times.at,
        same_time=times.same_time,
        day_given=given,
    )
    return text, when, day_questions + time_questions


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for chunk in text.split(GAP.strip()):
        ws = words(chunk)
        if ws:
            out.extend(ws)
        out.append(GAP.strip())
    return out


def _read_practitioner(text: str, vocab: Vocabulary) -> tuple[str, tuple[Named, ...]]:
    """ "Dr Hunt", "with Hunt", "with Sam Hunt", or a practitioner's full name."""
    patterns = (
        r"\b(?:with\s+)?"
        + _TITLE
        + r"\s+(?P<a>"
        + _NAME_WORD
        + r")(?:\s+(?P<b>"
        + _NAME_WORD
        + r"))?",
        r"\bwith\s+(?P<a>" + _NAME_WORD + r")(?:\s+(?P<b>" + _NAME_WORD + r"))?",
    )
    for n, pattern in enumerate(patterns):
        # After "Dr", a typo in the name is likelier than someone else.
        cutoff = 70 if n == 0 else 80
        for m in re.finditer(pattern, text):
            a, b = words(m["a"]), words(m["b"] or "")
            if b:
                found = vocab.find_practitioners(a + b, cutoff)
                if found:
                    return text[: m.start()] + GAP + text[m.end() :], found
            found = vocab.find_practitioners(a, cutoff)
            if found and not _is_stop(a):
                return text[: m.start()] + GAP + text[m.end("a") :], found
    # A practitioner's full name said without "with" or "Dr".
    ws = words(text)
    for p in vocab.practitioners:
        pw = [w for w in words(p.name) if w not in ("dr", "doctor")]
        if len(pw) >= 2:
            for i in range(len(ws) - len(pw) + 1):
                if ws[i : i + len(pw)] == pw:
                    pattern = r"\b" + r"\W+".join(re.escape(w) for w in pw) + r"\b"
                    return re.sub(pattern, GAP, text, count=1), (Named(p.id, p.name),)
    return text, ()


def _is_stop(ws: list[str]) -> bool:
    return all(w in STOP_WORDS for w in ws)


def _read_client(
    tokens: list[str], vocab: Vocabulary, raw: str
) -> tuple[tuple[Named, ...], str | None, list[str]]:
    """The client named by the words left: the longest run of them that names
    someone. Nobody: the run as typed, for a quick registration."""
    runs: list[list[str]] = [[]]
    for t in tokens:
        if t == GAP.strip() or t in STOP_WORDS or t.isdigit():
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(t)
    runs = [r for r in runs if r]
    for run in runs:
        # The whole run names the client; only a long run may lose a word
        # (never down to one: "Ana Silva" is not any Ana).
        sizes = [len(run)] if len(run) <= 2 else range(min(len(run), 4), 1, -1)
        for size in sizes:
            for i in range(len(run) - size + 1):
                sub = run[i : i + size]
                match = vocab.find_clients(sub, limit=CANDIDATES)
                if match.clients:
                    rest = [w for w in run if w not in sub]
                    others = [w for r in runs if r is not run for w in r]
                    return match.clients, _as_typed(sub, raw), rest + others
    if runs:
        run = max(runs, key=len)
        return (), _as_typed(run, raw), [w for r in runs if r is not run for w in r]
    return (), None, []


def _as_typed(ws: list[str], raw: str) -> str:
    """The words as the user typed them (their case and accents)."""
    typed = re.findall(r"[\w'’-]+", raw)
    out = []
    for w in ws:
        original = next((t for t in typed if words(t) == [w]), w)
        original = re.sub(r"['’]s$", "", original)
        out.append(original if original != original.lower() else original.title())
    return " ".join(out)


def _which_client(clients: tuple[Named, ...], typed: str | None) -> str:
    names = {c.name for c in clients}
    if len(names) == 1:
        return f"{len(clients)} clients are called {clients[0].name}: which one?"
    more = "+" if len(clients) >= CANDIDATES else ""
    return f"{len(clients)}{more} clients match “{typed}”: which one?"


def _practitioner_services(vocab: Vocabulary, practitioner: Named | None) -> tuple[Named, ...]:
    if practitioner is not None:
        p = vocab.practitioner(practitioner.id)
        if p is not None and p.service_ids:
            return tuple(Named(s.id, s.name) for s in vocab.services if s.id in p.service_ids)
    return tuple(Named(s.id, s.name) for s in vocab.services)


def with_answer(request: Request, **changes: object) -> Request:
    """The request with parts set by hand (the bar's fields); the questions
    those parts answered are dropped."""
    answered = {
        "clients": (Ask.CLIENT, Ask.NEW_CLIENT),
        "service": (Ask.SERVICE,),
        "practitioner": (Ask.PRACTITIONER,),
        "when": (Ask.DAY, Ask.TIME),
        "current": (Ask.DAY, Ask.TIME, Ask.APPOINTMENT),
        "appointment_id": (Ask.APPOINTMENT,),
        "action": (),
    }
    drop = {a for key in changes for a in answered.get(key, ())}
    if "practitioner" in changes:
        changes["practitioner_given"] = True
    questions = tuple(q for q in request.questions if q.about not in drop)
    return replace(request, questions=questions, **changes)  # type: ignore[arg-type]


def at_time(when: When, t: time) -> When:
    return replace(when, at=t, start=None, end=None)


def on_day(when: When, d: date) -> When:
    return replace(when, day_from=d, day_to=d, day_given=True)
