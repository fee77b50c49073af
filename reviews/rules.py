"""Who may take each step of a challenge or a six-month review: the `permission=` of the
transitions on `Challenge` and `Review`, asked alike by the pages and the services."""

from __future__ import annotations

from accounts.roles import Role, has_role
from cases import rules as case_rules

# Who receives and records a customer's written request: whoever works on the case.
RECORDING_ROLES = (Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER)


def may_record_challenge(challenge, user) -> bool:
    return has_role(user, *RECORDING_ROLES) and case_rules.works_on_case(challenge.case, user)


def is_case_senior_manager(challenge, user) -> bool:
    return case_rules.is_senior_manager(challenge.case, user)


def is_assigned_independent_reviewer(challenge, user) -> bool:
    """Only the reviewer assigned, and only while independent of the case (they may have
    taken part in it since they were assigned)."""
    return (
        user is not None
        and challenge.reviewer_id == user.pk
        and case_rules.is_independent(challenge.case, user)
    )


def is_review_senior_manager(review, user) -> bool:
    return case_rules.is_senior_manager(review.case, user)
