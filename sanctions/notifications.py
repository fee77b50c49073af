"""Mail about sanctions. Sent through the outbox (`outbox.services.enqueue`), so only for a
change that committed, and once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from accounts.selectors import senior_manager_emails
from sanctions.models import FiledItem


def send_filed_item_alert(item_id: int) -> int:
    """Tell the case's senior managers that a filed item raises new information or a
    safeguarding concern; returns how many emails went."""
    item = FiledItem.objects.select_related("sanction__case__customer", "read_by").get(pk=item_id)
    case = item.sanction.case
    directorates = {
        case.lead_directorate_id,
        *case.involved_directorates.values_list("id", flat=True),
    }
    recipients = senior_manager_emails(directorates)
    if not recipients:
        return 0
    findings = [
        text
        for flag, text in (
            (item.significant_new_information, "significant new information"),
            (item.safeguarding_concern, "a safeguarding concern"),
        )
        if flag
    ]
    return send_mail(
        subject=f"Case {case.reference}: filed correspondence raises {' and '.join(findings)}",
        message=(
            f"A filed item on case {case.reference} was read by "
            f"{item.read_by.get_full_name() or item.read_by.get_username()} and raises "
            f"{' and '.join(findings)}.\n\n{item.note}\n\n"
            "Open the case in the Unreasonable Customer Policy system to decide what to do."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
