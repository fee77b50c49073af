"""The services: what each write records, its chronology and its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import (
    Alternative,
    AlternativeOutcome,
    CaseEvent,
    CaseState,
    Channel,
    ClosingReason,
    Contact,
    ContactAttachment,
    Customer,
    DesignationCase,
    Precondition,
    Warning,
    WarningKind,
)
from tests.conftest import LONDON, TUE_3_JUNE
from tests.factories import (
    ContactFactory,
    MatterFactory,
    UserFactory,
    complete_checklist,
    time_limit_sanction,
)

pytestmark = pytest.mark.django_db


# --- chronology and history ---------------------------------------------------------------


def test_each_transition_writes_a_case_event_with_actor_and_states(
    make_case, officer, service_manager, senior_manager
):
    case = make_case("designated")
    transitions = [
        (e.kind, e.actor, e.from_state, e.to_state)
        for e in CaseEvent.objects.filter(case=case).exclude(to_state="").order_by("at", "id")
    ]
    assert transitions == [
        ("refer", officer, "", "referred"),
        ("issue_formal_warning", service_manager, "referred", "warned"),
        ("behaviour_continued", service_manager, "warned", "assessment"),
        ("submit_for_decision", service_manager, "assessment", "awaiting_decision"),
        ("designate", senior_manager, "awaiting_decision", "designated"),
    ]


def test_checklist_entries_are_in_the_chronology_without_a_state_change(make_case, service_manager):
    case = make_case("assessment")
    checklist_events = CaseEvent.objects.filter(case=case, kind__in=["precondition", "alternative"])
    assert checklist_events.count() == 5 + 4
    assert all(e.actor == service_manager for e in checklist_events)
    assert {(e.from_state, e.to_state) for e in checklist_events} == {("", "")}


def test_history_records_the_actor_of_each_change(make_case, service_manager, senior_manager):
    case = make_case("designated")
    history = list(case.history.order_by("history_date", "history_id"))
    # The first history row in each state was written by whoever moved the case there.
    first_in_state = {}
    for row in history:
        first_in_state.setdefault(row.state, row)
    assert list(first_in_state) == [
        "referred",
        "warned",
        "assessment",
        "awaiting_decision",
        "designated",
    ]
    assert first_in_state["warned"].history_user == service_manager
    assert first_in_state["awaiting_decision"].history_user == service_manager
    assert first_in_state["designated"].history_user == senior_manager
    assert first_in_state["referred"].history_user.username == "olivia"

    warning = case.formal_warning
    assert {h.history_user for h in warning.history.all()} == {service_manager}
    check = case.precondition_checks.get(precondition=Precondition.DISCUSSED)
    assert {h.history_user for h in check.history.all()} == {service_manager}


def test_history_keeps_the_old_value_when_a_customer_is_edited(customer, officer):
    services.customer_update(actor=officer, customer=customer, email="new@example.org")
    latest, previous = customer.history.order_by("-history_date", "-history_id")[:2]
    assert (previous.email, latest.email) == ("morgan.he@example.org", "new@example.org")
    assert latest.history_user == officer


def test_editing_a_customer_with_an_open_case_is_in_the_chronology(make_case, officer):
    case = make_case("warned")
    services.customer_update(actor=officer, customer=case.customer, phone="01228 000 111")
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert (event.kind, event.actor) == ("customer_updated", officer)


def test_refused_transition_leaves_no_history(make_case, officer):
    case = make_case("referred")
    count = case.history.count()
    with pytest.raises(services.NotAllowed):
        services.case_close_referral(actor=officer, case=case, note="Not my call.")
    assert case.history.count() == count


# --- customers, matters, contacts ----------------------------------------------------------


def test_customer_create_links_the_customer_to_the_directorate(officer, adults):
    customer = services.customer_create(
        actor=officer,
        directorate=adults,
        full_name="Pat Quinn",
        postcode="ca11aa",
        phone="(01228) 111-222",
    )
    assert list(customer.directorates.all()) == [adults]
    assert customer.postcode == "CA1 1AA"
    assert customer.phone_digits == "01228111222"
    assert {h.history_user for h in customer.history.all()} == {officer}


def test_customer_create_refused_for_a_directorate_the_actor_does_not_work_in(officer, children):
    with pytest.raises(services.NotAllowed, match="Children"):
        services.customer_create(actor=officer, directorate=children, full_name="Pat Quinn")
    assert not Customer.objects.filter(full_name="Pat Quinn").exists()


def test_customer_create_validates_the_model(officer, adults):
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(
            actor=officer, directorate=adults, full_name="Pat", email="not-an-email"
        )
    assert "email" in excinfo.value.error_dict
    assert not Customer.objects.filter(full_name="Pat").exists()


def test_matter_create_links_another_directorate_to_the_customer(customer, outsider, children):
    matter = services.matter_create(
        actor=outsider,
        customer=customer,
        directorate=children,
        kind="request",
        summary="School transport",
        details="Asked again.",
        received_on=dt.date(2025, 5, 2),
    )
    assert matter.created_by == outsider
    assert set(customer.directorates.values_list("short_name", flat=True)) == {"adults", "children"}


def test_contact_log_records_everything_and_writes_to_the_open_case(
    make_case, officer, adults, indicators
):
    case = make_case("warned")
    contact = services.contact_log(
        actor=officer,
        customer=case.customer,
        directorate=adults,
        channel=Channel.PHONE,
        direction="inbound",
        occurred_at=TUE_3_JUNE,
        duration_minutes=40,
        handled_by=officer,
        summary="Shouted for forty minutes.",
        indicators=indicators[:2],
    )
    assert contact.logged_by == officer
    assert list(contact.indicators.order_by("id")) == indicators[:2]
    event = CaseEvent.objects.filter(case=case, kind="contact_logged").get()
    assert event.summary == "Telephone contact logged"
    assert "Shouted for forty minutes." in event.details
    assert indicators[0].text in event.details


def test_contact_log_refuses_a_matter_of_another_customer(customer, officer, adults):
    other_matter = MatterFactory(directorate=adults, created_by=officer)
    with pytest.raises(services.ServiceError, match="another customer"):
        services.contact_log(
            actor=officer,
            customer=customer,
            directorate=adults,
            channel=Channel.EMAIL,
            direction="inbound",
            occurred_at=TUE_3_JUNE,
            handled_by=officer,
            summary="About someone else's matter",
            matter=other_matter,
        )
    assert not Contact.objects.filter(customer=customer).exists()


def test_contact_log_stores_attachments_privately(customer, officer, adults, private_media):
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    contact = services.contact_log(
        actor=officer,
        customer=customer,
        directorate=adults,
        channel=Channel.LETTER,
        direction="inbound",
        occurred_at=TUE_3_JUNE,
        handled_by=officer,
        summary="Letter received",
        files=[upload],
    )
    attachment = contact.attachments.get()
    assert (attachment.original_name, attachment.size) == ("letter.pdf", 15)
    assert attachment.uploaded_by == officer
    stored = private_media / attachment.file.name
    assert stored.read_bytes() == b"%PDF-1.4 letter"


def test_informal_warning_needs_behaviours_and_is_noted_on_the_open_case(
    make_case, officer, adults, indicators
):
    case = make_case("referred")
    with pytest.raises(services.ServiceError, match="at least one behaviour"):
        services.warning_give_informal(
            actor=officer,
            customer=case.customer,
            directorate=adults,
            method="in_person",
            given_on=dt.date(2025, 6, 3),
            behaviours=[],
            summary="Told him to stop.",
        )
    warning = services.warning_give_informal(
        actor=officer,
        customer=case.customer,
        directorate=adults,
        method="in_person",
        given_on=dt.date(2025, 6, 3),
        behaviours=indicators[:1],
        summary="Told him to stop.",
    )
    assert warning.kind == WarningKind.INFORMAL
    assert CaseEvent.objects.filter(case=case, kind="informal_warning").count() == 1


def test_reviewer_cannot_give_an_informal_warning(customer, reviewer, adults, indicators):
    with pytest.raises(services.NotAllowed):
        services.warning_give_informal(
            actor=reviewer,
            customer=customer,
            directorate=adults,
            method="phone",
            given_on=dt.date(2025, 6, 3),
            behaviours=indicators[:1],
            summary="Stop it.",
        )
    assert not Warning.objects.exists()


# --- referral ---------------------------------------------------------------------------------


def test_refer_opens_a_case_in_referred_with_its_evidence(customer, officer, adults, indicators):
    contact = ContactFactory(customer=customer, directorate=adults, handled_by=officer)
    case, created = services.case_refer(
        actor=officer,
        customer=customer,
        directorate=adults,
        reason="Daily calls.",
        indicators=indicators[:2],
        evidence_contacts=[contact],
    )
    assert created
    assert case.state == CaseState.REFERRED
    assert case.referred_by == officer
    assert case.reference.startswith("UCP-")
    assert list(case.evidence_contacts.all()) == [contact]
    assert set(case.referral_indicators.all()) == set(indicators[:2])


def test_only_officers_refer(customer, service_manager, adults, indicators):
    with pytest.raises(services.NotAllowed):
        services.case_refer(
            actor=service_manager,
            customer=customer,
            directorate=adults,
            reason="x",
            indicators=indicators,
        )
    assert not DesignationCase.objects.exists()


def test_refer_needs_a_reason_and_an_indicator(customer, officer, adults, indicators):
    with pytest.raises(services.ServiceError, match="Enter why"):
        services.case_refer(
            actor=officer,
            customer=customer,
            directorate=adults,
            reason="   ",
            indicators=indicators,
        )
    with pytest.raises(services.ServiceError, match="at least one indicator"):
        services.case_refer(
            actor=officer, customer=customer, directorate=adults, reason="Calls", indicators=[]
        )
    assert not DesignationCase.objects.exists()


def test_refer_refuses_evidence_about_another_customer(customer, officer, adults, indicators):
    stranger_contact = ContactFactory(directorate=adults, handled_by=officer)
    with pytest.raises(services.ServiceError, match="contacts with this customer"):
        services.case_refer(
            actor=officer,
            customer=customer,
            directorate=adults,
            reason="Calls",
            indicators=indicators,
            evidence_contacts=[stranger_contact],
        )
    assert not DesignationCase.objects.exists()


def test_a_second_referral_from_another_directorate_joins_the_open_case(
    make_case, outsider, children, indicators
):
    case = make_case("warned")
    case.customer.directorates.add(children)
    joined, created = services.case_refer(
        actor=outsider,
        customer=case.customer,
        directorate=children,
        reason="Also calling the children's team.",
        indicators=indicators[2:3],
    )
    assert (joined.pk, created) == (case.pk, False)
    assert list(joined.involved_directorates.all()) == [children]
    assert DesignationCase.objects.filter(customer=case.customer).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="further_referral").count() == 1
    assert joined.is_cross_directorate


def test_a_closed_case_does_not_stop_a_new_referral(make_case, officer, adults, indicators):
    closed = make_case("closed")
    case, created = services.case_refer(
        actor=officer,
        customer=closed.customer,
        directorate=adults,
        reason="Started again.",
        indicators=indicators,
    )
    assert created and case.pk != closed.pk


# --- decisions --------------------------------------------------------------------------------


def test_designate_records_the_decision_and_its_reasons(make_case, senior_manager, indicators):
    case = make_case("awaiting_decision")
    case = services.case_designate(
        actor=senior_manager,
        case=case,
        reasons="Forty calls in a month.",
        indicators=indicators[:1],
        sanctions=time_limit_sanction(case),
    )
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.state == CaseState.DESIGNATED
    assert case.decided_by == senior_manager
    assert case.decision_reasons == "Forty calls in a month."
    assert list(case.decision_indicators.all()) == indicators[:1]
    assert case.designated_on is not None


def test_designated_on_is_the_london_date_just_after_midnight(
    make_case, senior_manager, indicators, time_machine
):
    """00:30 on Wednesday 4 June in London is still 3 June in UTC: the decision's date (which
    the 14-day challenge and 6-month review run from) is the council's date."""
    case = make_case("awaiting_decision")
    time_machine.move_to(dt.datetime(2025, 6, 4, 0, 30, tzinfo=LONDON), tick=False)
    case = services.case_designate(
        actor=senior_manager,
        case=case,
        reasons="Persistent.",
        indicators=indicators[:1],
        sanctions=time_limit_sanction(case),
    )
    assert DesignationCase.objects.get(pk=case.pk).designated_on == dt.date(2025, 6, 4)


