"""Every write to customers, contacts, warnings and cases goes through here.

Views, admin actions, management commands and tasks call these functions; none of them
assigns state or writes an event itself. Each service is atomic: it either saves the change,
its history and its chronology entry together, or nothing at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import Directorate
from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases import rules
from cases.models import (
    OPEN_STATES,
    Alternative,
    AlternativeConsideration,
    CaseEvent,
    CaseState,
    Contact,
    ContactAttachment,
    Customer,
    DesignationCase,
    Indicator,
    Matter,
    Precondition,
    PreconditionCheck,
    Warning,
    WarningKind,
    WarningMethod,
    WarningSkipKind,
)
from ucp.errors import CaseChanged, NotAllowed, ServiceError

# --- helpers ------------------------------------------------------------------------------


def _save(obj, actor) -> None:
    # simple-history takes the user from the request when there is one; services also run
    # from commands and tasks, so they say who acted themselves.
    obj._history_user = actor
    obj.save()


def _require_directorate(actor, directorate: Directorate) -> None:
    ids = directorate_ids_for(actor)
    if ids is not None and directorate.pk not in ids:
        raise NotAllowed(f"You do not work in {directorate.name}.")


def _link_customer_to(customer: Customer, directorate: Directorate) -> None:
    if not customer.directorates.filter(pk=directorate.pk).exists():
        customer.directorates.add(directorate)


def _event(
    case: DesignationCase,
    *,
    actor,
    kind: str,
    summary: str,
    details: str = "",
    from_state: str = "",
    to_state: str = "",
    at: dt.datetime | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        at=at or timezone.now(),
        from_state=from_state,
        to_state=to_state,
        summary=summary[:300],
        details=details,
    )
    _save(event, actor)
    return event


def _open_cases_of(customer: Customer):
    return DesignationCase.objects.filter(customer=customer, state__in=OPEN_STATES)


def _cases_recording_contacts(customer: Customer):
    """Cases whose chronology records new contacts: open ones, and designations being
    monitored (section 2.2: "arrangements ... for recording and monitoring")."""
    return DesignationCase.objects.filter(
        customer=customer, state__in=(*OPEN_STATES, CaseState.DESIGNATED, CaseState.ACTIVE)
    )


def _lock_case(case: DesignationCase, expected_state: str | None) -> DesignationCase:
    # of=("self",): lock the case row only, not the joined directorate (which would
    # serialise every case in the directorate).
    locked = (
        DesignationCase.objects.select_for_update(of=("self",))
        .select_related("lead_directorate")
        .get(pk=case.pk)
    )
    if expected_state is not None and locked.state != expected_state:
        raise CaseChanged()
    return locked


def _not_in_future(value: dt.date | dt.datetime, what: str) -> None:
    # A few minutes' grace: the officer's clock and the server's are not the same clock.
    if isinstance(value, dt.datetime):
        late = value > timezone.now() + dt.timedelta(minutes=5)
    else:
        late = value > timezone.localdate()
    if late:
        raise ServiceError(f"{what} cannot be in the future.")


def _clean_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(f"Enter {what}.")
    return value


# --- customers and matters -----------------------------------------------------------------


@transaction.atomic
def customer_create(*, actor, directorate: Directorate, **fields) -> Customer:
    _require_directorate(actor, directorate)
    customer = Customer(**fields)
    customer.full_clean()
    _save(customer, actor)
    customer.directorates.add(directorate)
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, **fields) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    _save(customer, actor)
    for case in _open_cases_of(customer):
        _event(case, actor=actor, kind="customer_updated", summary="Customer's details updated")
    return customer


@transaction.atomic
def matter_create(*, actor, customer: Customer, directorate: Directorate, **fields) -> Matter:
    _require_directorate(actor, directorate)
    matter = Matter(customer=customer, directorate=directorate, created_by=actor, **fields)
    matter.full_clean()
    _save(matter, actor)
    _link_customer_to(customer, directorate)
    return matter


@transaction.atomic
def matter_update(*, actor, matter: Matter, **fields) -> Matter:
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    _require_directorate(actor, matter.directorate)
    for name, value in fields.items():
        setattr(matter, name, value)
    matter.full_clean()
    _save(matter, actor)
    return matter


# --- contacts and informal warnings --------------------------------------------------------


@transaction.atomic
def contact_log(
    *,
    actor,
    customer: Customer,
    directorate: Directorate,
    channel: str,
    direction: str,
    occurred_at: dt.datetime,
    handled_by,
    summary: str,
    duration_minutes: int | None = None,
    recipients: int = 1,
    matter: Matter | None = None,
    indicators: Iterable[Indicator] = (),
    files: Iterable = (),
    witness_present: bool = False,
) -> Contact:
    """Record one contact and check it against the restrictions in force.

    A breach is recorded on the contact (`contact.verdict` holds the result) and never
    stops the contact being saved: the record of what happened comes first.
    """
    _require_directorate(actor, directorate)
    if matter is not None and matter.customer_id != customer.pk:
        raise ServiceError("That matter belongs to another customer.")
    _not_in_future(occurred_at, "The time of the contact")
    contact = Contact(
        customer=customer,
        matter=matter,
        directorate=directorate,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        handled_by=handled_by,
        recipients=recipients,
        summary=summary,
        logged_by=actor,
    )
    contact.full_clean()
    _save(contact, actor)
    indicators = list(indicators)
    if indicators:
        contact.indicators.set(indicators)
    for upload in files:
        attachment = ContactAttachment(
            contact=contact,
            original_name=upload.name[:255],
            content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:120],
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        _save(attachment, actor)
    _link_customer_to(customer, directorate)
    from sanctions.services import check_logged_contact

    contact.verdict = check_logged_contact(
        actor=actor, contact=contact, witness_present=witness_present
    )
    for case in _cases_recording_contacts(customer):
        seen = f" Indicators: {', '.join(i.text for i in indicators)}." if indicators else ""
        breaches = contact.verdict.breaches
        if breaches:
            seen += " Outside the restrictions: " + " ".join(b.message for b in breaches)
        _event(
            case,
            actor=actor,
            kind="contact_logged",
            summary=f"{contact.get_channel_display()} contact logged"[:300],
            details=f"{summary}{seen}",
        )
    return contact


@transaction.atomic
def warning_give_informal(
    *,
    actor,
    customer: Customer,
    directorate: Directorate,
    method: str,
    given_on: dt.date,
    behaviours: Iterable[Indicator],
    summary: str,
) -> Warning:
    """An officer's on-the-spot warning (step 1). It is evidence, not a workflow step."""
    _require_directorate(actor, directorate)
    if not has_role(actor, Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER):
        raise NotAllowed("Only officers and managers give warnings.")
    behaviours = list(behaviours)
    if not behaviours:
        raise ServiceError("Choose at least one behaviour the warning is about.")
    _not_in_future(given_on, "The date of the warning")
    warning = Warning(
        customer=customer,
        directorate=directorate,
        kind=WarningKind.INFORMAL,
        method=method,
        given_on=given_on,
        given_by=actor,
        summary=_clean_text(summary, "what the customer was told"),
    )
    warning.full_clean()
    _save(warning, actor)
    warning.behaviours.set(behaviours)
    _link_customer_to(customer, directorate)
    for case in _open_cases_of(customer):
        _event(case, actor=actor, kind="informal_warning", summary="Informal warning given",
               details=warning.summary)
    return warning


