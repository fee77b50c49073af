"""`deadlines_for` against an oracle: the same rows, in the same order, with the same counts.

The dashboard reads each page along the sources' indexes from the day the page begins (see
`reviews.dashboard`). The oracle here is the plain statement of what the list is: every
open item of every kind the user may see, read row by row in Python, due day by due day,
then by reference, kind and id. The world has every kind of deadline in two directorates
and one the user does not see, many on one day (so that pages begin and end inside a day),
an involved directorate, an erased customer, and rows either side of every horizon's last
day, of today and of yesterday. It is compared at every horizon and on every page, for a
senior manager, an independent reviewer, one who is both, and information governance.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases import deadlines
from cases.models import CaseState, Customer, DesignationCase
from cases.selectors import cases_for
from governance.models import SarStatus, SubjectAccessRequest
from reviews.dashboard import DeadlineKind, Horizon, deadlines_for, last_day
from reviews.models import Challenge, ChallengeStatus
from reviews.services import CHALLENGEABLE_STATES, REVIEWABLE_STATES
from tests import factories
from tests.conftest import LONDON

pytestmark = pytest.mark.django_db

# 00:30 on Wednesday 1 July 2026, UK summer time: still 30 June in UTC. "Today" is the UK
# date, so a review due on 30 June is a day overdue and one due on 1 July is due today.
JUST_AFTER_MIDNIGHT = dt.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON)
WED_1_JULY = dt.date(2026, 7, 1)
PER_PAGE = 7  # small pages, so that many begin inside a day

_serial = itertools.count()

CHALLENGE_KINDS = {
    ChallengeStatus.LATE: DeadlineKind.LATE_CHALLENGE,
    ChallengeStatus.AWAITING_REVIEWER: DeadlineKind.ASSIGN_REVIEWER,
    ChallengeStatus.UNDER_REVIEW: DeadlineKind.CHALLENGE_DECISION,
}


def build_world(directorates, *, reviewer, recorded_by, today: dt.date) -> None:
    """Open items of every kind in each of `directorates` (written straight to the tables),
    spread either side of every horizon's edge, with runs of rows due on one day."""
    # Days relative to today: every horizon's edge and either side of it, and a busy day.
    offsets = [-400, -30, -2, -1, -1, 0, 0, 0, 1, 6, 7, 7, 8, 14, 27, 28, 28, 29, 60, 200]
    offsets += [3] * 12
    now = timezone.now()
    erased = Customer.objects.create(reference=f"C-E{next(_serial):05d}", full_name="Erased",
                                     address="-", postcode="CA1 1AA", erased_at=now)
    for d_index, directorate in enumerate(directorates):
        specs = []
        for i, days in enumerate(offsets):
            due = today + dt.timedelta(days=days)
            specs += [
                (CaseState.ACTIVE, {"review_due_on": due, "designated_on": due - dt.timedelta(180),
                                    "challenge_ends_on": due if days >= 0 else None}),
                (CaseState.LAPSED, {"review_due_on": due, "designated_on": due}),
                (CaseState.DESIGNATED, {"designated_on": due, "review_due_on": due}),
                (CaseState.ACTIVE, {"review_due_on": due + dt.timedelta(days=i % 3),
                                    "challenge_ends_on": due}),
            ]
        customers = Customer.objects.bulk_create([
            Customer(reference=f"C-O{next(_serial):05d}", full_name=f"Oracle {d_index}-{i}",
                     address="1 Castle Street", postcode="CA1 1AA")
            for i in range(len(specs))
        ])
        cases = DesignationCase.objects.bulk_create([
            DesignationCase(reference=f"UCP-O{next(_serial):05d}", customer=customer,
                            lead_directorate=directorate, state=state, referred_by=recorded_by,
                            referred_at=now, **fields)
            for customer, (state, fields) in zip(customers, specs, strict=True)
        ])
        # One case of each directorate belongs to the erased customer: never listed.
        DesignationCase.objects.filter(pk=cases[5].pk).update(customer=erased)
        # The next directorate's cases involve this one (seen by this one's managers too).
        if d_index + 1 < len(directorates):
            through = DesignationCase.involved_directorates.through
            through.objects.bulk_create([
                through(designationcase_id=c.pk, directorate_id=directorates[d_index + 1].pk)
                for c in cases[::9]
            ])
        active = [c for c in cases if c.state == CaseState.ACTIVE]
        statuses = [*CHALLENGE_KINDS, ChallengeStatus.DECIDED]
        Challenge.objects.bulk_create([
            Challenge(case=c, status=statuses[i % 4], channel="letter", received_on=today,
                      grounds="No.", recorded_by=recorded_by, recorded_at=now,
                      decision_due_on=today + dt.timedelta(days=offsets[i % len(offsets)]),
                      reviewer=reviewer if statuses[i % 4] != ChallengeStatus.AWAITING_REVIEWER
                      else None,
                      decided_on=today if statuses[i % 4] == ChallengeStatus.DECIDED else None,
                      outcome="upheld" if statuses[i % 4] == ChallengeStatus.DECIDED else "")
            for i, c in enumerate(active[::2])
        ])
        SubjectAccessRequest.objects.bulk_create([
            SubjectAccessRequest(customer=c, received_on=today, recorded_by=recorded_by,
                                 recorded_at=now, due_on=today + dt.timedelta(days=days),
                                 status=SarStatus.OPEN if i % 5 else SarStatus.RELEASED)
            for i, (c, days) in enumerate(zip(customers, offsets * 2, strict=False))
        ])


