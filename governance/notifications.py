"""The sweep's subject access emails, sent by the outbox relay once their alert committed.

They name the request and its due day, not the customer: the officer opens the request in
the system, where access is checked and logged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.formats import date_format

from accounts.selectors import information_governance_emails
from governance.models import SarAlert, SarAlertKind


def send_sar_alert(alert_id: int) -> int:
    alert = SarAlert.objects.select_related("request").get(pk=alert_id)
    to = information_governance_emails()
    if not to:
        return 0
    sar = alert.request
    due = date_format(alert.due_on, "l j F Y")
    if alert.kind == SarAlertKind.OVERDUE:
        subject = f"Subject access request {sar.pk} is overdue (due {due})"
    else:
        days = alert.days_before
        subject = (f"Subject access request {sar.pk}: disclosure due in {days} "
                   f"day{'s' if days != 1 else ''}")
    link = settings.SITE_URL.rstrip("/") + sar.get_absolute_url()
    body = (
        f"{subject}.\n\nThe customer must have their disclosure by {due}: one calendar month "
        "from the day the request was received, or the extended day.\n\n"
        f"Open the request: {link}\n\n{settings.COUNCIL_NAME}\n"
    )
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                           to=to)
    return get_connection().send_messages([message]) or 0