# --- the designation case ------------------------------------------------------------------


@transaction.atomic
def case_refer(
    *,
    actor,
    customer: Customer,
    directorate: Directorate,
    reason: str,
    indicators: Iterable[Indicator],
    evidence_contacts: Iterable[Contact] = (),
) -> tuple[DesignationCase, bool]:
    """Refer a customer to a manager (step 2). Returns the case and whether it is new.

    A customer has at most one open case. A referral from another directorate joins the
    open case and involves that directorate, so the council takes one cross-directorate
    approach (section 2.3) instead of running parallel processes.
    """
    _require_directorate(actor, directorate)
    if not has_role(actor, Role.OFFICER):
        raise NotAllowed("Only officers refer customers.")
    reason = _clean_text(reason, "why you are referring this customer")
    indicators = list(indicators)
    if not indicators:
        raise ServiceError("Choose at least one indicator you have seen.")
    evidence = list(evidence_contacts)
    if any(c.customer_id != customer.pk for c in evidence):
        raise ServiceError("Evidence contacts must be contacts with this customer.")

    # Lock the customer so two officers referring at once cannot open two cases.
    Customer.objects.select_for_update().get(pk=customer.pk)
    existing = _open_cases_of(customer).select_for_update().first()
    now = timezone.now()
    if existing is not None:
        if existing.lead_directorate_id != directorate.pk:
            existing.involved_directorates.add(directorate)
        _link_customer_to(customer, directorate)
        existing.referral_indicators.add(*indicators)
        existing.evidence_contacts.add(*evidence)
        _event(
            existing,
            actor=actor,
            kind="further_referral",
            summary=f"Further referral from {directorate.name}",
            details=reason,
        )
        return existing, False

    case = DesignationCase(customer=customer, lead_directorate=directorate)
    case.refer(by=actor, at=now, reason=reason)
    _save(case, actor)
    case.referral_indicators.set(indicators)
    case.evidence_contacts.set(evidence)
    _link_customer_to(customer, directorate)
    _event(
        case,
        actor=actor,
        kind="refer",
        summary=f"Referred to a manager by {actor.get_full_name() or actor.get_username()}",
        details=reason,
        from_state="",
        to_state=case.state,
        at=now,
    )
    return case, True


