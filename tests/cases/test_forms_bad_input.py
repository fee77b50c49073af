"""Bad input on every form: never a 500, the GOV.UK error summary with the message, what the
user typed kept on the page, and nothing saved."""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseState, DesignationCase
from tests.conftest import TUE_3_JUNE
from tests.factories import MatterFactory, some_indicators

pytestmark = pytest.mark.django_db


def everything() -> dict:
    """Row counts of every model of the apps, history tables included."""
    return {
        m._meta.label: m._default_manager.count()
        for app in ("cases", "accounts")
        for m in apps.get_app_config(app).get_models()
        if m._meta.model_name != "recordview"
    }


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def assert_rejected(response, before: dict, message: str, *typed: str, status: int = 200):
    assert response.status_code == status
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text
    for value in typed:
        assert value in text, f"the page lost what the user typed: {value!r}"
    assert everything() == before, "a rejected form must save nothing"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


# --- customer --------------------------------------------------------------------------------


def customer_data(adults, **overrides) -> dict:
    data = {
        "directorate": adults.pk, "full_name": "Jordan Typed-Name", "address": "22 Typed Lane",
        "postcode": "ca2 4tt", "email": "jordan@example.org", "phone": "01228 123456",
        "preferred_contact_method": "", "communication_needs": "Large print please",
        "reasonable_adjustments": "", "representative_name": "", "representative_details": "",
        "representative_consent_on": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("overrides", "message", "typed"),
    [
        ({"full_name": ""}, "Enter the customer's full name", ["22 Typed Lane", "ca2 4tt"]),
        ({"email": "not-an-email"}, "Enter a valid email address", ["not-an-email",
                                                                     "Jordan Typed-Name"]),
        ({"preferred_contact_method": "email", "email": ""},
         "Enter an email address, or choose another contact method", ["Jordan Typed-Name"]),
        ({"preferred_contact_method": "phone", "phone": ""},
         "Enter a phone number, or choose another contact method", ["jordan@example.org"]),
        ({"representative_consent": "on"},
         "Enter the representative the customer consented to", ["Large print please"]),
        ({"representative_name": "Alex Advocate", "representative_consent": "on"},
         "Enter the date consent was given", ["Alex Advocate"]),
        ({"representative_name": "Alex Advocate", "representative_consent": "on",
          "representative_consent_on": "2025-06-04"},
         "The date consent was given cannot be in the future", ["2025-06-04"]),
        ({"representative_consent_on": "31/02/2025"}, "Enter a valid date", ["31/02/2025"]),
    ],
)
def test_customer_create_bad_input(login, officer, adults, frozen, overrides, message, typed):
    client = login(officer)
    before = everything()
    response = client.post(reverse("customers:create"), customer_data(adults, **overrides))
    assert_rejected(response, before, message, *typed)


def test_customer_create_in_a_directorate_not_ones_own_is_refused(
    login, officer, adults, children
):
    client = login(officer)
    before = everything()
    response = client.post(reverse("customers:create"), customer_data(adults,
                                                                      directorate=children.pk))
    assert_rejected(response, before, "Select a valid choice", "Jordan Typed-Name")


def test_customer_edit_bad_input_keeps_the_old_record(login, officer, customer):
    client = login(officer)
    before = everything()
    response = client.post(
        reverse("customers:edit", args=[customer.reference]),
        {"full_name": "Morgan Renamed", "email": "broken@", "address": "99 New Road",
         "postcode": "CA1 2BS"},
    )
    assert_rejected(response, before, "Enter a valid email address", "Morgan Renamed",
                    "99 New Road", "broken@")
    customer.refresh_from_db()
    assert (customer.full_name, customer.email) == ("Morgan Hartley-Evans", "morgan.he@example.org")


# --- matter ----------------------------------------------------------------------------------


def matter_data(adults, **overrides) -> dict:
    data = {
        "directorate": adults.pk, "kind": "complaint", "summary": "Typed matter summary",
        "details": "Typed matter details", "status": "open", "outcome": "",
        "received_on": "2025-06-02", "decided_on": "", "closed_on": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message", "typed"),
    [
        ({"kind": ""}, "Choose whether this is a complaint, enquiry, request or concern",
         ["Typed matter summary", "Typed matter details"]),
        ({"summary": ""}, "Enter a one-line summary", ["Typed matter details"]),
        ({"received_on": "2025-06-04"}, "The date cannot be in the future",
         ["2025-06-04", "Typed matter summary"]),
        ({"status": "decided", "decided_on": "2025-06-01", "outcome": "Upheld"},
         "The date cannot be before the date it was received", ["Upheld"]),
        ({"status": "decided", "decided_on": "2025-06-02"},
         "Enter the decision or outcome reached", ["Typed matter summary"]),
        ({"status": "closed", "outcome": "Resolved"}, "Enter the date it was closed",
         ["Resolved"]),
        ({"received_on": "yesterday"}, "Enter a valid date", ["yesterday"]),
    ],
)
def test_matter_bad_input(login, officer, customer, adults, frozen, overrides, message, typed):
    client = login(officer)
    before = everything()
    response = client.post(
        reverse("customers:matter_create", args=[customer.reference]),
        matter_data(adults, **overrides),
    )
    assert_rejected(response, before, message, *typed)


