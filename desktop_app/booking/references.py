"""Short, human-readable appointment references such as "K7Q2XM".

The alphabet is Crockford's base 32: digits and capitals without I, L, O and
U, so a reference read over the phone or copied from a handwritten note
cannot be mistaken for another one. Input is normalised the forgiving way
(case, spaces and dashes ignored; O read as 0, I and L as 1).
"""

from __future__ import annotations

import random
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
# 32**6 is about 10**9 references: a collision is rare, but the unique
# constraint on appointment.reference is what rules it out; the caller retries.

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_reference(rng: random.Random | None = None) -> str:
    """A fresh reference; from `rng` when given (demo data), else from the OS."""
    bits = secrets.randbits(5 * LENGTH) if rng is None else rng.getrandbits(5 * LENGTH)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(LENGTH))


def normalise_reference(raw: str) -> str | None:
    """The canonical form of a typed reference, or None when it cannot be one."""
    text = "".join(ch for ch in raw.upper() if ch not in " -\t").translate(_READ_AS)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text
