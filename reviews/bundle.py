"""The Ombudsman bundle: one case's whole story as one paginated, bookmarked, tagged PDF.

It lives in `reviews`, the app that stands above `cases`, `sanctions` and `letters`, because
it reads all of them, and the challenges and reviews besides. Reads only: the view that
hands it out reaches the case through `cases.selectors.get_case_for_user` (the user's
scope) and logs the access; this module is given that case.

Each section of the bundle is one `<h2>` (a bookmark in the PDF), each item in it an `<h3>`.
The letters are shown in full, as issued: the body of their stored HTML, which the system
rendered itself (never typed HTML), with their own headings kept out of the bookmarks.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cases import selectors as case_selectors
from cases.choices import Alternative, Precondition
from cases.models import DesignationCase
from letters import rendering
from letters.models import Letter
from letters.selectors import notices_for_case
from sanctions.models import ContactBreach, Sanction

TEMPLATE = "bundles/ombudsman.html"

_BODY = re.compile(r"<body[^>]*>(?P<body>.*)</body>", re.DOTALL | re.IGNORECASE)
# The letter's running footer is positioned for a page of its own: in the bundle its facts
# are in the letter's heading already.
_LETTER_FOOTER = re.compile(r'<div class="letter-footer">.*?</div>', re.DOTALL)


def letter_body(html: str) -> SafeString:
    """The body of an issued letter's stored HTML, to show inside the bundle.

    The stored HTML is the system's own rendering (templates/letters/, every value escaped
    there), kept unchanged since it was issued: it is inserted as it is, without its
    <head> and its stylesheet, which are the bundle's to set.
    """
    match = _BODY.search(html or "")
    body = match.group("body") if match else ""
    return mark_safe(_LETTER_FOOTER.sub("", body))  # noqa: S308 - see the docstring


def bundle_context(case: DesignationCase) -> dict:
    """Everything the bundle shows, for a case from `get_case_for_user` (which prefetches
    the checklist and the indicators)."""
    customer = case.customer
    checks = {c.precondition: c for c in case.precondition_checks.all()}
    records = {a.alternative: a for a in case.alternatives.all()}
    warnings = list(case_selectors.warnings_for_customer(customer))
    letters = list(
        Letter.objects.filter(
            Q(case=case) | Q(case__isnull=True, warning__in=[w.pk for w in warnings])
        )
        .select_related("issued_by", "warning")
        .order_by("issued_at", "id")
    )
    sanctions = list(
        Sanction.objects.filter(case=case)
        .select_related("named_officer")
        .prefetch_related("directorates", "matters")
        .order_by("starts_on", "id")
    )
    breaches = list(
        ContactBreach.objects.filter(sanction__case=case)
        .select_related("contact__handled_by", "contact__directorate", "sanction")
        .order_by("contact__occurred_at", "id")
    )
    return {
        "council_name": settings.COUNCIL_NAME,
        "generated_at": timezone.localtime(),
        "case": case,
        "customer": customer,
        "events": list(case_selectors.case_events(case)),
        "evidence": list(case_selectors.case_evidence_contacts(case).order_by("occurred_at")),
        "warnings": warnings,
        "preconditions": [(Precondition(p).label, checks.get(p)) for p in Precondition.values],
        "alternatives": [(Alternative(a).label, records.get(a)) for a in Alternative.values],
        "sanctions": [
            (s, rendering.sanction_in_plain_words(s)) for s in sanctions
        ],
        "letters": [(letter, letter_body(letter.html)) for letter in letters],
        "notices": sorted(notices_for_case(case), key=lambda n: (n.sent_at, n.pk)),
        "challenges": list(
            case.challenges.select_related(
                "recorded_by", "late_decided_by", "reviewer", "assigned_by", "decided_by"
            ).order_by("received_on", "id")
        ),
        "reviews": list(
            case.reviews.select_related("opened_by", "decided_by").order_by("due_on", "id")
        ),
        "breaches": breaches,
    }


def render_html(case: DesignationCase) -> str:
    return render_to_string(TEMPLATE, bundle_context(case))


def bundle_pdf(case: DesignationCase) -> bytes:
    """The bundle as a tagged PDF (letters.rendering.html_to_pdf, like every PDF made here)."""
    return rendering.html_to_pdf(render_html(case))


def filename(case: DesignationCase) -> str:
    return f"{case.reference}-ombudsman-bundle.pdf"
