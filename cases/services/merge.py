"""Merging two records of one person, and undoing a merge (issue 12, item 2).

Everything that points at the merged-away record moves to the survivor. What "everything"
is comes from the models themselves (`customer_relations`: every foreign key and
one-to-one field to `Customer` in every app, history models aside), so a model added later
follows the survivor without anyone remembering it here; `tests/cases/test_merge.py` walks
the same `_meta` and fails on a relation this module does not move.

The merged-away row is not deleted: it keeps its own history, is marked `merged_into` and
`merged_at`, and is never listed in casework; its reference redirects to the survivor
(`cases.selectors.get_customer_for_user` raises `CustomerMerged`).

Undo moves back exactly the rows the merge moved (their ids are kept on the
`CustomerMerge`), takes off the directorates the survivor gained, puts back the survivor's
own values of the fields taken from the other record, and reopens a case the merge closed
as a duplicate in the state it was in. It is refused once anything has been added to the
survivor since (a row of any related model, a chronology entry on its cases, an edit of
its details): that would have to be shared out between the two people by hand.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import models, transaction
from django.db.models import Max
from simple_history.utils import bulk_update_with_history

from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases import workflow
from cases.choices import EventKind
from cases.models import (
    AccessKind,
    CaseEvent,
    Customer,
    CustomerMerge,
    DesignationCase,
    OpenCasesChoice,
    RecordView,
)
from cases.services.common import open_cases_of
from cases.services.contacts import note_last_contact
from ucp.errors import NotAllowed, ServiceError

# The customer's own details a manager chooses between, field by field.
MERGE_FIELDS = (
    "full_name", "address", "postcode", "address_outside_uk", "email", "phone",
    "preferred_contact_method", "communication_needs", "large_print",
    "reasonable_adjustments", "representative_name", "representative_details",
    "representative_consent", "representative_consent_on",
)

# Relations to Customer that are not "the customer's records": the merge bookkeeping itself
# and the merged-away row's own pointer.
NOT_MOVED = {("cases.CustomerMerge", "survivor"), ("cases.CustomerMerge", "merged"),
             ("cases.Customer", "merged_into")}

# Rows that do not make a record "added to since" when they appear: the access log (looking
# at the survivor is not adding to it) and files kept for a form sent with an error.
NOT_ADDITIONS = {"cases.RecordView", "cases.KeptUpload"}

MERGE_ROLES = (Role.SERVICE_MANAGER, Role.SENIOR_MANAGER)


def may_merge(user, customer: Customer | None = None) -> bool:
    """A service or senior manager; for a given customer, one working in one of the
    customer's directorates (a reviewer who sees a record only through a challenge does
    not merge it)."""
    if not has_role(user, *MERGE_ROLES):
        return False
    if customer is None:
        return True
    ids = directorate_ids_for(user)
    # `.all()`: the customer page has them prefetched.
    return ids is None or any(d.pk in ids for d in customer.directorates.all())


def _require_may_merge(actor, *customers: Customer) -> None:
    if not may_merge(actor):
        raise NotAllowed("Only a service manager or a senior manager can merge records.")
    for customer in customers:
        if not may_merge(actor, customer):
            raise NotAllowed(
                f"You work in none of the directorates that deal with {customer.reference}, "
                "so you cannot merge it."
            )


def _is_history(model) -> bool:
    return model.__name__.startswith("Historical")


def customer_relations() -> list[tuple[type[models.Model], models.Field]]:
    """(model, field) for every foreign key or one-to-one to Customer, history aside."""
    found = []
    for model in apps.get_models():
        if _is_history(model):
            continue
        for field in model._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            if field.related_model is not Customer:
                continue
            if (model._meta.label, field.name) in NOT_MOVED:
                continue
            found.append((model, field))
    return sorted(found, key=lambda mf: (mf[0]._meta.label, mf[1].name))


def customer_m2m_fields() -> list[models.ManyToManyField]:
    """Customer's own many-to-many fields (its directorates): the survivor gets the union."""
    return [f for f in Customer._meta.get_fields()
            if f.many_to_many and f.concrete and f.model is Customer]


def related_counts(customer: Customer) -> list[tuple[str, str, int]]:
    """(label, plural name, count) for each kind of record pointing at `customer`."""
    rows = []
    for model, field in customer_relations():
        count = model._default_manager.filter(**{field.name: customer}).count()
        rows.append((model._meta.label, str(model._meta.verbose_name_plural), count))
    return rows


def _value(customer: Customer, name: str):
    value = getattr(customer, name)
    return value.isoformat() if isinstance(value, dt.date) else value


def differing_fields(a: Customer, b: Customer) -> list[str]:
    return [name for name in MERGE_FIELDS if getattr(a, name) != getattr(b, name)]


