"""Reads for the letters section of the case page, and scoped access to issued letters.

Every letter is reached through its case, and the case through
`cases.selectors.get_case_for_user`, so a letter is visible to exactly those who may see
the case; anything else is a 404.
"""

from __future__ import annotations

from django.http import Http404

from cases import rules
from cases.models import CaseState, DesignationCase
from letters.models import CouncilNotice, Letter, LetterKind


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


def get_letter_for_case(case: DesignationCase, pk: int) -> Letter:
    """A letter of a case the user was already allowed to see (via get_case_for_user)."""
    try:
        return case.letters.select_related("customer", "case").get(pk=pk)
    except Letter.DoesNotExist:
        raise Http404("No letter found") from None


def case_letters_context(case: DesignationCase, user) -> dict:
    """Everything `templates/letters/_case_section.html` needs, under one key."""
    from letters.forms import InformCouncilForm
    from letters.services import (
        INFORM_COUNCIL_STATES,
        copy_recipients,
        current_policy,
        may_issue,
    )

    letters = letters_for_case(case)
    designated = case.state in (CaseState.DESIGNATED, CaseState.ACTIVE)
    can_inform = case.state in INFORM_COUNCIL_STATES and rules.is_senior_manager(case, user)
    has_designation_letter = any(x.kind == LetterKind.DESIGNATION for x in letters)
    has_formal_letter = any(x.kind == LetterKind.FORMAL_WARNING for x in letters)
    return {
        "letters_section": {
            "letters": letters,
            "notices": notices_for_case(case) if designated or case.notices.exists() else [],
            "designated": designated,
            "can_issue_designation": may_issue(user, case, LetterKind.DESIGNATION),
            "has_designation_letter": has_designation_letter,
            "can_issue_formal_warning": may_issue(user, case, LetterKind.FORMAL_WARNING),
            "has_formal_letter": has_formal_letter,
            "policy_missing": designated and current_policy() is None,
            "can_inform": can_inform,
            "inform_form": InformCouncilForm(case=case) if can_inform else None,
            "copy_recipients": copy_recipients(case) if can_inform else [],
            "customer_notified_on": case.customer_notified_on,
            "council_informed_at": case.council_informed_at,
        }
    }