def _run_transition(
    case: DesignationCase,
    name: str,
    *,
    actor,
    expected_state: str | None,
    summary: str,
    details: str | Callable[[], str] = "",
    before=None,
    **kwargs,
) -> DesignationCase:
    """Lock the case, check state, permission and guards, transition, save, log.

    Must be called inside a transaction. `before(case)` runs on the locked case before the
    transition, for work such as creating the warning the transition records.
    """
    case = _lock_case(case, expected_state)
    method = getattr(case, name)
    if not can_proceed(method, check_conditions=False):
        raise CaseChanged(
            f"This case is now '{case.get_state_display()}', so that step is no longer "
            "possible. Nothing was saved."
        )
    transition_meta = method._django_fsm.get_transition(case.state)
    if not transition_meta.has_perm(case, actor):
        raise NotAllowed("Your role does not allow you to take this step on this case.")
    if not can_proceed(method):
        raise NotAllowed(
            "This step is not possible yet.", reasons=rules.unmet_guards(case)
        )
    if before is not None:
        kwargs.update(before(case) or {})
    from_state = case.state
    method(**kwargs)
    try:
        _save(case, actor)
    except ConcurrentTransition as exc:  # pragma: no cover - the row lock makes this rare
        raise CaseChanged() from exc
    _event(
        case,
        actor=actor,
        kind=name,
        summary=summary,
        details=details() if callable(details) else details,
        from_state=from_state,
        to_state=case.state,
    )
    return case


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
) -> DesignationCase:
    """Step 4: the manager's written warning that the behaviour is unacceptable."""
    if method not in (WarningMethod.LETTER, WarningMethod.EMAIL):
        raise ServiceError("A formal warning is given in writing: choose letter or email.")
    behaviours = list(behaviours)
    if not behaviours:
        raise ServiceError("Choose at least one behaviour the warning is about.")
    summary = _clean_text(summary, "what the warning says")
    _not_in_future(given_on, "The date of the warning")

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
        _save(warning, actor)
        warning.behaviours.set(behaviours)
        return {"warning": warning}

    return _run_transition(
        case,
        "issue_formal_warning",
        actor=actor,
        expected_state=expected_state,
        summary=f"Formal written warning issued ({WarningMethod(method).label.lower()})",
        details=summary,
        before=create_warning,
    )


@transaction.atomic
def case_skip_warning(
    *, actor, case: DesignationCase, expected_state: str | None = None, kind: str, reason: str
) -> DesignationCase:
    """Steps 3 and 4: proceed without a warning, for safety or because it would not work."""
    if kind not in rules.skip_kinds_allowed(actor):
        raise NotAllowed(
            "Only a senior manager may decide that a warning would have no effect."
            if kind == WarningSkipKind.INEFFECTIVE
            else "Choose a reason for proceeding without a warning."
        )
    reason = _clean_text(reason, "the reason for proceeding without a warning")
    return _run_transition(
        case,
        "skip_warning",
        actor=actor,
        expected_state=expected_state,
        summary=f"Proceeding without a warning: {WarningSkipKind(kind).label}",
        details=reason,
        kind=kind,
        reason=reason,
        by=actor,
        at=timezone.now(),
    )