def oracle(user, today: dt.date) -> list[tuple[dt.date, str, str, int]]:
    """Every open deadline `user` may see, as (due, reference, kind, id), in list order:
    each case and challenge looked at one by one, with the scope asked of `cases_for`."""
    manager = has_role(user, Role.SENIOR_MANAGER)
    is_reviewer = has_role(user, Role.INDEPENDENT_REVIEWER)
    visible = set(cases_for(user).values_list("pk", flat=True))
    ids = directorate_ids_for(user)

    def managed(case: DesignationCase) -> bool:
        if not manager or case.pk not in visible:
            return False
        return ids is None or case.lead_directorate_id in ids or any(
            d.pk in ids for d in case.involved_directorates.all())

    rows = []
    cases = DesignationCase.objects.prefetch_related("involved_directorates", "challenges")
    for case in cases:
        for ch in case.challenges.all():
            kind = CHALLENGE_KINDS.get(ch.status)
            mine = managed(case) or (is_reviewer and ch.reviewer_id == user.pk
                                     and case.pk in visible)
            if kind and mine:
                rows.append((ch.decision_due_on, case.reference, kind.value, ch.pk))
        if not managed(case):
            continue
        if case.state in REVIEWABLE_STATES and case.review_due_on:
            rows.append((case.review_due_on, case.reference, DeadlineKind.SIX_MONTH_REVIEW.value,
                         case.pk))
        if case.state == CaseState.DESIGNATED and case.designated_on:
            rows.append((deadlines.notify_by(case.designated_on), case.reference,
                         DeadlineKind.NOTIFY.value, case.pk))
        if (case.state in CHALLENGEABLE_STATES and case.challenge_ends_on
                and case.challenge_ends_on >= today and not case.challenges.all()):
            rows.append((case.challenge_ends_on, case.reference,
                         DeadlineKind.CHALLENGE_WINDOW.value, case.pk))
    if has_role(user, Role.INFORMATION_GOVERNANCE):
        for sar in SubjectAccessRequest.objects.filter(status=SarStatus.OPEN).select_related(
                "customer"):
            rows.append((sar.due_on, sar.customer.reference, DeadlineKind.SUBJECT_ACCESS.value,
                         sar.pk))
    return sorted(rows)


@pytest.fixture
def world(time_machine, adults, children, resources, senior_manager, reviewer):
    time_machine.move_to(JUST_AFTER_MIDNIGHT, tick=False)
    assert timezone.localdate() == WED_1_JULY
    build_world([adults, children, resources], reviewer=reviewer, recorded_by=senior_manager,
                today=WED_1_JULY)


@pytest.fixture
def both(adults, children):
    """A senior manager of Children who is also an independent reviewer."""
    return factories.UserFactory(roles=[Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER],
                                 directorates=[children])


@pytest.fixture
def ig(adults):
    return factories.UserFactory(roles=[Role.INFORMATION_GOVERNANCE],
                                 directorates__council_wide=True)


