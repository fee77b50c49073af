"""The letters themselves: what the designation letter must say, large print, the PDF,
versions that never change, and the policy they enclose.

WeasyPrint takes about half a second a letter, so only the tests that need a PDF issue
one; the rest render the HTML with `build_letter`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from pypdf import PdfReader

from cases import services as case_services
from cases.deadlines import review_due
from cases.models import CaseEvent, CaseState, MatterKind
from letters import rendering, services
from letters.models import ImmutableError, Letter, LetterKind, PolicyVersion
from tests.factories import MatterFactory, some_indicators
from ucp.errors import CaseChanged, NotAllowed, ServiceError

pytestmark = pytest.mark.django_db

TUE_3_JUNE = dt.date(2025, 6, 3)
TUE_17_JUNE = dt.date(2025, 6, 17)
WED_3_DECEMBER = dt.date(2025, 12, 3)


def text(value: str) -> str:
    """Letter HTML as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(value)).split())


def pdf_text(letter: Letter) -> str:
    """The PDF's text, without the running footer (which splits sentences at page ends)."""
    with letter.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    lines = [
        line
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if "· Letter version" not in line
    ]
    return " ".join(" ".join(lines).split())


def file_bytes(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def policy_v6(admin_user):
    version = PolicyVersion(
        label="v6.0 (June 2025)",
        effective_on=dt.date(2025, 6, 1),
        text="2.4 What sanctions should be considered\n\nSanctions are proportionate "
        "and reviewed after 6 months.\n\n- placing time limits on calls\n- one named officer",
        is_current=True,
    )
    return services.policy_version_save(actor=admin_user, version=version)


@pytest.fixture
def two_sanctions_case(frozen, make_case, customer, adults, senior_manager):
    """Designated on 3 June 2025 with a time limit and a call limit; the customer has a
    complaint (so the Ombudsman route applies)."""
    MatterFactory(customer=customer, directorate=adults, kind=MatterKind.COMPLAINT,
                  summary="Missed bin collections on Warwick Road")
    case = make_case("awaiting_decision", customer=customer)
    common = {"directorates": [adults], "starts_on": TUE_3_JUNE, "ends_on": WED_3_DECEMBER}
    return case_services.case_designate(
        actor=senior_manager,
        case=case,
        reasons="Forty-one calls in May about a bin collection already resolved twice.",
        indicators=some_indicators(3),
        sanctions=[
            {"kind": "time_limit", "max_minutes": 15,
             "reasons": "The calls run past an hour every time.",
             **common},
            {"kind": "call_limit", "calls_per_week": 1, "call_weekdays": "1",
             "call_period": "morning", "reasons": "You call us several times every day.", **common},
        ],
    )


# --- the designation letter ------------------------------------------------------------------


@pytest.mark.real_pdf
def test_designation_letter_contains_every_required_element(
    two_sanctions_case, senior_manager, policy_v6
):
    case = two_sanctions_case
    letter = services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=case)
    body = text(letter.html)

    # The policy itself: the current version, enclosed in full, and recorded.
    assert letter.policy_version == policy_v6
    assert "version 6.0, in effect from 1 June 2025" in body
    assert "Sanctions are proportionate and reviewed after 6 months." in body
    assert "placing time limits on calls" in body
    # Why, in plain words: the senior manager's reasons and the indicators relied on.
    assert "Forty-one calls in May about a bin collection already resolved twice." in body
    for indicator in case.decision_indicators.all():
        assert html.unescape(indicator.text) in body
    # Each sanction in plain words, to "you", with its dates and why.
    assert "Calls and meetings with you last no more than 15 minutes." in body
    assert "You may call us no more than 1 time a week, on Tuesdays in the morning" in body
    assert "Why: The calls run past an hour every time." in body
    assert ("Telephone calls and meetings in person with you will last no more than "
            "15 minutes.") in body
    assert ("We will take no more than 1 telephone call from you a week, on Tuesdays in the "
            "morning (before 12 noon).") in body
    assert body.count("From 3 June 2025 to 3 December 2025.") == 2
    assert "This applies to your contact with Adults." in body
    # How long, and the six-month review.
    assert case.review_due_on == review_due(TUE_3_JUNE) == WED_3_DECEMBER
    assert "on or before 3 December 2025" in body
    # How to challenge: in writing, by the last date (14 days after the letter), to whom.
    assert letter.issued_on == TUE_3_JUNE
    assert letter.challenge_last_day == TUE_17_JUNE == TUE_3_JUNE + dt.timedelta(days=14)
    assert "Your request must reach us by Tuesday 17 June 2025." in body
    assert "by letter, by email or using the online form" in body
    assert settings.REVIEW_REQUESTS_TEAM in body
    assert settings.REVIEW_REQUESTS_EMAIL in body
    assert all(line in body for line in settings.COUNCIL_ADDRESS)
    assert "a senior manager who was not involved in this decision" in body
    # The customer has a complaint: the Ombudsman route.
    assert "Local Government and Social Care Ombudsman" in body
    assert "complaints procedure" in body

    # The PDF has the same text in it.
    pdf = pdf_text(letter)
    for phrase in (
        "Our decision to limit your contact with the council",
        "Morgan Hartley-Evans",
        "Forty-one calls in May",
        "From 3 June 2025 to 3 December 2025",
        "Tuesday 17 June 2025",
        "Local Government and Social Care Ombudsman",
        "Enclosure: Unreasonable Customer Policy",
        "Sanctions are proportionate and reviewed after 6 months",
    ):
        assert phrase in pdf, phrase
    assert letter.sha256 == hashlib.sha256(file_bytes(letter)).hexdigest()


