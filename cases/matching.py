"""The duplicate check at the door: before a customer is added (or their name, contact
details or address are changed), the records that are likely the same person.

A fixed number of queries whatever the number of customers: one for the candidates (an
indexed lookup of the same email, phone or postcode, or the words of the name; on
PostgreSQL also names spelt a little differently, by trigram similarity) with whether the
user may see each, one for their directorates and one for whether each is restricted.
The candidates are then judged here (cases.people): a likely match is the same email or
phone, or a name that is the same or alike (initials, order, accents, nicknames, a near
spelling) where the postcode or address agrees or nothing says otherwise. The same surname
at the same address is not enough: households share both.

A candidate the user may not see (another directorate's customer) is reported only as "a
possible match in <directorate>", never by name, reference or details.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value

from cases import people, selectors
from cases.models import Customer
from sanctions.selectors import mark_restricted, with_restricted_flag
from ucp.http import may_do_casework

# Rows judged at most, and candidates shown at most (with a count of the rest). The rows
# come best first (same email, phone or postcode, then the nearest names); judging 100
# took the check past 50 ms at 100,000 customers, 50 keeps it under.
CANDIDATE_ROWS = 50
SHOWN = 10
IDENTITY_FIELDS = ("full_name", "email", "phone", "postcode", "address")


@dataclass
class Candidate:
    customer: Customer
    reasons: list[str]
    restricted: bool
    visible: bool
    score: int

    @property
    def why(self) -> str:
        text = ", ".join(self.reasons)
        return text[:1].upper() + text[1:]


@dataclass
class Matches:
    shown: list[Candidate] = field(default_factory=list)
    # Directorate names of the likely matches the user may not see, each once.
    elsewhere: list[str] = field(default_factory=list)
    more: int = 0
    every: list[Candidate] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.every)

    @property
    def restricted(self) -> bool:
        return any(c.restricted for c in self.shown)

    def summary(self) -> str:
        """One line a match, for the record of an officer going on regardless."""
        lines = [f"{c.customer.reference}: {c.why}" for c in self.every if c.visible]
        hidden = sum(1 for c in self.every if not c.visible)
        if hidden:
            lines.append(f"{hidden} in another directorate")
        return "\n".join(lines)


def likely_matches(user, *, full_name: str = "", email: str = "", phone: str = "",
                   postcode: str = "", address: str = "", exclude: Customer | None = None,
                   **_other) -> Matches:
    email_key = people.email_key(email)
    digits = people.phone_digits(phone)
    postcode_key = people.postcode_key(postcode) if people.outward_code(postcode) else ""
    outward = people.outward_code(postcode)
    key = people.name_key(full_name)
    words = [w for w in key.split() if len(w) > 1]

    condition = Q(pk__in=[])
    if email_key:
        condition |= Q(email_key=email_key)
    if digits:
        condition |= Q(phone_digits=digits)
    if postcode_key:
        condition |= Q(postcode_key=postcode_key)
    # One full word with initials ("Z Nixon") is like a stored name only if one of its words
    # starts with one of those initials (`people.name_likeness`: the stored name's other
    # words must each agree with a typed word, and the typed initials are all that is left).
    # Asked as well, so that a common surname typed with no postcode is not every one of
    # its thousands of bearers ranked by likeness (60 ms at 100,000 customers).
    initials = sorted({w for w in key.split() if len(w) == 1})
    by_initial = reduce(operator.or_, (
        Q(name_key__startswith=i) | Q(name_key__contains=f" {i}") for i in initials), Q())
    if len(words) >= 2:
        every_word = Q()
        for word in words:
            every_word &= Q(name_key__contains=word)
        condition |= every_word
    elif words and not outward:
        # A single word alone is like only the same single word, found by equality below.
        if initials:
            condition |= Q(name_key__contains=words[0]) & by_initial
    elif words:  # one full word and an initial: the surname, near the postcode given
        condition |= Q(name_key__contains=words[0], postcode_outward=outward)
    if key:
        # The same name, wherever they live (`_judge` takes it without the postcode): on
        # PostgreSQL along the name's trigram index, which answers equality too.
        condition |= Q(name_key=key)
    pg = connection.vendor == "postgresql"
    if pg and len(key) >= 4:
        near = Q(name_key__trigram_similar=key)
        if postcode_key:
            # A near spelling is a likely match only where the postcode agrees (those rows
            # are candidates already, by the postcode) or the record has none (`_judge`):
            # asked of every customer, a common surname's near spellings were 6,000 rows
            # to recheck at 100,000 customers, 40 ms of the check.
            near &= Q(postcode_key="")
        if len(words) == 1:
            near &= by_initial if initials else ~Q(name_key__contains=" ")
        condition |= near

    # A merged-away row keeps its details for its history; its survivor is the record.
    qs = Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True).filter(
        condition)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    # Asked of each candidate row (an index probe), not as "id IN every customer the user
    # may see", which PostgreSQL hashes whole: 20 ms at 20,000 customers, growing.
    # A user whose scope is their directorates alone is answered from the rows' prefetched
    # directorates, in Python: PostgreSQL hashed the whole directorate's customers for the
    # 50 rows (10 ms at 100,000 customers).
    in_directorates: set[int] | None = None
    if not may_do_casework(user):
        visible = Value(False)
    elif (scope := selectors.directorate_scope(user)) is None:
        visible = Value(True)
    elif selectors.scope_is_directorates(user):
        in_directorates = set(selectors.directorate_ids_for(user))
        visible = Value(False)
    else:
        visible = ExpressionWrapper(scope, BooleanField())
    qs = qs.annotate(visible=visible)
    # The same email, phone or postcode first, then the nearest names: at volume a common
    # name alone fills the rows judged, and must not crowd out the record at that address.
    same = [Q(**{lookup: value}) for lookup, value in (
        ("email_key", email_key), ("phone_digits", digits), ("postcode_key", postcode_key))
        if value]
    order = []
    if same:
        qs = qs.annotate(same_details=ExpressionWrapper(reduce(operator.or_, same),
                                                        BooleanField()))
        order.append("-same_details")
    if pg and key:
        qs = qs.annotate(likeness=TrigramSimilarity("name_key", key))
        order.append("-likeness")
    rows = mark_restricted(list(
        qs.order_by(*order, "id").prefetch_related("directorates")[:CANDIDATE_ROWS]))
    if in_directorates is not None:
        for row in rows:
            row.visible = any(d.pk in in_directorates for d in row.directorates.all())

    found = []
    for row in rows:
        candidate = _judge(row, full_name=full_name, email_key=email_key, digits=digits,
                           postcode_key=postcode_key, address=address)
        if candidate:
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, not c.restricted, c.customer.pk))
    visible = [c for c in found if c.visible]
    elsewhere: list[str] = []
    for c in found:
        if not c.visible:
            for d in c.customer.directorates.all():
                if d.name not in elsewhere:
                    elsewhere.append(d.name)
    return Matches(shown=visible[:SHOWN], elsewhere=elsewhere,
                   more=max(0, len(visible) - SHOWN), every=found)


def _judge(row: Customer, *, full_name, email_key, digits, postcode_key, address):
    reasons, score = [], 0
    name = people.name_likeness(full_name, row.full_name)
    if name:
        reasons.append(name)
        score += 2 if name == "same name" else 1
    strong = False
    if email_key and row.email_key == email_key:
        reasons.append("same email")
        strong, score = True, score + 3
    if digits and row.phone_digits == digits:
        reasons.append("same phone")
        strong, score = True, score + 3
    same_postcode = bool(postcode_key) and row.postcode_key == postcode_key
    similar_address = bool(address) and people.address_likeness(address, row.address)
    if same_postcode:
        reasons.append("same postcode")
        score += 1
    if similar_address:
        reasons.append("similar address")
        score += 1
    nothing_against = not (postcode_key and row.postcode_key) and not (address and row.address)
    if not (strong or (name and (same_postcode or similar_address or name == "same name"
                                 or nothing_against))):
        return None
    return Candidate(customer=row, reasons=reasons, restricted=row.restricted,
                     visible=row.visible, score=score)


def identity_changed(customer: Customer, cleaned: dict) -> bool:
    """Whether an edit changes what the duplicate check compares."""
    before = {
        "full_name": people.name_key(customer.full_name),
        "email": people.email_key(customer.email),
        "phone": customer.phone_digits,
        "postcode": people.postcode_key(customer.postcode),
        "address": people.address_key(customer.address),
    }
    after = {
        "full_name": people.name_key(cleaned.get("full_name")),
        "email": people.email_key(cleaned.get("email")),
        "phone": people.phone_digits(cleaned.get("phone")),
        "postcode": people.postcode_key(cleaned.get("postcode")),
        "address": people.address_key(cleaned.get("address")),
    }
    return before != after


LOOKUP_MAX = 20


def same_contact_details(user, *, phone: str | None = None, email: str | None = None):
    """The customers the user may see with this phone number or email (the details a
    caller or sender presents), duplicates included, restricted first, each with
    `restricted`: the front desk's and the API's lookup. One query, at most 20. A record
    merged into one the user may see is found as that survivor."""
    digits = people.phone_digits(phone) if (phone or "").strip() else ""
    email_key = people.email_key(email)
    condition = Q(pk__in=[])
    if digits:
        condition |= Q(phone_digits=digits)
    if email_key:
        condition |= Q(email_key=email_key)
    # A record merged away keeps the details it had; the person answers for it (its
    # survivor), so a caller presenting the old number is still known to be restricted.
    merged_away = Customer.objects.filter(condition, merged_into=OuterRef("pk"))
    qs = selectors.customers_for(user).filter(condition | Q(Exists(merged_away)))
    qs = with_restricted_flag(qs)
    return list(qs.order_by("-restricted", "full_name", "id")[:LOOKUP_MAX])
