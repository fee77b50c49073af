"""The designation case from referral to the senior manager's decision (steps 2 to 8).

Each step is one call of the workflow core (`cases.workflow.transition`): lock the case,
check the state the user saw, the transition's permission and the policy's guards, take
it, save with history and write the chronology entry, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import Directorate
from accounts.roles import Role, has_role
from cases import deadlines, rules, workflow
from cases.choices import CaseState, EventKind, WarningKind, WarningMethod, WarningSkipKind
from cases.models import Contact, Customer, DesignationCase, Indicator, Warning
from cases.services.common import link_customer_to, open_cases_of, require_directorate
from sanctions.checks import describe
from sanctions.services import build_sanctions, sanctions_come_into_force, save_sanctions
from ucp.dates import require_record_date
from ucp.errors import NotAllowed, ServiceError
from ucp.reasons import require_reason


@transaction.atomic
def case_refer(
    *,
    actor,
    customer: Customer,
    directorate: Directorate,
    reason: str,
    indicators: Iterable[Indicator],
    evidence_contacts: Iterable[Contact] = (),
    now: dt.datetime | None = None,
) -> tuple[DesignationCase, bool]:
    """Refer a customer to a manager (step 2). Returns the case and whether it is new.

    A customer has at most one open case. A referral from another directorate joins the
    open case and involves that directorate, so the council takes one cross-directorate
    approach (section 2.3) instead of running parallel processes.
    """
    require_directorate(actor, directorate)
    if not has_role(actor, Role.OFFICER):
        raise NotAllowed("Only officers refer customers.")
    reason = workflow.clean_text(reason, "why you are referring this customer")
    indicators = list(indicators)
    if not indicators:
        raise ServiceError("Choose at least one indicator you have seen.")
    evidence = list(evidence_contacts)
    if any(c.customer_id != customer.pk for c in evidence):
        raise ServiceError("Evidence contacts must be contacts with this customer.")

    # Lock the customer so two officers referring at once cannot open two cases.
    Customer.objects.select_for_update().get(pk=customer.pk)
    existing = open_cases_of(customer).select_for_update().first()
    now = workflow.now_or(now)
    if existing is not None:
        if existing.lead_directorate_id != directorate.pk:
            existing.involved_directorates.add(directorate)
        link_customer_to(customer, directorate)
        existing.referral_indicators.add(*indicators)
        existing.evidence_contacts.add(*evidence)
        workflow.record_event(
            existing,
            actor=actor,
            kind=EventKind.FURTHER_REFERRAL,
            summary=f"Further referral from {directorate.name}",
            details=reason,
            at=now,
        )
        return existing, False

    # A new case has no row to lock yet: the customer's lock above serialises referrals.
    case = DesignationCase(customer=customer, lead_directorate=directorate)
    workflow.refuse_unless_possible(case, "refer", actor=actor, what="This case")
    case.refer(by=actor, at=now, reason=reason)
    workflow.save(case, actor, at=now)
    case.referral_indicators.set(indicators)
    case.evidence_contacts.set(evidence)
    link_customer_to(customer, directorate)
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.REFER,
        summary=f"Referred to a manager by {workflow.person(actor)}",
        details=reason,
        from_state="",
        to_state=case.state,
        at=now,
    )
    return case, True


@transaction.atomic
def case_issue_formal_warning(
    *,
    actor,
    case: DesignationCase,
    expected_state: str | None = None,
    method: str,
    given_on: dt.date,
    behaviours: Iterable[Indicator],
    summary: str,
    now: dt.datetime | None = None,
) -> DesignationCase:
    """Step 4: the manager's written warning that the behaviour is unacceptable."""
    if method not in (WarningMethod.LETTER, WarningMethod.EMAIL):
        raise ServiceError("A formal warning is given in writing: choose letter or email.")
    behaviours = list(behaviours)
    if not behaviours:
        raise ServiceError("Choose at least one behaviour the warning is about.")
    summary = workflow.clean_text(summary, "what the warning says")
    require_record_date(given_on, "The date of the warning", now=now)

    def create_warning(locked: DesignationCase) -> dict:
        warning = Warning(
            customer_id=locked.customer_id,
            case=locked,
            directorate=locked.lead_directorate,
            kind=WarningKind.FORMAL,
            method=method,
            given_on=given_on,
            given_by=actor,
            summary=summary,
        )
        warning.full_clean()
        workflow.save(warning, actor)
        warning.behaviours.set(behaviours)
        return {"warning": warning}

    return workflow.transition(
        case,
        "issue_formal_warning",
        actor=actor,
        expected_state=expected_state,
        summary=f"Formal written warning issued ({WarningMethod(method).label.lower()})",
        details=summary,
        before=create_warning,
        now=now,
    )


@transaction.atomic
def case_skip_warning(
    *,
    actor,
    case: DesignationCase,
    expected_state: str | None = None,
    kind: str,
    reason: str,
    now: dt.datetime | None = None,
) -> DesignationCase:
    """Steps 3 and 4: proceed without a warning, for safety or because it would not work."""
    if kind not in rules.skip_kinds_allowed(actor):
        raise NotAllowed(
            "Only a senior manager may decide that a warning would have no effect."
            if kind == WarningSkipKind.INEFFECTIVE
            else "Choose a reason for proceeding without a warning."
        )
    reason = workflow.clean_text(reason, "the reason for proceeding without a warning")
    now = workflow.now_or(now)
    return workflow.transition(
        case,
        "skip_warning",
        actor=actor,
        expected_state=expected_state,
        summary=f"Proceeding without a warning: {WarningSkipKind(kind).label}",
        details=reason,
        now=now,
        kind=kind,
        reason=reason,
        by=actor,
        at=now,
    )