def test_no_ombudsman_paragraph_when_no_matter_is_a_complaint(
    designated, senior_manager, adults
):
    MatterFactory(customer=designated.customer, directorate=adults, kind=MatterKind.ENQUIRY)
    letter_html, context = services.build_letter(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    assert context["has_complaint"] is False
    assert "Local Government and Social Care Ombudsman" not in letter_html
    assert "Your complaint and the Ombudsman" not in letter_html
    assert "Your request must reach us by Tuesday 17 June 2025." in text(letter_html)


def test_letter_encloses_the_seeded_v5_policy_by_default(designated, senior_manager):
    current = PolicyVersion.objects.get(is_current=True)
    assert current.label == "v5.0 (January 2016)"
    repo_text = (
        Path(settings.BASE_DIR) / "letters/policy/unreasonable-customer-policy-v5.txt"
    ).read_text(encoding="utf-8")
    assert current.text == repo_text.strip()
    letter_html, context = services.build_letter(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    assert context["policy"] == current
    body = text(letter_html)
    assert "version 5.0, in effect from 1 January 2016" in body
    assert "version v5.0" not in body and "(January 2016)" not in body
    assert "2.4 What sanctions should be considered" in body
    assert "request for a review to a senior manager" in body


def test_large_print_when_the_customer_needs_it(designated, senior_manager):
    standard, context = services.build_letter(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    assert context["large_print"] is False
    assert "letter--large-print" not in standard

    customer = designated.customer
    case_services.customer_update(
        actor=senior_manager, customer=customer,
        communication_needs="Partially sighted: needs Large Print letters.",
    )
    designated.customer.refresh_from_db()
    large, context = services.build_letter(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    assert context["large_print"] is True
    assert "letter--large-print" in large
    assert "html { font-size: 17pt;" in large


@pytest.mark.parametrize(
    ("large_print", "needs", "expected"),
    [
        (True, "", True),
        (False, "large print please", True),
        (False, "Large-print and easy read", True),
        (False, "Interpreter (Polish)", False),
        (False, "", False),
    ],
)
def test_needs_large_print(customer, large_print, needs, expected):
    customer.large_print = large_print
    customer.communication_needs = needs
    assert rendering.needs_large_print(customer) is expected


def test_reissuing_makes_version_2_and_leaves_version_1_byte_identical(
    designated, senior_manager
):
    first = services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    first_bytes, first_html = file_bytes(first), first.html
    customer = designated.customer
    case_services.customer_update(
        actor=senior_manager, customer=customer, address="2 New Street\nPenrith",
        large_print=True,
    )

    second = services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )

    assert (first.version, second.version) == (1, 2)
    assert second.large_print and not first.large_print
    assert "2 New Street" in second.html
    stored = Letter.objects.get(pk=first.pk)
    assert stored.html == first_html and "14 Warwick Road" in stored.html
    assert file_bytes(stored) == first_bytes
    assert hashlib.sha256(first_bytes).hexdigest() == stored.sha256 != second.sha256
    assert stored.pdf.name != second.pdf.name
    events = CaseEvent.objects.filter(case=designated, kind="letter_issued")
    assert [e.summary for e in events] == [
        "Designation letter issued (version 1)",
        "Designation letter issued (version 2)",
    ]


def test_an_issued_letter_cannot_be_changed_or_deleted(designated, senior_manager, monkeypatch):
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")
    letter = services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    letter.html = "<p>Something else</p>"
    with pytest.raises(ImmutableError):
        letter.save()
    with pytest.raises(ImmutableError):
        letter.delete()
    assert Letter.objects.get(pk=letter.pk).html != "<p>Something else</p>"


def test_issuing_the_designation_letter_records_the_day_the_customer_was_told(
    designated, senior_manager, monkeypatch
):
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")
    services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated)
    designated.refresh_from_db()
    assert designated.customer_notified_on == TUE_3_JUNE
    event = CaseEvent.objects.get(case=designated, kind="customer_notified")
    assert "not yet told → 3 June 2025" in event.details
    assert "Last day to ask for a review: none → 17 June 2025" in event.details
    # Informing the council is still to do, so the designation is not yet in force.
    assert designated.state == CaseState.DESIGNATED


@pytest.mark.parametrize("state", ["referred", "awaiting_decision", "closed"])
def test_no_designation_letter_before_the_designation(make_case, senior_manager, state):
    case = make_case(state)
    with pytest.raises(CaseChanged):
        services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=case)
    assert not Letter.objects.exists()


@pytest.mark.parametrize("who", ["officer", "service_manager", "reviewer", "outsider"])
def test_only_a_senior_manager_of_the_case_issues_the_designation_letter(
    designated, persona, who
):
    with pytest.raises(NotAllowed):
        services.letter_issue(actor=persona(who), kind=LetterKind.DESIGNATION, case=designated)
    assert not Letter.objects.exists()


def test_no_current_policy_means_no_designation_letter(designated, senior_manager):
    PolicyVersion.objects.all().delete()
    with pytest.raises(ServiceError, match="no current version of the policy"):
        services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated)


