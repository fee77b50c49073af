"""One person, one record: the normalised forms of a customer's details that search and
the duplicate check compare, and the rules that say two sets of details are one person.

Functions of values (no queries): `cases.models.Customer.set_keys()` stores their results
on the row, `cases.selectors.customer_search` and `cases.matching` query them. The same
function normalises what is stored and what is typed, so "Bob Smith", "SMITH, Robert" and
"Róbert Smith" all have the name key "robert smith".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Case, Expression, FloatField, Q, Value, When
from django.db.models.functions import Lower, Replace, Trim, Upper
from django.db.models.lookups import GreaterThanOrEqual

from ucp import phones
from ucp.postcodes import uk_postcode

# Common English nicknames, mapped to one form so either finds the other. Kept small: a
# name that is a nickname of two (Chris: Christopher, Christine) maps to neither.
NICKNAMES = {
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert",
    "bill": "william", "billy": "william", "will": "william", "willie": "william",
    "liam": "william",
    "jon": "john", "johnny": "john", "jack": "john",
    "steve": "stephen", "steven": "stephen", "stevie": "stephen",
    "liz": "elizabeth", "lizzie": "elizabeth", "beth": "elizabeth", "betty": "elizabeth",
    "eliza": "elizabeth", "elisabeth": "elizabeth",
    "jim": "james", "jimmy": "james", "jamie": "james",
    "mike": "michael", "mick": "michael", "mickey": "michael",
    "dave": "david", "davy": "david",
    "tom": "thomas", "tommy": "thomas",
    "dick": "richard", "rick": "richard", "ricky": "richard", "rich": "richard",
    "tony": "anthony", "antony": "anthony",
    "pete": "peter", "ted": "edward", "ed": "edward", "eddie": "edward",
    "ray": "raymond", "ron": "ronald", "ronnie": "ronald",
    "kate": "katherine", "katie": "katherine", "kath": "katherine", "cath": "katherine",
    "catherine": "katherine", "kathryn": "katherine",
    "sue": "susan", "susie": "susan", "maggie": "margaret", "meg": "margaret",
    "peggy": "margaret", "jenny": "jennifer", "jen": "jennifer",
    "andy": "andrew", "drew": "andrew", "matt": "matthew", "nick": "nicholas",
    "dan": "daniel", "danny": "daniel", "joe": "joseph", "sam": "samuel",
    "ian": "ian", "iain": "ian", "sean": "sean", "shaun": "sean", "shawn": "sean",
}

# How alike a name must be (pg_trgm similarity) for search to find it though not every word
# of the query is in it: a misspelling, not another person of the same surname.
SEARCH_SIMILARITY = 0.6

# Titles and suffixes that say nothing about who someone is.
_NOISE = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "jr", "jnr", "sr", "snr"}

_WORD = re.compile(r"[a-z0-9]+")
_OUTWARD = re.compile(r"[a-z]{1,2}[0-9][a-z0-9]?", re.I)


# Letters Unicode does not split into a letter and an accent, so that NFKD leaves them
# whole ("Łukasz" stayed "łukasz" and was not found by "Lukasz"), spelt as PostgreSQL's
# unaccent spells them. A test holds `fold` to unaccent, letter by letter, over the Latin
# blocks (tests/cases/test_people_keys.py).
_WHOLE_LETTERS = str.maketrans({
    "æ": "ae", "ð": "d", "ø": "o", "þ": "th", "ß": "ss", "đ": "d", "ħ": "h", "ı": "i",
    "ĸ": "q", "ł": "l", "ŋ": "n", "œ": "oe", "ŧ": "t", "ƀ": "b", "ɓ": "b", "ƃ": "b",
    "ƈ": "c", "ɖ": "d", "ɗ": "d", "ƌ": "d", "ɛ": "e", "ƒ": "f", "ɠ": "g", "ƕ": "hv",
    "ɩ": "i", "ɨ": "i", "ƙ": "k", "ƚ": "l", "ɲ": "n", "ƞ": "n", "ƣ": "oi", "ƥ": "p",
    "ƫ": "t", "ƭ": "t", "ʈ": "t", "ʋ": "v", "ƴ": "y", "ƶ": "z", "ǥ": "g", "ȡ": "d",
    "ȥ": "z", "ȴ": "l", "ȵ": "n", "ȶ": "t", "ȷ": "j", "ȸ": "db", "ȹ": "qp", "ⱥ": "a",
    "ȼ": "c", "ⱦ": "t", "ȿ": "s", "ɀ": "z", "ʉ": "u", "ɇ": "e", "ɉ": "j", "ɍ": "r",
    "ɏ": "y", "ẜ": "s", "ẝ": "s", "ỻ": "ll", "ỽ": "v", "ỿ": "y", "ʒ": "z",
    "ⱡ": "l", "ɫ": "l", "ᵽ": "p", "ɽ": "r", "ⱨ": "h", "ⱪ": "k", "ⱬ": "z", "ɱ": "m",
    "ⱱ": "v", "ⱳ": "w", "ⱴ": "v", "ⱸ": "e", "ⱺ": "o",
})


def fold(value: str | None) -> str:
    """Lower case, accents stripped ("Zoë" is "zoe", "Łukasz" is "lukasz"), apostrophes
    dropped (O'Neill is oneill)."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().translate(_WHOLE_LETTERS).replace("'", "").replace("\u2019", "")


def name_tokens(value: str | None) -> list[str]:
    """The words of a name, folded, titles dropped, nicknames mapped: unsorted."""
    return [NICKNAMES.get(w, w) for w in _WORD.findall(fold(value)) if w not in _NOISE]


def name_key(value: str | None) -> str:
    """The name's words sorted: "Tinkler, Raymond" and "Ray Tinkler" are "raymond
    tinkler"."""
    return " ".join(sorted(name_tokens(value)))


def email_key(value: str | None) -> str:
    return (value or "").strip().lower()


def postcode_key(value: str | None) -> str:
    """A postcode without spaces, upper case ("CA124HF")."""
    return "".join((value or "").split()).upper()


# The same two keys as the database computes them for a stored customer: the expressions of
# `Customer.email_key` and `Customer.postcode_key`, generated columns that PostgreSQL and
# SQLite keep themselves on every write, a queryset's update() or a raw insert included.
# For what is stored they agree with the functions above: an email is stored stripped, a
# postcode with single spaces and no other white space (`Customer.save`,
# `ucp.postcodes.normalise_postcode`). A test checks the pairs agree on both engines. One
# difference left: SQLite's lower() folds ASCII letters only, so on SQLite an address typed
# as "ÉMILE@…" is not found by "émile@…" (PostgreSQL folds it).
def email_key_sql(expression) -> Expression:
    return Lower(Trim(expression))


def postcode_key_sql(expression) -> Expression:
    return Upper(Replace(expression, Value(" "), Value("")))


def outward_code(value: str | None) -> str:
    """The outward code of a UK postcode ("CA12"), or "" for anything else."""
    stored = uk_postcode(value)
    return stored.split(" ")[0] if stored else ""


def address_key(value: str | None) -> str:
    """The address's words folded, on one line: what address similarity compares."""
    return " ".join(_WORD.findall(fold(value)))


def phone_digits(value: str | None) -> str:
    return phones.digits(phones.to_e164(value) or value) if value else ""


def looks_like_outward_code(token: str) -> bool:
    return bool(_OUTWARD.fullmatch(token))


# --- are these one person? --------------------------------------------------------------------


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def _token_agrees(a: str, b: str) -> bool:
    """One word of a name against another: equal, an initial of it, or a near spelling
    (Sewel, Sewell)."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return len(a) >= 4 and len(b) >= 4 and _similar(a, b) >= 0.8


def name_likeness(typed: str, stored: str) -> str | None:
    """"same name", "similar name" or None. Similar: every word of the shorter name agrees
    with a different word of the longer one (initials, order, a near spelling), and at least
    one full word is the same or nearly so, so "I Sewell" is like "Ian Sewell" but "Mary
    Sewell" is not, nor is "I S"."""
    a, b = name_tokens(typed), name_tokens(stored)
    if not a or not b:
        return None
    if sorted(a) == sorted(b):
        return "same name"
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 2 and len(long_) > 1:
        return None  # a single word is too little to say two people are one
    left = list(long_)
    full_word = False
    for word in short:
        match = next((w for w in left if _token_agrees(word, w)), None)
        if match is None:
            return None
        left.remove(match)
        full_word = full_word or (len(word) > 1 and len(match) > 1)
    return "similar name" if full_word else None


def address_likeness(typed: str, stored: str) -> bool:
    """The same house number and street, however written ("7 Penrith Rd" and "7, Penrith
    Road, Keswick")."""
    a, b = address_key(typed).split(), address_key(stored).split()
    if not a or not b:
        return False
    numbers_a = [w for w in a if w[0].isdigit()]
    numbers_b = [w for w in b if w[0].isdigit()]
    if numbers_a and numbers_b and numbers_a[0] != numbers_b[0]:
        return False
    first_a, first_b = " ".join(a[:3]), " ".join(b[:3])
    return _similar(first_a, first_b) >= 0.75 or _similar(" ".join(a), " ".join(b)) >= 0.8


# --- what one search box finds -----------------------------------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


# What an outward code scores: below the whole reference, email, phone or postcode.
OUTWARD_SCORE = 40.0


@dataclass
class Search:
    """One search box's query, read (`search`): which customers it finds and how close each
    is.

    `condition` finds them; `score` ranks them (closest first, then by name). For a query
    that is an outward code ("CA12"), `outward` is the condition of the many customers who
    score `OUTWARD_SCORE` just for living there (none of the ranks above it) and `others`
    finds every other customer `condition` finds, so that the outward code's people can be
    read by name along an index, a page at a time, instead of all being ranked alike."""

    condition: Q
    score: Expression
    words: list[str]
    outward: Q | None = None
    others: Q | None = None


def search(query: str, reference: str | None) -> Search:
    """The condition, the ranking and the words of one search box's query.

    Any of: a reference; an email or part of one; a phone number in any format (six digits
    or more); a postcode however spaced, or its outward code ("CA12", "ca1"); a name in any
    order or part of one, or words of the address. Each word of a name or address must be
    found (in the name or the address), so "Tinkler Raymond" and "ray tink" find Raymond
    Tinkler and "Smith CA12" finds the Smiths of CA12. On PostgreSQL a name spelt a little
    differently ("Raymnd Tinkler") is found too, by trigram similarity (pg_trgm); results
    come closest first."""
    compact = "".join(query.split())
    lowered = compact.lower()
    key = name_key(query)
    # What finds a customer (any one of them), and what ranks one (the first that holds).
    arms = [Q(email_key=email_key(query))]
    rank = [When(email_key=email_key(query), then=Value(90.0))]
    if reference:
        arms.append(Q(reference=reference))
        rank.insert(0, When(reference=reference, then=Value(100.0)))
    if "@" in compact or "." in compact or len(query.split()) == 1:
        arms.append(Q(email_key__contains=lowered))
    digits = "".join(ch for ch in compact if ch.isdigit())
    if len(digits) >= 6 and len(digits) >= len(compact) - 4:
        national = phone_digits(query) or digits
        arms += [Q(phone_digits__contains=national), Q(phone_digits__contains=digits)]
        rank.append(When(phone_digits=national, then=Value(90.0)))
    above_outward = [w.condition for w in rank]
    full_postcode = uk_postcode(query)
    outward = ""
    if full_postcode:
        arms.append(Q(postcode_key=postcode_key(full_postcode)))
        rank.append(When(postcode_key=postcode_key(full_postcode), then=Value(60.0)))
    elif looks_like_outward_code(compact):
        outward = compact.upper()
        arms.append(Q(postcode_outward=outward))
        rank.append(When(postcode_outward=outward, then=Value(OUTWARD_SCORE)))
    words = [w for w in _WORD.findall(fold(query)) if w not in _NOISE]
    if words:
        every_word = Q()
        for word in words:
            one = (Q(name_key__contains=word) | Q(address_key__contains=word))
            if NICKNAMES.get(word, word) != word:
                one |= Q(name_key__contains=NICKNAMES[word])
            if looks_like_outward_code(word) and word.upper() != outward:
                one |= Q(postcode_outward=word.upper())
            every_word &= one
        arms.append(every_word)
    if key:
        rank += [When(name_key=key, then=Value(80.0)),
                 When(name_key__startswith=key, then=Value(50.0))]
        if _pg() and len(key) >= 4 and not digits:
            # The index finds names at pg_trgm's threshold (0.3); only a near spelling is
            # kept ("Fiona Litle" is 0.79 like "Fiona Little", "Zach Nixon" 0.5 like "Zoe
            # Nixon"): at 100,000 customers 0.3 brings thousands that every word missed.
            arms.append(Q(name_key__trigram_similar=key) & Q(GreaterThanOrEqual(
                TrigramSimilarity("name_key", key), SEARCH_SIMILARITY)))
    score = Case(*rank, default=Value(10.0), output_field=FloatField())
    if _pg() and key and not digits:
        score = score + TrigramSimilarity("name_key", key) * 40
    found = Search(_any(arms), score, words)
    if outward:
        # An outward code has digits, so its score has no similarity in it: every customer
        # there whom no rank above finds scores the same.
        found.outward = Q(postcode_outward=outward) & ~_any(above_outward)
        found.others = _any([a for a in arms if a != Q(postcode_outward=outward)])
    return found


def _any(conditions: list[Q]) -> Q:
    either = Q()
    for condition in conditions:
        either |= condition
    return either


def matched_fields(customer, query: str, words: list[str]) -> set[str]:
    """Which of a found customer's fields the query matched, for the results to mark."""
    compact = "".join(query.split())
    found = set()
    if compact.upper() == customer.reference:
        found.add("reference")
    if compact and compact.lower() in customer.email_key:
        found.add("email")
    digits = "".join(ch for ch in compact if ch.isdigit())
    if len(digits) >= 6 and (digits in customer.phone_digits
                             or (phone_digits(query) or "-") in customer.phone_digits):
        found.add("phone")
    if customer.postcode_key and (
        postcode_key(query) == customer.postcode_key
        or compact.upper() == customer.postcode_outward
        or any(w.upper() == customer.postcode_outward for w in words)
    ):
        found.add("postcode")
    key = customer.name_key
    if words and any(w in key or NICKNAMES.get(w, w) in key for w in words):
        found.add("name")
    elif name_key(query) and name_likeness(query, customer.full_name):
        found.add("name")
    if words and any(w in customer.address_key for w in words if len(w) > 2):
        found.add("address")
    return found
