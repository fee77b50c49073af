"""Every read of personal data is scoped here, so no view can forget a permission check.

A member of staff sees the customers and cases of their own directorates, and only if
they hold a casework role. Directorate leads see aggregates (a later issue), never names.
Anything outside a user's scope is a 404, never a 403: a guessed reference reveals nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from accounts.models import Directorate
from accounts.roles import GROUP_NAMES, Role, has_role
from accounts.selectors import access_key, directorate_ids_for
from cases import access_log, folded, people
from cases.deadlines import add_months
from cases.models import (
    OPEN_STATES,
    Alternative,
    AlternativeConsideration,
    CaseEvent,
    CaseState,
    Contact,
    ContactAttachment,
    Correction,
    Customer,
    DesignationCase,
    DisputeStatement,
    DuplicateOverride,
    Indicator,
    IndicatorGroup,
    KeptUpload,
    Matter,
    Precondition,
    PreconditionCheck,
    Warning,
)
from cases.querysets import case_path, in_directorates_condition
from cases.references import normalise_reference
from ucp.compiled_sql import CompiledSQL
from ucp.http import may_do_casework

# Roles that take workflow steps on a case (the independent reviewer joins with challenges).
CASE_ACTING_ROLES = (Role.SERVICE_MANAGER, Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER)


# A record's corrections and dispute statements, shown wherever the record is.
NOTES = ("corrections__corrected_by", "disputes__recorded_by")
# What a timeline shows of each contact besides its own row.
CONTACT_RELATIONS = ("indicators", "attachments", "breaches")


class Capped(list):
    """The first rows of a list too long to show whole, and how many there are in all
    (`total`), so a page says "Showing 25 of 140" and links to the rest."""

    def __init__(self, rows, total: int) -> None:
        super().__init__(rows)
        self.total = total

    @property
    def more(self) -> bool:
        return self.total > len(self)


def capped(qs: QuerySet, limit: int) -> Capped:
    """The first `limit` rows of `qs` and the count of all of them, in one query: the count
    is a window over the whole result, computed before the LIMIT."""
    rows = list(qs.annotate(capped_total=Window(Count("pk")))[:limit])
    return Capped(rows, rows[0].capped_total if rows else 0)


class CountedPaginator(Paginator):
    """A paginator whose page counts the whole list in its own query (`COUNT(*) OVER ()`
    on the rows fetched): a page of a timeline costs one query, not a count and then the
    rows. A page past the end, or of an empty list, is found the ordinary way."""

    def get_page(self, number) -> Page:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(capped_total=Window(Count("pk")))[
            bottom:bottom + self.per_page])
        if not rows:
            return super().get_page(number)
        self.__dict__["count"] = rows[0].capped_total  # Paginator.count is a cached_property
        return self._get_page(rows, number, self)


class SubqueryCount(Subquery):
    """`(SELECT COUNT(*) FROM (<qs>))`: a count as a column of another query, so several
    counts of different tables cost one query between them."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def customers_for(user) -> QuerySet[Customer]:
    if not may_do_casework(user):
        return Customer.objects.none()
    # A customer disposed of under retention is an empty row kept for the report's counts.
    # A record merged into another stays only for its history; its reference redirects.
    qs = Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    scope = directorate_scope(user)
    return qs if scope is None else qs.filter(scope)


def directorate_scope(user) -> Q | None:
    """The condition on a customer row that it is within this user's directorates (None:
    every customer), for a query that has already found its rows another way: the duplicate
    check asks it of its candidates without a second scan of the user's customers. Only for
    users with casework access (`customers_for` asks that first)."""
    ids = directorate_ids_for(user)
    if ids is None:
        return None
    through = Customer.directorates.through
    scope = Q(Exists(through.objects.filter(customer_id=OuterRef("pk"), directorate_id__in=ids)))
    if has_role(user, Role.INDEPENDENT_REVIEWER):
        # The whole record of a customer whose challenge they review (see cases_for),
        # through the case's `challenges` relation: cases stands below reviews.
        scope |= Exists(
            DesignationCase.objects.filter(customer_id=OuterRef("pk"), challenges__reviewer=user)
        )
    return scope


def scope_is_directorates(user) -> bool:
    """Whether `directorate_scope(user)` is only "in one of the user's directorates" (no
    reviewer's reach through their challenges), so a caller holding a customer's
    directorates may answer it without a query."""
    return directorate_ids_for(user) is not None and not has_role(
        user, Role.INDEPENDENT_REVIEWER)


class CustomerMerged(Http404):
    """The reference is of a record merged into `survivor`, which this user may see: the
    page answers with a redirect to the survivor's (`cases.merge_views`'s middleware)."""

    def __init__(self, reference: str, survivor: Customer, merge) -> None:
        super().__init__("No customer found")
        self.reference, self.survivor, self.merge = reference, survivor, merge