def _move(model, field, ids: list[int], to: Customer, *, actor, at, reason: str) -> None:
    """Point the rows `ids` of `model` at `to`, with a history row each where the model
    keeps history."""
    if not ids:
        return
    qs = model._default_manager.filter(pk__in=ids)
    if hasattr(model, "history") and not _is_history(model):
        objs = list(qs)
        for obj in objs:
            setattr(obj, field.name, to)
        bulk_update_with_history(
            objs, model, [field.name], batch_size=500, default_user=actor,
            default_date=at, default_change_reason=reason,
        )
    else:
        qs.update(**{field.attname: to.pk})


def _high_water() -> dict[str, int]:
    """The highest id of each related model (and of the chronology) now: anything of the
    survivor's above it was added after the merge."""
    marks = {}
    for model in {m for m, _f in customer_relations()} | {CaseEvent}:
        marks[model._meta.label] = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
    return marks


def _note_cases(cases, *, actor, kind, summary: str, details: str, at) -> None:
    for case in cases:
        workflow.record_event(case, actor=actor, kind=kind, summary=summary,
                              details=details, at=at)


def _refuse_unless_mergeable(customer: Customer) -> None:
    if customer.merged_into_id is not None:
        raise ServiceError(f"{customer.reference} has already been merged into another record.")
    if customer.erased_at is not None:
        raise ServiceError(f"{customer.reference} has been disposed of under retention.")
    if hasattr(customer, "disposal_proposal"):
        raise ServiceError(
            f"{customer.reference} is proposed for disposal: Information Governance must "
            "decide on that before the records can be merged."
        )


@transaction.atomic
def customer_merge(
    *,
    actor,
    survivor: Customer,
    merged: Customer,
    reason: str,
    take: tuple[str, ...] | list[str] = (),
    keep_open: str = OpenCasesChoice.NONE,
    path: str = "",
    now: dt.datetime | None = None,
) -> CustomerMerge:
    """Merge `merged` into `survivor`. `take` names the fields whose value comes from the
    merged-away record (the rest keep the survivor's). If both have an open case,
    `keep_open` says which stays open (`OpenCasesChoice`); the other is closed as a
    duplicate, naming the case kept."""
    _require_may_merge(actor, survivor, merged)
    if survivor.pk == merged.pk:
        raise ServiceError("Choose two different records to merge.")
    reason = workflow.clean_text(reason, "why these records are the same person")
    now = workflow.now_or(now)
    # Both rows locked, in id order, so two merges of the same pair cannot cross.
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(
        pk__in=[survivor.pk, merged.pk]).order_by("pk")}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for customer in (survivor, merged):
        _refuse_unless_mergeable(customer)
    unknown = set(take) - set(MERGE_FIELDS)
    if unknown:
        raise ServiceError("Those details cannot be taken from the other record.")

    # At most one open case: the manager's choice of which stays open.
    kept_case = closed_case = None
    survivor_open = open_cases_of(survivor).select_for_update().first()
    merged_open = open_cases_of(merged).select_for_update().first()
    if survivor_open and merged_open:
        if keep_open == OpenCasesChoice.KEEP_SURVIVOR:
            kept_case, closed_case = survivor_open, merged_open
        elif keep_open == OpenCasesChoice.KEEP_MERGED:
            kept_case, closed_case = merged_open, survivor_open
        else:
            raise ServiceError(
                f"Both records have an open case ({survivor_open.reference} and "
                f"{merged_open.reference}): choose which one stays open."
            )
    else:
        keep_open = OpenCasesChoice.NONE
    closed_state = ""
    if closed_case is not None:
        closed_state = closed_case.state
        workflow.transition(
            closed_case, "close_as_duplicate", actor=actor, expected_state=closed_state,
            summary=f"Closed as a duplicate: {kept_case.reference} stays open",
            details=f"{merged.reference} was merged into {survivor.reference}. {reason}",
            note=(f"{merged.reference} was merged into {survivor.reference}; the case "
                  f"{kept_case.reference} carries on. {reason}"),
            at=now, now=now,
        )

    history_reason = f"Merged {merged.reference} into {survivor.reference}"
    moved: dict[str, list[int]] = {}
    for model, field in customer_relations():
        ids = list(model._default_manager.filter(**{field.name: merged})
                   .order_by("pk").values_list("pk", flat=True))
        if ids:
            _move(model, field, ids, survivor, actor=actor, at=now, reason=history_reason)
            moved[model._meta.label] = ids

    directorates_added = {}
    survivor._history_user = actor  # for the history row the many-to-many change writes
    for m2m in customer_m2m_fields():
        theirs = set(getattr(merged, m2m.name).values_list("pk", flat=True))
        ours = set(getattr(survivor, m2m.name).values_list("pk", flat=True))
        added = sorted(theirs - ours)
        if added:
            getattr(survivor, m2m.name).add(*added)
        directorates_added[m2m.name] = added

    fields_taken = {}
    for name in take:
        if getattr(survivor, name) != getattr(merged, name):
            fields_taken[name] = [_value(survivor, name), _value(merged, name)]
            setattr(survivor, name, getattr(merged, name))
    survivor.full_clean()
    survivor._change_reason = history_reason
    workflow.save(survivor, actor, at=now)
    merged.merged_into = survivor
    merged.merged_at = now
    merged._change_reason = history_reason
    workflow.save(merged, actor, at=now)
    note_last_contact([survivor.pk, merged.pk])

    merge = CustomerMerge(
        survivor=survivor, merged=merged, merged_by=actor, merged_at=now, reason=reason,
        fields_taken=fields_taken, moved=moved,
        directorates_added=directorates_added.get("directorates", []),
        open_cases=keep_open, closed_case=closed_case, closed_case_state=closed_state,
    )
    summary = f"{merged.reference} merged into {survivor.reference}"
    details = reason + (f" {OpenCasesChoice(keep_open).label}." if closed_case else "")
    case_ids = moved.get("cases.DesignationCase", []) + list(
        survivor.cases.exclude(pk__in=moved.get("cases.DesignationCase", []))
        .values_list("pk", flat=True))
    _note_cases(DesignationCase.objects.filter(pk__in=case_ids), actor=actor,
                kind=EventKind.CUSTOMER_MERGED, summary=summary, details=details, at=now)
    # In the access log of both records: the manager was shown both to merge them.
    RecordView.objects.bulk_create([
        RecordView(user=actor, customer=c, kind=AccessKind.ACTION, path=path[:300])
        for c in (survivor, merged)
    ])
    merge.high_water = {**_high_water(),
                        "customer_history": survivor.history.aggregate(m=Max("pk"))["m"] or 0}
    workflow.save(merge, actor, at=now)
    return merge


