"""The senior manager's designate page: choosing sanctions, and the evidence beside them.

Time is frozen on Tuesday 3 June 2025, so the six-month review is 3 December 2025.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from cases import selectors, services
from cases.models import CaseEvent, CaseState, DesignationCase, Indicator
from sanctions.models import Sanction
from tests.conftest import LONDON, TUE_3_JUNE
from tests.factories import (
    ContactFactory,
    MatterFactory,
    UserFactory,
    sanction_form_data,
    some_indicators,
    time_limit_sanction,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 3)
REVIEW = dt.date(2025, 12, 3)
NO_SANCTION = "Choose at least one sanction"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


@pytest.fixture
def case(make_case):
    return make_case(CaseState.AWAITING_DECISION)


@pytest.fixture
def senior(login, senior_manager):
    """The test senior, signed in as the senior manager."""
    return login(senior_manager)


def url(case) -> str:
    return reverse("cases:action", args=[case.reference, "designate"])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def error_summary(response) -> str:
    content = page_text(response)
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', content, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def designate(client, case, *sanctions: dict, **extra):
    data = {
        "expected_state": CaseState.AWAITING_DECISION,
        "reasons": "Abusive calls continued after a written warning.",
        "indicators": [some_indicators(1)[0].pk],
    }
    for sanction in sanctions:
        data.update(sanction)
    data.update(extra)
    return client.post(url(case), data)


def assert_nothing_saved(case) -> None:
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.state == CaseState.AWAITING_DECISION
    assert not Sanction.objects.exists()
    assert not CaseEvent.objects.filter(case=case, kind="designate").exists()


# --- choosing sanctions ------------------------------------------------------------------------


def test_senior_manager_designates_with_two_sanctions(senior, case, senior_manager, adults):
    evidence = ContactFactory(
        customer=case.customer, directorate=adults,
        occurred_at=dt.datetime(2025, 5, 20, 9, 30, tzinfo=LONDON),
    )
    response = designate(
        senior, case,
        sanction_form_data(case, "time_limit", max_minutes="15"),
        sanction_form_data(
            case, "call_limit", calls_per_week="1", call_weekdays=["1"],
            call_period="morning", reasons="Several calls a day.",
            evidence_contacts=[evidence.pk],
        ),
        # Typed into a sanction that is not ticked: ignored, not an error.
        **{"witness-reasons": "", "office_access-offices": "", "single_medium-starts_on": "x"},
    )
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.state == CaseState.DESIGNATED

    time_limit = Sanction.objects.get(kind="time_limit")
    assert time_limit.max_minutes == 15
    call_limit = Sanction.objects.get(kind="call_limit")
    assert (call_limit.calls_per_week, call_limit.weekdays, call_limit.call_period) == (
        1, [1], "morning"
    )
    assert list(call_limit.evidence_contacts.all()) == [evidence]
    assert call_limit.reasons == "Several calls a day."
    for sanction in (time_limit, call_limit):
        assert sanction.case == case
        assert list(sanction.directorates.all()) == [adults]
        assert not sanction.council_wide
        assert (sanction.starts_on, sanction.ends_on) == (TODAY, REVIEW)
        assert sanction.created_by == senior_manager
    assert Sanction.objects.count() == 2

    event = CaseEvent.objects.get(case=case, kind="designate")
    assert "Time limit on telephone calls and personal contacts, 03 Jun 2025 to 03 Dec 2025" in (
        event.details
    )
    assert "Limit on the number of telephone calls, 03 Jun 2025 to 03 Dec 2025: Several calls" in (
        event.details
    )
    # The chronology says what each restriction means and where it applies, not just its kind.
    assert "at most 15 minutes" in event.details
    assert event.details.count("Covers Adults.") == 2


def test_a_sanction_may_cover_a_directorate_the_case_involves(senior, case, adults, children):
    case.involved_directorates.add(children)
    response = designate(
        senior, case, sanction_form_data(case, directorates=[adults.pk, children.pk])
    )
    assert response.status_code == 302
    assert set(Sanction.objects.get().directorates.all()) == {adults, children}


def test_a_designation_without_a_sanction_is_refused(senior, case):
    response = designate(senior, case)
    assert response.status_code in (200, 422)
    assert NO_SANCTION in error_summary(response)
    # The summary links to the first sanction's checkbox.
    assert 'href="#id_time_limit-use"' in error_summary(response)
    assert "Error: Designate the customer" in page_text(response)
    assert_nothing_saved(case)


def test_the_service_refuses_a_designation_without_a_sanction(case, senior_manager):
    with pytest.raises(services.ServiceError) as exc:
        services.case_designate(
            actor=senior_manager, case=case, reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1), sanctions=[],
        )
    assert any(NO_SANCTION in r for r in exc.value.reasons)
    assert_nothing_saved(case)


def test_a_sanction_ending_after_the_review_is_refused(senior, case, senior_manager):
    response = designate(senior, case, sanction_form_data(case, ends_on="2025-12-04"))
    assert response.status_code in (200, 422)
    assert "must end by the six-month review on 3 December 2025" in error_summary(response)
    assert 'href="#id_time_limit-ends_on"' in error_summary(response)
    assert_nothing_saved(case)

    # The service refuses it too, whoever calls it.
    with pytest.raises(services.ServiceError) as exc:
        services.case_designate(
            actor=senior_manager, case=case, reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1),
            sanctions=time_limit_sanction(case, ends_on=dt.date(2025, 12, 4)),
        )
    assert any("six-month review on 03 December 2025" in r for r in exc.value.reasons)
    assert_nothing_saved(case)


def test_a_sanction_starting_before_the_decision_is_refused(senior, case):
    response = designate(senior, case, sanction_form_data(case, starts_on="2025-06-02"))
    assert "cannot start before the decision" in error_summary(response)
    assert_nothing_saved(case)


def test_council_wide_without_a_justification_is_refused(senior, case, senior_manager):
    response = designate(
        senior, case, sanction_form_data(case, directorates=[], council_wide="on")
    )
    assert response.status_code in (200, 422)
    assert "Explain why the restriction must cover the whole council" in error_summary(response)
    assert_nothing_saved(case)

    with pytest.raises(services.ServiceError) as exc:
        services.case_designate(
            actor=senior_manager, case=case, reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1),
            sanctions=time_limit_sanction(case, directorates=[], council_wide=True),
        )
    assert any("whole council" in r for r in exc.value.reasons)
    assert_nothing_saved(case)


def test_council_wide_with_a_justification_is_accepted(senior, case):
    response = designate(senior, case, sanction_form_data(
        case, directorates=[], council_wide="on",
        council_wide_justification="He rings every directorate's switchboard in turn.",
    ))
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert sanction.council_wide
    assert sanction.council_wide_justification.startswith("He rings every")


def test_a_sanction_with_no_scope_is_refused(senior, case):
    response = designate(senior, case, sanction_form_data(case, directorates=[]))
    assert "Choose the service or services it covers" in error_summary(response)
    assert_nothing_saved(case)


def test_a_scope_outside_the_case_directorates_is_refused(
    senior, case, children, senior_manager
):
    response = designate(senior, case, sanction_form_data(case, directorates=[children.pk]))
    assert response.status_code in (200, 422)
    assert "Choose from the directorates involved in this case" in error_summary(response)
    assert_nothing_saved(case)

    with pytest.raises(services.ServiceError) as exc:
        services.case_designate(
            actor=senior_manager, case=case, reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1),
            sanctions=time_limit_sanction(case, directorates=[children]),
        )
    assert any("only cover directorates involved in this case" in r for r in exc.value.reasons)
    assert_nothing_saved(case)


def test_missing_typed_parameters_are_field_errors_and_what_was_typed_is_kept(senior, case):
    response = designate(
        senior, case,
        sanction_form_data(case, "call_limit", calls_per_week="2", call_period="afternoon",
                           reasons="Calls all day, every day."),
        reasons="My reasons, typed carefully.",
    )
    assert response.status_code in (200, 422)
    summary = error_summary(response)
    assert "Limit on the number of telephone calls: Choose the day or days calls are taken" in (
        summary
    )
    assert 'href="#id_call_limit-call_weekdays_0"' in summary
    content = page_text(response)
    # The error is beside the field too.
    assert 'id="id_call_limit-call_weekdays_error"' in content
    # Everything typed is still there, and the ticked sanction is open.
    assert re.search(r'name="call_limit-use"[^>]*checked', content)
    assert re.search(r'name="call_limit-calls_per_week" value="2"', content)
    assert re.search(r'name="call_limit-call_period" value="afternoon"[^>]*checked', content)
    assert "Calls all day, every day.</textarea>" in content
    assert "My reasons, typed carefully.</textarea>" in content
    assert 'class="govuk-checkboxes__conditional" id="conditional-call_limit"' in content
    assert 'class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden" ' \
        'id="conditional-time_limit"' in content
    assert_nothing_saved(case)


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("time_limit", {"max_minutes": ""}, "Enter the longest a call or personal contact"),
        ("single_medium", {}, "Choose the one medium the customer may use"),
        ("named_officer", {}, "Choose the member of staff the customer deals with"),
        ("refuse_complaints", {}, "Choose the matter or matters refused"),
        ("office_access", {}, "Name the offices, or choose all offices"),
        ("police_or_legal", {}, "Enter the police or legal reference"),
        ("witness", {"reasons": ""}, "Enter the reasons for this sanction"),
    ],
)
def test_each_kind_needs_its_parameters(senior, case, kind, fields, message):
    response = designate(senior, case, sanction_form_data(case, kind, **fields))
    assert message in error_summary(response)
    assert_nothing_saved(case)


def test_sanctions_that_together_allow_no_contact_are_refused(senior, case, senior_manager):
    # In person only, and no access to any office: nothing is left.
    response = designate(
        senior, case,
        sanction_form_data(case, "single_medium", allowed_channel="in_person"),
        sanction_form_data(case, "office_access", all_offices="on"),
    )
    assert response.status_code in (200, 422)
    assert "leave the customer no way to contact the council" in error_summary(response)
    assert_nothing_saved(case)

    # Letter only and email only, as the service would be asked by any other caller.
    letter, email = (
        time_limit_sanction(case, kind="single_medium", max_minutes=None, allowed_channel=c)[0]
        for c in ("letter", "email")
    )
    with pytest.raises(services.ServiceError) as exc:
        services.case_designate(
            actor=senior_manager, case=case, reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1), sanctions=[letter, email],
        )
    assert any("no way to contact the council" in r for r in exc.value.reasons)
    assert_nothing_saved(case)


def test_the_named_officer_is_one_of_the_case_directorates_staff(
    senior, case, officer, outsider, adults
):
    page = page_text(senior.get(url(case)))
    assert officer.get_full_name() in page
    assert outsider.get_full_name() not in page
    response = designate(senior, case, sanction_form_data(
        case, "named_officer", named_officer=str(outsider.pk)
    ))
    assert "One named member of staff only: Select a valid choice" in error_summary(response)
    assert_nothing_saved(case)

    response = designate(senior, case, sanction_form_data(
        case, "named_officer", named_officer=str(officer.pk)
    ))
    assert response.status_code == 302
    assert Sanction.objects.get().named_officer == officer


def test_further_complaints_are_refused_on_the_customer_own_matters(
    senior, case, adults, officer
):
    mine = MatterFactory(customer=case.customer, directorate=adults, created_by=officer)
    other = MatterFactory(directorate=adults, created_by=officer)
    response = designate(senior, case, sanction_form_data(
        case, "refuse_complaints", matters=[other.pk]
    ))
    assert "Select a valid choice" in error_summary(response)
    response = designate(senior, case, sanction_form_data(
        case, "refuse_complaints", matters=[mine.pk]
    ))
    assert response.status_code == 302
    assert list(Sanction.objects.get().matters.all()) == [mine]


def test_police_or_legal_action_without_a_prior_warning(login, make_case, senior_manager):
    case = make_case(CaseState.AWAITING_DECISION, warning="safety")
    senior = login(senior_manager)
    page = page_text(senior.get(url(case)))
    assert "It may be chosen without a prior warning" in page
    assert "Threatened the receptionist on 2 June." in page  # the recorded skip reason

    response = designate(
        senior, case,
        sanction_form_data(case, "police_or_legal", reference="Cumbria Police 0412/25"),
        sanction_form_data(case, "office_access", all_offices="on"),
        sanction_form_data(case, "single_medium", allowed_channel="letter"),
    )
    assert response.status_code == 302
    assert Sanction.objects.get(kind="police_or_legal").reference == "Cumbria Police 0412/25"
    assert Sanction.objects.get(kind="office_access").all_offices
    assert Sanction.objects.get(kind="single_medium").allowed_channel == "letter"
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.DESIGNATED


def test_the_page_offers_every_sanction_with_its_defaults(senior, case, adults):
    response = senior.get(url(case))
    assert response.status_code == 200
    content = page_text(response)
    for kind in ("time_limit", "call_limit", "single_medium", "named_officer", "witness",
                 "refuse_complaints", "office_access", "police_or_legal"):
        assert f'data-aria-controls="conditional-{kind}"' in content
        assert f'id="conditional-{kind}"' in content
        # Default scope: the lead directorate; dates: today to the six-month review.
        assert re.search(rf'name="{kind}-directorates" value="{adults.pk}"[^>]*checked', content)
        assert f'name="{kind}-starts_on" value="2025-06-03"' in content
        assert f'name="{kind}-ends_on" value="2025-12-03"' in content
    assert "No later than the six-month review on 3 December 2025" in content


def test_an_officer_cannot_open_the_designate_page(login, officer, case):
    assert login(officer).get(url(case)).status_code == 403


# --- the evidence beside the choices -----------------------------------------------------------


def test_the_evidence_counts_contacts_and_indicators_over_6_and_12_months(
    senior, case, adults, officer
):
    first, second, third = Indicator.objects.filter(active=True).order_by("id")[5:8]
    customer = case.customer
    three_months_ago = dt.datetime(2025, 3, 3, 11, 0, tzinfo=LONDON)
    nine_months_ago = dt.datetime(2024, 9, 3, 11, 0, tzinfo=LONDON)
    thirteen_months_ago = dt.datetime(2024, 5, 3, 11, 0, tzinfo=LONDON)
    ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                   occurred_at=three_months_ago, indicators=[first])
    ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                   occurred_at=nine_months_ago, indicators=[first, second])
    # Outside both periods, and another customer's: not counted.
    ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                   occurred_at=thirteen_months_ago, indicators=[third])
    ContactFactory(directorate=adults, handled_by=officer, occurred_at=three_months_ago,
                   indicators=[first, third])

    response = senior.get(url(case))
    evidence = response.context["evidence"]
    assert (evidence["contacts_6_months"], evidence["contacts_12_months"]) == (1, 2)
    counts = {i["text"]: (i["last_6"], i["last_12"]) for i in evidence["indicators"]}
    assert counts == {first.text: (1, 2), second.text: (0, 1)}
    assert (evidence["since_6_months"], evidence["since_12_months"]) == (
        dt.date(2024, 12, 3), dt.date(2024, 6, 3)
    )

    content = page_text(response)
    assert 'data-count="contacts-6">1<' in content
    assert 'data-count="contacts-12">2<' in content
    assert re.search(
        re.escape(first.text) + r'<br>\s*<strong data-count="indicator-6">1</strong> in 6 months, '
        r'<strong data-count="indicator-12">2</strong>', content
    )
    # The warning the case was given, its date, and the checklist.
    assert "Formal written warning</strong>, 3 June 2025" in content
    assert "5 of 5 confirmed" in content
    assert "4 of 4 recorded" in content


def test_the_evidence_shows_needs_and_adjustments(senior, case):
    customer = case.customer
    customer.communication_needs = "Partially sighted."
    customer.reasonable_adjustments = "Letters in 18-point Arial."
    customer.large_print = True
    customer.save()
    content = page_text(senior.get(url(case)))
    assert "Partially sighted." in content
    assert "Letters in 18-point Arial." in content
    assert "Letters in large print" in content


def test_the_evidence_costs_the_same_few_queries_however_much_there_is(
    case, senior_manager, adults, officer
):
    def queries() -> int:
        loaded = selectors.get_case_for_user(senior_manager, case.reference)
        with CaptureQueriesContext(connection) as ctx:
            selectors.decision_evidence(loaded)
        return len(ctx.captured_queries)

    indicators = list(Indicator.objects.filter(active=True)[:6])
    ContactFactory(customer=case.customer, directorate=adults, handled_by=officer,
                   occurred_at=dt.datetime(2025, 5, 1, 9, 0, tzinfo=LONDON),
                   indicators=indicators[:1])
    few = queries()
    for n in range(10):
        ContactFactory(customer=case.customer, directorate=adults, handled_by=officer,
                       occurred_at=dt.datetime(2025, 4, 1, 9, n, tzinfo=LONDON),
                       indicators=indicators[n % 6:])
    # Seven: the contacts, their indicators, attachments and breaches, and (since records
    # can be corrected and disputed) their corrections and dispute statements.
    assert queries() == few <= 7


def test_the_designate_page_itself_costs_a_bounded_number_of_queries(senior, case, adults):
    # Extra staff and contacts must not add queries per sanction form.
    for _ in range(5):
        UserFactory(roles=[Role.OFFICER], directorates=[adults])
        ContactFactory(customer=case.customer, directorate=adults,
                       occurred_at=dt.datetime(2025, 5, 1, 9, 0, tzinfo=LONDON))
    with CaptureQueriesContext(connection) as ctx:
        assert senior.get(url(case)).status_code == 200
    assert len(ctx.captured_queries) <= 30


def test_each_sanction_block_is_a_fieldset_whose_legend_names_the_sanction(senior, case):
    # The eight blocks repeat the same labels ("Starts on", "Why this sanction is needed"):
    # a screen reader user must hear which sanction a field belongs to.
    content = page_text(senior.get(url(case)))
    labels = dict(Sanction._meta.get_field("kind").choices)
    for kind, label in labels.items():
        start = content.index(f'id="conditional-{kind}"')
        ends = [i for i in (content.find('id="conditional-', start + 1),
                            content.find("</form>", start)) if i > 0]
        block = content[start: min(ends)]
        legend = re.search(
            r'<legend class="govuk-fieldset__legend[^"]*">(.*?)</legend>', block, re.S
        )
        assert legend, kind
        assert label.split(" (")[0] in html.unescape(legend.group(1)), (kind, legend.group(1))
        fields = re.findall(rf'name="{kind}-(\w+)"', block[legend.end():])
        assert {"starts_on", "ends_on", "reasons"} <= set(fields), kind
        # Every field of the block is inside its fieldset: it closes after the last one.
        last = max(block.rfind(f'name="{kind}-{name}"') for name in fields)
        assert block.rfind("</fieldset>") > last