def test_decline_closes_with_the_senior_managers_reasons(make_case, senior_manager):
    case = make_case("awaiting_decision")
    case = services.case_decline(actor=senior_manager, case=case, reasons="Behaviour improved.")
    assert case.state == CaseState.CLOSED
    assert case.closing_reason == ClosingReason.NOT_DESIGNATED
    assert case.closing_note == "Behaviour improved."
    assert case.decided_by == senior_manager
    assert case.closed_at is not None


def test_designation_needs_reasons_and_indicators(make_case, senior_manager, indicators):
    case = make_case("awaiting_decision")
    with pytest.raises(services.ServiceError, match="reasons"):
        services.case_designate(
            actor=senior_manager,
            case=case,
            reasons=" ",
            indicators=indicators,
            sanctions=time_limit_sanction(case),
        )
    with pytest.raises(services.ServiceError, match="indicators"):
        services.case_designate(
            actor=senior_manager,
            case=case,
            reasons="Yes.",
            indicators=[],
            sanctions=time_limit_sanction(case),
        )
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.AWAITING_DECISION


def test_return_for_more_work_reopens_the_checklist(make_case, senior_manager, service_manager):
    case = make_case("awaiting_decision")
    case = services.case_return_for_more_work(
        actor=senior_manager, case=case, note="Offer the advocate again."
    )
    assert case.state == CaseState.ASSESSMENT
    services.alternative_record(
        actor=service_manager,
        case=case,
        alternative=Alternative.ADVOCATE,
        outcome=AlternativeOutcome.DECLINED,
        reason="Declined on 4 June.",
    )
    assert case.alternatives.get(alternative=Alternative.ADVOCATE).outcome == "declined"