# The stand-in for a reference in a compiled statement (ucp.compiled_sql): no reference is
# text with invisible separators.
_REFERENCE = "\u2063reference\u2063"
_COMPILED = CompiledSQL(256)


def get_customer_for_user(user, reference: str, *, fold: Sequence = ()) -> Customer:
    """The customer, or a 404 (or a redirect to the survivor of a merge). `fold`: relations
    (or `folded.prepare`d folds) read in the customer's own query."""
    reference = normalise_reference(reference)
    if reference is None:
        raise Http404("No customer found")
    if fold:
        qs, folds = folded.fold(customers_for(user), list(fold))
        found = list(qs.filter(reference=reference))
    else:
        # The API's and the front desk's read, on every check: compiled once per scope.
        folds = []
        found = _COMPILED.instances(
            ("customer", *access_key(user)),
            lambda: customers_for(user).filter(reference=_REFERENCE),
            bind={_REFERENCE: reference},
        )
    if not found:
        _raise_if_merged(user, reference)
        raise Http404("No customer found")
    customer = found[0]  # a reference is unique
    folded.attach([customer], folds)
    access_log.noted(user, customer)
    return customer


def get_customer_or_survivor_for_user(user, reference: str) -> tuple[Customer, str | None]:
    """The API's reading of a reference: the customer, or, for a reference merged away into
    a record this user may see, that survivor and the reference asked for. The person's
    answer, not a redirect: a telephony system asking "is this caller restricted?" gets the
    restricted person's answer in one round trip."""
    try:
        return get_customer_for_user(user, reference), None
    except CustomerMerged as merged:
        access_log.noted(user, merged.survivor)
        return merged.survivor, merged.reference


def _raise_if_merged(user, reference: str) -> None:
    """A merged-away reference resolves to its survivor (followed through a chain of merges),
    for a user who may see the survivor; for anyone else it is the 404 it always was."""
    merged = Customer.objects.filter(reference=reference, merged_into__isnull=False).first()
    if merged is None:
        return
    merge = merged.merges_out.filter(undone_at__isnull=True).select_related(
        "merged_by", "survivor").first()
    survivor = merged.merged_into
    for _ in range(10):  # a chain of merges (A into B, then B into C), never a loop
        if survivor.merged_into_id is None:
            break
        survivor = survivor.merged_into
    if survivor is not None and customers_for(user).filter(pk=survivor.pk).exists():
        raise CustomerMerged(reference, survivor, merge)


class CustomerSearch:
    """What one search box finds for one user (`cases.people.search`), closest first, then
    by name: name in any order or part of it, reference, email or part of it, phone in any
    format, postcode or its outward code.

    Sliced for a page (`found[25:50]`: a list of customers, each with `score`), iterated
    whole, or counted no further than a limit (`count_upto`); `rows(..., count_upto=)`
    brings the count with the page, in the page's own query.

    Ranking reads every customer found, as it must to put the closest first. Not for an
    outward code on PostgreSQL: thousands live in one ("CA14": 14,241 of 100,000) and all
    but a few score alike. There the page is two parts, `UNION ALL`: the outward code's
    people read along the index of (outward code, name) up to the page's last row, and
    everyone else the query finds (an email with "ca14" in it), ranked; and the count stops
    at the limit instead of counting every match."""

    ordered = True  # for Paginator

    def __init__(self, user, query: str) -> None:
        self.query = (query or "").strip()
        self._customers = customers_for(user)
        self._search = (people.search(self.query, normalise_reference(self.query))
                        if self.query else None)

    def queryset(self) -> QuerySet[Customer]:
        """Everyone found, closest first, in one query (each with `score`)."""
        if self._search is None:
            return self._customers.none()
        return self._ranked(self._search.condition)

    def _ranked(self, condition: Q) -> QuerySet[Customer]:
        return (self._customers.filter(condition).annotate(score=self._search.score)
                .order_by("-score", "full_name", "id"))

    def _along_the_index(self) -> bool:
        return (self._search is not None and self._search.outward is not None
                and connection.features.supports_slicing_ordering_in_compound)

    def rows(self, bottom: int, top: int, *, count_upto: int | None = None) -> list[Customer]:
        """Rows `bottom` to `top` (exclusive); with `count_upto`, each row has `found`: how
        many were found in all, no further than `count_upto` (the rank's own query reads
        them all, so there it is the whole count)."""
        if self._search is None or top <= bottom:
            return []
        if not self._along_the_index():
            qs = self.queryset()
            if count_upto is not None:
                qs = qs.annotate(found=Window(Count("pk")))
            rows = list(qs[bottom:top])
        else:
            there, rest = self._parts()
            if count_upto is not None:
                # Uncorrelated subqueries: computed once, in whichever part has rows first;
                # written out once (compiling them for each part doubled the CPU of the page).
                counts = [part.query.sql_with_params()
                          for part in self._count_parts(count_upto, (there, rest))]
                found = RawSQL(" + ".join(f"(SELECT COUNT(*) FROM ({sql}) _count)"
                                          for sql, _ in counts),
                               tuple(p for _, params in counts for p in params),
                               output_field=IntegerField())
                there, rest = there.annotate(found=found), rest.annotate(found=found)
            page = there[:top].union(rest[:top], all=True).order_by("-score", "full_name", "id")
            rows = list(page[bottom:top])
        for row in rows if count_upto is not None else ():
            row.found = min(row.found, count_upto)
        return rows

    def _parts(self) -> tuple[QuerySet[Customer], QuerySet[Customer]]:
        """The outward code's own people, whose score is a constant, so that name order is
        rank order (read along the index of outward code and name); and the rest."""
        search = self._search
        there = (self._customers.filter(search.outward)
                 .annotate(score=Value(people.OUTWARD_SCORE, output_field=FloatField()))
                 .order_by("full_name", "id"))
        return there, self._ranked(search.others).exclude(search.outward)

    def _count_parts(self, limit: int, parts=None) -> list[QuerySet[Customer]]:
        """The ids found, no further than `limit` in each part. As one count of the whole
        condition with a LIMIT, PostgreSQL walked every customer by id to find an outward
        code's 500 (4,521 rows read at 20,000 customers); the outward code's part, kept in
        its name order, follows that index (657)."""
        if not self._along_the_index():
            return [self._customers.filter(self._search.condition).order_by()
                    .values("pk")[:limit]]
        there, rest = parts or self._parts()
        return [there.values("pk")[:limit], rest.order_by().values("pk")[:limit]]

    def count_upto(self, limit: int) -> int:
        """How many were found, no further than `limit`: the count stops there."""
        if self._search is None:
            return 0
        first, *more = self._count_parts(limit)
        return min(first.union(*more, all=True).count() if more else first.count(), limit)

    def __getitem__(self, given: slice) -> list[Customer]:
        if not isinstance(given, slice) or given.step is not None:
            raise TypeError("CustomerSearch takes a slice of rows, from one row to another")
        bottom = given.start or 0
        return self.rows(bottom, bottom + 10**9 if given.stop is None else given.stop)

    def __iter__(self):
        return iter(self.queryset())