@transaction.atomic
def case_close_referral(
    *, actor, case: DesignationCase, expected_state: str | None = None, note: str
) -> DesignationCase:
    note = _clean_text(note, "why no further action is needed")
    return _run_transition(
        case, "close_referral", actor=actor, expected_state=expected_state,
        summary="Closed: referral not taken forward", details=note, note=note, at=timezone.now(),
    )


@transaction.atomic
def case_behaviour_continued(
    *, actor, case: DesignationCase, expected_state: str | None = None, note: str
) -> DesignationCase:
    note = _clean_text(note, "what behaviour continued after the warning")
    return _run_transition(
        case, "behaviour_continued", actor=actor, expected_state=expected_state,
        summary="Behaviour continued after the warning: assessment begins", details=note,
    )


@transaction.atomic
def case_behaviour_stopped(
    *, actor, case: DesignationCase, expected_state: str | None = None, note: str
) -> DesignationCase:
    note = _clean_text(note, "how the behaviour has changed")
    return _run_transition(
        case, "behaviour_stopped", actor=actor, expected_state=expected_state,
        summary="Closed: behaviour stopped after the warning", details=note,
        note=note, at=timezone.now(),
    )


@transaction.atomic
def case_close_precondition_failed(
    *, actor, case: DesignationCase, expected_state: str | None = None, note: str
) -> DesignationCase:
    note = _clean_text(note, "which precondition failed and how it is being put right")
    return _run_transition(
        case, "close_precondition_failed", actor=actor, expected_state=expected_state,
        summary="Closed: a precondition failed and is being put right", details=note,
        note=note, at=timezone.now(),
    )


@transaction.atomic
def case_submit_for_decision(
    *, actor, case: DesignationCase, expected_state: str | None = None, note: str = ""
) -> DesignationCase:
    return _run_transition(
        case, "submit_for_decision", actor=actor, expected_state=expected_state,
        summary="Submitted to a senior manager for a decision", details=note.strip(),
    )


@transaction.atomic
def case_designate(
    *,
    actor,
    case: DesignationCase,
    expected_state: str | None = None,
    reasons: str,
    indicators: Iterable[Indicator],
    sanctions: Iterable[dict] = (),
) -> DesignationCase:
    """Step 8: designate, with the proportionate, dated and scoped sanctions chosen.

    The designation is not in force until the customer's letter is issued and the council
    informed (`case_activate_if_ready`).
    """
    from sanctions.services import build_sanctions, save_sanctions

    reasons = _clean_text(reasons, "the reasons for the decision")
    indicators = list(indicators)
    if not indicators:
        raise ServiceError("Choose the indicators the decision relies on.")
    saved: list = []

    def validate_and_save_sanctions(locked: DesignationCase) -> dict:
        # Saved before the transition, inside its transaction, so the chronology can say
        # what each one means and where it applies; a refused transition rolls them back.
        built = build_sanctions(
            actor=actor, case=locked, specs=sanctions, designated_on=timezone.localdate()
        )
        saved.extend(save_sanctions(actor=actor, built=built))
        return {}

    def details() -> str:
        from sanctions.checks import describe

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

    case = _run_transition(
        case, "designate", actor=actor, expected_state=expected_state,
        summary="Designated as an unreasonable or unreasonably persistent customer",
        details=details, before=validate_and_save_sanctions,
        by=actor, at=timezone.now(), reasons=reasons,
    )
    case.decision_indicators.set(indicators)
    return case


@transaction.atomic
def case_activate_if_ready(*, actor, case: DesignationCase) -> DesignationCase:
    """Put the designation in force once the letter is issued and the council informed.

    Called by the letter and notification services after each of the two steps; does
    nothing until both are done.
    """
    locked = _lock_case(case, None)
    if locked.state != CaseState.DESIGNATED or not rules.customer_notified_and_council_informed(
        locked
    ):
        return locked
    return _run_transition(
        locked, "activate", actor=actor, expected_state=CaseState.DESIGNATED,
        summary="Designation in force: the customer has been told and the council informed",
    )


@transaction.atomic
def case_decline(
    *, actor, case: DesignationCase, expected_state: str | None = None, reasons: str
) -> DesignationCase:
    reasons = _clean_text(reasons, "the reasons for not designating")
    return _run_transition(
        case, "decline", actor=actor, expected_state=expected_state,
        summary="Closed: the senior manager decided not to designate", details=reasons,
        by=actor, at=timezone.now(), reasons=reasons,
    )


