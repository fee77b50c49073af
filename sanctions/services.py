"""Writes for sanctions: creating them with a designation, recording breaches on contacts,
reading what was filed, and ending or renewing them. Called from the case and review
services inside their transactions; saved with history through the workflow core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, has_role
from cases import workflow
from cases.choices import EventKind
from cases.models import Contact, DesignationCase
from outbox.services import enqueue
from sanctions.checks import Verdict, allowed_channels, check_contact
from sanctions.models import (
    ContactBreach,
    FiledItem,
    Sanction,
    SanctionKind,
    SanctionStatus,
    to_the_minute,
)
from ucp.errors import NotAllowed, ServiceError
from ucp.reasons import reason_problem

M2M_FIELDS = ("directorates", "matters", "evidence_contacts")


def build_sanctions(
    *,
    actor,
    case: DesignationCase,
    specs: Iterable[Mapping[str, Any]],
    designated_on: dt.date,
    review_on: dt.date | None,
) -> list[tuple[Sanction, dict[str, list]]]:
    """Validate the sanctions chosen with a designation, without saving them.

    Every one must be typed and dated, scoped to the services affected, end no later than
    the six-month review, and together they must leave the customer some way to contact
    the council. Raises ServiceError (with a reason per problem) if not.
    """
    # A variation (on challenge or at a review) starts on the day it is decided and ends by
    # the review date in force; a designation's sanctions by its first review. The caller
    # says which: the customer's letter gives the date, so it is never filled in here.
    if review_on is None:
        raise ServiceError(
            "There is no review date for the sanctions to end by. Set the date of the "
            "next review first."
        )
    case_directorates = {
        case.lead_directorate_id,
        *(d.pk for d in case.involved_directorates.all()),
    }
    built: list[tuple[Sanction, dict[str, list]]] = []
    problems: list[str] = []
    for spec in specs:
        spec = dict(spec)
        m2m = {name: list(spec.pop(name, []) or []) for name in M2M_FIELDS}
        sanction = Sanction(case=case, created_by=actor, **spec)
        label = SanctionKind(sanction.kind).label if sanction.kind in SanctionKind.values else "?"
        try:
            sanction.full_clean(exclude=["case", "created_by"])
        except ValidationError as exc:
            problems += [f"{label}: {m}" for msgs in exc.message_dict.values() for m in msgs]
            continue
        # The customer's letter says why each sanction is needed.
        problem = reason_problem(sanction.reasons)
        if problem:
            problems.append(f"{label}: explain why it is needed in {problem}")
        if sanction.starts_on < designated_on:
            problems.append(
                f"{label}: it cannot start before the decision ({designated_on:%d %B %Y})"
            )
        if sanction.ends_on > review_on:
            problems.append(
                f"{label}: it must end by the six-month review on {review_on:%d %B %Y}; "
                "restrictions are never open-ended"
            )
        if not sanction.council_wide:
            chosen = {d.pk for d in m2m["directorates"]}
            if not chosen:
                problems.append(f"{label}: choose the service or services it covers")
            elif not chosen <= case_directorates:
                problems.append(
                    f"{label}: it can only cover directorates involved in this case; "
                    "a wider scope needs the council-wide option and a justification"
                )
        if sanction.kind == SanctionKind.REFUSE_COMPLAINTS:
            if not m2m["matters"]:
                problems.append(f"{label}: choose the matter or matters refused")
            elif any(m.customer_id != case.customer_id for m in m2m["matters"]):
                problems.append(f"{label}: the matters must be this customer's")
        if any(c.customer_id != case.customer_id for c in m2m["evidence_contacts"]):
            problems.append(f"{label}: evidence must be contacts with this customer")
        built.append((sanction, m2m))
    if not built and not problems:
        problems.append(
            "Choose at least one sanction: a designation without one restricts "
            "nothing and cannot be made"
        )
    if built and not problems and not allowed_channels([s for s, _ in built]):
        problems.append(
            "These sanctions together leave the customer no way to contact the council. "
            "Restrict contact; do not remove it"
        )
    if problems:
        raise ServiceError("The sanctions cannot be used as chosen.", reasons=problems)
    return built


@transaction.atomic
def save_sanctions(*, actor, built: list[tuple[Sanction, dict[str, list]]]) -> list[Sanction]:
    saved = []
    for sanction, m2m in built:
        workflow.save(sanction, actor)
        for name, values in m2m.items():
            if values:
                getattr(sanction, name).set(values)
        saved.append(sanction)
    return saved


@transaction.atomic
def record_check(*, actor, contact: Contact, verdict: Verdict) -> list[ContactBreach]:
    """Store the breaches found when a contact was logged; file what must be filed."""
    breaches = []
    for b in verdict.breaches:
        breach = ContactBreach(
            contact=contact, sanction_id=b.sanction_id, message=b.message[:400], filed=b.filed
        )
        workflow.save(breach, actor)
        breaches.append(breach)
        if b.filed and not FiledItem.objects.filter(contact=contact).exists():
            workflow.save(FiledItem(contact=contact, sanction_id=b.sanction_id), actor)
    return breaches


@transaction.atomic
def check_logged_contact(*, actor, contact: Contact, witness_present: bool) -> Verdict:
    verdict = check_contact(
        customer=contact.customer,
        channel=contact.channel,
        at=contact.occurred_at,
        duration_minutes=contact.duration_minutes,
        officer=contact.handled_by,
        matter=contact.matter,
        witness_present=witness_present,
        directorate=contact.directorate,
        exclude_contact_id=contact.pk,
    )
    record_check(actor=actor, contact=contact, verdict=verdict)
    return verdict


@transaction.atomic
def filed_item_mark_read(
    *,
    actor,
    item: FiledItem,
    significant_new_information: bool,
    safeguarding_concern: bool,
    note: str,
    now: dt.datetime | None = None,
) -> FiledItem:
    """An officer reads a filed item. New information or a safeguarding concern is raised
    with the senior manager and shows on the case."""
    if not has_role(actor, Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER):
        raise NotAllowed("Your role does not read filed correspondence.")
    item = FiledItem.objects.select_for_update().select_related("sanction__case").get(pk=item.pk)
    if item.read_at is not None:
        raise ServiceError("This item has already been read and recorded.")
    note = (note or "").strip()
    if (significant_new_information or safeguarding_concern) and not note:
        raise ServiceError("Describe the new information or the safeguarding concern.")
    item.read_by = actor
    item.read_at = workflow.now_or(now)
    item.significant_new_information = significant_new_information
    item.safeguarding_concern = safeguarding_concern
    item.note = note
    workflow.save(item, actor)
    case = item.sanction.case
    flags = [
        label
        for flag, label in (
            (significant_new_information, "significant new information"),
            (safeguarding_concern, "a safeguarding concern"),
        )
        if flag
    ]
    summary = "Filed item read" + (
        f": {' and '.join(flags)} – senior manager alerted" if flags else ""
    )
    workflow.record_event(
        case, actor=actor, kind=EventKind.FILED_ITEM_READ, summary=summary, details=note,
        at=item.read_at,
    )
    if flags:
        # The senior managers are emailed once this commits (outbox/).
        enqueue(
            handler="sanctions.notifications.send_filed_item_alert",
            args=[item.pk],
            key=f"filed-item-alert:{item.pk}",
        )
    return item


# --- ending and renewing (challenges and six-month reviews, reviews.services) ---------------


def current_sanctions(
    case: DesignationCase, *, running_to: dt.date | None = None
) -> list[Sanction]:
    """The case's sanctions still standing: active and not past their end date, or (with
    `running_to`) those that run to that date, such as the review date they end on."""
    return list(
        Sanction.objects.filter(
            case=case, status=SanctionStatus.ACTIVE,
            ends_on__gte=running_to or timezone.localdate(),
        )
        .select_related("named_officer")
        .prefetch_related("directorates", "matters", "evidence_contacts")
        .order_by("starts_on", "id")
    )


@transaction.atomic
def sanctions_come_into_force(
    *, actor, case: DesignationCase, at: dt.datetime
) -> list[Sanction]:
    """The case's standing sanctions not yet in force restrict contact from `at`.

    Called by the workflow when the designation comes into force (the letter issued and
    the council informed), when a lapsed one is put back in force at its review, and
    after a variation or renewal on a designation in force. A contact before `at`, even
    the same day, was not restricted by them.
    """
    started = list(
        Sanction.objects.select_for_update().filter(
            case=case, status=SanctionStatus.ACTIVE, in_force_from__isnull=True
        )
    )
    for sanction in started:
        sanction.in_force_from = to_the_minute(at)
        workflow.save(sanction, actor, at=at)
    return started


@transaction.atomic
def end_sanctions(
    *, actor, case: DesignationCase, on: dt.date, reason: str,
    only: Iterable[Sanction] | None = None, now: dt.datetime | None = None,
) -> list[Sanction]:
    """End the case's sanctions still running on `on` (withdrawn, lifted or replaced), or
    just those in `only`.

    The rows stay, with their history: `status` says they ended early, `ended_on` when and
    `ended_reason` why. A sanction already past its end date is left as it is: it ended on
    that date, and the record should say so.
    """
    running = Sanction.objects.select_for_update().filter(
        case=case, status=SanctionStatus.ACTIVE, ends_on__gte=on
    )
    if only is not None:
        running = running.filter(pk__in=[s.pk for s in only])
    ended = []
    for sanction in running:
        workflow.take(sanction, "end", actor=actor, now=now, on=on, reason=reason,
                      at=workflow.now_or(now))
        ended.append(sanction)
    return ended


@transaction.atomic
def renew_sanctions(
    *, actor, sanctions: Iterable[Sanction], starts_on: dt.date, ends_on: dt.date, reasons: str
) -> list[Sanction]:
    """New sanctions with the same terms and scope, for a designation continued at review.

    Copies rather than stretching the old rows' dates, so what was in force on any past day
    (a lapse included) stays true in the record.
    """
    renewed = []
    for old in sanctions:
        new = Sanction(
            case_id=old.case_id,
            kind=old.kind,
            max_minutes=old.max_minutes,
            calls_per_week=old.calls_per_week,
            call_weekdays=old.call_weekdays,
            call_period=old.call_period,
            allowed_channel=old.allowed_channel,
            named_officer_id=old.named_officer_id,
            all_offices=old.all_offices,
            offices=old.offices,
            reference=old.reference,
            council_wide=old.council_wide,
            council_wide_justification=old.council_wide_justification,
            starts_on=starts_on,
            ends_on=ends_on,
            reasons=reasons,
            created_by=actor,
        )
        workflow.save(new, actor)
        new.directorates.set(old.directorates.all())
        new.matters.set(old.matters.all())
        new.evidence_contacts.set(old.evidence_contacts.all())
        renewed.append(new)
    return renewed