def test_formal_warning_must_be_in_writing(make_case, service_manager, indicators):
    case = make_case("referred")
    with pytest.raises(services.ServiceError, match="in writing"):
        services.case_issue_formal_warning(
            actor=service_manager,
            case=case,
            method="phone",
            given_on=dt.date(2025, 6, 3),
            behaviours=indicators,
            summary="Stop.",
        )
    assert not Warning.objects.filter(case=case).exists()


def test_formal_warning_is_linked_to_the_case(make_case, service_manager, indicators):
    case = make_case("referred")
    case = services.case_issue_formal_warning(
        actor=service_manager,
        case=case,
        method="email",
        given_on=dt.date(2025, 6, 3),
        behaviours=indicators[:1],
        summary="Your emails must stop.",
    )
    warning = case.formal_warning
    assert (warning.kind, warning.case_id, warning.given_by) == (
        WarningKind.FORMAL,
        case.pk,
        service_manager,
    )


def test_expected_state_mismatch_raises_case_changed_and_saves_nothing(make_case, service_manager):
    case = make_case("warned")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(services.CaseChanged):
        services.case_close_referral(
            actor=service_manager, case=case, expected_state="referred", note="Stale page."
        )
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.WARNED
    assert CaseEvent.objects.filter(case=case).count() == events


