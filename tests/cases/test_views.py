"""Pages: what each one does when used properly, stale pages, uploads, search, query counts."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.actions import ACTIONS
from cases.models import (
    CaseEvent,
    CaseState,
    Channel,
    Contact,
    ContactAttachment,
    Customer,
    DesignationCase,
    Matter,
    Warning,
)
from tests.conftest import TUE_3_JUNE
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    MatterFactory,
    sanction_form_data,
    some_indicators,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


# --- customers ----------------------------------------------------------------------------------


def test_officer_adds_a_customer(login, officer, adults):
    client = login(officer)
    response = client.post(reverse("customers:create"), {
        "directorate": adults.pk, "full_name": "Riley Newcustomer", "postcode": "ca2 4tt",
        "phone": "01228 777 888", "email": "", "address": "",
    }, follow=True)
    customer = Customer.objects.get(full_name="Riley Newcustomer")
    assert response.redirect_chain[-1][0] == customer.get_absolute_url()
    assert customer.postcode == "CA2 4TT"
    assert list(customer.directorates.all()) == [adults]
    assert f"Customer {customer.reference} added." in messages_of(response)


def test_officer_edits_a_customer(login, officer, customer):
    client = login(officer)
    response = client.post(reverse("customers:edit", args=[customer.reference]), {
        "full_name": "Morgan Hartley", "postcode": "CA1 2BS", "email": "morgan.he@example.org",
        "phone": "01228 606 060", "communication_needs": "Easy read",
    })
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.full_name, customer.communication_needs) == ("Morgan Hartley", "Easy read")
    assert customer.history.first().history_user == officer


def test_customer_page_shows_their_records(login, officer, customer, adults, make_case):
    MatterFactory(customer=customer, directorate=adults, created_by=officer,
                  summary="Missed bin collections")
    ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                   summary="Rang about the bins again")
    case = make_case("warned", customer=customer)
    response = login(officer).get(customer.get_absolute_url())
    page = text(response)
    for shown in ("Morgan Hartley-Evans", customer.reference, "Missed bin collections",
                  "Rang about the bins again", case.reference, CaseState.WARNED.label,
                  "Formal written warning"):
        assert shown in page
    assert response.context["open_case"] == case


def test_officer_logs_a_phone_contact_with_an_indicator(
    login, officer, customer, adults, frozen, make_case
):
    case = make_case("warned", customer=customer)
    indicator = some_indicators(3)[2]
    client = login(officer)
    response = client.post(reverse("customers:contact_create", args=[customer.reference]), {
        "directorate": adults.pk, "channel": "phone", "direction": "inbound",
        "occurred_at": "2025-06-03T09:15", "duration_minutes": "35", "handled_by": officer.pk,
        "recipients": "1", "summary": "Called to complain about the warning letter.",
        "indicators": [indicator.pk],
    }, follow=True)
    contact = Contact.objects.get()
    assert (contact.channel, contact.duration_minutes, contact.logged_by) == (
        Channel.PHONE, 35, officer
    )
    assert list(contact.indicators.all()) == [indicator]
    assert "Contact logged." in messages_of(response)
    assert "Called to complain about the warning letter." in text(response)
    assert CaseEvent.objects.filter(case=case, kind="contact_logged").exists()


def test_officer_records_a_matter(login, officer, customer, adults, frozen):
    response = login(officer).post(
        reverse("customers:matter_create", args=[customer.reference]),
        {"directorate": adults.pk, "kind": "complaint", "summary": "Bins",
         "details": "Not collected", "status": "open", "received_on": "2025-06-02"},
    )
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert (matter.customer, matter.created_by, matter.reference[:2]) == (customer, officer, "M-")


def test_officer_records_an_informal_warning(login, officer, customer, adults, frozen):
    indicator = some_indicators(1)[0]
    response = login(officer).post(
        reverse("customers:warning_create", args=[customer.reference]),
        {"directorate": adults.pk, "method": "in_person", "given_on": "2025-06-03",
         "behaviours": [indicator.pk], "summary": "Asked him to stop shouting."},
    )
    assert response.status_code == 302
    warning = Warning.objects.get()
    assert (warning.kind, warning.given_by) == ("informal", officer)


def test_officer_refers_a_customer_and_lands_on_the_case(login, officer, customer, adults):
    contact = ContactFactory(customer=customer, directorate=adults, handled_by=officer)
    indicator = some_indicators(1)[0]
    client = login(officer)
    response = client.post(reverse("customers:refer", args=[customer.reference]), {
        "directorate": adults.pk, "reason": "Calls several times a day.",
        "indicators": [indicator.pk], "evidence_contacts": [contact.pk],
    }, follow=True)
    case = DesignationCase.objects.get()
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert f"Referred to a manager: case {case.reference}." in messages_of(response)
    assert response.context["case"].get_state_display() in text(response)
    assert CaseState.REFERRED.label in text(response)
    assert list(case.evidence_contacts.all()) == [contact]


def test_a_second_referral_is_added_to_the_open_case(login, officer, customer, adults,
                                                     make_case):
    case = make_case("referred", customer=customer)
    response = login(officer).post(reverse("customers:refer", args=[customer.reference]), {
        "directorate": adults.pk, "reason": "More calls.",
        "indicators": [some_indicators(1)[0].pk],
    }, follow=True)
    assert DesignationCase.objects.count() == 1
    assert any("already had an open case" in m for m in messages_of(response))
    assert response.redirect_chain[-1][0] == case.get_absolute_url()


def test_service_manager_cannot_open_the_refer_page(login, service_manager, customer):
    response = login(service_manager).get(reverse("customers:refer", args=[customer.reference]))
    assert response.status_code == 403


# --- cases -----------------------------------------------------------------------------------


GOOD_DATA = {
    "issue_formal_warning": {"method": "letter", "given_on": "2025-06-03",
                             "summary": "Your behaviour is unacceptable."},
    "skip_warning": {"kind": "safety", "reason": "Threatened staff."},
    "close_referral": {"note": "No further action."},
    "behaviour_continued": {"note": "More calls."},
    "behaviour_stopped": {"note": "No calls for a month."},
    "submit_for_decision": {"note": "Ready."},
    "close_precondition_failed": {"note": "The complaint was not answered."},
    "designate": {"reasons": "Persistent and unreasonable contact with staff."},
    "decline": {"reasons": "Not persistent enough."},
    "return_for_more_work": {"note": "Offer a meeting."},
}
WHO = {
    "issue_formal_warning": "service_manager", "skip_warning": "service_manager",
    "close_referral": "service_manager", "behaviour_continued": "service_manager",
    "behaviour_stopped": "service_manager", "submit_for_decision": "service_manager",
    "close_precondition_failed": "service_manager", "designate": "senior_manager",
    "decline": "senior_manager", "return_for_more_work": "senior_manager",
}
FROM = {
    "issue_formal_warning": "referred", "skip_warning": "referred", "close_referral": "referred",
    "behaviour_continued": "warned", "behaviour_stopped": "warned",
    "submit_for_decision": "assessment", "close_precondition_failed": "assessment",
    "designate": "awaiting_decision", "decline": "awaiting_decision",
    "return_for_more_work": "awaiting_decision",
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_case_action_page_does_its_step(login, persona, make_case, frozen, action):
    case = make_case(FROM[action])
    user = persona(WHO[action])
    client = login(user)
    url = reverse("cases:action", args=[case.reference, action])

    form_page = client.get(url)
    assert form_page.status_code == 200
    assert ACTIONS[action].title in text(form_page)
    assert f'name="expected_state" value="{FROM[action]}"' in form_page.content.decode()

    ind = some_indicators(1)[0].pk
    data = {"expected_state": FROM[action], "behaviours": [ind], "indicators": [ind],
            **GOOD_DATA[action]}
    if action == "designate":
        data.update(sanction_form_data(case))
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert ACTIONS[action].done in messages_of(response)
    event = CaseEvent.objects.filter(case=case, kind=action).get()
    assert event.actor == user
    assert DesignationCase.objects.get(pk=case.pk).state == event.to_state != FROM[action]


def test_an_unavailable_action_page_sends_you_back_to_the_case(
    login, senior_manager, make_case
):
    case = make_case("referred")
    response = login(senior_manager).get(
        reverse("cases:action", args=[case.reference, "close_referral"]), follow=True
    )
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "That step is not available on this case now." in messages_of(response)


def test_posting_an_action_your_role_lacks_is_403_and_changes_nothing(
    login, senior_manager, make_case
):
    case = make_case("referred")
    events = CaseEvent.objects.filter(case=case).count()
    response = login(senior_manager).post(
        reverse("cases:action", args=[case.reference, "close_referral"]),
        {"expected_state": "referred", "note": "Closing it myself."},
    )
    assert response.status_code == 403
    assert "Your role does not allow you to take this step" in text(response)
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.REFERRED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_an_officer_cannot_post_any_case_action(login, officer, make_case):
    case = make_case("referred")
    events = CaseEvent.objects.filter(case=case).count()
    response = login(officer).post(
        reverse("cases:action", args=[case.reference, "close_referral"]),
        {"expected_state": "referred", "note": "Closing it myself."},
    )
    assert response.status_code == 403
    assert "Your role does not allow you to change a case" in text(response)
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.REFERRED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_stale_page_gets_409_and_saves_nothing(login, service_manager, make_case, frozen):
    case = make_case("referred")
    client = login(service_manager)
    # Someone else issues the warning while this manager has the "close" page open.
    services.case_issue_formal_warning(
        actor=service_manager, case=case, method="letter", given_on=TUE_3_JUNE.date(),
        behaviours=some_indicators(1), summary="Warned.",
    )
    events = CaseEvent.objects.filter(case=case).count()
    response = client.post(
        reverse("cases:action", args=[case.reference, "close_referral"]),
        {"expected_state": "referred", "note": "Typed closing note"},
    )
    assert response.status_code == 409
    page = text(response)
    assert "changed" in page
    assert "There is a problem" in page
    assert "Typed closing note" in page
    fresh = DesignationCase.objects.get(pk=case.pk)
    assert (fresh.state, fresh.closing_reason) == (CaseState.WARNED, "")
    assert CaseEvent.objects.filter(case=case).count() == events


def test_stale_designation_page_gets_409_when_the_case_was_returned(
    login, senior_manager, make_case
):
    case = make_case("awaiting_decision")
    services.case_return_for_more_work(actor=senior_manager, case=case, note="More work.")
    response = login(senior_manager).post(
        reverse("cases:action", args=[case.reference, "designate"]),
        {"expected_state": "awaiting_decision", "reasons": "Typed reasons for the decision",
         "indicators": [some_indicators(1)[0].pk], **sanction_form_data(case)},
    )
    assert response.status_code == 409
    assert "changed" in text(response)
    fresh = DesignationCase.objects.get(pk=case.pk)
    assert (fresh.state, fresh.decided_by) == (CaseState.ASSESSMENT, None)
    assert not fresh.decision_indicators.exists()


def test_case_page_shows_the_chronology_in_order(login, service_manager, make_case):
    case = make_case("awaiting_decision")
    response = login(service_manager).get(case.get_absolute_url())
    page = text(response)
    summaries = [
        e.summary for e in CaseEvent.objects.filter(case=case).order_by("at", "id")
    ]
    assert len(summaries) >= 5 + 4 + 4
    positions = [page.index(s) for s in summaries]
    assert positions == sorted(positions)
    assert [e.summary for e in response.context["events"]] == summaries


def test_case_page_shows_the_buttons_from_available_actions(login, service_manager, make_case):
    case = make_case("referred")
    response = login(service_manager).get(case.get_absolute_url())
    buttons = re.findall(r'data-action="([a-z_]+)"', response.content.decode())
    assert buttons == ["issue_formal_warning", "skip_warning", "close_referral"]


def test_an_independent_reviewer_does_not_see_a_case_that_is_not_theirs(
    login, reviewer, make_case
):
    # A senior manager of another directorate: the case reaches them only with a challenge.
    case = make_case("awaiting_decision")
    response = login(reviewer).get(case.get_absolute_url())
    assert response.status_code == 404
    assert case.customer.full_name not in response.content.decode()


def test_case_page_lists_what_is_missing_before_submission(login, service_manager, make_case):
    case = make_case("assessment", checklist=False)
    page = text(login(service_manager).get(case.get_absolute_url()))
    assert "0 of 5 confirmed" in page
    assert "Confirm the precondition: any decision reached is the right one" in page


def test_service_manager_records_a_precondition_from_the_case_page(
    login, service_manager, make_case, frozen
):
    case = make_case("assessment", checklist=False)
    response = login(service_manager).post(
        reverse("cases:precondition", args=[case.reference]),
        {"precondition": "dealt_with", "dealt_with-met": "yes",
         "dealt_with-confirmed_on": "2025-06-02", "dealt_with-note": "Stage 2 answered."},
    )
    assert response.status_code == 302
    assert response.url.endswith("#precondition-dealt_with")
    check = case.precondition_checks.get()
    assert (check.precondition, check.met, check.note, str(check.confirmed_on)) == (
        "dealt_with", True, "Stage 2 answered.", "2025-06-02"
    )


def test_service_manager_records_an_alternative_from_the_case_page(
    login, service_manager, make_case
):
    case = make_case("assessment", checklist=False)
    response = login(service_manager).post(
        reverse("cases:alternative", args=[case.reference]),
        {"alternative": "advocate", "advocate-outcome": "offered",
         "advocate-reason": "Offered Age UK."},
    )
    assert response.status_code == 302
    record = case.alternatives.get()
    assert (record.alternative, record.outcome, record.recorded_by) == (
        "advocate", "offered", service_manager
    )


def test_reviewer_cannot_record_the_checklist(login, reviewer, make_case):
    case = make_case("assessment", checklist=False)
    response = login(reviewer).post(
        reverse("cases:alternative", args=[case.reference]),
        {"alternative": "advocate", "advocate-outcome": "offered", "advocate-reason": "x"},
    )
    assert response.status_code == 404
    assert not case.alternatives.exists()


def test_checklist_post_on_a_submitted_case_is_409(login, service_manager, make_case, frozen):
    case = make_case("awaiting_decision")
    response = login(service_manager).post(
        reverse("cases:precondition", args=[case.reference]),
        {"precondition": "discussed", "discussed-met": "no",
         "discussed-confirmed_on": "2025-06-03", "discussed-note": "Changed my mind."},
    )
    assert response.status_code == 409
    assert case.precondition_checks.get(precondition="discussed").met is True


def test_service_manager_names_a_key_officer(login, service_manager, officer, children,
                                             make_case):
    case = make_case("assessment")
    response = login(service_manager).post(
        reverse("cases:coordination", args=[case.reference]),
        {"involved_directorates": [children.pk], "key_officer": officer.pk},
    )
    assert response.status_code == 302
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.key_officer == officer
    assert list(case.involved_directorates.all()) == [children]


# --- uploads ---------------------------------------------------------------------------------


@pytest.fixture
def letter(login, officer, customer, adults, frozen, private_media):
    client = login(officer)
    client.post(reverse("customers:contact_create", args=[customer.reference]), {
        "directorate": adults.pk, "channel": "letter", "direction": "inbound",
        "occurred_at": "2025-06-03T09:00", "handled_by": officer.pk, "recipients": "1",
        "summary": "Letter of complaint",
        "files": [SimpleUploadedFile("Complaint letter.pdf", b"%PDF-1.4 the letter",
                                     content_type="application/pdf")],
    })
    return ContactAttachment.objects.get()


def test_upload_is_stored_in_private_storage_not_the_web_root(client, letter, private_media):
    from django.conf import settings

    stored = private_media / letter.file.name
    assert stored.read_bytes() == b"%PDF-1.4 the letter"
    assert letter.original_name == "Complaint letter.pdf"
    static_dirs = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    assert not any(stored.resolve().is_relative_to(d) for d in static_dirs)
    # The storage refuses to build a public address, and the usual media path serves nothing.
    with pytest.raises(ValueError, match="no URL"):
        letter.file.url  # noqa: B018
    response = client.get("/media/" + letter.file.name)
    assert response.status_code == 404
    assert b"the letter" not in response.content


def test_configured_private_storage_is_outside_static_and_has_no_url():
    from django.core.files.storage import storages

    from ucp import settings as project_settings

    with pytest.raises(ValueError, match="no URL"):
        storages["private"].url("correspondence/letter.pdf")
    private = project_settings.STORAGES["private"]["OPTIONS"]
    location = __import__("pathlib").Path(private["location"]).resolve()
    for public in (project_settings.STATIC_ROOT, *project_settings.STATICFILES_DIRS):
        assert not location.is_relative_to(public.resolve())


def test_officer_downloads_the_attachment(client, officer, letter, customer):
    page = text(client.get(customer.get_absolute_url()))
    url = reverse("cases:attachment", args=[letter.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the letter"
    assert response["Content-Type"] == "application/octet-stream"
    assert 'attachment; filename="Complaint letter.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("lead", 403), ("admin", 403)])
def test_attachment_is_refused_to_those_who_may_not_see_the_customer(
    client, persona, letter, role, status
):
    client.force_login(persona(role))
    response = client.get(reverse("cases:attachment", args=[letter.pk]))
    assert response.status_code == status
    assert b"the letter" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_missing_file_is_404_not_500(client, letter, private_media):
    (private_media / letter.file.name).unlink()
    response = client.get(reverse("cases:attachment", args=[letter.pk]))
    assert response.status_code == 404


def test_private_media_is_not_served_by_url(client, officer, letter):
    client.force_login(officer)
    assert client.get(f"/private-media/{letter.file.name}").status_code == 404
    assert client.get(f"/media/{letter.file.name}").status_code == 404


# --- customer search ---------------------------------------------------------------------------


@pytest.fixture
def searchable(adults):
    return {
        "morgan": CustomerFactory(full_name="Morgan Hartley-Evans", postcode="CA1 2BS",
                                  email="morgan.he@example.org", phone="01228 606 060",
                                  directorates=[adults]),
        "priya": CustomerFactory(full_name="Priya Shah", postcode="CA3 8QG",
                                 email="priya@example.org", phone="07700 900123",
                                 directorates=[adults]),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("hartley", ["morgan"]),
        ("MORGAN HART", ["morgan"]),
        ("  priya  ", ["priya"]),
        ("Shah", ["priya"]),
        ("PRIYA@EXAMPLE.ORG", ["priya"]),
        ("01228606060", ["morgan"]),
        ("01228 606060", ["morgan"]),
        ("07700 900 123", ["priya"]),
        ("900123", ["priya"]),
        ("ca38qg", ["priya"]),
        ("ca1  2bs", ["morgan"]),
        ("CA1 2BS", ["morgan"]),
        ("zebedee", []),
    ],
)
def test_customer_search(login, officer, searchable, query, found):
    response = login(officer).get(reverse("customers:search"), {"q": query})
    assert response.status_code == 200
    assert [c.pk for c in response.context["results"]] == [searchable[k].pk for k in found]


def test_customer_search_by_reference_ignores_case(login, officer, searchable):
    ref = searchable["priya"].reference
    response = login(officer).get(reverse("customers:search"), {"q": ref.lower()})
    assert [c.pk for c in response.context["results"]] == [searchable["priya"].pk]
    assert ref in text(response)


def test_an_empty_search_lists_nobody(login, officer, searchable):
    response = login(officer).get(reverse("customers:search"), {"q": "  "})
    assert response.context["results"] is None
    assert "Morgan" not in text(response)


# --- query counts ------------------------------------------------------------------------------


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_search_results_cost_the_same_for_5_or_30_customers(login, officer, adults, children):
    for n in range(5):
        CustomerFactory(full_name=f"Fewer Smith {n}", directorates=[adults, children])
    for n in range(30):
        CustomerFactory(full_name=f"Many Jones {n}", directorates=[adults, children])
    client = login(officer)
    url = reverse("customers:search")
    count_queries(client, url, q="Smith")  # warm up session and caches
    assert count_queries(client, url, q="Smith") == count_queries(client, url, q="Jones")


def _contacts(customer, adults, officer, n, matter, indicators):
    for i in range(n):
        contact = ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                                 matter=matter, indicators=indicators)
        ContactAttachment.objects.create(
            contact=contact, file=f"correspondence/{customer.pk}-{i}.pdf",
            original_name=f"letter-{i}.pdf", content_type="application/pdf", size=10,
            uploaded_by=officer,
        )


def test_customer_page_costs_the_same_for_5_or_30_contacts(login, officer, adults):
    indicators = some_indicators(2)
    few = CustomerFactory(directorates=[adults])
    many = CustomerFactory(directorates=[adults])
    for customer, n in ((few, 5), (many, 30)):
        matter = MatterFactory(customer=customer, directorate=adults, created_by=officer)
        _contacts(customer, adults, officer, n, matter, indicators)
    client = login(officer)
    count_queries(client, few.get_absolute_url())
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


def test_customer_page_costs_the_same_for_1_or_3_cases(login, officer, adults, make_case):
    one = make_case("closed").customer
    three = make_case("closed").customer
    make_case("closed", customer=three)
    make_case("referred", customer=three)
    client = login(officer)
    count_queries(client, one.get_absolute_url())
    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, three.get_absolute_url()
    )


def test_case_page_costs_the_same_for_2_or_10_evidence_contacts(
    login, service_manager, officer, adults, make_case
):
    indicators = some_indicators(2)
    cases = []
    for n in (2, 10):
        customer = CustomerFactory(directorates=[adults])
        matter = MatterFactory(customer=customer, directorate=adults, created_by=officer)
        _contacts(customer, adults, officer, n, matter, indicators)
        case = make_case("referred", customer=customer)
        case.evidence_contacts.set(customer.contacts.all())
        cases.append(case)
    client = login(service_manager)
    count_queries(client, cases[0].get_absolute_url())
    assert count_queries(client, cases[0].get_absolute_url()) == count_queries(
        client, cases[1].get_absolute_url()
    )


def test_checklist_controls_say_what_they_record_in_visible_words(
    login, service_manager, make_case
):
    # A sighted or voice-control user sees (and says) the control's visible text: "Record"
    # alone, with the item's name only visually hidden, named nothing they could tell apart.
    case = make_case("assessment")
    # The checklist is on the case's referral tab.
    page = login(service_manager).get(
        reverse("cases:referral", args=[case.reference])).content.decode()
    hidden = re.compile(r'<span class="govuk-visually-hidden">.*?</span>', re.S)
    controls = re.findall(
        r'<span class="govuk-details__summary-text">(.*?)</span></summary>', page, re.S
    ) + re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    visible = [re.sub(r"<[^>]+>", "", hidden.sub("", c)).strip() for c in controls]
    checklist = [v for v in visible if v.split(" ")[0] in {"Record", "Change", "Save"}]
    assert checklist, "the assessment page has checklist controls"
    assert "Record" not in visible and "Save" not in visible and "Change" not in visible
    assert {"Record this precondition", "Change this precondition"} & set(visible)
    assert {"Record this alternative", "Change this alternative"} & set(visible)


@pytest.mark.parametrize(
    ("reasons", "sanction_reasons", "message"),
    [
        ("Continue.", "Calls regularly run past an hour.",
         "Explain the reasons for designating in at least 4 words"),
        ("Persistent calls about the same matter.", "ok",
         "Explain why this sanction is needed in at least 4 words"),
    ],
)
def test_designation_reasons_the_customer_reads_have_a_minimum(
    login, senior_manager, make_case, reasons, sanction_reasons, message
):
    """Issue 9, item 4: the letter gives these reasons, so "Continue." is refused."""
    case = make_case("awaiting_decision")
    response = login(senior_manager).post(
        reverse("cases:action", args=[case.reference, "designate"]),
        {"expected_state": "awaiting_decision", "reasons": reasons,
         "indicators": [some_indicators(1)[0].pk],
         **sanction_form_data(case, reasons=sanction_reasons)},
    )
    assert response.status_code != 302  # the form again (this page answers 200), not saved
    assert message in text(response)
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.AWAITING_DECISION
