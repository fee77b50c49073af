"""The sweep's emails: reminders before a due date, escalations once it has passed.

Called by the outbox relay (`outbox.services`), never directly, so an email goes exactly
once and only for a change that committed. Emails name the case, not the customer: the
person reading it opens the case in the system, where access is checked and logged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.selectors import senior_manager_emails
from reviews.models import AlertKind, DeadlineAlert


def senior_managers_of(directorate) -> list[str]:
    return senior_manager_emails([directorate.pk])


def recipients(alert: DeadlineAlert) -> list[str]:
    directorate = alert.case.lead_directorate
    if alert.kind in (AlertKind.OVERDUE, AlertKind.LAPSE):
        people = [directorate.assistant_director_email, *senior_managers_of(directorate)]
    elif alert.kind == AlertKind.NOT_NOTIFIED:
        decider = alert.case.decided_by.email if alert.case.decided_by_id else ""
        people = [decider, *senior_managers_of(directorate)]
    elif alert.challenge_id and alert.challenge.reviewer_id and alert.challenge.reviewer.email:
        people = [alert.challenge.reviewer.email]
    else:
        people = senior_managers_of(directorate)
    seen: set[str] = set()
    return [p for p in people if p and not (p.lower() in seen or seen.add(p.lower()))]


def send_deadline_alert(alert_id: int) -> int:
    alert = DeadlineAlert.objects.select_related(
        "case__lead_directorate", "case__decided_by", "challenge__reviewer", "review"
    ).get(pk=alert_id)
    if alert.kind not in (
        AlertKind.REMINDER, AlertKind.OVERDUE, AlertKind.LAPSE, AlertKind.NOT_NOTIFIED
    ):
        return 0
    to = recipients(alert)
    if not to:
        return 0
    case = alert.case
    what = "challenge decision" if alert.challenge_id else "six-month review"
    days = (alert.due_on - timezone.localdate()).days if alert.due_on else None
    if alert.kind == AlertKind.NOT_NOTIFIED:
        subject = f"Case {case.reference}: designation not yet in force – letter or notice due"
    elif alert.kind == AlertKind.REMINDER:
        subject = f"Case {case.reference}: {what} due in {days} day{'s' if days != 1 else ''}"
    elif alert.kind == AlertKind.LAPSE:
        subject = f"Case {case.reference}: six-month review missed – restrictions lapsed"
    else:
        subject = f"Case {case.reference}: {what} overdue – escalated to you"
    body = render_to_string(
        "reviews/email/deadline_alert.txt",
        {
            "alert": alert,
            "case": case,
            "what": what,
            "days": days,
            "overdue_days": -days if days is not None and days < 0 else 0,
            "link": settings.SITE_URL.rstrip("/") + case.get_absolute_url(),
            "council_name": settings.COUNCIL_NAME,
        },
    )
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                           to=to)
    return get_connection().send_messages([message]) or 0