def test_matter_edit_bad_input_keeps_the_old_record(login, officer, customer, adults, frozen):
    matter = MatterFactory(customer=customer, directorate=adults, created_by=officer,
                           summary="Original summary")
    client = login(officer)
    before = everything()
    data = matter_data(adults, summary="Edited summary", status="closed", outcome="")
    data.pop("directorate")
    response = client.post(
        reverse("customers:matter_edit", args=[customer.reference, matter.reference]), data
    )
    assert_rejected(response, before, "Enter the decision or outcome reached", "Edited summary")
    matter.refresh_from_db()
    assert matter.summary == "Original summary"


# --- contact ---------------------------------------------------------------------------------


def contact_data(adults, officer, **overrides) -> dict:
    data = {
        "directorate": adults.pk, "channel": "phone", "direction": "inbound",
        "occurred_at": "2025-06-03T09:30", "duration_minutes": "25",
        "handled_by": officer.pk, "recipients": "1", "matter": "",
        "summary": "Typed contact summary", "indicators": [],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message", "typed"),
    [
        ({"occurred_at": "2025-06-03T11:00"}, "The time of the contact cannot be in the future",
         ["2025-06-03T11:00", "Typed contact summary"]),
        ({"duration_minutes": ""}, "Enter how many minutes the call or visit lasted",
         ["Typed contact summary"]),
        ({"channel": "in_person", "duration_minutes": ""},
         "Enter how many minutes the call or visit lasted", ["Typed contact summary"]),
        ({"duration_minutes": "0"}, "The duration must be at least 1 minute", ["Typed contact"]),
        ({"occurred_at": "31/02/2025 10:00"}, "Enter a real date and time",
         ["31/02/2025 10:00"]),
        ({"occurred_at": "0001-01-01T10:00"},
         "The time of the contact must be on or after 1 January 2000: check the year",
         ["0001-01-01T10:00", "Typed contact summary"]),
        ({"summary": "x" * 10_001}, "Enter no more than 10,000 characters (you entered 10,001)",
         ["x" * 10_001]),
        ({"recipients": "0"}, "There must be at least 1 recipient", ["Typed contact summary"]),
        ({"summary": ""}, "Enter a summary of the contact", []),
        ({"channel": ""}, "Choose how the contact happened", ["Typed contact summary"]),
        ({"channel": "carrier_pigeon"}, "Select a valid choice", ["Typed contact summary"]),
    ],
)
def test_contact_bad_input(login, officer, customer, adults, frozen, overrides, message, typed):
    client = login(officer)
    before = everything()
    response = client.post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, officer, **overrides),
    )
    assert_rejected(response, before, message, *typed)


def test_contact_ticked_indicators_are_kept_on_error(login, officer, customer, adults, frozen):
    chosen = some_indicators(2)[1]
    client = login(officer)
    response = client.post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, officer, duration_minutes="", indicators=[chosen.pk]),
    )
    assert response.status_code == 200
    ticked = re.findall(r'name="indicators" value="(\d+)"[^>]*\bchecked\b', page_text(response))
    assert ticked == [str(chosen.pk)]


def test_contact_about_another_customers_matter_is_refused(
    login, officer, customer, adults, frozen
):
    other = MatterFactory(directorate=adults, created_by=officer)
    client = login(officer)
    before = everything()
    response = client.post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, officer, matter=other.pk),
    )
    assert_rejected(response, before, "Select a valid choice", "Typed contact summary")


