"""The restriction check: is this contact within the restrictions in force?

One function answers it for the contact log, the front-desk page and the API, so the three
can never disagree. It reads the sanctions in force at the contact's own instant (a query
on stored dates and instants, never on a job having run, nor on the case's state today)
and explains each breach in plain words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.utils import timezone

from accounts.models import Directorate
from cases.models import SCATTERGUN_CHANNELS, Channel, Contact, Customer, Matter
from sanctions.models import (
    WEEKDAYS,
    CallPeriod,
    Sanction,
    SanctionKind,
    in_force_between_q,
    in_force_q,
)
from ucp.compiled_sql import CompiledSQL

PERSONAL_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})
NOON = dt.time(12, 0)


@dataclass(frozen=True)
class Breach:
    sanction_id: int
    kind: str
    message: str
    # A "filed" breach is not a fault of the officer: the item is kept and read, not processed.
    filed: bool = False


@dataclass
class Verdict:
    within_restrictions: bool
    breaches: list[Breach] = field(default_factory=list)
    restrictions: list[str] = field(default_factory=list)

    @property
    def filed(self) -> bool:
        return any(b.filed for b in self.breaches)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "the named officer"


# What the check reads of a sanction and of its named officer: not the reasons, the
# council-wide justification or the ending's reasons (long text nobody here shows).
_SANCTION_DEFERRED = ("reasons", "council_wide_justification", "ended_reason")
_OFFICER_FIELDS = ("named_officer__username",
                   "named_officer__first_name", "named_officer__last_name")


# Stand-ins for a compiled statement's customer, instants and their UK dates (ucp.compiled_sql):
# nothing is in force before 1901, and no customer's id is negative.
_CUSTOMER = -190_102
_AT = (dt.datetime(1901, 1, 1, 0, 0, 0, tzinfo=dt.UTC), dt.date(1901, 2, 1))
# The first and last instants and their UK dates.
_SPAN = (dt.datetime(1901, 3, 1, 0, 0, 0, tzinfo=dt.UTC),
         dt.datetime(1901, 3, 1, 0, 0, 1, tzinfo=dt.UTC), dt.date(1901, 4, 1),
         dt.date(1901, 4, 2))


def _flags(n: int) -> list[str]:
    return [f"in_force_{i}" for i in range(n)]


_COMPILED = CompiledSQL(32)


def sanctions_in_force(
    customer: Customer, at: dt.datetime, directorate: Directorate | None = None
) -> list[Sanction]:
    """The customer's sanctions in force at the instant `at` (`Sanction.in_force_at`)."""
    return sanctions_in_force_at(customer, [at], directorate)[at]


