"""Files chosen on the contact form, kept across a validation error (see `KeptUpload`).

A form that comes back with an error loses what the browser sent in its file input, so the
view keeps each acceptable file here, tied to the user and the customer, and the form
shows it as kept. `contact_log` turns the kept files into the contact's attachments; the
user may remove one; the daily sweep removes those left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from cases import workflow
from cases.models import Customer, KeptUpload

# Longer than a working session (SESSION_COOKIE_AGE is 8 hours): a form left open overnight
# keeps its files until the next day's sweep.
KEEP_FOR = dt.timedelta(days=1)


def _delete_files_on_commit(names: list[str]) -> None:
    storage = KeptUpload._meta.get_field("file").storage
    # After the commit: if the transaction rolls back, the rows and their files stay.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def upload_keep(*, actor, customer: Customer, upload) -> KeptUpload:
    """Keep one chosen file (already checked by the form) for the actor's next post."""
    kept = KeptUpload(
        owner=actor,
        customer=customer,
        original_name=upload.name[:255],
        content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:120],
        size=upload.size,
    )
    kept.file.save(upload.name, upload, save=False)
    kept.save()
    return kept


@transaction.atomic
def uploads_discard(*, actor, customer: Customer, tokens: Iterable[str]) -> int:
    """Remove the actor's kept files for this customer with these tokens; others' are
    untouched, whatever tokens are posted."""
    rows = list(
        KeptUpload.objects.select_for_update().filter(
            owner=actor, customer=customer, token__in=list(tokens)
        )
    )
    _delete_files_on_commit([row.file.name for row in rows])
    KeptUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def uploads_take(*, actor, customer: Customer, kept: Iterable[KeptUpload]) -> list[KeptUpload]:
    """Within the caller's transaction: lock and remove the actor's kept files for this
    customer, returning those still there (a second post of the same form finds none), and
    delete their stored copies once the caller commits. The caller copies them first."""
    rows = list(
        KeptUpload.objects.select_for_update()
        .filter(owner=actor, customer=customer, pk__in=[k.pk for k in kept])
        .order_by("id")
    )
    return rows


def uploads_forget(rows: list[KeptUpload]) -> None:
    """Within the caller's transaction: the rows are used; their files go on commit."""
    _delete_files_on_commit([row.file.name for row in rows])
    KeptUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()


@transaction.atomic
def uploads_remove_stale(*, now: dt.datetime | None = None) -> int:
    """Housekeeping (the daily sweep): remove kept files older than `KEEP_FOR`."""
    rows = list(
        KeptUpload.objects.select_for_update(skip_locked=True).filter(
            created_at__lt=workflow.now_or(now) - KEEP_FOR
        )
    )
    uploads_forget(rows)
    return len(rows)