def test_contact_handled_by_staff_of_another_directorate_is_refused(
    login, officer, outsider, customer, adults, frozen
):
    client = login(officer)
    before = everything()
    response = client.post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, officer, handled_by=outsider.pk),
    )
    assert_rejected(response, before, "Select a valid choice", "Typed contact summary")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "virus.exe is not a file type we accept"),
        ("script.html", b"<script>", "script.html is not a file type we accept"),
        ("empty.pdf", b"", "empty"),
        ("huge.pdf", b"x" * (1024 * 1024 + 1), "huge.pdf must be smaller than 1 MB"),
    ],
)
def test_contact_bad_upload(
    login, officer, customer, adults, frozen, settings, private_media, name, content, message
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client = login(officer)
    before = everything()
    data = contact_data(adults, officer, channel="letter", duration_minutes="")
    data["files"] = [SimpleUploadedFile(name, content)]
    response = client.post(reverse("customers:contact_create", args=[customer.reference]), data)
    assert_rejected(response, before, message, "Typed contact summary")
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


# --- informal warning and referral ------------------------------------------------------------


def warning_data(adults, **overrides) -> dict:
    data = {"directorate": adults.pk, "method": "in_person", "given_on": "2025-06-03",
            "behaviours": [some_indicators(1)[0].pk], "summary": "Typed what they were told"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message", "typed"),
    [
        ({"behaviours": []}, "Choose at least one behaviour the warning is about",
         ["Typed what they were told"]),
        ({"given_on": "2025-06-04"}, "The date cannot be in the future",
         ["2025-06-04", "Typed what they were told"]),
        ({"given_on": "not a date"}, "Enter a real date", ["not a date"]),
        ({"given_on": "1899-06-03"}, "The date must be on or after 1 January 2000",
         ["1899-06-03", "Typed what they were told"]),
        ({"method": ""}, "Choose how the warning was given", ["Typed what they were told"]),
        ({"summary": ""}, "Enter what the customer was told", []),
    ],
)
def test_informal_warning_bad_input(
    login, officer, customer, adults, frozen, overrides, message, typed
):
    client = login(officer)
    before = everything()
    response = client.post(
        reverse("customers:warning_create", args=[customer.reference]),
        warning_data(adults, **overrides),
    )
    assert_rejected(response, before, message, *typed)


@pytest.mark.parametrize(
    ("overrides", "message", "typed"),
    [
        ({"indicators": []}, "Choose at least one indicator you have seen",
         ["Typed reason for referral"]),
        ({"reason": "   "}, "Enter why you are referring this customer", []),
        ({"indicators": ["999999"]}, "Select a valid choice", ["Typed reason for referral"]),
    ],
)
def test_refer_bad_input(login, officer, customer, adults, overrides, message, typed):
    client = login(officer)
    before = everything()
    data = {"directorate": adults.pk, "reason": "Typed reason for referral",
            "indicators": [some_indicators(1)[0].pk], "evidence_contacts": []}
    data.update(overrides)
    response = client.post(reverse("customers:refer", args=[customer.reference]), data)
    assert_rejected(response, before, message, *typed)
    assert not DesignationCase.objects.exists()


# --- case actions ----------------------------------------------------------------------------

# (action, state, who, bad data, message, typed)
ACTION_CASES = [
    ("issue_formal_warning", "referred", "service_manager",
     {"method": "phone", "given_on": "2025-06-03", "summary": "Typed warning text"},
     "Select a valid choice", ["Typed warning text"]),
    ("issue_formal_warning", "referred", "service_manager",
     {"method": "letter", "given_on": "2025-06-04", "summary": "Typed warning text"},
     "The date cannot be in the future", ["Typed warning text", "2025-06-04"]),
    ("issue_formal_warning", "referred", "service_manager",
     {"method": "letter", "given_on": "2025-06-03", "summary": "Typed warning text",
      "behaviours": []},
     "Choose at least one behaviour the warning is about", ["Typed warning text"]),
    ("skip_warning", "referred", "service_manager",
     {"kind": "ineffective", "reason": "Typed skip reason"},
     "Select a valid choice", ["Typed skip reason"]),
    ("skip_warning", "referred", "senior_manager", {"kind": "", "reason": "Typed skip reason"},
     "Choose why no warning is being given", ["Typed skip reason"]),
    ("close_referral", "referred", "service_manager", {"note": "  "},
     "Enter why no further action is needed", []),
    ("behaviour_continued", "warned", "service_manager", {"note": ""},
     "Enter what behaviour continued after the warning", []),
    ("behaviour_stopped", "warned", "service_manager", {"note": ""},
     "Enter how the behaviour has changed", []),
    ("close_precondition_failed", "assessment", "service_manager", {"note": ""},
     "Enter which precondition failed and how it is being put right", []),
    ("designate", "awaiting_decision", "senior_manager",
     {"reasons": "Typed designation reasons", "indicators": []},
     "Choose the indicators the decision relies on", ["Typed designation reasons"]),
    ("designate", "awaiting_decision", "senior_manager",
     {"reasons": "", "indicators": ["<first>"]}, "Enter the reasons for designating", []),
    ("decline", "awaiting_decision", "senior_manager", {"reasons": ""},
     "Enter the reasons for not designating", []),
    ("return_for_more_work", "awaiting_decision", "senior_manager", {"note": ""},
     "Enter what more work is needed", []),
]


@pytest.mark.parametrize(
    ("action", "state", "who", "data", "message", "typed"), ACTION_CASES,
    ids=[f"{a}-{m[:30]}" for a, _s, _w, _d, m, _t in ACTION_CASES],
)
def test_case_action_bad_input(
    login, persona, make_case, frozen, action, state, who, data, message, typed
):
    case = make_case(state)
    data = {"expected_state": state, "behaviours": [some_indicators(1)[0].pk], **data}
    if data.get("indicators") == ["<first>"]:
        data["indicators"] = [some_indicators(1)[0].pk]
    client = login(persona(who))
    before = everything()
    response = client.post(reverse("cases:action", args=[case.reference, action]), data)
    assert_rejected(response, before, message, *typed)
    assert DesignationCase.objects.get(pk=case.pk).state == state


def test_case_action_without_expected_state_is_refused(login, service_manager, make_case):
    case = make_case("referred")
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:action", args=[case.reference, "close_referral"]),
        {"note": "Typed closing note"},
    )
    assert_rejected(response, before, "This field is required", "Typed closing note")