def sanctions_in_force_at(
    customer: Customer, instants: list[dt.datetime], directorate: Directorate | None = None
) -> dict[dt.datetime, list[Sanction]]:
    """The customer's sanctions in force at each of `instants`, in one query (and one for
    the matters, only when a refusal of complaints is among them).

    The front desk asks about now and about the contact being checked: each row carries a
    flag per instant, made from the same condition as `Sanction.objects.in_force_at`.
    """
    for at in instants:
        if not isinstance(at, dt.datetime):
            raise TypeError("sanctions_in_force takes the instant of the contact, not a day")
    distinct = list(dict.fromkeys(instants))
    if not distinct:
        return {}
    stand_ins = [(_AT[0] + dt.timedelta(seconds=i), _AT[1] + dt.timedelta(days=i))
                 for i in range(len(distinct))]

    def build():
        flags = {
            name: ExpressionWrapper(in_force_q(at, day), output_field=BooleanField())
            for name, (at, day) in zip(_flags(len(stand_ins)), stand_ins, strict=True)
        }
        return (
            Sanction.objects.filter(in_force_between_q(*_SPAN))
            .applying_to(directorate)
            .filter(case__customer_id=_CUSTOMER)
            .select_related("named_officer")
            .only(*(f.name for f in Sanction._meta.concrete_fields
                    if f.name not in _SANCTION_DEFERRED), *_OFFICER_FIELDS)
            .annotate(**flags)
            .order_by("kind", "id")
        )

    # Every check reads this (the API, the front desk, each contact logged): compiled once
    # per number of instants and directorate, the customer and the instants bound.
    first, last = min(distinct), max(distinct)
    bind = {_CUSTOMER: customer.pk, _SPAN[0]: first, _SPAN[1]: last,
            _SPAN[2]: timezone.localdate(first), _SPAN[3]: timezone.localdate(last)}
    for (at_stand_in, day_stand_in), at in zip(stand_ins, distinct, strict=True):
        bind[at_stand_in] = at
        bind[day_stand_in] = timezone.localdate(at)
    rows = _COMPILED.instances(
        ("in force", len(distinct), directorate.pk if directorate is not None else None),
        build, bind=bind)
    # The span's filter is what each instant's condition needs; a row is in force at an
    # instant when its flag for it says so.
    rows = [s for s in rows if any(getattr(s, f) for f in _flags(len(distinct)))]
    refusals = [s for s in rows if s.kind == SanctionKind.REFUSE_COMPLAINTS]
    if refusals:
        prefetch_related_objects(
            refusals, Prefetch("matters", queryset=Matter.objects.only("id", "reference"))
        )
    return {
        at: [s for s in rows if getattr(s, f"in_force_{distinct.index(at)}")]
        for at in instants
    }


