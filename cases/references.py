"""Human-friendly references: short, unambiguous when read aloud, not guessable from ids."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# No 0/O, 1/I/L, 5/S: references are read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY2346789"

# Set only inside `deterministic()`. A context variable rather than a module global, so a
# seeded run in one thread (or task) never makes another thread's references predictable.
_seeded: ContextVar[random.Random | None] = ContextVar("seeded_references", default=None)


# Every reference is a prefix and a code (C-ABC234); 20 is the columns' max_length.
MAX_LENGTH = 20
_SHAPE = re.compile(r"[A-Z]{1,4}(?:-[A-Z0-9]{1,16})+")
# The same shape as typed (any case), for schemas and validators that take a pattern.
PATTERN = r"^[A-Za-z]{1,4}(-[A-Za-z0-9]{1,16})+$"


def normalise_reference(value: object) -> str | None:
    """A reference as typed, read out or sent ('c-abc234 ', 'C-ABC234'), as stored; None for
    anything that cannot be one (too long, a character no reference has, not a string).

    Every selector that looks a record up by reference asks this first, so a reference from
    a URL, a query string or the API reaches the database only in the one shape references
    have, and anything else is simply not found (a 404, never a server error).
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip().upper()
    if len(candidate) > MAX_LENGTH or not _SHAPE.fullmatch(candidate):
        return None
    return candidate


def new_reference(prefix: str, length: int = 6) -> str:
    rng = _seeded.get()
    choice = secrets.choice if rng is None else rng.choice
    return f"{prefix}-" + "".join(choice(ALPHABET) for _ in range(length))


def unique_reference(model, prefix: str, field: str = "reference") -> str:
    for _ in range(20):
        candidate = new_reference(prefix)
        if not model._default_manager.filter(**{field: candidate}).exists():
            return candidate
    raise RuntimeError(f"Could not find a free {prefix} reference")  # pragma: no cover


@contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Within the block, references come from `random.Random(seed)`, the same every run.

    References are random by design, so that no one can guess another customer's. Only
    data that must be rebuilt identically (the demo, whose instructions quote references)
    uses this; real records never do.
    """
    token = _seeded.set(random.Random(seed))
    try:
        yield
    finally:
        _seeded.reset(token)
