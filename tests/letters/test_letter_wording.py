"""Issue 9, item 7: what the letters say to the customer.

The matter is named in words, not by its internal code; the policy's version reads as a
person would write it; the sanctions are described to "you", not to staff about "the
customer"; and no template syntax ever reaches a letter or its preview.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from cases import services as case_services
from cases.models import MatterKind
from letters import services
from letters.models import LetterKind, PolicyVersion
from tests.factories import MatterFactory, some_indicators

pytestmark = pytest.mark.django_db

TUE_3_JUNE = dt.date(2025, 6, 3)
WED_3_DECEMBER = dt.date(2025, 12, 3)


def text(value: str) -> str:
    return " ".join(html.unescape(strip_tags(value)).split())


@pytest.fixture
def refused_matter_case(frozen, make_case, customer, adults, senior_manager):
    matter = MatterFactory(customer=customer, directorate=adults, kind=MatterKind.COMPLAINT,
                           summary="Missed bin collections on Warwick Road",
                           received_on=dt.date(2025, 3, 4))
    case = make_case("awaiting_decision", customer=customer)
    common = {"directorates": [adults], "starts_on": TUE_3_JUNE, "ends_on": WED_3_DECEMBER}
    case = case_services.case_designate(
        actor=senior_manager, case=case,
        reasons="Forty-one calls in May about a bin collection already resolved twice.",
        indicators=some_indicators(3),
        sanctions=[
            {"kind": "refuse_complaints", "matters": [matter],
             "reasons": "The complaint was answered in full at every stage.", **common},
            {"kind": "single_medium", "allowed_channel": "letter",
             "reasons": "Letters let us answer everything you raise in one place.", **common},
        ],
    )
    return case, matter


def test_the_designation_letter_names_the_matter_in_words_not_its_code(
    refused_matter_case, senior_manager
):
    case, matter = refused_matter_case
    letter_html, _ = services.build_letter(actor=senior_manager, kind=LetterKind.DESIGNATION,
                                           case=case)
    body = text(letter_html)
    assert matter.reference not in body
    assert ("your complaint about \u201cMissed bin collections on Warwick Road\u201d, "
            "received on 4 March 2025") in body


def test_the_letter_speaks_to_the_customer_not_about_them(refused_matter_case,
                                                          senior_manager):
    case, _matter = refused_matter_case
    letter_html, _ = services.build_letter(actor=senior_manager, kind=LetterKind.DESIGNATION,
                                           case=case)
    body = text(letter_html).split("Enclosure:")[0]  # the policy itself is third person
    assert "the customer" not in body.lower()
    assert "You may contact us only by letter." in body
    assert "our staff have been told" not in body


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("v5.0 (January 2016)", "version 5.0"),
        ("Version 6", "version 6"),
        ("6.1", "version 6.1"),
        ("V7.2 (draft for consultation)", "version 7.2"),
        ("Spring 2026 update", "version \u201cSpring 2026 update\u201d"),
    ],
)
def test_a_policy_version_reads_naturally(label, expected):
    version = PolicyVersion(label=label, effective_on=dt.date(2016, 1, 1))
    assert version.version_in_words == expected
    assert version.in_words == f"{expected}, in effect from 1 January 2016"


def test_the_designation_letter_names_the_policy_version_naturally(designated,
                                                                   senior_manager):
    letter_html, _ = services.build_letter(actor=senior_manager, kind=LetterKind.DESIGNATION,
                                           case=designated)
    body = text(letter_html)
    assert "A copy of the policy (version 5.0, in effect from 1 January 2016) is enclosed" \
        in body
    assert "v5.0" not in body and "(version v" not in body


def test_no_template_syntax_reaches_a_letter_or_its_preview(designated, senior_manager,
                                                            login):
    kind = LetterKind.DESIGNATION
    letter_html, _ = services.build_letter(actor=senior_manager, kind=kind, case=designated)
    page = login(senior_manager).get(
        reverse("letters:preview", args=[designated.reference, kind])
    )
    assert page.status_code == 200
    for rendered in (letter_html, page.content.decode(), html.unescape(page.content.decode())):
        assert "{#" not in rendered and "{%" not in rendered and "#}" not in rendered
