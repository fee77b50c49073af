"""Human-friendly references: short, unambiguous when read aloud, not guessable from ids."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# No 0/O, 1/I/L, 5/S: references are read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY2346789"

# Set only inside `deterministic()`. A context variable rather than a module global, so a
# seeded run in one thread (or task) never makes another thread's references predictable.
_seeded: ContextVar[random.Random | None] = ContextVar("seeded_references", default=None)


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