def customer_search(user, query: str) -> CustomerSearch:
    """One search box (`CustomerSearch`): what this user may see that the query finds,
    closest first."""
    return CustomerSearch(user, query)


def duplicate_overrides_for(customer: Customer) -> list[DuplicateOverride]:
    """The latest times an officer saved this record despite likely matches (five): those
    read with the customer (`customer_folds`), else a query."""
    if "duplicate_overrides" in getattr(customer, "_prefetched_objects_cache", {}):
        return list(customer.duplicate_overrides.all())[:DUPLICATE_OVERRIDES_SHOWN]
    return list(customer.duplicate_overrides.select_related("recorded_by")
                [:DUPLICATE_OVERRIDES_SHOWN])


def browse_customers(user, order: str) -> QuerySet[Customer]:
    """Every customer of the user's directorates, for the browse list: by name, reference
    or last contact (most recent first; never contacted last)."""
    # The stored copy (Customer.last_contact_at), read along an index in this order: a
    # subquery per customer had to be run for every customer before the first page.
    qs = customers_for(user).annotate(last_contact=F("last_contact_at"))
    if order == "reference":
        return qs.order_by("reference")
    if order == "contact":
        return qs.order_by(F("last_contact_at").desc(nulls_last=True), "full_name", "id")
    return qs.order_by("full_name", "id")


def browse_count(user) -> int:
    """How many customers `browse_customers(user, ...)` lists, without reading them.

    For a user scoped by directorate: their directorates' memberships (one index, no
    customer rows) less those of the few records erased or merged away (their indexes), in
    one query. As `COUNT(*)` of the list PostgreSQL read every customer in the council to
    keep a directorate's (100 ms at 100,000 customers). A reviewer's reach past their
    directorates, and a council-wide user, are counted as the list."""
    if not may_do_casework(user):
        return 0
    if not scope_is_directorates(user):
        return customers_for(user).count()
    ids = directorate_ids_for(user)
    if not ids:
        return 0
    members = Customer.directorates.through.objects.filter(directorate_id__in=ids)
    if len(ids) > 1:
        members = members.values("customer_id").distinct()
    gone = Customer.objects.filter(Q(erased_at__isnull=False) | Q(merged_into__isnull=False))
    total, gone_n = (
        Directorate.objects.filter(pk=min(ids))
        .annotate(dl_total=SubqueryCount(members.values("customer_id")),
                  dl_gone=SubqueryCount(gone.filter(directorate_scope(user)).values("pk")))
        .values_list("dl_total", "dl_gone").get())
    return total - gone_n