# --- checklist ---------------------------------------------------------------------------------


def test_recording_a_precondition_again_updates_it(make_case, service_manager, time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)
    case = make_case("assessment", checklist=False)
    services.precondition_record(
        actor=service_manager,
        case=case,
        precondition=Precondition.DISCUSSED,
        met=False,
        note="Not yet discussed.",
    )
    services.precondition_record(
        actor=service_manager,
        case=case,
        precondition=Precondition.DISCUSSED,
        met=True,
        note="Discussed with the team on 3 June.",
    )
    check = case.precondition_checks.get()
    assert (check.met, check.note, check.confirmed_on) == (
        True,
        "Discussed with the team on 3 June.",
        dt.date(2025, 6, 3),
    )


def test_a_precondition_cannot_be_confirmed_in_the_future(make_case, service_manager, time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)
    case = make_case("assessment", checklist=False)
    with pytest.raises(services.ServiceError, match="future"):
        services.precondition_record(
            actor=service_manager,
            case=case,
            precondition=Precondition.DISCUSSED,
            met=True,
            note="Will discuss.",
            confirmed_on=dt.date(2025, 6, 4),
        )
    assert not case.precondition_checks.exists()


def test_the_key_officer_must_work_in_one_of_the_cases_directorates(
    make_case, service_manager, outsider, children
):
    case = make_case("assessment")
    with pytest.raises(services.ServiceError, match="key officer"):
        services.case_set_coordination(
            actor=service_manager, case=case, involved_directorates=[], key_officer=outsider
        )
    case.refresh_from_db()
    assert case.key_officer is None

    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[children], key_officer=outsider
    )
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.key_officer == outsider
    assert children in case.customer.directorates.all()
    event = CaseEvent.objects.filter(case=case, kind="coordination").get()
    assert "Children" in event.summary and "Oscar Outsider" in event.summary


def test_a_key_officer_without_a_staff_profile_is_refused(make_case, service_manager):
    from django.contrib.auth import get_user_model

    case = make_case("assessment")
    stranger = get_user_model().objects.create_user("noprofile", password="x")
    with pytest.raises(services.ServiceError, match="key officer"):
        services.case_set_coordination(
            actor=service_manager, case=case, involved_directorates=[], key_officer=stranger
        )


def test_full_checklist_then_submit(make_case, service_manager):
    case = make_case("assessment", checklist=False)
    complete_checklist(case, service_manager)
    case = services.case_submit_for_decision(actor=service_manager, case=case, note="Ready.")
    assert case.state == CaseState.AWAITING_DECISION


def test_contact_log_of_a_new_user_in_another_directorate_is_refused(customer, adults):
    from accounts.roles import Role

    stranger = UserFactory(roles=[Role.OFFICER], directorates=[])
    with pytest.raises(services.NotAllowed):
        services.contact_log(
            actor=stranger,
            customer=customer,
            directorate=adults,
            channel=Channel.EMAIL,
            direction="inbound",
            occurred_at=TUE_3_JUNE,
            handled_by=stranger,
            summary="Hi",
        )
    assert not Contact.objects.exists()
    assert not ContactAttachment.objects.exists()