def added_since(merge: CustomerMerge) -> list[str]:
    """What was added to the survivor after the merge, in words; empty if nothing."""
    marks = merge.high_water or {}
    survivor = merge.survivor
    found = []
    for model, field in customer_relations():
        label = model._meta.label
        if label in NOT_ADDITIONS:
            continue
        count = model._default_manager.filter(
            **{field.name: survivor}, pk__gt=marks.get(label, 0)).count()
        if count:
            meta = model._meta
            found.append(f"{count} {meta.verbose_name_plural if count > 1 else meta.verbose_name}")
    events = CaseEvent.objects.filter(case__customer=survivor,
                                      pk__gt=marks.get("cases.CaseEvent", 0)).count()
    if events:
        found.append(f"{events} chronology entr{'ies' if events > 1 else 'y'} on its cases")
    if survivor.history.filter(history_id__gt=marks.get("customer_history", 0)).exists():
        found.append("a change to its details")
    return found


@transaction.atomic
def customer_merge_undo(*, actor, merge: CustomerMerge,
                        now: dt.datetime | None = None) -> CustomerMerge:
    _require_may_merge(actor, merge.survivor)
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ServiceError("This merge has already been undone.")
    now = workflow.now_or(now)
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(
        pk__in=[merge.survivor_id, merge.merged_id]).order_by("pk")}
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    merge.survivor = survivor
    added = added_since(merge)
    if added:
        raise ServiceError(
            f"The merge cannot be undone: since it, {survivor.reference} has had "
            f"{', '.join(added)}. Separate the records by hand instead."
        )

    history_reason = f"Merge of {merged.reference} into {survivor.reference} undone"
    relations = {model._meta.label: (model, field) for model, field in customer_relations()}
    for label, ids in merge.moved.items():
        if label not in relations:  # pragma: no cover - a model removed since the merge
            continue
        model, field = relations[label]
        _move(model, field, ids, merged, actor=actor, at=now, reason=history_reason)
    if merge.directorates_added:
        survivor._history_user = actor
        survivor.directorates.remove(*merge.directorates_added)
    for name, (old, _taken) in merge.fields_taken.items():
        field = Customer._meta.get_field(name)
        setattr(survivor, name, field.to_python(old))
    survivor._change_reason = history_reason
    workflow.save(survivor, actor, at=now)
    merged.merged_into = None
    merged.merged_at = None
    merged._change_reason = history_reason
    workflow.save(merged, actor, at=now)
    note_last_contact([survivor.pk, merged.pk])

    if merge.closed_case_id is not None:
        workflow.transition(
            merge.closed_case, "reopen_after_unmerge", actor=actor, expected_state=None,
            summary="Reopened: the merge that closed it as a duplicate was undone",
            state=merge.closed_case_state, now=now,
        )
    summary = f"Merge of {merged.reference} into {survivor.reference} undone"
    _note_cases(DesignationCase.objects.filter(customer__in=[survivor, merged]), actor=actor,
                kind=EventKind.CUSTOMER_MERGE_UNDONE, summary=summary, details="", at=now)
    merge.undone_by = actor
    merge.undone_at = now
    workflow.save(merge, actor, at=now)
    return merge