def week_bounds(local_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, UK local time, as aware datetimes.

    Built from local dates, so the week of a clock change is 167 or 169 hours long and
    still starts and ends at local midnight.
    """
    monday = local_day - dt.timedelta(days=local_day.weekday())
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min), tz)
    return start, end


Window = tuple[dt.datetime, dt.datetime]


def call_window(
    local_day: dt.date, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> Window:
    """The Monday-to-Sunday week of `local_day`; with `since` and `until`, only the part
    of it a call limit was in force (a 09:15 call before the designation came into force
    at 14:00 is not "call 1 this week")."""
    start, end = week_bounds(local_day)
    if since is not None:
        start = max(start, since)
    if until is not None:
        end = min(end, until)
    return start, end


def call_windows(sanctions: list[Sanction], channel: str, at: dt.datetime) -> set[Window]:
    """The weeks whose calls `check_contact` counts for this contact: one per call limit."""
    if channel != Channel.PHONE:
        return set()
    day = timezone.localtime(at).date()
    return {
        call_window(day, s.in_force_from, s.in_force_until)
        for s in sanctions
        if s.kind == SanctionKind.CALL_LIMIT
    }


def count_calls(
    customer: Customer, windows: set[Window] | list[Window], *, exclude_id: int | None = None
) -> dict[Window, int]:
    """The customer's telephone contacts in each window, in one query whatever the number
    of windows (a conditional count each), none when there is no window to count."""
    windows = list(dict.fromkeys(windows))
    counts = {w: 0 for w in windows if w[0] >= w[1]}
    open_windows = [w for w in windows if w not in counts]
    if not open_windows:
        return counts
    qs = Contact.objects.filter(
        customer=customer,
        channel=Channel.PHONE,
        occurred_at__gte=min(w[0] for w in open_windows),
        occurred_at__lt=max(w[1] for w in open_windows),
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    totals = qs.aggregate(**{
        f"w{i}": Count("id", filter=Q(occurred_at__gte=start, occurred_at__lt=end))
        for i, (start, end) in enumerate(open_windows)
    })
    counts.update({w: totals[f"w{i}"] for i, w in enumerate(open_windows)})
    return counts


def calls_in_week(
    customer: Customer,
    local_day: dt.date,
    *,
    exclude_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> int:
    """Telephone contacts in the Monday-to-Sunday week of `local_day` (see `call_window`)."""
    window = call_window(local_day, since, until)
    return count_calls(customer, [window], exclude_id=exclude_id)[window]


def _and_list(items: list[str], conjunction: str = "and") -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _weekday_list(days: list[int]) -> str:
    """"Tuesdays", "Mondays and Thursdays"."""
    return _and_list([WEEKDAYS[d] + "s" for d in sorted(days)]) or "no day"


def _call_days(days: list[int], period: str) -> str:
    """"Tuesdays", "Tuesday mornings", "Monday and Thursday afternoons"."""
    suffix = {CallPeriod.MORNING: "mornings", CallPeriod.AFTERNOON: "afternoons"}.get(period)
    if not suffix:
        return _weekday_list(days)
    return f"{_and_list([WEEKDAYS[d] for d in sorted(days)]) or 'No day'} {suffix}"


_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _count(n: int, noun: str) -> str:
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


# "The customer may contact the council by letter only".
_BY_MEDIUM = {
    Channel.PHONE: "by telephone",
    Channel.EMAIL: "by email",
    Channel.LETTER: "by letter",
    Channel.IN_PERSON: "in person",
    Channel.WEB_FORM: "through the web form",
    Channel.SOCIAL_MEDIA: "through social media",
}
_SHORT_KIND = {
    SanctionKind.TIME_LIMIT: "time limit",
    SanctionKind.CALL_LIMIT: "call limit",
    SanctionKind.SINGLE_MEDIUM: "one medium only",
    SanctionKind.NAMED_OFFICER: "named officer",
    SanctionKind.WITNESS: "witness",
    SanctionKind.REFUSE_COMPLAINTS: "refused complaints",
    SanctionKind.OFFICE_ACCESS: "office access",
    SanctionKind.POLICE_OR_LEGAL: "police or legal action",
}


def _by_medium(channel: str) -> str:
    if channel in _BY_MEDIUM:
        return _BY_MEDIUM[channel]
    label = Channel(channel).label if channel in Channel.values else str(channel)
    return f"{label[0].lower()}{label[1:]}"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_contact(
    *,
    customer: Customer,
    channel: str,
    at: dt.datetime,
    duration_minutes: int | None = None,
    officer=None,
    matter: Matter | None = None,
    witness_present: bool = False,
    directorate: Directorate | None = None,
    sanctions: list[Sanction] | None = None,
    exclude_contact_id: int | None = None,
    call_counts: dict[Window, int] | None = None,
) -> Verdict:
    """Is this contact within the restrictions in force? Lists each breach in plain words.

    `directorate` is the service dealing with the contact; None (the front desk, the API
    without one) applies every sanction in force, whatever its scope.
    """
    local = timezone.localtime(at)
    day = local.date()
    if sanctions is None:
        sanctions = sanctions_in_force(customer, at, directorate)
    windows = call_windows(sanctions, channel, at)
    if call_counts is None or not windows <= call_counts.keys():
        # One count for every call limit; a page checking several contacts counts them
        # all at once beforehand (`count_calls`) and passes `call_counts`.
        call_counts = count_calls(customer, windows, exclude_id=exclude_contact_id)
    breaches: list[Breach] = []
    # Contact routed through an MP, a councillor, a solicitor, the police or the Ombudsman
    # is a third party's, not the customer's: only the refusal of further complaints
    # applies to it, and it is still filed.
    third_party = channel in SCATTERGUN_CHANNELS

    def breach(s: Sanction, message: str, *, filed: bool = False) -> None:
        breaches.append(Breach(s.pk, s.kind, message, filed))

    for s in sanctions:
        kind = s.kind
        if kind == SanctionKind.REFUSE_COMPLAINTS:
            refused = {m.pk for m in s.matters.all()}
            if matter is not None and matter.pk in refused:
                breach(
                    s,
                    f"Further complaints about {matter.reference} are not processed: file this "
                    "and make sure it is read for new information or a safeguarding concern.",
                    filed=True,
                )
            continue
        if third_party:
            continue
        if kind == SanctionKind.TIME_LIMIT:
            if (
                channel in PERSONAL_CHANNELS
                and duration_minutes
                and (duration_minutes > s.max_minutes)
            ):
                breach(
                    s,
                    f"Calls and personal contacts are limited to {s.max_minutes} minutes, "
                    f"not {duration_minutes}.",
                )
        elif kind == SanctionKind.CALL_LIMIT:
            if channel != Channel.PHONE:
                continue
            if local.weekday() not in s.weekdays:
                breach(
                    s,
                    f"Calls are taken on {_weekday_list(s.weekdays)} only, "
                    f"not on a {WEEKDAYS[local.weekday()]}.",
                )
            if s.call_period == CallPeriod.MORNING and local.time() >= NOON:
                breach(
                    s,
                    f"Calls are taken in the morning only (before 12 noon), "
                    f"not at {local:%H:%M}.",
                )
            elif s.call_period == CallPeriod.AFTERNOON and local.time() < NOON:
                breach(
                    s,
                    f"Calls are taken in the afternoon only (from 12 noon), "
                    f"not at {local:%H:%M}.",
                )
            earlier = call_counts[call_window(day, s.in_force_from, s.in_force_until)]
            if earlier >= s.calls_per_week:
                limit = s.calls_per_week
                breach(
                    s,
                    f"Only {_count(limit, 'call')} a week {'are' if limit != 1 else 'is'} "
                    f"taken, and this is call {earlier + 1} this week (weeks run Monday to "
                    "Sunday).",
                )
        elif kind == SanctionKind.SINGLE_MEDIUM:
            if channel != s.allowed_channel:
                breach(
                    s,
                    f"The customer may contact the council {_by_medium(s.allowed_channel)} "
                    f"only, not {_by_medium(channel)}.",
                )
        elif kind == SanctionKind.NAMED_OFFICER:
            if officer is not None and officer.pk != s.named_officer_id:
                breach(s, f"Only {_name(s.named_officer)} may deal with this customer.")
        elif kind == SanctionKind.WITNESS:
            if channel == Channel.IN_PERSON and not witness_present:
                breach(s, "Personal contacts need a witness present.")
        elif kind == SanctionKind.OFFICE_ACCESS:
            if channel == Channel.IN_PERSON:
                if s.all_offices:
                    breach(s, "The customer may not come to any council office.")
                else:
                    breach(
                        s,
                        f"The customer may not come to {s.offices}: make sure this personal "
                        "contact was somewhere else.",
                    )
    return Verdict(
        within_restrictions=not breaches,
        breaches=breaches,
        restrictions=describe(sanctions),
    )


def describe(sanctions: list[Sanction]) -> list[str]:
    """What staff may and may not do, in plain English, one line per medium or rule.

    e.g. "Phone: Tuesday mornings only, at most one call a week, at most 15 minutes, only
    with Jo Smith". A medium the customer may not use at all gets no line of its own: the
    single-medium line already says so.
    """
    by_kind: dict[str, list[Sanction]] = {}
    for s in sanctions:
        by_kind.setdefault(s.kind, []).append(s)
    lines: list[str] = []
    single = by_kind.get(SanctionKind.SINGLE_MEDIUM, [])
    officers = by_kind.get(SanctionKind.NAMED_OFFICER, [])
    names = sorted({_name(s.named_officer) for s in officers})
    officer_names = _and_list(names, "or") if names else ""
    only_with = f"only with {officer_names}" if officer_names else ""
    limits = by_kind.get(SanctionKind.TIME_LIMIT, [])
    minutes = f"at most {min(s.max_minutes for s in limits)} minutes" if limits else ""

    own = {Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.WEB_FORM, Channel.IN_PERSON}
    allowed = {s.allowed_channel for s in single}
    if len(allowed) > 1:
        open_media: set[str] = set()
        lines.append(
            "No contact is possible: the customer is limited to more than one single medium "
            f"({_and_list(sorted(_by_medium(c) for c in allowed))}). Ask the senior "
            "manager to correct the restrictions."
        )
    elif allowed:
        (medium,) = allowed
        open_media = own & allowed
        lines.append(
            f"{single[0].get_allowed_channel_display()} only: the customer may contact the "
            f"council {_by_medium(medium)} and no other way."
        )
    else:
        open_media = own

    phone: list[str] = []
    for s in by_kind.get(SanctionKind.CALL_LIMIT, []):
        phone.append(f"{_call_days(s.weekdays, s.call_period)} only")
        phone.append(f"at most {_count(s.calls_per_week, 'call')} a week")
    if minutes:
        phone.append(minutes)
    if only_with:
        phone.append(only_with)
    if phone and Channel.PHONE in open_media:
        lines.append("Phone: " + ", ".join(phone))

    in_person: list[str] = []
    offices = by_kind.get(SanctionKind.OFFICE_ACCESS, [])
    if any(s.all_offices for s in offices):
        in_person.append("not at any council office")
    else:
        in_person += [f"not at {s.offices}" for s in offices]
    if minutes:
        in_person.append(minutes)
    if by_kind.get(SanctionKind.WITNESS):
        in_person.append("only with a witness present")
    if only_with:
        in_person.append(only_with)
    if in_person and Channel.IN_PERSON in open_media:
        lines.append("In person: " + ", ".join(in_person))

    written = [c for c in (Channel.LETTER, Channel.EMAIL, Channel.WEB_FORM) if c in open_media]
    if officer_names and written:
        what = (
            "Letters and email"
            if len(written) > 1
            else {Channel.LETTER: "Letters", Channel.EMAIL: "Email"}.get(written[0], "Web forms")
        )
        lines.append(f"{what}: dealt with by {officer_names} only")

    for s in by_kind.get(SanctionKind.REFUSE_COMPLAINTS, []):
        refs = _and_list([m.reference for m in s.matters.all()] or ["the refused matters"])
        lines.append(
            f"Further complaints about {refs} are filed, not processed; someone still reads "
            "each one for new information or a safeguarding concern."
        )
    for s in by_kind.get(SanctionKind.POLICE_OR_LEGAL, []):
        lines.append(f"Police or legal action is in place (reference {s.reference}).")
    return lines


def until_line(sanctions: list[Sanction]) -> str | None:
    """When the restrictions end: "Until 2 December 2025." or, when they end on different
    days, "Named officer until 30 September 2025; the rest until 2 December 2025."."""
    if not sanctions:
        return None
    by_kind: dict[str, dt.date] = {}
    for s in sanctions:
        by_kind[s.kind] = max(by_kind.get(s.kind, s.ends_on), s.ends_on)
    by_day: dict[dt.date, list[str]] = {}
    for kind, day in by_kind.items():
        by_day.setdefault(day, []).append(_SHORT_KIND.get(kind, kind))
    days = sorted(by_day)
    if len(days) == 1:
        return f"Until {_long_date(days[0])}."
    parts = [f"{_and_list(sorted(by_day[d]))} until {_long_date(d)}" for d in days[:-1]]
    parts.append(f"the rest until {_long_date(days[-1])}")
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}."


def banner_lines(sanctions: list[Sanction]) -> list[str]:
    """describe() and the end date: what the banner, the front desk and the API show."""
    lines = describe(sanctions)
    until = until_line(sanctions)
    return [*lines, until] if until else lines


def allowed_channels(sanctions: list[Sanction]) -> set[str]:
    """The customer's own media still open under these sanctions, ignoring timing limits.

    Used to refuse a set of sanctions that together allow no contact at all: the policy
    limits contact, it never removes every way to reach the council.
    """
    own = {Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.WEB_FORM, Channel.IN_PERSON}
    for s in sanctions:
        if s.kind == SanctionKind.SINGLE_MEDIUM:
            own &= {s.allowed_channel}
        elif s.kind == SanctionKind.OFFICE_ACCESS and s.all_offices:
            own -= {Channel.IN_PERSON}
        elif s.kind == SanctionKind.CALL_LIMIT and not s.weekdays:
            own -= {Channel.PHONE}
    return own
