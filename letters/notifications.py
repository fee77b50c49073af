"""The emails that inform the council of a designation (section 2.2's last box).

Each member of staff chosen gets a notice; the Assistant Director and Service Manager of
each directorate involved get the notice with copies of all correspondence (the issued
letters' PDFs). Queued by `letters.services` through the outbox (`outbox.services`),
so they are sent only after the commit, and once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from letters.models import CouncilNotice, Letter, RecipientRole
from letters.services import copy_recipients, council_notice_mark_emailed
from sanctions.checks import describe
from sanctions.models import Sanction, SanctionStatus


def _attach_letters(message: EmailMessage, letters) -> None:
    for letter in letters:
        with letter.pdf.open("rb") as handle:
            message.attach(letter.filename, handle.read(), "application/pdf")


def _restrictions(case) -> list[str]:
    sanctions = list(
        Sanction.objects.filter(case=case, status=SanctionStatus.ACTIVE)
        .select_related("named_officer")
        .prefetch_related("matters")
    )
    return describe(sanctions)


def send_council_notice(notice_id: int) -> int:
    """Send a notice's emails once; returns how many were sent (0 if already sent)."""
    notice = CouncilNotice.objects.select_related(
        "case__customer", "case__lead_directorate", "sent_by"
    ).get(pk=notice_id)
    if notice.emailed_at is not None:
        return 0
    case = notice.case
    letters = list(notice.letters.select_related("case", "customer").order_by("issued_at"))
    context = {
        "notice": notice,
        "case": case,
        "customer": case.customer,
        "restrictions": _restrictions(case),
        "letters": letters,
        "council_name": settings.COUNCIL_NAME,
        "sent_by": notice.sent_by.get_full_name() or notice.sent_by.get_username(),
    }
    subject = (
        f"Case {case.reference}: {case.customer.full_name} designated under the "
        "Unreasonable Customer Policy"
    )
    messages = []
    for recipient in notice.recipients.all():
        copies = recipient.role != RecipientRole.STAFF
        body = render_to_string(
            "letters/email/council_notice.txt",
            {**context, "recipient": recipient, "copies": copies},
        )
        message = EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
        )
        if copies:
            _attach_letters(message, letters)
        messages.append(message)
    sent = get_connection().send_messages(messages) or 0
    council_notice_mark_emailed(notice_id=notice.pk)
    return sent


def send_letter_copies(letter_id: int) -> int:
    """A letter issued after the council was informed, copied to the same managers."""
    letter = Letter.objects.select_related("case__customer", "case__lead_directorate").get(
        pk=letter_id
    )
    case = letter.case
    messages = []
    for person in copy_recipients(case):
        body = render_to_string(
            "letters/email/letter_copy.txt",
            {"letter": letter, "case": case, "person": person,
             "council_name": settings.COUNCIL_NAME},
        )
        message = EmailMessage(
            subject=f"Case {case.reference}: copy of the {letter.get_kind_display().lower()} "
            f"(version {letter.version})",
            body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[person["email"]],
        )
        _attach_letters(message, [letter])
        messages.append(message)
    return get_connection().send_messages(messages) or 0
