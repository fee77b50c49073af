"""The subject access code's only contact with the personal data access log.

The log is `cases.models.RecordView` (cases.access_log); everything here reads or writes it
through these two functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.models import AccessKind, Customer, RecordView


@dataclass(frozen=True)
class AccessEntry:
    at: dt.datetime
    who: str
    what: str  # the page or download
    case_reference: str


def entries_about(customer: Customer) -> list[AccessEntry]:
    """Every logged access to `customer`'s records, oldest first: part of the disclosure."""
    rows = (RecordView.objects.filter(customer=customer)
            .select_related("user", "case").order_by("at", "pk"))
    return [
        AccessEntry(at=row.at, who=row.user.get_full_name() or row.user.get_username(),
                    what=row.path, case_reference=row.case.reference if row.case_id else "")
        for row in rows
    ]


def log_disclosure(user, customer: Customer, what: str) -> None:
    """Record that `user` handed out `customer`'s records (produced or downloaded the
    disclosure): an export is an access like any other."""
    RecordView.objects.create(
        user=user, customer=customer, path=what[:300], kind=AccessKind.EXPORT
    )
