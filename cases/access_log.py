"""The personal data access log: who opened which customer's or case's record, and when.

Written by the view layer, once the record has been reached through a selector (so the
user was allowed to see it), and never by a selector: reads stay reads. Every page or API
answer that shows a customer's record calls `record`.
"""

from __future__ import annotations

from django.http import HttpRequest

from cases.models import Customer, DesignationCase, RecordView

# RecordView.path's max_length.
PATH_LENGTH = 300


def record(
    request: HttpRequest,
    customer: Customer,
    case: DesignationCase | None = None,
    *,
    path: str | None = None,
) -> RecordView:
    """Log that `request.user` saw `customer` (and `case`) at `path` (the request's path)."""
    where = request.path if path is None else path
    return RecordView.objects.create(
        user=request.user, customer=customer, case=case, path=where[:PATH_LENGTH]
    )
