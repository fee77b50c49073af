"""The letter pages a case page links to, registered in `cases.steps`.

Issuing a letter is no transition of the case, so each step says itself who may take it
(`may`), by asking `letters.services.may_issue`, the question the service asks again
before it issues anything, and where it is open (`opens`): the designation letter and the
council notice while a designation waits to come into force, the formal warning letter
while the behaviour is monitored after the warning.
"""

from __future__ import annotations

from accounts.roles import Role
from cases import deadlines, rules, steps
from cases.choices import CaseState
from letters.models import LetterKind
from letters.services import INFORM_COUNCIL_STATES, may_issue

NOTICE = steps.NOTICE

IN_FORCE_WHEN_BOTH = (
    "The designation comes into force when the letter is issued and the council informed."
)


def _may_issue(kind: str):
    return lambda user, case: may_issue(user, case, kind)


def _may_inform(user, case) -> bool:
    return case.state in INFORM_COUNCIL_STATES and rules.is_senior_manager(case, user)


def _formal_warning_opens(case, today) -> list[steps.Opening]:
    # While the behaviour is monitored after the warning: the letter is the warning itself.
    if case.formal_warning_id is None or case.state != CaseState.WARNED:
        return []
    sent = any(x.kind == LetterKind.FORMAL_WARNING for x in case.letters.all())
    return [steps.Opening(
        who=steps.who(case, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER), done=sent,
        roles=(Role.SERVICE_MANAGER, Role.SENIOR_MANAGER),
        hint="The written warning itself: the customer is told their behaviour is "
        "unacceptable and what will happen if it goes on.",
    )]


def _to_put_in_force(done_field: str, hint: str):
    def opens(case, today) -> list[steps.Opening]:
        if case.state != CaseState.DESIGNATED:
            return []
        return [steps.Opening(
            who=steps.who(case, Role.SENIOR_MANAGER), roles=(Role.SENIOR_MANAGER,),
            done=getattr(case, done_field) is not None,
            due_on=deadlines.notify_by(case.designated_on) if case.designated_on else None,
            hint=hint,
        )]

    return opens


# The letters a case page issues; informal warning letters belong to a warning.
CASE_LETTERS = [
    steps.register(
        steps.Step(
            steps.LETTER, LetterKind.FORMAL_WARNING.value,
            f"Issue the {LetterKind.FORMAL_WARNING.label.lower()}", "letters:preview",
            order=10, may=_may_issue(LetterKind.FORMAL_WARNING),
            url_args=(LetterKind.FORMAL_WARNING.value,),
            opens=_formal_warning_opens, prefetch=("letters",),
        )
    ),
    steps.register(
        steps.Step(
            steps.LETTER, LetterKind.DESIGNATION.value,
            f"Issue the {LetterKind.DESIGNATION.label.lower()}", "letters:preview",
            order=20, may=_may_issue(LetterKind.DESIGNATION),
            url_args=(LetterKind.DESIGNATION.value,),
            opens=_to_put_in_force(
                "customer_notified_on",
                "Preview the letter, then issue it: the customer is told in writing, with "
                "the policy and how to ask for a review. " + IN_FORCE_WHEN_BOTH,
            ),
        )
    ),
]

INFORM_COUNCIL = steps.register(
    steps.Step(
        NOTICE, "inform_council", "Inform the council", "letters:inform_council",
        order=30, may=_may_inform,
        opens=_to_put_in_force(
            "council_informed_at",
            "Tell the staff who deal with the customer, and copy the Assistant Director and "
            "Service Manager. " + IN_FORCE_WHEN_BOTH,
        ),
    )
)
