"""Who may take each workflow step, and the policy's guards on them.

These are the `permission=` and `conditions=` of the transitions on `DesignationCase`, so
the case page's buttons, the services and the tests all ask the same functions. Guards
iterate `.all()` so that a case loaded with its checks prefetched costs no extra queries.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases.choices import Alternative, Precondition, WarningSkipKind

# The rules take the case (and the user) as arguments and reach related rows through the
# case's own relations (`case.events`, `case.challenges`), so this module imports no model:
# the models' transitions call it, and an import of theirs here would run in a circle.


def works_on_case(case, user) -> bool:
    """The user works in the case's lead directorate or one it involves."""
    ids = directorate_ids_for(user)
    if ids is None:
        return True
    if case.lead_directorate_id in ids:
        return True
    if case.pk is None:
        return False
    return any(d.id in ids for d in case.involved_directorates.all())


def can_refer(case, user) -> bool:
    return has_role(user, Role.OFFICER) and works_on_case(case, user)


def is_service_manager(case, user) -> bool:
    return has_role(user, Role.SERVICE_MANAGER) and works_on_case(case, user)


def is_senior_manager(case, user) -> bool:
    return has_role(user, Role.SENIOR_MANAGER) and works_on_case(case, user)


def may_merge(case, user) -> bool:
    """Who merges two records of one person, and so may close or reopen a case as a
    duplicate: a service or senior manager working on the case."""
    return has_role(user, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER) and works_on_case(
        case, user)


def closed_as_duplicate(case) -> bool:
    """Only a case a merge closed as a duplicate is reopened when the merge is undone."""
    return case.closing_reason == "duplicate"


def may_decide(case, user) -> bool:
    """Who decides whether to designate, and at the six-month review whether it goes on: a
    senior manager of the case's lead directorate, or the senior manager the case names to
    decide. A senior manager of a directorate that is only involved does not decide: that
    would also take a possible independent reviewer out of any later challenge."""
    if not has_role(user, Role.SENIOR_MANAGER):
        return False
    if case.deciding_manager_id is not None and case.deciding_manager_id == user.pk:
        return True
    ids = directorate_ids_for(user)
    return ids is None or case.lead_directorate_id in ids


def can_skip_warning(case, user) -> bool:
    """A service manager may take the safety route; only a senior manager may judge that a
    warning would have no effect (section 2.3). The service checks which kind is chosen."""
    return is_service_manager(case, user) or is_senior_manager(case, user)


def skip_kinds_allowed(user) -> list[str]:
    kinds = []
    if has_role(user, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER):
        kinds.append(WarningSkipKind.SAFETY)
    if has_role(user, Role.SENIOR_MANAGER):
        kinds.append(WarningSkipKind.INEFFECTIVE)
    return kinds


# --- guards -------------------------------------------------------------------------------


def missing_preconditions(case) -> list[str]:
    confirmed = {c.precondition for c in case.precondition_checks.all() if c.met}
    return [p for p in Precondition.values if p not in confirmed]


def missing_alternatives(case) -> list[str]:
    recorded = {a.alternative for a in case.alternatives.all()}
    return [a for a in Alternative.values if a not in recorded]


def preconditions_confirmed(case) -> bool:
    return not missing_preconditions(case)


def alternatives_recorded(case) -> bool:
    return not missing_alternatives(case)


def is_cross_directorate(case) -> bool:
    if case.pk is None:
        return False
    return any(d.id != case.lead_directorate_id for d in case.involved_directorates.all())


def key_officer_named_if_cross_directorate(case) -> bool:
    return case.key_officer_id is not None or not is_cross_directorate(case)


def warning_given_or_skipped(case) -> bool:
    return case.formal_warning_id is not None or bool(
        case.warning_skip_kind and case.warning_skip_reason.strip()
    )


def unmet_guards(case) -> list[str]:
    """Plain-English reasons the case cannot yet go to the senior manager."""
    reasons = []
    for p in missing_preconditions(case):
        reasons.append(f"Confirm the precondition: {Precondition(p).label.lower()}")
    for a in missing_alternatives(case):
        reasons.append(f"Record what was done about: {Alternative(a).label.lower()}")
    if not key_officer_named_if_cross_directorate(case):
        reasons.append("Name a key officer: more than one directorate is involved")
    if not warning_given_or_skipped(case):
        reasons.append("Record a formal warning, or the reason for proceeding without one")
    return reasons


def customer_notified_and_council_informed(case) -> bool:
    """Section 2.4: the customer is told in writing and the senior manager informs staff;
    restrictions are not enforced before both have happened."""
    return case.customer_notified_on is not None and case.council_informed_at is not None


# --- after the decision (reviews/) -----------------------------------------------------------


def nobody(case, user) -> bool:
    """Steps only the system takes (the daily sweep): no person may."""
    return False


def review_overdue(case) -> bool:
    return case.review_due_on is not None and case.review_due_on < timezone.localdate()


def independence_problems(case, user) -> list[str]:
    """Why `user` may not decide a challenge to `case`; empty if they may (section 2.4).

    The reviewer is a senior manager holding the Independent Reviewer role who took no part
    in the case: not the decider, not the key officer or a named officer of its sanctions,
    and nobody who appears in its chronology as an actor.
    """
    problems = []
    if not has_role(user, Role.INDEPENDENT_REVIEWER):
        problems.append("They do not hold the Independent Reviewer role.")
    if not has_role(user, Role.SENIOR_MANAGER):
        problems.append("An independent reviewer must be a senior manager.")
    if case.decided_by_id == user.pk:
        problems.append("They made the decision being challenged.")
    if case.key_officer_id == user.pk:
        problems.append("They are the case's key officer.")
    if case.pk is not None:
        # Through `.all()`, so that a list of cases with these prefetched (the home page's
        # next steps) asks no query per case.
        if any(s.named_officer_id == user.pk for s in case.sanctions.all()):
            problems.append("They are the named officer of one of the sanctions.")
        taken = sorted(
            (e for e in case.events.all() if e.actor_id == user.pk), key=lambda e: (e.at, e.id)
        )
        event = taken[0] if taken else None
        if event is not None:
            problems.append(
                f"They took part in the case: '{event.summary}' "
                f"({event.at:%d %b %Y})."
            )
    return problems


def is_independent(case, user) -> bool:
    return not independence_problems(case, user)


def is_challenge_reviewer(case, user) -> bool:
    """The user is the independent reviewer assigned to a challenge of this case that is
    waiting for a decision, and is still independent of it."""
    return (
        case.challenges.under_review().filter(reviewer=user).exists()
        and is_independent(case, user)
    )


# Who may correct a record, or attach the customer's statement disputing it: the roles that
# record it, in the directorate it belongs to (a customer's details: any directorate that
# deals with them). A formal written warning is a service manager's step, so only managers
# correct it. An independent reviewer from another directorate reads the record and
# corrects nothing of it; a directorate that only shares the customer corrects only its own.
CORRECTING_ROLES = (Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER)
MANAGER_ROLES = (Role.SERVICE_MANAGER, Role.SENIOR_MANAGER)


def may_correct(user, directorate_ids, *, managers_only: bool = False) -> bool:
    """Whether `user` may correct a record of the directorates `directorate_ids` (a
    contact's, warning's or matter's own directorate; a customer's directorates), or attach
    the customer's dispute statement to it. `managers_only`: a formal written warning."""
    if not has_role(user, *(MANAGER_ROLES if managers_only else CORRECTING_ROLES)):
        return False
    mine = directorate_ids_for(user)
    return mine is None or bool(set(mine) & set(directorate_ids))