def _closing_step(name: str, what: str, summary: str, *, closes: bool = True):
    """A step whose only input is a note: the ways a case closes, moves on or goes back
    for more work before the decision."""

    @transaction.atomic
    def step(
        *,
        actor,
        case: DesignationCase,
        expected_state: str | None = None,
        note: str,
        now: dt.datetime | None = None,
    ) -> DesignationCase:
        note = workflow.clean_text(note, what)
        now = workflow.now_or(now)
        extra = {"note": note, "at": now} if closes else {}
        return workflow.transition(
            case, name, actor=actor, expected_state=expected_state, summary=summary,
            details=note, now=now, **extra,
        )

    step.__name__ = step.__qualname__ = f"case_{name}"
    step.__doc__ = f"{summary}. `note` is required: {what}."
    return step


case_close_referral = _closing_step(
    "close_referral", "why no further action is needed", "Closed: referral not taken forward"
)
case_behaviour_continued = _closing_step(
    "behaviour_continued", "what behaviour continued after the warning",
    "Behaviour continued after the warning: assessment begins", closes=False,
)
case_behaviour_stopped = _closing_step(
    "behaviour_stopped", "how the behaviour has changed",
    "Closed: behaviour stopped after the warning",
)
case_close_precondition_failed = _closing_step(
    "close_precondition_failed", "which precondition failed and how it is being put right",
    "Closed: a precondition failed and is being put right",
)
case_return_for_more_work = _closing_step(
    "return_for_more_work", "what more work is needed",
    "Returned to the service manager for more work", closes=False,
)


@transaction.atomic
def case_submit_for_decision(
    *,
    actor,
    case: DesignationCase,
    expected_state: str | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> DesignationCase:
    return workflow.transition(
        case, "submit_for_decision", actor=actor, expected_state=expected_state,
        summary="Submitted to a senior manager for a decision", details=note.strip(), now=now,
    )


def _designation_details(reasons: str, saved: list) -> str:
    lines = [reasons, "", "Sanctions:"]
    for sanction in saved:
        scope = (
            f"Council-wide: {sanction.council_wide_justification}"
            if sanction.council_wide
            else "Covers " + ", ".join(d.name for d in sanction.directorates.all())
        )
        lines.append(
            f"- {sanction.get_kind_display()}, {sanction.starts_on:%d %b %Y} to "
            f"{sanction.ends_on:%d %b %Y}: {sanction.reasons} "
            f"[{'; '.join(describe([sanction]))}. {scope}.]"
        )
    return "\n".join(lines)


@transaction.atomic
def case_designate(
    *,
    actor,
    case: DesignationCase,
    expected_state: str | None = None,
    reasons: str,
    indicators: Iterable[Indicator],
    sanctions: Iterable[dict] = (),
    now: dt.datetime | None = None,
) -> DesignationCase:
    """Step 8: designate, with the proportionate, dated and scoped sanctions chosen.

    The designation is not in force until the customer's letter is issued and the council
    informed (`case_activate_if_ready`).
    """
    # The customer's letter gives these reasons: they must be reasons.
    reasons = require_reason(reasons, "the reasons for the decision")
    indicators = list(indicators)
    if not indicators:
        raise ServiceError("Choose the indicators the decision relies on.")
    now = workflow.now_or(now)
    saved: list = []

    def validate_and_save_sanctions(locked: DesignationCase) -> dict:
        # Saved before the transition, inside its transaction, so the chronology can say
        # what each one means and where it applies; a refused transition rolls them back.
        today = timezone.localdate(now)
        built = build_sanctions(
            actor=actor, case=locked, specs=sanctions, designated_on=today,
            review_on=deadlines.review_due(today),
        )
        saved.extend(save_sanctions(actor=actor, built=built))
        return {}

    case = workflow.transition(
        case, "designate", actor=actor, expected_state=expected_state,
        summary="Designated as an unreasonable or unreasonably persistent customer",
        details=lambda: _designation_details(reasons, saved),
        before=validate_and_save_sanctions, now=now,
        by=actor, at=now, reasons=reasons,
    )
    case.decision_indicators.set(indicators)
    return case


@transaction.atomic
def case_activate_if_ready(
    *, actor, case: DesignationCase, now: dt.datetime | None = None
) -> DesignationCase:
    """Put the designation in force once the letter is issued and the council informed.

    Called by the letter and notification services after each of the two steps; does
    nothing until both are done.
    """
    locked = workflow.lock_case(case)
    if locked.state != CaseState.DESIGNATED or not rules.customer_notified_and_council_informed(
        locked
    ):
        return locked
    now = workflow.now_or(now)
    locked = workflow.transition(
        locked, "activate", actor=actor, expected_state=CaseState.DESIGNATED,
        summary="Designation in force: the customer has been told and the council informed",
        now=now,
    )
    # From this instant, not from the start of the day: a call at 19:30 before the
    # council was informed at 20:02 was not restricted.
    sanctions_come_into_force(actor=actor, case=locked, at=now)
    return locked


@transaction.atomic
def case_decline(
    *,
    actor,
    case: DesignationCase,
    expected_state: str | None = None,
    reasons: str,
    now: dt.datetime | None = None,
) -> DesignationCase:
    reasons = workflow.clean_text(reasons, "the reasons for not designating")
    now = workflow.now_or(now)
    return workflow.transition(
        case, "decline", actor=actor, expected_state=expected_state,
        summary="Closed: the senior manager decided not to designate", details=reasons,
        now=now, by=actor, at=now, reasons=reasons,
    )