def test_submit_for_decision_with_the_checklist_incomplete_lists_what_is_missing(
    login, service_manager, make_case
):
    case = make_case("assessment", checklist=False)
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:action", args=[case.reference, "submit_for_decision"]),
        {"expected_state": "assessment", "note": "Typed note for the senior manager"},
    )
    assert response.status_code in (403, 422)
    assert_rejected(
        response, before, "Confirm the precondition: the matter has been discussed",
        "Typed note for the senior manager", "Record what was done about: help to find",
        status=response.status_code,
    )


def test_a_guard_refusal_is_unprocessable_not_forbidden(login, service_manager, make_case):
    """The service manager may submit this case; it is not ready. That is a 422 (fix the
    checklist), not a 403 (you may not do this): the view means to tell them apart."""
    case = make_case("assessment", checklist=False)
    client = login(service_manager)
    response = client.post(
        reverse("cases:action", args=[case.reference, "submit_for_decision"]),
        {"expected_state": "assessment", "note": ""},
    )
    assert response.status_code == 422
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.ASSESSMENT


# --- checklist on the case page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "typed"),
    [
        ({"discussed-met": "yes", "discussed-confirmed_on": "2025-06-04",
          "discussed-note": "Typed precondition note"},
         "The date cannot be in the future", ["Typed precondition note", "2025-06-04"]),
        ({"discussed-confirmed_on": "2025-06-03", "discussed-note": "Typed precondition note"},
         "Choose whether you are satisfied", ["Typed precondition note"]),
        ({"discussed-met": "yes", "discussed-confirmed_on": "2025-06-03",
          "discussed-note": ""}, "Enter a note of how you satisfied yourself", []),
        ({"discussed-met": "yes", "discussed-confirmed_on": "3rd of June",
          "discussed-note": "Typed precondition note"}, "Enter a real date", ["3rd of June"]),
    ],
)
def test_precondition_bad_input(login, service_manager, make_case, frozen, data, message, typed):
    case = make_case("assessment", checklist=False)
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:precondition", args=[case.reference]),
        {"precondition": "discussed", **data},
    )
    assert_rejected(response, before, message, *typed, status=422)


@pytest.mark.parametrize(
    ("data", "message", "typed"),
    [
        ({"meeting-reason": "Typed alternative reason"}, "Choose what happened",
         ["Typed alternative reason"]),
        ({"meeting-outcome": "done", "meeting-reason": ""}, "Enter the reason", []),
        ({"meeting-outcome": "maybe", "meeting-reason": "Typed alternative reason"},
         "Select a valid choice", ["Typed alternative reason"]),
    ],
)
def test_alternative_bad_input(login, service_manager, make_case, data, message, typed):
    case = make_case("assessment", checklist=False)
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:alternative", args=[case.reference]), {"alternative": "meeting", **data}
    )
    assert_rejected(response, before, message, *typed, status=422)


def test_unknown_checklist_item_is_404(login, service_manager, make_case):
    case = make_case("assessment", checklist=False)
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:alternative", args=[case.reference]),
        {"alternative": "bribe", "bribe-outcome": "done", "bribe-reason": "x"},
    )
    assert response.status_code == 404
    assert everything() == before


def test_coordination_key_officer_from_outside_the_case_is_refused(
    login, service_manager, outsider, make_case
):
    case = make_case("assessment")
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:coordination", args=[case.reference]),
        {"involved_directorates": [], "key_officer": outsider.pk},
    )
    assert_rejected(
        response, before, "The key officer must work in one of the case's directorates",
        status=422,
    )
    # the choice made is still selected
    assert f'<option value="{outsider.pk}" selected>' in response.content.decode()


def test_coordination_unknown_directorate_is_refused(login, service_manager, make_case):
    case = make_case("assessment")
    client = login(service_manager)
    before = everything()
    response = client.post(
        reverse("cases:coordination", args=[case.reference]),
        {"involved_directorates": ["424242"], "key_officer": ""},
    )
    assert_rejected(response, before, "Select a valid choice", status=422)
