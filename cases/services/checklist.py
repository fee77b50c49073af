"""The service manager's checklist before a decision (steps 5 to 7): the five
preconditions, the alternatives considered, and the co-ordination across directorates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Directorate
from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases import rules, workflow
from cases.choices import Alternative, CaseState, EventKind, Precondition
from cases.models import AlternativeConsideration, DesignationCase, PreconditionCheck
from cases.services.common import link_customer_to
from ucp.dates import require_record_date
from ucp.errors import CaseChanged, NotAllowed, ServiceError

CHECKLIST_STATES = (CaseState.REFERRED, CaseState.WARNED, CaseState.ASSESSMENT)


def _lock_for_checklist(actor, case: DesignationCase) -> DesignationCase:
    case = workflow.lock_case(case)
    if case.state not in CHECKLIST_STATES:
        raise CaseChanged(
            f"The checklist can no longer be changed: the case is "
            f"'{case.get_state_display()}'. Nothing was saved."
        )
    if not rules.is_service_manager(case, actor):
        raise NotAllowed("Only a service manager for this case can record the checklist.")
    return case


@transaction.atomic
def precondition_record(
    *,
    actor,
    case: DesignationCase,
    precondition: str,
    met: bool,
    note: str,
    confirmed_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PreconditionCheck:
    case = _lock_for_checklist(actor, case)
    if precondition not in Precondition.values:
        raise ServiceError("Choose a precondition from the list.")
    note = workflow.clean_text(note, "a note of how you satisfied yourself")
    today = timezone.localdate(workflow.now_or(now))
    confirmed_on = confirmed_on or today
    require_record_date(confirmed_on, "The date confirmed", now=now)
    check = PreconditionCheck.objects.filter(case=case, precondition=precondition).first()
    check = check or PreconditionCheck(case=case, precondition=precondition)
    check.met = met
    check.confirmed_by = actor
    check.confirmed_on = confirmed_on
    check.note = note
    workflow.save(check, actor)
    label = Precondition(precondition).label
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.PRECONDITION,
        summary=(f"Precondition confirmed: {label}" if met else f"Precondition NOT met: {label}"),
        details=note,
        at=now,
    )
    return check


@transaction.atomic
def alternative_record(
    *,
    actor,
    case: DesignationCase,
    alternative: str,
    outcome: str,
    reason: str,
    now: dt.datetime | None = None,
) -> AlternativeConsideration:
    case = _lock_for_checklist(actor, case)
    if alternative not in Alternative.values:
        raise ServiceError("Choose an alternative from the list.")
    reason = workflow.clean_text(reason, "the reason")
    record = AlternativeConsideration.objects.filter(case=case, alternative=alternative).first()
    record = record or AlternativeConsideration(case=case, alternative=alternative)
    record.outcome = outcome
    record.reason = reason
    record.recorded_by = actor
    record.recorded_on = timezone.localdate(workflow.now_or(now))
    record.full_clean()
    workflow.save(record, actor)
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.ALTERNATIVE,
        summary=f"Alternative recorded: {Alternative(alternative).label} – "
        f"{record.get_outcome_display()}",
        details=reason,
        at=now,
    )
    return record


# `deciding_manager` left out: keep the one the case names (None would clear it).
NOT_GIVEN: Any = object()


def _works_in(user, directorate_ids: set[int]) -> bool:
    ids = directorate_ids_for(user)
    return ids is None or bool(set(ids) & directorate_ids)


@transaction.atomic
def case_set_coordination(
    *,
    actor,
    case: DesignationCase,
    involved_directorates: Iterable[Directorate],
    key_officer,
    deciding_manager=NOT_GIVEN,
    now: dt.datetime | None = None,
) -> DesignationCase:
    """Which other directorates are involved, the key officer who co-ordinates, and the
    senior manager named to decide (if not the lead directorate's; `rules.may_decide`)."""
    case = _lock_for_checklist(actor, case)
    involved = [d for d in involved_directorates if d.pk != case.lead_directorate_id]
    case_directorate_ids = {case.lead_directorate_id, *(d.pk for d in involved)}
    if key_officer is not None and not _works_in(key_officer, case_directorate_ids):
        raise ServiceError("The key officer must work in one of the case's directorates.")
    if deciding_manager is NOT_GIVEN:
        deciding_manager = case.deciding_manager
    if deciding_manager is not None:
        if not has_role(deciding_manager, Role.SENIOR_MANAGER) or not deciding_manager.is_active:
            raise ServiceError("The person named to decide must be an active senior manager.")
        if not _works_in(deciding_manager, case_directorate_ids):
            raise ServiceError(
                "The senior manager named to decide must work in one of the case's "
                "directorates."
            )
    before_dirs = sorted(d.name for d in case.involved_directorates.all())
    before_officer = case.key_officer
    before_decider = case.deciding_manager
    case.key_officer = key_officer
    case.deciding_manager = deciding_manager
    workflow.save(case, actor)
    case.involved_directorates.set(involved)
    workflow.case_changed(case.pk)
    for d in involved:
        link_customer_to(case.customer, d)
    after_dirs = sorted(d.name for d in involved)
    changes = []
    if before_dirs != after_dirs:
        changes.append(
            f"Directorates involved: {', '.join(before_dirs) or 'none'} → "
            f"{', '.join(after_dirs) or 'none'}"
        )
    if before_officer != key_officer:
        changes.append(
            f"Key officer: {workflow.person(before_officer) if before_officer else 'none'} → "
            f"{workflow.person(key_officer) if key_officer else 'none'}"
        )
    if before_decider != deciding_manager:
        changes.append(
            "Senior manager named to decide: "
            f"{workflow.person(before_decider) if before_decider else 'none'} → "
            f"{workflow.person(deciding_manager) if deciding_manager else 'none'}"
        )
    if changes:
        workflow.record_event(
            case, actor=actor, kind=EventKind.COORDINATION, summary="; ".join(changes)[:300],
            at=now,
        )
    return case