@pytest.mark.parametrize("who", ["senior_manager", "reviewer", "both", "ig", "outsider"])
def test_every_page_at_every_horizon_is_the_oracles(who, world, request):
    user = request.getfixturevalue(who)
    if who == "both":
        # Give them a challenge of an Adults case (a directorate they do not manage).
        Challenge.objects.filter(
            case__lead_directorate__name="Adults", status=ChallengeStatus.UNDER_REVIEW
        ).update(reviewer=user)
    expected = oracle(user, WED_1_JULY)
    assert len(expected) > 3 * PER_PAGE
    for horizon in Horizon:
        end = last_day(horizon, WED_1_JULY)
        within = [r for r in expected if end is None or r[0] <= end]
        found = deadlines_for(user, horizon=horizon)
        assert found.counts == {
            h: len([r for r in expected if last_day(h, WED_1_JULY) is None
                    or r[0] <= last_day(h, WED_1_JULY)])
            for h in Horizon
        }
        paginator = found.page(1, PER_PAGE).paginator
        assert paginator.count == len(within)
        for number in paginator.page_range:
            rows = found.page(number, PER_PAGE).object_list
            want = within[(number - 1) * PER_PAGE:number * PER_PAGE]
            assert [(r.due_on, r.case_reference or r.reference, r.kind.value, r.pk)
                    for r in rows] == want, (horizon, number)
            # Right to the instant: at 00:30 UK time (23:30 UTC the day before), what was
            # due yesterday is a day overdue and what is due today is due today.
            for row in rows:
                assert row.clock.days == (row.due_on - WED_1_JULY).days
                if row.due_on == WED_1_JULY:
                    assert row.clock.text == "Due today" and not row.clock.overdue
                if row.due_on == WED_1_JULY - dt.timedelta(days=1):
                    assert row.clock.text == "1 day overdue" and row.clock.overdue
        # Slices that begin or end anywhere, not only on page boundaries.
        for start, stop in ((0, 1), (3, 11), (len(within) - 2, len(within) + 5)):
            assert [(r.due_on, r.pk) for r in found.rows[max(start, 0):stop]] == [
                (r[0], r[3]) for r in within[max(start, 0):stop]]


def test_the_overdue_count_turns_over_at_midnight_uk_time(world, senior_manager,
                                                          time_machine):
    before = deadlines_for(senior_manager, horizon=Horizon.OVERDUE)
    # 23:59:59 on Tuesday 30 June (UK): the same deadlines, seen a day earlier.
    time_machine.move_to(JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=30, seconds=1),
                         tick=False)
    earlier = deadlines_for(senior_manager, horizon=Horizon.OVERDUE)
    due_yesterday = len([r for r in oracle(senior_manager, WED_1_JULY)
                         if r[0] == WED_1_JULY - dt.timedelta(days=1)])
    assert due_yesterday
    assert before.total == earlier.total + due_yesterday
    assert before.total == len([r for r in oracle(senior_manager, WED_1_JULY)
                                if r[0] < WED_1_JULY])


@pytest.mark.postgres
def test_a_compiled_statement_follows_the_users_access(world, senior_manager, children):
    """The deadlines' statements are compiled once per key (`reviews.dashboard._COMPILED`):
    a directorate given to the user is in their next list, taken away it is out of it, and
    each list is the oracle's, whatever was compiled for the user before."""
    from accounts.scope import load_user
    from reviews import dashboard

    def listed(user):
        found = deadlines_for(user, horizon=Horizon.ALL)
        return [(r.due_on, r.case_reference or r.reference, r.kind.value, r.pk)
                for r in found.rows[:500]]

    user = load_user(senior_manager.pk)
    before = listed(user)
    assert before == oracle(user, WED_1_JULY)
    misses = dashboard._COMPILED.misses
    assert listed(load_user(senior_manager.pk)) == before
    assert dashboard._COMPILED.misses == misses  # the same key: nothing compiled again

    senior_manager.staff_profile.directorates.add(children)
    wider = load_user(senior_manager.pk)
    assert set(directorate_ids_for(wider)) > set(directorate_ids_for(user))
    assert listed(wider) == oracle(wider, WED_1_JULY) != before
    senior_manager.staff_profile.directorates.remove(children)
    assert listed(load_user(senior_manager.pk)) == before