# --- warning letters -------------------------------------------------------------------------


@pytest.mark.real_pdf
def test_service_manager_issues_the_formal_warning_letter(
    frozen, make_case, service_manager, officer
):
    case = make_case("warned")
    with pytest.raises(NotAllowed):
        services.letter_issue(actor=officer, kind=LetterKind.FORMAL_WARNING, case=case)
    letter = services.letter_issue(
        actor=service_manager, kind=LetterKind.FORMAL_WARNING, case=case
    )
    assert letter.warning == case.formal_warning
    assert letter.policy_version is None and letter.challenge_last_day is None
    body = text(letter.html)
    assert "Formal warning about your contact with the council" in body
    assert case.formal_warning.summary in body
    assert "Formal warning about your contact" in pdf_text(letter)
    case.refresh_from_db()
    assert case.state == CaseState.WARNED and case.customer_notified_on is None


def test_informal_warning_letter_for_a_customer_without_a_case(
    frozen, customer, adults, officer, monkeypatch
):
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")
    warning = case_services.warning_give_informal(
        actor=officer, customer=customer, directorate=adults, method="phone",
        given_on=timezone.localdate(), behaviours=some_indicators(1),
        summary="Asked the customer to stop swearing at the receptionist.",
    )
    first = services.letter_issue(
        actor=officer, kind=LetterKind.INFORMAL_WARNING, warning=warning
    )
    second = services.letter_issue(
        actor=officer, kind=LetterKind.INFORMAL_WARNING, warning=warning
    )
    assert first.case is None and first.customer == customer
    assert (first.version, second.version) == (1, 2)
    assert "Asked the customer to stop swearing at the receptionist." in text(first.html)


