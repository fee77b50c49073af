"""The daily sweep's subject access step: a reminder to the information-governance role
before each request's due date (at each of `REMINDER_DAYS_BEFORE`), and one notice once it
is overdue.

Idempotent as the rest of the sweep (reviews/sweeps.py): each thing done is a `SarAlert`
with a unique key, checked under the request's lock, and its email goes through the outbox
in the same transaction. Only requests whose alert for today is not yet in the ledger are
claimed (`cases.deadlines.not_done`).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from cases import deadlines
from governance.models import SarAlert, SarAlertKind, SarStatus, SubjectAccessRequest
from outbox.services import enqueue


def _record(key: str, **fields) -> SarAlert | None:
    if SarAlert.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not end the claim
            return SarAlert.objects.create(key=key, **fields)
    except IntegrityError:
        return None


def subject_access_deadlines(now: dt.datetime, today: dt.date, report) -> None:
    """Remind before each open request's due date; say so once when it has passed."""
    horizon = today + dt.timedelta(days=max(deadlines.reminder_offsets() or [0]))
    candidates = SubjectAccessRequest.objects.filter(
        status=SarStatus.OPEN, due_on__lte=horizon
    ).values_list("pk", "due_on")

    def key(pk: int, due: dt.date) -> str | None:
        # The alert this request needs today, whose key the ledger may already hold: a
        # request overdue for a month is not claimed again every morning.
        if due < today:
            return f"sar:{pk}:{due}:overdue"
        offset = deadlines.reminder_due(due, today)
        return None if offset is None else f"sar:{pk}:{due}:reminder:{offset}"

    for pk in deadlines.not_done(((key(*row), row[0]) for row in candidates), SarAlert):
        with transaction.atomic():
            sar = (SubjectAccessRequest.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=SarStatus.OPEN).first())
            if sar is None:
                continue
            due = sar.due_on
            if due < today:
                alert = _record(f"sar:{sar.pk}:{due}:overdue", kind=SarAlertKind.OVERDUE,
                                request=sar, due_on=due)
                counter = "escalations"
            else:
                offset = deadlines.reminder_due(due, today)
                if offset is None:
                    continue
                alert = _record(f"sar:{sar.pk}:{due}:reminder:{offset}",
                                kind=SarAlertKind.REMINDER, request=sar, due_on=due,
                                days_before=offset)
                counter = "reminders"
            if alert is None:
                continue
            enqueue(handler="governance.notifications.send_sar_alert", args=[alert.pk],
                    key=f"sar-alert:{alert.pk}")
            setattr(report, counter, getattr(report, counter) + 1)