@transaction.atomic
def case_return_for_more_work(
    *, actor, case: DesignationCase, expected_state: str | None = None, note: str
) -> DesignationCase:
    note = _clean_text(note, "what more work is needed")
    return _run_transition(
        case, "return_for_more_work", actor=actor, expected_state=expected_state,
        summary="Returned to the service manager for more work", details=note,
    )


# --- checklist: preconditions, alternatives, key officer ----------------------------------

CHECKLIST_STATES = (CaseState.REFERRED, CaseState.WARNED, CaseState.ASSESSMENT)


def _lock_for_checklist(actor, case: DesignationCase) -> DesignationCase:
    case = _lock_case(case, None)
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
) -> PreconditionCheck:
    case = _lock_for_checklist(actor, case)
    if precondition not in Precondition.values:
        raise ServiceError("Choose a precondition from the list.")
    note = _clean_text(note, "a note of how you satisfied yourself")
    today = timezone.localdate()
    confirmed_on = confirmed_on or today
    if confirmed_on > today:
        raise ServiceError("The date confirmed cannot be in the future.")
    check = PreconditionCheck.objects.filter(case=case, precondition=precondition).first()
    check = check or PreconditionCheck(case=case, precondition=precondition)
    check.met = met
    check.confirmed_by = actor
    check.confirmed_on = confirmed_on
    check.note = note
    _save(check, actor)
    label = Precondition(precondition).label
    _event(
        case,
        actor=actor,
        kind="precondition",
        summary=(f"Precondition confirmed: {label}" if met else f"Precondition NOT met: {label}"),
        details=note,
    )
    return check


@transaction.atomic
def alternative_record(
    *, actor, case: DesignationCase, alternative: str, outcome: str, reason: str
) -> AlternativeConsideration:
    case = _lock_for_checklist(actor, case)
    if alternative not in Alternative.values:
        raise ServiceError("Choose an alternative from the list.")
    reason = _clean_text(reason, "the reason")
    record = AlternativeConsideration.objects.filter(case=case, alternative=alternative).first()
    record = record or AlternativeConsideration(case=case, alternative=alternative)
    record.outcome = outcome
    record.reason = reason
    record.recorded_by = actor
    record.recorded_on = timezone.localdate()
    record.full_clean()
    _save(record, actor)
    _event(
        case,
        actor=actor,
        kind="alternative",
        summary=f"Alternative recorded: {Alternative(alternative).label} – "
        f"{record.get_outcome_display()}",
        details=reason,
    )
    return record


@transaction.atomic
def case_set_coordination(
    *,
    actor,
    case: DesignationCase,
    involved_directorates: Iterable[Directorate],
    key_officer,
) -> DesignationCase:
    """Which other directorates are involved, and the key officer who co-ordinates."""
    case = _lock_for_checklist(actor, case)
    involved = [d for d in involved_directorates if d.pk != case.lead_directorate_id]
    case_directorate_ids = {case.lead_directorate_id, *(d.pk for d in involved)}
    if key_officer is not None:
        officer_dirs = set(
            key_officer.staff_profile.directorates.values_list("id", flat=True)
        ) if hasattr(key_officer, "staff_profile") else set()
        if not officer_dirs & case_directorate_ids:
            raise ServiceError("The key officer must work in one of the case's directorates.")
    before_dirs = sorted(d.name for d in case.involved_directorates.all())
    before_officer = case.key_officer
    case.key_officer = key_officer
    _save(case, actor)
    case.involved_directorates.set(involved)
    for d in involved:
        _link_customer_to(case.customer, d)
    after_dirs = sorted(d.name for d in involved)
    changes = []
    if before_dirs != after_dirs:
        changes.append(
            f"Directorates involved: {', '.join(before_dirs) or 'none'} → "
            f"{', '.join(after_dirs) or 'none'}"
        )
    if before_officer != key_officer:
        def name(u):
            return (u.get_full_name() or u.get_username()) if u else "none"

        changes.append(f"Key officer: {name(before_officer)} → {name(key_officer)}")
    if changes:
        _event(case, actor=actor, kind="coordination", summary="; ".join(changes)[:300])
    return case