# --- rendering safety --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://example.org/logo.png", "https://example.org/font.woff", "file:///etc/passwd"]
)
def test_letters_fetch_nothing_from_the_network_or_outside_the_letter_templates(url):
    with pytest.raises(ValueError, match="no external resources"):
        rendering._local_fetcher().fetch(url)


def test_what_staff_type_is_escaped_in_the_letter(designated, senior_manager):
    case_services.customer_update(
        actor=senior_manager, customer=designated.customer,
        full_name='Morgan <img src="http://example.org/x">',
    )
    designated.customer.refresh_from_db()
    letter_html, _ = services.build_letter(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    assert "<img" not in letter_html
    assert "&lt;img" in letter_html


# --- the policy versions -----------------------------------------------------------------------


def test_making_a_version_current_replaces_the_current_one(admin_user, policy_v6):
    v5 = PolicyVersion.objects.get(label="v5.0 (January 2016)")
    assert list(PolicyVersion.objects.filter(is_current=True)) == [policy_v6]
    assert policy_v6.uploaded_by == admin_user
    v5.is_current = True
    services.policy_version_save(actor=admin_user, version=v5)
    assert list(PolicyVersion.objects.filter(is_current=True)) == [v5]
    assert v5.history.first().history_user == admin_user


def test_the_current_version_cannot_simply_be_unticked(admin_user):
    v5 = PolicyVersion.objects.get(is_current=True)
    v5.is_current = False
    with pytest.raises(ServiceError, match="Make another version current"):
        services.policy_version_save(actor=admin_user, version=v5)
    assert PolicyVersion.objects.filter(is_current=True).count() == 1


def test_an_administrator_adds_a_new_current_version_in_the_admin(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@council.example", "x")
    client.force_login(superuser)
    response = client.post("/admin/letters/policyversion/add/", {
        "label": "v6.0 (July 2025)", "effective_on": "2025-07-01", "is_current": "on",
        "text": "The new policy.",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = PolicyVersion.objects.get(label="v6.0 (July 2025)")
    assert new.is_current and new.uploaded_by == superuser
    assert not PolicyVersion.objects.get(label="v5.0 (January 2016)").is_current

    v5 = PolicyVersion.objects.get(label="v5.0 (January 2016)")
    response = client.post(f"/admin/letters/policyversion/{new.pk}/change/", {
        "label": new.label, "effective_on": "2025-07-01", "text": new.text,
    })
    assert response.status_code == 200  # re-shown with the error
    assert "Make another version current instead" in response.content.decode()
    assert PolicyVersion.objects.get(pk=new.pk).is_current and not v5.is_current


def test_a_pdf_left_by_a_rolled_back_issue_is_removed_a_day_later(
    designated, senior_manager, time_machine
):
    import datetime as dt

    from django.db import transaction

    from letters.models import Letter
    from letters.services import letter_issue, remove_orphan_pdfs

    storage = Letter._meta.get_field("pdf").storage
    kept = letter_issue(actor=senior_manager, kind="designation", case=designated)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        orphan = letter_issue(actor=senior_manager, kind="designation", case=designated)
        orphan_name = orphan.pdf.name
        raise Abandon
    assert storage.exists(orphan_name) and not Letter.objects.filter(pdf=orphan_name).exists()
    # The clock is frozen on 3 June 2025; the files were written now: date them then.
    import os

    from django.utils import timezone

    written = timezone.now().timestamp()
    for name in (orphan_name, kept.pdf.name):
        os.utime(storage.path(name), (written, written))
    # Not yet: it could be a letter being issued right now.
    assert remove_orphan_pdfs() == []
    time_machine.shift(dt.timedelta(days=2))
    assert remove_orphan_pdfs() == [orphan_name]
    assert not storage.exists(orphan_name)
    assert storage.exists(kept.pdf.name)


def test_every_kind_of_letter_has_one_rule_for_who_may_issue_it():
    from letters.services import MAY_ISSUE

    assert set(MAY_ISSUE) == set(LetterKind.values)
