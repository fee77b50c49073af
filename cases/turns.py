"""Whose move it is on each open case, stored, so that a home page reads only the cases
where the user may have a step now (issue 13) instead of evaluating every open case.

`CaseTurn` rows are derived from the step registry (`cases.steps`), the same `opens` that
`cases.next_steps` asks: for each home step open on the case now (not done, blocked or a
waiting period), one row per role that may take it (`Opening.roles`, all casework roles
when a step names none) and one for a person it names (`Opening.person_id`), with the
step's due date and, for a step due only from a later day (an early six-month review), the
instant it becomes due (`available_from`, midnight of that day in UK time). The rows say
who *may* have a step, never that they do: `next_steps` still decides, for the few cases
read, whether each step is the user's now (an independent reviewer who took part may not).

How they are kept true: `cases.workflow.save`, through which every service saves a case
and every row the steps read (challenges, reviews, letters, the checklist, sanctions),
calls `refresh` for the case in the same transaction, and `case_set_coordination` calls it
after changing the involved directorates (a many-to-many `set`, no save). Time needs no
sweep: a step's rows exist from the moment its data does, and `available_from` is compared
with the request's instant. Rows written straight to the tables (`seed_volume`, tests'
bulk worlds) are filled by `refresh_all`, as the data migration did for existing cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connections
from django.db.models import F, Q
from django.utils import timezone

from accounts.roles import CASEWORK_ROLES
from cases import folded, steps
from cases.choices import CaseState
from cases.models import TURN_ORDER, CaseTurn, DesignationCase
from ucp.compiled_sql import CompiledSQL

# A case nobody acts on: closed, or not yet referred. Every other state may have a step
# (a designation's review, a challenge), not only the states before the decision.
NO_TURNS = (CaseState.CLOSED, CaseState.NEW)

# A case's turns are refreshed when one of these is saved: the case, and the rows of the
# relations the steps read (but its chronology, which only the final `may` reads).
_TRACKED: set[type] | None = None


def tracked_models() -> set[type]:
    global _TRACKED
    if _TRACKED is None:
        found: set[type] = {DesignationCase}
        for lookup in steps.lookups():
            name = lookup if isinstance(lookup, str) else lookup.prefetch_to
            if name in ("events", "involved_directorates"):
                continue
            found.add(DesignationCase._meta.get_field(name).related_model)
        _TRACKED = found
    return _TRACKED


def case_id_of(obj) -> int | None:
    """The case whose turns `obj`'s save may change, or None."""
    if isinstance(obj, DesignationCase):
        return obj.pk
    if type(obj) in tracked_models():
        return getattr(obj, "case_id", None)
    return None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Among cases due the same day (or undated), the home page's order: lapsed reviews first,
# then decisions and designations not yet in force, the earlier states, then the rest.
URGENCY = {
    CaseState.LAPSED: 0, CaseState.AWAITING_DECISION: 1, CaseState.DESIGNATED: 2,
    CaseState.ACTIVE: 4,
}
OTHER_URGENCY = 3


def urgency_of(state: str) -> int:
    return URGENCY.get(state, OTHER_URGENCY)


def turns_of(case: DesignationCase, today: dt.date) -> list[CaseTurn]:
    """The rows `case` should have, from its relations as loaded (prefetched or folded)."""
    if case.state in NO_TURNS:
        return []
    directorates = sorted({case.lead_directorate_id,
                           *(d.id for d in case.involved_directorates.all())})
    found: set[tuple] = set()
    for step in steps.all_steps():
        if step.opens is None or not step.home or step.may is None:
            continue
        for opening in step.opens(case, today):
            if opening.done or opening.blocked or opening.waiting:
                continue
            available = _start_of(opening.not_before) if opening.not_before else None
            roles = opening.roles or ()
            if not roles and opening.person_id is None:
                roles = tuple(sorted(CASEWORK_ROLES))
            for role in roles:
                for directorate in directorates:
                    found.add((role, directorate, None, available, opening.due_on))
            if opening.person_id is not None:
                found.add(("", None, opening.person_id, available, opening.due_on))
    return [
        CaseTurn(
            case_id=case.pk, role=role, directorate_id=directorate, person_id=person,
            available_from=available, due_on=due_on, urgency=urgency_of(case.state),
            review_due_on=case.review_due_on, case_updated_at=case.updated_at,
        )
        for role, directorate, person, available, due_on in sorted(found, key=repr)
    ]


def _lookups() -> list:
    return [lookup for lookup in steps.lookups()
            if (lookup if isinstance(lookup, str) else lookup.prefetch_to) != "events"]


