"""Text normalisation for search-as-you-type: case- and accent-insensitive.

"Siân", "SIAN" and "sian" all become "sian"; a phone number contributes its
digits, so "07700 900123" is found by typing "0770090" or "900 123".
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that do not decompose into a base letter plus accents.
_FOLD = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.translate(_FOLD)).strip()


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def client_search_key(full_name: str, email: str | None, phone: str | None) -> str:
    """What a client is found by; derived from the owning columns, never edited."""
    parts = [fold(full_name)]
    if email:
        parts.append(email.strip().lower())
    if phone:
        parts.append(digits(phone))
    return " ".join(p for p in parts if p)


def search_terms(typed: str) -> list[str]:
    """The typed text as terms that must all match: words folded, digit runs kept."""
    terms = []
    for word in fold(typed).split(" "):
        if not word:
            continue
        only_digits = digits(word)
        # "900-123" or "+44" are phone fragments: match on their digits.
        terms.append(only_digits if only_digits and not any(c.isalpha() for c in word) else word)
    return [t for t in terms if t]
