"""The letter pages a case page links to, registered in `cases.steps`.

Issuing a letter is no transition of the case, so each step says itself who may take it
(`may`), by asking `letters.services.may_issue`, the question the service asks again
before it issues anything.
"""

from __future__ import annotations

from cases import rules, steps
from letters.models import LetterKind
from letters.services import INFORM_COUNCIL_STATES, may_issue

# Informing the council is no letter to the customer: its own subject.
NOTICE = "notice"


def _may_issue(kind: str):
    return lambda user, case: may_issue(user, case, kind)


def _may_inform(user, case) -> bool:
    return case.state in INFORM_COUNCIL_STATES and rules.is_senior_manager(case, user)


# The letters a case page issues; informal warning letters belong to a warning.
CASE_LETTERS = [
    steps.register(
        steps.Step(
            steps.LETTER, LetterKind.FORMAL_WARNING.value,
            f"Issue the {LetterKind.FORMAL_WARNING.label.lower()}", "letters:preview",
            order=10, may=_may_issue(LetterKind.FORMAL_WARNING),
            url_args=(LetterKind.FORMAL_WARNING.value,),
        )
    ),
    steps.register(
        steps.Step(
            steps.LETTER, LetterKind.DESIGNATION.value,
            f"Issue the {LetterKind.DESIGNATION.label.lower()}", "letters:preview",
            order=20, may=_may_issue(LetterKind.DESIGNATION),
            url_args=(LetterKind.DESIGNATION.value,),
        )
    ),
]

INFORM_COUNCIL = steps.register(
    steps.Step(
        NOTICE, "inform_council", "Inform the council", "letters:inform_council",
        order=30, may=_may_inform,
    )
)
