"""The password rule Django's list misses: a guessable word with digits or symbols added.

"Summer2026", "Officer1!", "P@ssw0rd2026" and "Cumbria-2026" are the first things an
attacker tries against a council (seasons and months with the year, "password", the
council's name, the roles people hold) and none is in Django's common-password list, which
holds whole passwords rather than patterns. This validator takes the letters of the
password (as typed, and with look-alike digits and symbols read as letters, so "P@ssw0rd"
is "password"), removes every guessable word it can find, and refuses the password when
fewer than `min_other_letters` letters are left. A passphrase of ordinary words
("correct-horse-battery-staple") keeps its letters and passes.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError

SEASONS = ["spring", "summer", "autumn", "fall", "winter"]
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# What people choose at work and what attackers' lists start with.
COMMON = [
    "password", "passwd", "pass", "pwd", "welcome", "letmein", "changeme", "secret",
    "login", "admin", "user", "guest", "test", "temp", "default", "hello", "iloveyou",
    "qwerty", "qwertyuiop", "asdf", "asdfgh", "asdfghjkl", "zxcvbn", "abc", "abcd",
    "football", "monkey", "dragon", "master", "sunshine", "princess", "shadow",
    "council", "county", "city", "borough", "district", "office", "staff", "work",
]
# The roles this system gives, as people would type them.
ROLES = [
    "officer", "service", "manager", "senior", "independent", "reviewer", "directorate",
    "lead", "administrator", "admin",
]
# Digits and symbols that stand for letters.
LOOK_ALIKES = str.maketrans({
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t",
})
# A password longer than this is not a word with a year added; and the search below is
# quadratic, so an enormous one must not reach it.
LONGEST_CHECKED = 64


def _words() -> frozenset[str]:
    names = f"{settings.COUNCIL_NAME} {getattr(settings, 'SERVICE_NAME', '')} ucp"
    council = [w for w in re.findall(r"[a-z]+", names.lower()) if len(w) >= 3]
    return frozenset(SEASONS + MONTHS + DAYS + COMMON + ROLES + council)


def _letters_left(letters: str, words: frozenset[str]) -> int:
    """The fewest letters of `letters` not covered by a guessable word (dynamic
    programming over where each word could end)."""
    longest = max(map(len, words))
    best = [0] * (len(letters) + 1)
    for end in range(1, len(letters) + 1):
        best[end] = best[end - 1] + 1
        for start in range(max(0, end - longest), end):
            if letters[start:end] in words:
                best[end] = min(best[end], best[start])
    return best[-1]


def _readings(password: str) -> list[str]:
    """The password's letters as typed, and with look-alikes read as letters. Look-alikes
    count only between the first and last letter: "2026" after a word is a year, not
    "zozb"."""
    lowered = password.lower()
    plain = re.sub(r"[^a-z]", "", lowered)
    found = re.search(r"[a-z].*[a-z]", lowered)
    middle = found.group(0).translate(LOOK_ALIKES) if found else ""
    decoded = re.sub(r"[^a-z]", "", middle)
    return [plain, decoded]


class GuessablePasswordValidator:
    """Refuses a password that is guessable words with digits or symbols around them."""

    message = (
        "This password is too easy to guess: it is a common word (a season, a month, "
        "“password”, the council’s name or a role) with numbers or symbols added. Use "
        "three or four unrelated words together instead."
    )

    def __init__(self, min_other_letters: int = 4) -> None:
        self.min_other_letters = min_other_letters

    def validate(self, password: str, user=None) -> None:
        if len(password) > LONGEST_CHECKED:
            return
        words = _words()
        if any(
            _letters_left(letters, words) < self.min_other_letters
            for letters in _readings(password)
        ):
            raise ValidationError(self.message, code="password_guessable")

    def get_help_text(self) -> str:
        return (
            "Your password cannot be a common word, a season, a month, the council’s name "
            "or a role with numbers or symbols added."
        )
