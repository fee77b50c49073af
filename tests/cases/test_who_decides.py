"""Who decides (step 8): the lead directorate's senior managers, or the one the case names.

A senior manager of a directorate that is only involved in the case does not decide: in the
demo, the council's one independent reviewer (a senior manager in Resources) designated a
case led by Adults, and so could no longer review a challenge to it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases import rules, services
from cases.models import CaseEvent, CaseState, DesignationCase
from tests.factories import UserFactory, time_limit_sanction

pytestmark = pytest.mark.django_db


def _involve(case, directorate, service_manager):
    return services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[directorate],
        key_officer=service_manager,
    )


def test_a_senior_manager_of_an_involved_directorate_cannot_designate_or_decline(
    make_case, service_manager, reviewer, resources, indicators
):
    case = make_case("assessment")
    _involve(case, resources, service_manager)
    case = services.case_submit_for_decision(actor=service_manager, case=case, note="")
    case = DesignationCase.objects.get(pk=case.pk)
    assert rules.works_on_case(case, reviewer)
    assert not rules.may_decide(case, reviewer)
    with pytest.raises(services.NotAllowed):
        services.case_designate(
            actor=reviewer, case=case, reasons="Forty calls in a month about the same bin.",
            indicators=indicators[:1], sanctions=time_limit_sanction(case),
        )
    with pytest.raises(services.NotAllowed):
        services.case_decline(actor=reviewer, case=case, reasons="Not enough evidence yet.")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_DECISION and case.decided_by is None


def test_the_lead_directorates_senior_manager_and_a_council_wide_one_may_decide(
    make_case, senior_manager, adults
):
    case = make_case("awaiting_decision")
    council_wide = UserFactory(roles=[Role.SENIOR_MANAGER], directorates__council_wide=True)
    officer_of_lead = UserFactory(roles=[Role.SERVICE_MANAGER], directorates=[adults])
    assert rules.may_decide(case, senior_manager)
    assert rules.may_decide(case, council_wide)
    assert not rules.may_decide(case, officer_of_lead)


def test_a_senior_manager_named_on_the_case_decides_and_the_naming_is_in_the_chronology(
    make_case, service_manager, reviewer, resources, indicators
):
    case = make_case("assessment")
    _involve(case, resources, service_manager)
    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[resources],
        key_officer=service_manager, deciding_manager=reviewer,
    )
    event = CaseEvent.objects.filter(case=case, kind="coordination").latest("id")
    assert "Senior manager named to decide: none → Rory Reviewer" in event.summary
    # Saving the co-ordination again without saying who decides keeps the one named.
    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[resources],
        key_officer=service_manager,
    )
    case = services.case_submit_for_decision(
        actor=service_manager, case=DesignationCase.objects.get(pk=case.pk), note=""
    )
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.deciding_manager == reviewer
    services.case_designate(
        actor=reviewer, case=case, reasons="Forty calls in a month about the same bin.",
        indicators=indicators[:1], sanctions=time_limit_sanction(case),
    )
    assert DesignationCase.objects.get(pk=case.pk).decided_by == reviewer


def test_only_a_senior_manager_of_the_cases_directorates_can_be_named_to_decide(
    make_case, service_manager, outsider, officer
):
    case = make_case("assessment")
    with pytest.raises(services.ServiceError, match="must work in one of the case"):
        services.case_set_coordination(
            actor=service_manager, case=case, involved_directorates=[], key_officer=None,
            deciding_manager=outsider,
        )
    with pytest.raises(services.ServiceError, match="must be an active senior manager"):
        services.case_set_coordination(
            actor=service_manager, case=case, involved_directorates=[], key_officer=None,
            deciding_manager=officer,
        )
    assert DesignationCase.objects.get(pk=case.pk).deciding_manager is None


def test_the_case_page_offers_the_decision_only_to_who_may_decide(
    client, make_case, service_manager, senior_manager, reviewer, resources
):
    case = make_case("assessment")
    _involve(case, resources, service_manager)
    services.case_submit_for_decision(actor=service_manager, case=case, note="")
    designate = reverse("cases:action", args=[case.reference, "designate"])
    client.force_login(reviewer)
    page = client.get(case.get_absolute_url()).content.decode()
    # Who decides is on the case's referral tab; the decision is not offered on its summary.
    referral = client.get(reverse("cases:referral", args=[case.reference])).content.decode()
    assert "A senior manager of Adults" in referral
    assert designate not in page
    response = client.get(designate, follow=True)
    assert "That step is not available on this case now." in response.content.decode()
    client.force_login(senior_manager)
    assert designate in client.get(case.get_absolute_url()).content.decode()


def test_the_designation_page_warns_when_nobody_would_be_left_to_review_a_challenge(
    client, make_case, senior_manager, reviewer, adults
):
    case = make_case("awaiting_decision")
    designate = reverse("cases:action", args=[case.reference, "designate"])
    client.force_login(senior_manager)
    page = client.get(designate).content.decode()
    assert 'id="no-independent-reviewer"' not in page  # Rory, in Resources, is independent

    # Now the only independent reviewer is the decider themself.
    reviewer.groups.clear()
    deciding_reviewer = UserFactory(
        roles=[Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER], directorates=[adults]
    )
    client.force_login(deciding_reviewer)
    page = client.get(designate).content.decode()
    assert 'id="no-independent-reviewer"' in page
    assert "nobody will be left to review a challenge independently" in page