class ToldCountPaginator(Paginator):
    """A Paginator told its count (a callable, asked once) rather than counting the list."""

    def __init__(self, object_list, per_page, *, count, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @functools.cached_property
    def count(self) -> int:
        return self._count()


def _case_scope(user, via: str = "", *, own_directorates: bool = False) -> Q:
    """What `cases_for(user)` asks of a case, for a user with casework access: of the case
    itself (`via=""`), or of the case a row of another table names through `via` ("case",
    "sanction__case"). With `own_directorates`, without the cases an independent reviewer
    was given from other directorates (`directorate_cases_for`).

    Cases of a customer disposed of under retention stay, anonymised, for the report only:
    `NOT IN` the few erased customers (a partial index), not a join to every customer (at
    100,000 customers the join hashed the whole table on every case list, 111 ms)."""
    prefix, ref = case_path(via)
    erased = Customer.objects.filter(erased_at__isnull=False).values("pk")
    scope = ~Q(**{f"{prefix}state": CaseState.NEW}) & ~Q(**{f"{prefix}customer__in": erased})
    ids = directorate_ids_for(user)
    if ids is None:
        return scope
    within = in_directorates_condition(ids, via=via)
    if not own_directorates and has_role(user, Role.INDEPENDENT_REVIEWER):
        # An independent reviewer usually comes from another directorate: they see the
        # cases whose challenges they were given, and no others of that directorate.
        within |= Exists(DesignationCase.objects.filter(pk=OuterRef(ref),
                                                        challenges__reviewer=user))
    return scope & within


def directorate_cases_for(user) -> QuerySet[DesignationCase]:
    """The cases of the user's own directorates (led or involved): `cases_for` without the
    cases an independent reviewer was given from other directorates. The deadlines a senior
    manager answers for are these."""
    if not may_do_casework(user):
        return DesignationCase.objects.none()
    return DesignationCase.objects.filter(_case_scope(user, own_directorates=True))


def case_row_scope(user, via: str, *, own_directorates: bool = False) -> Q:
    """`cases_for(user)` (or, `own_directorates`, `directorate_cases_for(user)`) as a
    condition on the case a row of another table names through `via` ("case",
    "sanction__case"), asked of that row's own case, instead of `via__in=cases_for(user)`.

    As a subquery PostgreSQL reads every case the user may see into a hash before the first
    row (a sequential scan of the council's cases, 9 ms at 20,000 cases and 45 at 100,000,
    once for each branch of the deadlines' union); here the few challenges, letters or
    filed items found by their own index are each checked against their case.
    """
    if not may_do_casework(user):
        return Q(pk__in=[])
    return _case_scope(user, via, own_directorates=own_directorates)


def cases_for(user) -> QuerySet[DesignationCase]:
    if not may_do_casework(user):
        return DesignationCase.objects.none()
    return DesignationCase.objects.filter(_case_scope(user))


# The staff a case names, read with the case on its pages.
CASE_PEOPLE = ("key_officer", "referred_by", "decided_by", "deciding_manager",
               "warning_skipped_by")


def get_case_for_user(user, reference: str, *, write: bool = False,
                      full: bool = True, fold: Sequence = ()) -> DesignationCase:
    """The case, with everything its page and its guards need, or a 404.

    `write=True` is for views that change the case: a user whose role never acts on a case
    (an officer, who refers but does not decide) is refused with a 403 before any form is
    read. The transition's own permission still decides each step. `full=False`: the case
    and its customer only, for a page that lists one part of it (the whole chronology).
    `fold`: relations (lookups, or `folded.prepare`d folds) read in the case's own query
    (`cases.folded`: their text fields left out), instead of one query each; a folded
    relation is not prefetched again.
    """
    if write and not has_role(user, *CASE_ACTING_ROLES):
        raise PermissionDenied("Your role does not allow you to change a case.")
    qs = cases_for(user).select_related("customer")
    people: list[folded.ForwardFold] = []
    if full:
        qs = qs.select_related("lead_directorate", "formal_warning")
        # The people the case names, each a subquery rather than a join (`ForwardFold`).
        qs, people = folded.fold_forward(qs, CASE_PEOPLE)
        folded_names = {f.name if isinstance(f, folded.Fold) else getattr(f, "prefetch_to", f)
                        for f in fold}
        qs = qs.prefetch_related(
            *(p for p in _case_prefetches() if p.prefetch_to not in folded_names))
    qs, folds = folded.fold(qs, list(fold))
    reference = normalise_reference(reference)
    if reference is None:
        raise Http404("No case found")
    try:
        case = qs.get(reference=reference)
    except DesignationCase.DoesNotExist:
        raise Http404("No case found") from None
    folded.attach([case], [*folds, *people])
    if full and not {"referral_indicators", "decision_indicators"} <= {f.name for f in folds}:
        _prefetch_indicators(case)
    access_log.noted(user, case.customer_id, case)
    return case


def _case_prefetches() -> list[Prefetch]:
    """What a case page reads of the case's own relations, with the person of each row (one
    query a relation, not two)."""
    return [
        Prefetch("involved_directorates", queryset=Directorate.objects.order_by("name", "id")),
        Prefetch("precondition_checks",
                 queryset=PreconditionCheck.objects.select_related("confirmed_by")),
        Prefetch("alternatives",
                 queryset=AlternativeConsideration.objects.select_related("recorded_by")),
    ]


@functools.cache
def referral_relations() -> list:
    """What the referral tab reads in the case's own query: its directorates and
    indicators (the checklist, with its notes, is prefetched)."""
    return folded.prepare(DesignationCase, [
        Prefetch("involved_directorates", queryset=Directorate.objects.order_by("name", "id")),
        "referral_indicators", "decision_indicators"])


@functools.cache
def case_relations() -> list:
    """The case's own relations a case page reads (its directorates, checklist and
    indicators), to `fold` into the case's query on a page that shows none of their text."""
    return folded.prepare(DesignationCase,
                          [*_case_prefetches(), "referral_indicators", "decision_indicators"])


def _prefetch_indicators(case: DesignationCase) -> None:
    """The indicators the referral and the decision cite, in one query rather than one per
    relation, set as both relations' prefetched rows."""
    referral = DesignationCase.referral_indicators.through.objects.filter(
        designationcase_id=case.pk, indicator_id=OuterRef("pk"))
    decision = DesignationCase.decision_indicators.through.objects.filter(
        designationcase_id=case.pk, indicator_id=OuterRef("pk"))
    rows = list(Indicator.objects.annotate(in_referral=Exists(referral),
                                           in_decision=Exists(decision))
                .filter(Q(in_referral=True) | Q(in_decision=True)))
    set_prefetched(case, "referral_indicators", [i for i in rows if i.in_referral])
    set_prefetched(case, "decision_indicators", [i for i in rows if i.in_decision])


def case_events(case: DesignationCase) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def latest_case_events(case: DesignationCase, limit: int) -> Capped:
    """The latest `limit` events of the chronology, oldest first, and how many there are."""
    latest = capped(case.events.select_related("actor").order_by("-at", "-id"), limit)
    return Capped(reversed(latest), latest.total)


def case_evidence_contacts(case: DesignationCase, *, notes: bool = True,
                           relations: bool = True) -> QuerySet[Contact]:
    """The contacts the case relies on, newest first. `notes=False` leaves their
    corrections and disputes to `attach_notes` (one query for every record on a page);
    `relations=False` their indicators, attachments and breaches (`contact_folds`)."""
    return (
        case.evidence_contacts.select_related("handled_by", "directorate", "matter")
        .prefetch_related(*(CONTACT_RELATIONS if relations else ()), *(NOTES if notes else ()))
        .order_by("-occurred_at", "-id")
    )


@functools.cache
def contact_folds() -> list:
    """A timeline's `CONTACT_RELATIONS`, read in the page of contacts' own query
    (`cases.folded`) rather than one query each."""
    return folded.prepare(Contact, CONTACT_RELATIONS)


@functools.cache
def warning_folds() -> list:
    """What a list of warnings shows of each (the behaviours, its letters' versions and
    dates), read in the warnings' own query."""
    return folded.prepare(Warning, ["behaviours", _warning_letters()])


DUPLICATE_OVERRIDES_SHOWN = 5


@functools.cache
def customer_folds() -> list:
    """What the customer page reads of the customer's own relations, in its own query: the
    directorates, and the latest times an officer saved the record despite likely matches
    (`duplicate_overrides_for`)."""
    return [
        *folded.prepare(Customer, ["directorates"]),
        *folded.prepare(Customer, [Prefetch(
            "duplicate_overrides", queryset=DuplicateOverride.objects.select_related(
                "recorded_by").order_by("-recorded_at", "-id"))],
            text=True, limit=DUPLICATE_OVERRIDES_SHOWN),
    ]


def start_of_day(day: dt.date) -> dt.datetime:
    """The first instant of a UK calendar day (midnight in London, GMT or BST)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def contacts_for_customer(
    user,
    customer: Customer,
    *,
    channel: str | None = None,
    matter: Matter | None = None,
    breach: bool | None = None,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    notes: bool = True,
    relations: bool = True,
) -> QuerySet[Contact]:
    """The customer's contacts, newest first, narrowed by the timeline's filters.
    `relations=False` leaves each contact's indicators, attachments and breaches to the
    caller (`contact_folds`: in the page's own query).

    `breach=True` keeps the contacts outside a restriction, `False` those within; the
    dates are UK days, both included. The indexes on (customer, occurred_at) and
    (customer, channel, occurred_at) serve these, so a page costs the same however long
    the record.
    """
    # The customer was reached through customers_for(user), so the user may see all of
    # their contacts, including those other directorates logged (section 2.3's
    # cross-directorate view).
    qs = customer.contacts.all()
    if channel:
        qs = qs.filter(channel=channel)
    if matter is not None:
        qs = qs.filter(matter=matter)
    if from_date:
        qs = qs.filter(occurred_at__gte=start_of_day(from_date))
    if to_date:
        qs = qs.filter(occurred_at__lt=start_of_day(to_date + dt.timedelta(days=1)))
    if breach is not None:
        # The breaches are sanctions' rows; reached through the relation, since cases
        # stands below sanctions.
        breaches = Contact.breaches.rel.related_model.objects.filter(contact=OuterRef("pk"))
        qs = qs.filter(Exists(breaches)) if breach else qs.exclude(Exists(breaches))
    return (
        qs.select_related("handled_by", "directorate", "matter")
        .prefetch_related(*(CONTACT_RELATIONS if relations else ()), *(NOTES if notes else ()))
        .order_by("-occurred_at", "-id")
    )


@dataclass(frozen=True)
class SeenIndicator:
    """How often an indicator was noted on a customer's contacts."""

    contacts: int  # all of them
    recent: int  # since `since`
    last_seen: dt.datetime


def indicators_seen_for_customer(
    customer: Customer, *, since: dt.date
) -> dict[int, SeenIndicator]:
    """Indicator id -> how often it was noted on the customer's contacts, in one query.

    `recent` counts the contacts on or after the UK day `since` (the forms pre-select
    from those: the last 12 months, as the decision's evidence counts them).
    """
    through = Contact.indicators.through
    rows = (
        through.objects.filter(contact__customer=customer)
        .values("indicator_id")
        .annotate(
            contacts=Count("contact_id"),
            recent=Count("contact_id", filter=Q(contact__occurred_at__gte=start_of_day(since))),
            last_seen=Max("contact__occurred_at"),
        )
    )
    return {
        row["indicator_id"]: SeenIndicator(row["contacts"], row["recent"], row["last_seen"])
        for row in rows
    }


def matters_for_customer(customer: Customer, *, notes: bool = True) -> QuerySet[Matter]:
    return (
        customer.matters.select_related("directorate")
        .prefetch_related(*(NOTES if notes else ()))
        .order_by("-received_on", "-id")
    )


def _warning_letters() -> Prefetch:
    # The letters' text and PDF stay in the database: the list links to them.
    return Prefetch("letters", queryset=Warning.letters.rel.related_model.objects.only(
        "id", "warning_id", "version", "issued_on", "issued_at"))


def warnings_for_customer(customer: Customer, *, notes: bool = True,
                          relations: bool = True) -> QuerySet[Warning]:
    """`relations=False` leaves the behaviours and letters to `warning_folds`."""
    return (
        customer.warnings.select_related("given_by", "directorate")
        .prefetch_related(*(("behaviours", _warning_letters()) if relations else ()),
                          *(NOTES if notes else ()))
        .order_by("-given_on", "-id")
    )


def set_prefetched(record, name: str, rows: list) -> None:
    """Give `record.<name>.all()` the rows already fetched, as `prefetch_related` would,
    for rows fetched for many records of different kinds at once (`attach_notes`)."""
    qs = getattr(record, name).all()
    qs._result_cache = list(rows)
    qs._prefetch_done = True
    record.__dict__.setdefault("_prefetched_objects_cache", {})[name] = qs


def attach_notes(customer: Customer, *, contacts=(), matters=(), warnings=(),
                 own: bool = False) -> tuple[list[Correction], list[DisputeStatement]]:
    """The corrections and dispute statements of every record a page shows, in two queries
    rather than two per kind of record: each contact's, matter's and warning's are set as
    its prefetched `corrections` and `disputes`; the customer's own details' (`own=True`)
    are returned. Only the records shown are asked about, so the page does not grow with
    the customer's history."""
    kinds = {"contact": list(contacts), "matter": list(matters), "warning": list(warnings)}
    where = Q(pk__in=[])
    for key, records in kinds.items():
        if records:
            where |= Q(**{f"{key}_id__in": [r.pk for r in records]})
    if own:
        where |= Q(matter=None, contact=None, warning=None)
    found = []
    for model, name, person in ((Correction, "corrections", "corrected_by"),
                                (DisputeStatement, "disputes", "recorded_by")):
        rows = list(model.objects.filter(where, customer=customer).select_related(person))
        for key, records in kinds.items():
            by_record: dict[int, list] = {}
            for row in rows:
                record_id = getattr(row, f"{key}_id")
                if record_id is not None:
                    by_record.setdefault(record_id, []).append(row)
            for record in records:
                set_prefetched(record, name, by_record.get(record.pk, []))
        found.append([r for r in rows if r.matter_id is None and r.contact_id is None
                      and r.warning_id is None])
    return found[0], found[1]


def cases_for_customer(user, customer: Customer) -> QuerySet[DesignationCase]:
    return (
        cases_for(user).filter(customer=customer).select_related("lead_directorate", "customer")
    )


def get_matter_for_user(user, customer: Customer, reference: str) -> Matter:
    reference = normalise_reference(reference)
    if reference is None:
        raise Http404("No matter found")
    try:
        return customer.matters.select_related("directorate").get(reference=reference)
    except Matter.DoesNotExist:
        raise Http404("No matter found") from None


def get_attachment_for_user(user, pk: int) -> ContactAttachment:
    try:
        attachment = ContactAttachment.objects.select_related("contact").get(
            pk=pk, contact__customer__in=customers_for(user)
        )
    except ContactAttachment.DoesNotExist:
        raise Http404("No file found") from None
    access_log.noted(user, attachment.contact.customer_id)
    return attachment


def kept_uploads_for(user, customer: Customer, tokens: list[str]) -> list[KeptUpload]:
    """The user's own kept files for this customer's form, by the tokens the form posted.

    A token of another user's file, or of another customer's form, finds nothing.
    """
    if not tokens:
        return []
    return list(
        KeptUpload.objects.filter(owner=user, customer=customer, token__in=tokens).order_by("id")
    )


def open_case_for_customer(customer: Customer) -> DesignationCase | None:
    return customer.cases.filter(state__in=OPEN_STATES).first()


def referrals_by(user) -> QuerySet[DesignationCase]:
    """The cases this officer referred, newest first (their home page)."""
    return (
        cases_for(user)
        .filter(referred_by=user)
        .select_related("customer", "lead_directorate")
        .order_by("-referred_at")
    )


def recently_designated(user) -> QuerySet[DesignationCase]:
    """Designations the user may see that are not yet in force, newest decision first."""
    return (
        cases_for(user)
        .filter(state=CaseState.DESIGNATED)
        .select_related("customer", "lead_directorate")
        .order_by("-decided_at")
    )


def case_counts_by_directorate(user) -> list[dict]:
    """Cases per lead directorate and state, as numbers only: directorate leads see no
    names, and may see these counts without a casework role. A case counts for its lead
    directorate alone."""
    open_states = [CaseState.REFERRED, CaseState.WARNED, CaseState.ASSESSMENT]
    rows = (
        DesignationCase.objects.exclude(state=CaseState.NEW)
        .in_directorates(directorate_ids_for(user), lead_only=True)
        .values("lead_directorate__name")
        .annotate(
            open=Count("id", filter=Q(state__in=open_states)),
            awaiting=Count("id", filter=Q(state=CaseState.AWAITING_DECISION)),
            designated=Count("id", filter=Q(state=CaseState.DESIGNATED)),
            active=Count("id", filter=Q(state=CaseState.ACTIVE)),
            lapsed=Count("id", filter=Q(state=CaseState.LAPSED)),
            closed=Count("id", filter=Q(state=CaseState.CLOSED)),
        )
        .order_by("lead_directorate__name")
    )
    return list(rows)


def matter_by_reference(customer: Customer, reference: str) -> Matter | None:
    """One of this customer's matters, or None (the API answers a wrong one with a 400)."""
    reference = normalise_reference(reference)
    if reference is None:
        return None
    return customer.matters.filter(reference=reference).first()


def contacts_recently_logged_by(user) -> QuerySet[Contact]:
    """The contacts this user logged, in the order they happened, newest first.

    Ordered by when the contact happened (the time the list shows), not when it was
    typed in: contacts are often written up in a batch per customer (a day's post, a
    back-dated call), and ordering by the time of logging showed them grouped by customer
    with their times out of order.
    """
    return (
        Contact.objects.filter(logged_by=user, customer__in=customers_for(user))
        .select_related("customer")
        .order_by("-occurred_at", "-id")
    )


def decision_evidence(case: DesignationCase) -> dict:
    """What the senior manager weighs beside the choice of sanctions (steps 6 to 8).

    The customer's contacts and the indicators noted on them over the last 6 and 12
    calendar months (one aggregate query each), the warnings given, the needs and
    adjustments recorded, and the state of the checklist. `case` comes from
    `get_case_for_user`, which prefetches the checklist.
    """
    customer = case.customer
    today = timezone.localdate()
    since_6, since_12 = add_months(today, -6), add_months(today, -12)

    recent_6 = Q(occurred_at__gte=start_of_day(since_6))
    contacts = customer.contacts.filter(occurred_at__gte=start_of_day(since_12)).aggregate(
        last_6=Count("id", filter=recent_6), last_12=Count("id")
    )
    # filter() before annotate() on the same relation: the counts are of the customer's
    # contacts in the period only.
    by_indicator = (
        Indicator.objects.filter(
            contacts__customer=customer, contacts__occurred_at__gte=start_of_day(since_12)
        )
        .annotate(
            last_12=Count("contacts"),
            last_6=Count("contacts", filter=Q(contacts__occurred_at__gte=start_of_day(since_6))),
        )
        .order_by("-last_12", "-last_6", "group", "order", "id")
    )
    checks = {c.precondition: c for c in case.precondition_checks.all()}
    records = {a.alternative: a for a in case.alternatives.all()}
    return {
        "today": today,
        "since_6_months": since_6,
        "since_12_months": since_12,
        "contacts_6_months": contacts["last_6"],
        "contacts_12_months": contacts["last_12"],
        "indicators": [
            {
                "text": i.text,
                "group": IndicatorGroup(i.group).label,
                "last_6": i.last_6,
                "last_12": i.last_12,
            }
            for i in by_indicator
        ],
        "warnings": list(warnings_for_customer(customer)),
        "warning_skip": (
            {
                "kind": case.get_warning_skip_kind_display(),
                "reason": case.warning_skip_reason,
                "by": case.warning_skipped_by,
                "at": case.warning_skipped_at,
            }
            if case.warning_skip_kind
            else None
        ),
        "communication_needs": customer.communication_needs,
        "large_print": customer.large_print,
        "reasonable_adjustments": customer.reasonable_adjustments,
        "representative": customer.representative_name,
        "preconditions": [(Precondition(p).label, checks.get(p)) for p in Precondition.values],
        "preconditions_met": sum(1 for c in checks.values() if c.met),
        "alternatives": [(Alternative(a).label, records.get(a)) for a in Alternative.values],
        "alternatives_recorded": len(records),
    }


def independent_reviewers(case: DesignationCase, *, also_excluding=()) -> list:
    """Everyone who could review a challenge to `case`: active senior managers holding the
    Independent Reviewer role, from any directorate, who took no part in it (section 2.4).

    `also_excluding`: people about to take part (the senior manager on the designation
    page), so the page can warn before the decision leaves nobody to review it.
    """
    User = get_user_model()
    candidates = (
        User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.INDEPENDENT_REVIEWER])
        .filter(groups__name=GROUP_NAMES[Role.SENIOR_MANAGER])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    involved = set(
        CaseEvent.objects.filter(case=case, actor__isnull=False).values_list("actor", flat=True)
    )
    involved |= set(case.sanctions.exclude(named_officer=None).values_list(
        "named_officer", flat=True))
    involved |= {case.decided_by_id, case.key_officer_id}
    involved |= {u.pk for u in also_excluding}
    return [u for u in candidates if u.pk not in involved]


# --- Corrections and dispute statements ------------------------------------------------------


def get_contact_for_user(user, customer: Customer, pk: int) -> Contact:
    """One of this customer's contacts (the customer reached through `customers_for`)."""
    try:
        return customer.contacts.select_related("directorate", "customer").get(pk=pk)
    except Contact.DoesNotExist:
        raise Http404("No contact found") from None


def get_warning_for_user(user, customer: Customer, pk: int) -> Warning:
    """One of this customer's warnings (the customer reached through `customers_for`)."""
    try:
        return customer.warnings.select_related("directorate", "customer").get(pk=pk)
    except Warning.DoesNotExist:
        raise Http404("No warning found") from None


def _note_filter(record) -> Q:
    if isinstance(record, Customer):
        return Q(customer=record, matter=None, contact=None, warning=None)
    key = {Matter: "matter", Contact: "contact", Warning: "warning"}[type(record)]
    return Q(**{key: record})


def corrections_for(record) -> QuerySet[Correction]:
    """The corrections of one record (a customer's own details: not those of their
    contacts, matters or warnings), oldest first."""
    return Correction.objects.filter(_note_filter(record)).select_related("corrected_by")


def corrections_for_customer(customer: Customer) -> QuerySet[Correction]:
    """Every correction of the customer's records, oldest first (subject access, bundle)."""
    return customer.corrections.select_related(
        "corrected_by", "matter", "contact", "warning"
    ).order_by("corrected_at", "id")


def disputes_for(record) -> QuerySet[DisputeStatement]:
    """The customer's statements disputing one record, oldest first."""
    return DisputeStatement.objects.filter(_note_filter(record)).select_related("recorded_by")


def disputes_for_customer(customer: Customer) -> QuerySet[DisputeStatement]:
    """Every statement the customer made disputing any of their records, oldest first,
    each with its record (`dispute.record`, `dispute.record_kind`): for the subject access
    export and the Ombudsman bundle."""
    return customer.disputes.select_related(
        "recorded_by", "matter", "contact", "warning"
    ).order_by("received_on", "id")
