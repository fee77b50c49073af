"""Informal warnings: an officer's on-the-spot warning (step 1). The formal written
warning is a step of the case (`cases.services.workflow.case_issue_formal_warning`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from accounts.models import Directorate
from accounts.roles import Role, has_role
from cases import workflow
from cases.choices import EventKind, WarningKind
from cases.models import Customer, Indicator, Warning
from cases.services.common import link_customer_to, open_cases_of, require_directorate
from ucp.dates import require_record_date
from ucp.errors import NotAllowed, ServiceError


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
    now: dt.datetime | None = None,
) -> Warning:
    """An officer's on-the-spot warning (step 1). It is evidence, not a workflow step."""
    require_directorate(actor, directorate)
    if not has_role(actor, Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER):
        raise NotAllowed("Only officers and managers give warnings.")
    behaviours = list(behaviours)
    if not behaviours:
        raise ServiceError("Choose at least one behaviour the warning is about.")
    require_record_date(given_on, "The date of the warning", now=now)
    warning = Warning(
        customer=customer,
        directorate=directorate,
        kind=WarningKind.INFORMAL,
        method=method,
        given_on=given_on,
        given_by=actor,
        summary=workflow.clean_text(summary, "what the customer was told"),
    )
    warning.full_clean()
    workflow.save(warning, actor, at=now)
    warning.behaviours.set(behaviours)
    link_customer_to(customer, directorate)
    for case in open_cases_of(customer):
        workflow.record_event(
            case, actor=actor, kind=EventKind.INFORMAL_WARNING,
            summary="Informal warning given", details=warning.summary, at=now,
        )
    return warning