def computed(case_ids: Iterable[int], *, now: dt.datetime | None = None) -> list[CaseTurn]:
    """The rows these cases should have, from what is stored now (unsaved): one query,
    the cases with their relations folded in."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return []
    today = timezone.localdate(now or timezone.now())
    scan, folds = folded.fold(
        DesignationCase.objects.filter(pk__in=ids).order_by()
        .select_related("lead_directorate"),
        _lookups(),
    )
    cases = list(scan)
    folded.attach(cases, folds)
    return [row for case in cases for row in turns_of(case, today)]


def refresh(case_ids: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """Rewrite the turns of these cases from what is stored now; returns the rows written.
    Three queries however many cases: `computed`, a delete and an insert."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return 0
    rows = computed(ids, now=now)
    CaseTurn.objects.filter(case_id__in=ids).delete()
    CaseTurn.objects.bulk_create(rows)
    return len(rows)


def refresh_all(*, batch: int = 500, now: dt.datetime | None = None) -> int:
    """Every open case's turns, `batch` cases a time (the data migration, `seed_volume`)."""
    CaseTurn.objects.filter(case__state__in=NO_TURNS).delete()
    ids = list(
        DesignationCase.objects.exclude(state__in=NO_TURNS).order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for start in range(0, len(ids), batch):
        written += refresh(ids[start:start + batch], now=now)
    return written


# The home page's order of a case's turns (`next_steps._order_key`): the turn's due date
# (undated last), the case's urgency, its next review date, when it last changed, its id.
# The last four are the case's own, the same on every one of its turns, so a case's first
# turn in this order carries its place in the page's order.
ORDER = (F("due_on").asc(nulls_last=True), "urgency", F("review_due_on").asc(nulls_last=True),
         "case_updated_at", "case_id")
# Past this many (role, directorate) pairs a user's branches are one per role, the
# directorates a filter within it (a council-wide user has one branch per role anyway).
MAX_BRANCHES = 12


def _branches(user, roles: Iterable[str], directorate_ids) -> list[Q]:
    """The user's turns as disjoint-enough conditions, each one an index's prefix: a role in
    a directorate (`caseturn_role_dir_order`), a role anywhere (`caseturn_role_order`), or
    the user named (`caseturn_person_order`)."""
    roles = sorted(roles)
    found = [Q(person=user)]
    if directorate_ids is None:
        found += [Q(role=role) for role in roles]
    elif len(roles) * len(directorate_ids) <= MAX_BRANCHES:
        found += [Q(role=role, directorate_id=d)
                  for role in roles for d in sorted(directorate_ids)]
    else:
        found += [Q(role=role, directorate_id__in=sorted(directorate_ids)) for role in roles]
    return found


def candidates(user, now: dt.datetime, roles: Iterable[str], directorate_ids, upto: int):
    """The first `upto` of the user's turns available at `now` (their roles' in their
    directorates, or naming them), in the home page's order (`ORDER`), as (due, urgency,
    review, updated, case id) tuples, `next_steps._order_key`'s arguments. A case may come
    more than once (a turn per role and directorate), first at its own place in the order.

    One `UNION ALL` of a branch per role and directorate (`_branches`), each read along its
    own index in that order and cut at `upto`, so the database reads about `upto` rows a
    branch however many open cases the user's directorates hold, instead of grouping every
    one of them by case to sort the groups (20 ms for a senior manager at 100,000
    customers)."""
    branches = _branches(user, roles, directorate_ids)
    if not connections[CaseTurn.objects.db].features.supports_slicing_ordering_in_compound:
        # SQLite (the embedded default) cannot cut the branches of a union: one query.
        either = Q()
        for branch in branches:
            either |= branch
        return list(CaseTurn.objects.filter(either, _available(now)).order_by(*ORDER)
                    .values_list(*TURN_ORDER)[:upto])

    def build():
        parts = [
            CaseTurn.objects.filter(branch, _available(_NOW)).order_by(*ORDER)
            .values_list(*TURN_ORDER)[:upto]
            for branch in branches
        ]
        if len(parts) == 1:
            return parts[0]
        return parts[0].union(*parts[1:], all=True).order_by(*ORDER)[:upto]

    # Building and compiling the union cost more than PostgreSQL's answer (10 ms of a
    # profiled home page): compiled once per user, roles, directorates and length, the
    # request's instant bound in place of a stand-in.
    key = ("turns", user.pk, tuple(sorted(roles)),
           None if directorate_ids is None else tuple(sorted(directorate_ids)), upto)
    return _COMPILED.rows(key, build, bind={_NOW: now})


# The stand-in for the request's instant in a compiled statement: no turn is available
# from before 1901, so nothing else in the query equals it.
_NOW = dt.datetime(1901, 1, 1, 0, 0, 7, tzinfo=dt.UTC)
_COMPILED = CompiledSQL(size=512)


def _available(now: dt.datetime) -> Q:
    return Q(available_from__isnull=True) | Q(available_from__lte=now)
