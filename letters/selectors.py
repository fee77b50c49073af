"""Reads for the letters section of the case page, and scoped access to issued letters.

A letter is opened through `get_letter_for_user`, whatever URL asks for it: the letter's
own case decides (`cases.selectors.cases_for`), or, for a letter confirming an informal
warning, which has no case, its customer (`cases.selectors.customers_for`): the same
scopes as the case page and the customer page that link to it. Anything else is a 404.
A customer's page is not enough to open a letter of one of their cases: a directorate that
shares the customer may not see a case another directorate leads, nor its letters.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cases import access_log, steps
from cases.models import CaseState, Customer, DesignationCase, Warning
from cases.selectors import case_row_scope, customers_for
from letters.forms import InformCouncilForm
from letters.models import CouncilNotice, CouncilNoticeRecipient, Letter, LetterKind, PolicyVersion
from letters.services import copy_recipients
from letters.steps import INFORM_COUNCIL

# The case page's letters and notices, fetched once with the case (`cases.sections`): a
# letter's text and PDF, and the enclosed policy's, stay in the database; the page links to
# them.
CASE_PAGE_PREFETCH = (
    Prefetch("letters", queryset=Letter.objects.select_related("issued_by", "policy_version")
             .defer("html", "pdf", "policy_version__text", "policy_version__pdf")
             .order_by("-issued_at", "-id")),
    Prefetch("notices", queryset=CouncilNotice.objects.select_related("sent_by")
             .prefetch_related(Prefetch(
                 "recipients",
                 queryset=CouncilNoticeRecipient.objects.select_related("directorate")))
             .order_by("-sent_at", "-id")),
)


def letters_for_case(case: DesignationCase) -> list[Letter]:
    return list(
        case.letters.select_related("issued_by", "policy_version").order_by("-issued_at", "-id")
    )


def notices_for_case(case: DesignationCase) -> list[CouncilNotice]:
    return list(
        case.notices.select_related("sent_by")
        .prefetch_related("recipients__directorate", "letters")
        .order_by("-sent_at", "-id")
    )


def letters_for(user) -> QuerySet[Letter]:
    """The letters the user may open: those of cases they may see, and those with no case
    (informal warnings) of customers they may see."""
    return Letter.objects.filter(
        (Q(case__isnull=False) & case_row_scope(user, "case"))
        | Q(case__isnull=True, customer__in=customers_for(user))
    )


def get_letter_for_user(
    user, pk: int, *, case_reference: str | None = None, customer_reference: str | None = None
) -> Letter:
    """The letter, or a 404; under a case's or a customer's URL, it must also be theirs."""
    qs = letters_for(user).select_related("customer", "case")
    if case_reference is not None:
        qs = qs.filter(case__reference=case_reference)
    if customer_reference is not None:
        qs = qs.filter(customer__reference=customer_reference)
    try:
        letter = qs.get(pk=pk)
    except Letter.DoesNotExist:
        raise Http404("No letter found") from None
    access_log.noted(user, letter.customer_id, letter.case_id)
    return letter


def has_letter(case: DesignationCase, kind: str) -> bool:
    return case.letters.filter(kind=kind).exists()


def get_warning_for_customer(customer: Customer, pk: int) -> Warning:
    """A warning of a customer the user was already allowed to see."""
    try:
        return customer.warnings.get(pk=pk)
    except Warning.DoesNotExist:
        raise Http404("No warning found") from None


def case_letters_context(case: DesignationCase, user) -> dict:
    """Everything `templates/letters/_case_section.html` needs, under one key.

    Which buttons show, and where they go, come from the registered letter steps.
    """
    designation = steps.get(steps.LETTER, LetterKind.DESIGNATION)
    formal_warning = steps.get(steps.LETTER, LetterKind.FORMAL_WARNING)
    # Prefetched with the case page (CASE_PAGE_PREFETCH); sorted here for any other caller.
    letters = sorted(case.letters.all(), key=lambda x: (x.issued_at, x.pk), reverse=True)
    notices = sorted(case.notices.all(), key=lambda n: (n.sent_at, n.pk), reverse=True)
    designated = case.state in (CaseState.DESIGNATED, CaseState.ACTIVE)
    can_inform = INFORM_COUNCIL.may(user, case)
    has_designation_letter = any(x.kind == LetterKind.DESIGNATION for x in letters)
    has_formal_letter = any(x.kind == LetterKind.FORMAL_WARNING for x in letters)
    return {
        "letters_section": {
            "letters": letters,
            "notices": notices,
            "designated": designated,
            "can_issue_designation": designation.may(user, case),
            "designation_url": designation.url(case.reference),
            "designation_title": designation.title,
            "has_designation_letter": has_designation_letter,
            "can_issue_formal_warning": formal_warning.may(user, case),
            "formal_warning_url": formal_warning.url(case.reference),
            "formal_warning_title": formal_warning.title,
            "has_formal_letter": has_formal_letter,
            "policy_missing": designated
            and not PolicyVersion.objects.filter(is_current=True).exists(),
            "can_inform": can_inform,
            "inform_form": InformCouncilForm(case=case) if can_inform else None,
            "inform_url": INFORM_COUNCIL.url(case.reference),
            "copy_recipients": copy_recipients(case) if can_inform else [],
            "customer_notified_on": case.customer_notified_on,
            "council_informed_at": case.council_informed_at,
        }
    }
