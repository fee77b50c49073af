"""Local passwords: 12 characters or more, and nothing an attacker tries first."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts.passwords import GuessablePasswordValidator
from demo.data import USERS, demo_password

GUESSABLE = [
    "Summer2026!!!",        # a season and the year
    "September2026!",       # a month
    "Tuesday-2026-01",      # a day
    "P@ssw0rd2026",         # "password", look-alikes and all
    "Passw0rd!Passw0rd!",
    "Cumbria-2026!",        # the council's name
    "CountyCouncil2026",
    "Officer12345!",        # a role
    "SeniorManager2026",
    "Administrator#1",
    "Welcome2026!!",
    "qwerty123456!",
    "1234-5678-90!!",       # no letters at all
    "Winter2025Adm",        # a word and too few other letters
]


@pytest.mark.parametrize("password", GUESSABLE)
def test_a_guessable_word_with_digits_and_symbols_is_refused(password):
    with pytest.raises(ValidationError) as refused:
        GuessablePasswordValidator().validate(password)
    assert refused.value.error_list[0].code == "password_guessable"


@pytest.mark.parametrize("password", [
    "correct-horse-battery-staple",
    "my-summer-holiday-in-spain",   # a season among ordinary words
    "plum-ladder-orbit-42",
    "Tr0ub4dor&3xyz",
])
def test_a_passphrase_is_accepted(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["Summer2026", "officer1"])
def test_the_passwords_the_audit_signed_in_with_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    codes = {e.code for e in refused.value.error_list}
    assert codes == {"password_too_short", "password_guessable"}


def test_eleven_characters_are_too_few():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("plum-ladder")


@override_settings(COUNCIL_NAME="Northumberland County Council")
def test_the_councils_own_name_is_a_guessable_word_wherever_it_runs():
    with pytest.raises(ValidationError):
        GuessablePasswordValidator().validate("Northumberland2026!")
    GuessablePasswordValidator().validate("Cumbria-hills-walk")


def test_a_very_long_password_is_not_searched():
    GuessablePasswordValidator().validate("summer" * 100)


@pytest.mark.parametrize("spec", USERS, ids=lambda s: s["username"])
def test_the_demo_passwords_meet_the_rules(spec):
    validate_password(demo_password(spec["username"]))
