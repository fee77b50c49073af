"""Human-friendly references: short, unambiguous when read aloud, not guessable from ids."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 5/S: references are read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY2346789"


def new_reference(prefix: str, length: int = 6) -> str:
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(length))


def unique_reference(model, prefix: str, field: str = "reference") -> str:
    for _ in range(20):
        candidate = new_reference(prefix)
        if not model._default_manager.filter(**{field: candidate}).exists():
            return candidate
    raise RuntimeError(f"Could not find a free {prefix} reference")  # pragma: no cover
