"""The restriction check (`sanctions.checks.check_contact`) for every sanction type at its
boundaries, the plain-English description, the banner selector, and the check where a
contact is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.deadlines import review_due
from cases.models import Channel, Contact
from sanctions import selectors
from sanctions.checks import check_contact, describe, week_bounds
from sanctions.models import ContactBreach, FiledItem, SanctionKind
from sanctions.services import build_sanctions, end_sanctions
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    MatterFactory,
    UserFactory,
    some_indicators,
)
from tests.sanctions import restrictions
from tests.sanctions.restrictions import DEC_31, JAN_1, add_sanction, london
from ucp.errors import ServiceError

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db

OWN_CHANNELS = [
    Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON, Channel.WEB_FORM,
    Channel.SOCIAL_MEDIA,
]

# Named days of 2025. 3 June is a Tuesday.
TUE_3_JUNE = dt.date(2025, 6, 3)


def check(case, channel=Channel.PHONE, at=None, **kwargs):
    return check_contact(
        customer=case.customer, channel=channel, at=at or london(2025, 6, 3, 10, 0), **kwargs
    )


def kinds(verdict) -> list[str]:
    return [b.kind for b in verdict.breaches]


def phone_call(case, at, **kwargs) -> Contact:
    return ContactFactory(
        customer=case.customer, directorate=case.lead_directorate, channel=Channel.PHONE,
        occurred_at=at, duration_minutes=5, **kwargs,
    )


# --- time limit ------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.IN_PERSON])
def test_time_limit_allows_the_last_minute_and_refuses_the_next(restricted_case, channel):
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    assert check(restricted_case, channel, duration_minutes=15).within_restrictions
    verdict = check(restricted_case, channel, duration_minutes=16)
    assert kinds(verdict) == ["time_limit"]
    assert "limited to 15 minutes, not 16" in verdict.breaches[0].message


def test_time_limit_does_not_apply_to_written_contact_or_an_unknown_duration(restricted_case):
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    assert check(restricted_case, Channel.EMAIL, duration_minutes=90).within_restrictions
    assert check(restricted_case, Channel.PHONE, duration_minutes=None).within_restrictions


# --- call limit: morning / afternoon, weekday, calls a week ------------------------------------


def tuesday_calls(case, period: str, per_week: int = 5):
    return add_sanction(
        case, SanctionKind.CALL_LIMIT, calls_per_week=per_week, call_weekdays="1",
        call_period=period,
    )


def test_morning_calls_allow_11_59_and_refuse_12_00(restricted_case):
    tuesday_calls(restricted_case, "morning")
    assert check(restricted_case, at=london(2025, 6, 3, 11, 59)).within_restrictions
    verdict = check(restricted_case, at=london(2025, 6, 3, 12, 0))
    assert kinds(verdict) == ["call_limit"]
    assert "morning only (before 12 noon), not at 12:00" in verdict.breaches[0].message


def test_afternoon_calls_refuse_11_59_and_allow_12_00(restricted_case):
    tuesday_calls(restricted_case, "afternoon")
    verdict = check(restricted_case, at=london(2025, 6, 3, 11, 59))
    assert kinds(verdict) == ["call_limit"]
    assert "afternoon only" in verdict.breaches[0].message
    assert check(restricted_case, at=london(2025, 6, 3, 12, 0)).within_restrictions


def test_calls_on_another_weekday_are_refused(restricted_case):
    tuesday_calls(restricted_case, "any")
    assert check(restricted_case, at=london(2025, 6, 3, 16, 0)).within_restrictions
    verdict = check(restricted_case, at=london(2025, 6, 4, 10, 0))
    assert kinds(verdict) == ["call_limit"]
    assert verdict.breaches[0].message == (
        "Calls are taken on Tuesdays only, not on a Wednesday."
    )


def test_the_call_limit_only_concerns_telephone_calls(restricted_case):
    tuesday_calls(restricted_case, "morning", per_week=1)
    phone_call(restricted_case, london(2025, 6, 3, 9, 0))
    for channel in (Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON):
        assert check(restricted_case, channel, at=london(2025, 6, 4, 15, 0)).within_restrictions


def test_the_nth_call_of_the_week_is_allowed_and_the_next_refused(restricted_case):
    add_sanction(
        restricted_case, SanctionKind.CALL_LIMIT, calls_per_week=2,
        call_weekdays="0,1,2,3,4,5,6", call_period="any",
    )
    phone_call(restricted_case, london(2025, 6, 2, 10, 0))  # Monday
    # Other media do not count towards the calls.
    ContactFactory(customer=restricted_case.customer, channel=Channel.EMAIL,
                   occurred_at=london(2025, 6, 2, 11, 0))
    assert check(restricted_case, at=london(2025, 6, 3, 10, 0)).within_restrictions
    phone_call(restricted_case, london(2025, 6, 3, 10, 0))
    verdict = check(restricted_case, at=london(2025, 6, 8, 23, 59))  # Sunday night
    assert kinds(verdict) == ["call_limit"]
    assert "Only two calls a week are taken, and this is call 3 this week" in (
        verdict.breaches[0].message
    )
    # Monday 00:00 starts a new week.
    assert check(restricted_case, at=london(2025, 6, 9, 0, 0)).within_restrictions


# --- the weeks of the clock changes ----------------------------------------------------------


def one_call_a_week(case):
    add_sanction(
        case, SanctionKind.CALL_LIMIT, calls_per_week=1, call_weekdays="0,1,2,3,4,5,6",
        call_period="any",
    )


def test_weeks_start_at_local_midnight_around_the_clock_changes():
    spring_start, spring_end = week_bounds(dt.date(2025, 3, 30))
    assert (spring_start, spring_end) == (london(2025, 3, 24, 0, 0), london(2025, 3, 31, 0, 0))
    # (Aware datetimes in one zone subtract as wall-clock times: compare in UTC.)
    assert spring_end.astimezone(dt.UTC) - spring_start.astimezone(dt.UTC) == dt.timedelta(
        hours=167
    )
    autumn_start, autumn_end = week_bounds(dt.date(2025, 10, 26))
    assert (autumn_start, autumn_end) == (london(2025, 10, 20, 0, 0), london(2025, 10, 27, 0, 0))
    assert autumn_end.astimezone(dt.UTC) - autumn_start.astimezone(dt.UTC) == dt.timedelta(
        hours=169
    )


def test_spring_a_monday_00_30_call_counts_for_the_new_week(restricted_case):
    one_call_a_week(restricted_case)
    # Sunday 30 March 2025, 23:30 BST: the last hour of the week the clocks went forward.
    phone_call(restricted_case, london(2025, 3, 30, 23, 30))
    # Monday 31 March, 00:30 BST is still Sunday (23:30) in UTC: it is the new week all
    # the same.
    monday = london(2025, 3, 31, 0, 30)
    assert monday.astimezone(dt.UTC).date() == dt.date(2025, 3, 30)
    assert check(restricted_case, at=monday).within_restrictions


def test_spring_the_monday_and_the_sunday_of_the_change_are_one_week(restricted_case):
    one_call_a_week(restricted_case)
    phone_call(restricted_case, london(2025, 3, 24, 0, 30))  # Monday, GMT
    verdict = check(restricted_case, at=london(2025, 3, 30, 23, 30))  # Sunday, BST
    assert kinds(verdict) == ["call_limit"]


def test_autumn_a_monday_00_30_call_before_the_change_counts_for_its_own_week(restricted_case):
    one_call_a_week(restricted_case)
    # Sunday 19 October 2025, 23:30 BST (the week before the clocks go back).
    phone_call(restricted_case, london(2025, 10, 19, 23, 30))
    # Monday 20 October 00:30 BST is 23:30 on Sunday in UTC.
    assert check(restricted_case, at=london(2025, 10, 20, 0, 30)).within_restrictions


def test_autumn_the_monday_and_the_sunday_after_the_change_are_one_week(restricted_case):
    one_call_a_week(restricted_case)
    phone_call(restricted_case, london(2025, 10, 20, 0, 30))  # Monday, BST
    verdict = check(restricted_case, at=london(2025, 10, 26, 23, 30))  # Sunday, GMT
    assert kinds(verdict) == ["call_limit"]
    # ...and the following Monday, 00:30 GMT, is a new week.
    assert check(restricted_case, at=london(2025, 10, 27, 0, 30)).within_restrictions


def test_morning_ends_at_local_noon_on_the_day_the_clocks_change(restricted_case):
    add_sanction(
        restricted_case, SanctionKind.CALL_LIMIT, calls_per_week=5, call_weekdays="6",
        call_period="morning",
    )
    assert check(restricted_case, at=london(2025, 3, 30, 11, 59)).within_restrictions
    assert kinds(check(restricted_case, at=london(2025, 3, 30, 12, 0))) == ["call_limit"]


# --- single medium, named officer, witness ----------------------------------------------------


def test_single_medium_allows_only_its_medium(restricted_case):
    add_sanction(restricted_case, SanctionKind.SINGLE_MEDIUM, allowed_channel=Channel.LETTER)
    assert check(restricted_case, Channel.LETTER).within_restrictions
    for channel in set(OWN_CHANNELS) - {Channel.LETTER}:
        assert kinds(check(restricted_case, channel)) == ["single_medium"], channel
    assert check(restricted_case, Channel.EMAIL).breaches[0].message == (
        "The customer may contact the council by letter only, not by email."
    )


def test_named_officer_allows_only_that_officer(restricted_case, officer):
    jo = UserFactory(first_name="Jo", last_name="Smith")
    add_sanction(restricted_case, SanctionKind.NAMED_OFFICER, named_officer=jo)
    assert check(restricted_case, officer=jo).within_restrictions
    verdict = check(restricted_case, Channel.EMAIL, officer=officer)
    assert verdict.breaches[0].message == "Only Jo Smith may deal with this customer."
    # Not knowing who will deal with it yet is not a breach (the front desk, the API).
    assert check(restricted_case, officer=None).within_restrictions


def test_witness_is_needed_for_personal_contacts_only(restricted_case):
    add_sanction(restricted_case, SanctionKind.WITNESS)
    assert check(restricted_case, Channel.IN_PERSON, witness_present=True).within_restrictions
    assert kinds(check(restricted_case, Channel.IN_PERSON)) == ["witness"]
    assert check(restricted_case, Channel.PHONE).within_restrictions


# --- refused complaints, offices, police or legal ---------------------------------------------


def test_a_refused_matter_is_filed_whatever_the_channel(restricted_case, officer):
    refused = MatterFactory(customer=restricted_case.customer, created_by=officer)
    other = MatterFactory(customer=restricted_case.customer, created_by=officer)
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[refused])
    for channel in (Channel.EMAIL, Channel.VIA_MP):
        verdict = check(restricted_case, channel, matter=refused)
        assert kinds(verdict) == ["refuse_complaints"] and verdict.filed, channel
        assert refused.reference in verdict.breaches[0].message
    assert check(restricted_case, Channel.EMAIL, matter=other).within_restrictions
    assert check(restricted_case, Channel.EMAIL).within_restrictions


def test_office_access_restricts_personal_contact(restricted_case):
    add_sanction(restricted_case, SanctionKind.OFFICE_ACCESS, all_offices=True)
    assert kinds(check(restricted_case, Channel.IN_PERSON)) == ["office_access"]
    assert check(restricted_case, Channel.PHONE).within_restrictions


def test_police_or_legal_action_is_never_a_breach_but_is_shown(restricted_case):
    add_sanction(restricted_case, SanctionKind.POLICE_OR_LEGAL, reference="CUMB-2025-0042")
    for channel in OWN_CHANNELS:
        verdict = check(restricted_case, channel, duration_minutes=90)
        assert verdict.within_restrictions, channel
    assert any("CUMB-2025-0042" in line for line in verdict.restrictions)


def test_contact_through_a_third_party_is_not_the_customers_own(restricted_case):
    add_sanction(restricted_case, SanctionKind.SINGLE_MEDIUM, allowed_channel=Channel.LETTER)
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    assert check(restricted_case, Channel.VIA_MP, duration_minutes=60).within_restrictions


# --- scope and dates ---------------------------------------------------------------------------


def test_a_sanction_scoped_to_another_directorate_does_not_apply_there(
    restricted_case, adults, children
):
    restricted_case.involved_directorates.add(children)
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15,
                 directorates=[children])
    assert check(restricted_case, duration_minutes=30, directorate=adults).within_restrictions
    assert kinds(check(restricted_case, duration_minutes=30, directorate=children)) == [
        "time_limit"
    ]
    # Without a directorate (front desk, API without one) every sanction in force applies.
    assert kinds(check(restricted_case, duration_minutes=30)) == ["time_limit"]


def test_a_council_wide_sanction_applies_in_every_directorate(restricted_case, adults, children):
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15, council_wide=True)
    for directorate in (adults, children, None):
        assert kinds(check(restricted_case, duration_minutes=30, directorate=directorate)) == [
            "time_limit"
        ]


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (dt.date(2025, 6, 2), False),  # the day before it starts
        (dt.date(2025, 6, 3), True),  # the first day
        (dt.date(2025, 6, 10), True),  # the end day
        (dt.date(2025, 6, 11), False),  # the day after
    ],
)
def test_a_sanction_is_in_force_from_its_start_to_its_end_day(restricted_case, day, in_force):
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15,
                 starts_on=dt.date(2025, 6, 3), ends_on=dt.date(2025, 6, 10))
    # 23:59 local on the end day is still that day (22:59 UTC).
    at = london(day.year, day.month, day.day, 23, 59)
    verdict = check(restricted_case, at=at, duration_minutes=30)
    assert verdict.within_restrictions is not in_force
    assert (selectors.restriction_banner(restricted_case.customer, day) is not None) is in_force


def test_nothing_is_in_force_before_the_designation_is_active(designated_case, senior_manager):
    from tests.sanctions.restrictions import activate

    add_sanction(designated_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    assert designated_case.state == "designated"
    assert check(designated_case, duration_minutes=30).within_restrictions
    assert selectors.restriction_banner(designated_case.customer, TUE_3_JUNE) is None
    activate(designated_case, senior_manager)
    assert kinds(check(designated_case, duration_minutes=30)) == ["time_limit"]


def test_an_ended_sanction_is_not_in_force(restricted_case):
    sanction = add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    end_sanctions(actor=None, case=restricted_case, on=dt.date(2025, 5, 1), reason="Replaced")
    sanction.refresh_from_db()
    assert (sanction.status, sanction.ended_on) == ("ended", dt.date(2025, 5, 1))
    assert check(restricted_case, duration_minutes=30).within_restrictions


def test_a_sanctions_status_changes_only_through_its_transition(restricted_case):
    sanction = add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    with pytest.raises(AttributeError):
        sanction.status = "ended"


# --- sanctions that together allow nothing ---------------------------------------------------


def test_two_single_media_together_allow_nothing(restricted_case):
    add_sanction(restricted_case, SanctionKind.SINGLE_MEDIUM, allowed_channel=Channel.LETTER)
    add_sanction(restricted_case, SanctionKind.SINGLE_MEDIUM, allowed_channel=Channel.EMAIL)
    for channel in OWN_CHANNELS:
        assert "single_medium" in kinds(check(restricted_case, channel)), channel
    lines = selectors.restriction_banner(restricted_case.customer, TUE_3_JUNE)
    assert lines[0].startswith("No contact is possible")


def test_build_sanctions_refuses_sanctions_that_together_allow_nothing(
    make_case, senior_manager, adults
):
    case = make_case("awaiting_decision")
    today = timezone.localdate()

    def medium(channel):
        return {
            "kind": "single_medium", "allowed_channel": channel, "directorates": [adults],
            "starts_on": today, "ends_on": today + dt.timedelta(days=30),
            "reasons": "Needed for the purposes of this test.",
        }

    with pytest.raises(ServiceError) as caught:
        build_sanctions(
            actor=senior_manager, case=case,
            specs=[medium(Channel.LETTER), medium(Channel.EMAIL)], designated_on=today,
            review_on=review_due(today),
        )
    assert any("no way to contact the council" in r for r in caught.value.reasons)
    # Either one alone is fine.
    assert build_sanctions(actor=senior_manager, case=case, specs=[medium(Channel.LETTER)],
                           designated_on=today, review_on=review_due(today))


# --- the plain-English description ---------------------------------------------------------


def test_describe_reads_like_the_issue_example(restricted_case):
    jo = UserFactory(first_name="Jo", last_name="Smith")
    sanctions = [
        add_sanction(restricted_case, SanctionKind.CALL_LIMIT, calls_per_week=1,
                     call_weekdays="1", call_period="morning"),
        add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15),
        add_sanction(restricted_case, SanctionKind.NAMED_OFFICER, named_officer=jo),
    ]
    lines = describe(sanctions)
    assert lines[0] == (
        "Phone: Tuesday mornings only, at most one call a week, at most 15 minutes, "
        "only with Jo Smith"
    )
    assert "In person: at most 15 minutes, only with Jo Smith" in lines
    assert "Letters and email: dealt with by Jo Smith only" in lines


def test_describe_names_several_days_once(restricted_case):
    sanction = add_sanction(restricted_case, SanctionKind.CALL_LIMIT, calls_per_week=2,
                            call_weekdays="3,0", call_period="afternoon")
    assert describe([sanction]) == [
        "Phone: Monday and Thursday afternoons only, at most two calls a week"
    ]


def test_describe_leaves_out_media_the_customer_may_not_use(restricted_case):
    sanctions = [
        add_sanction(restricted_case, SanctionKind.SINGLE_MEDIUM, allowed_channel=Channel.EMAIL),
        add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=10),
        add_sanction(restricted_case, SanctionKind.WITNESS),
    ]
    assert describe(sanctions) == [
        "Email only: the customer may contact the council by email and no other way."
    ]


# --- the banner selector -----------------------------------------------------------------------


def test_restriction_banner_gives_the_lines_and_the_end_date_in_two_queries(
    restricted_case, officer, django_assert_max_num_queries
):
    refused = MatterFactory(customer=restricted_case.customer, created_by=officer)
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[refused])
    add_sanction(restricted_case, SanctionKind.NAMED_OFFICER, named_officer=officer,
                 ends_on=dt.date(2025, 9, 30))
    customer = type(restricted_case.customer).objects.get(pk=restricted_case.customer_id)
    with django_assert_max_num_queries(2):
        lines = selectors.restriction_banner(customer, TUE_3_JUNE)
    assert "Phone: at most 15 minutes, only with Olivia Officer" in lines
    assert any(refused.reference in line for line in lines)
    assert lines[-1] == "Named officer until 30 September 2025; the rest until 31 December 2025."


def test_restriction_banner_is_none_without_restrictions(db, adults):
    assert selectors.restriction_banner(CustomerFactory(directorates=[adults])) is None


def test_the_end_date_is_given_once_when_all_end_together(restricted_case):
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15, ends_on=DEC_31)
    # (1 January is before the designation came into force on 6 January: nothing then.)
    assert selectors.restriction_banner(restricted_case.customer, JAN_1) is None
    lines = selectors.restriction_banner(restricted_case.customer, TUE_3_JUNE)
    assert lines[-1] == "Until 31 December 2025."


# --- logging a contact runs the check ---------------------------------------------------------


@pytest.fixture
def after_the_call(time_machine):
    """Now is Tuesday 3 June 2025, 15:00: the contacts below have happened."""
    time_machine.move_to(london(2025, 6, 3, 15, 0), tick=False)


def contact_form(case, officer, **overrides):
    data = {
        "directorate": case.lead_directorate.pk,
        "channel": Channel.PHONE,
        "direction": "inbound",
        "occurred_at": "2025-06-03T14:00",
        "duration_minutes": "20",
        "handled_by": officer.pk,
        "recipients": "1",
        "summary": "Rang about the bins again.",
    }
    data.update(overrides)
    return data


def test_logging_a_breaching_contact_saves_it_records_the_breach_and_tells_the_officer(
    restricted_case, officer, login, after_the_call
):
    tuesday_calls(restricted_case, "morning")
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    customer = restricted_case.customer
    response = login(officer).post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_form(restricted_case, officer), follow=True,
    )
    assert response.status_code == 200
    contact = Contact.objects.get(customer=customer, summary="Rang about the bins again.")
    breaches = list(ContactBreach.objects.filter(contact=contact).order_by("id"))
    assert sorted(b.sanction.kind for b in breaches) == ["call_limit", "time_limit"]
    page = response.content.decode()
    assert "Saved, but outside the restrictions:" in page
    assert "not at 14:00" in page
    assert "limited to 15 minutes, not 20" in page
    # The customer's timeline shows the breaches on the contact.
    assert "Outside the restrictions" in page
    # ...and the case records it in its chronology.
    assert restricted_case.events.filter(
        kind="contact_logged", details__contains="Outside the restrictions"
    ).exists()


def test_a_contact_within_the_restrictions_is_just_logged(
    restricted_case, officer, login, after_the_call
):
    tuesday_calls(restricted_case, "morning")
    response = login(officer).post(
        reverse("customers:contact_create", args=[restricted_case.customer.reference]),
        contact_form(restricted_case, officer, occurred_at="2025-06-03T10:00"), follow=True,
    )
    assert "Contact logged." in response.content.decode()
    assert not ContactBreach.objects.exists()


@pytest.mark.parametrize(("witness", "breached"), [("on", False), ("", True)])
def test_the_witness_box_is_passed_to_the_check(
    restricted_case, officer, login, after_the_call, witness, breached
):
    add_sanction(restricted_case, SanctionKind.WITNESS)
    data = contact_form(restricted_case, officer, channel=Channel.IN_PERSON)
    if witness:
        data["witness_present"] = witness
    login(officer).post(
        reverse("customers:contact_create", args=[restricted_case.customer.reference]), data
    )
    assert Contact.objects.filter(customer=restricted_case.customer).count() == 1
    assert ContactBreach.objects.filter(sanction__kind="witness").exists() is breached


def test_the_contact_form_offers_the_witness_box(restricted_case, officer, login):
    response = login(officer).get(
        reverse("customers:contact_create", args=[restricted_case.customer.reference])
    )
    assert 'name="witness_present"' in response.content.decode()


def test_a_contact_about_a_refused_matter_is_filed(restricted_case, officer, after_the_call):
    refused = MatterFactory(customer=restricted_case.customer,
                            directorate=restricted_case.lead_directorate, created_by=officer)
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[refused])
    contact = case_services.contact_log(
        actor=officer, customer=restricted_case.customer,
        directorate=restricted_case.lead_directorate, channel=Channel.EMAIL,
        direction="inbound", occurred_at=london(2025, 6, 3, 9, 0), handled_by=officer,
        summary="The same complaint again.", matter=refused,
    )
    assert contact.verdict.filed
    assert FiledItem.objects.get(contact=contact).read_at is None
    assert ContactBreach.objects.get(contact=contact).filed


def test_customer_page_with_breaches_costs_the_same_for_5_or_30_contacts(
    make_case, senior_manager, officer, adults, login, time_machine
):
    from tests.sanctions.restrictions import DESIGNATED_AT, activate

    indicators = some_indicators(2)
    customers = []
    time_machine.move_to(DESIGNATED_AT, tick=False)
    for n in (5, 30):
        case = make_case("designated", customer=CustomerFactory(directorates=[adults]))
        activate(case, senior_manager)
        sanction = case.sanctions.get()
        for i in range(n):
            contact = ContactFactory(customer=case.customer, directorate=adults,
                                     handled_by=officer, indicators=indicators,
                                     channel=Channel.PHONE, duration_minutes=60)
            ContactBreach.objects.create(contact=contact, sanction=sanction,
                                         message=f"Breach {i}")
        customers.append((case.customer, n))
    client = login(officer)

    def count(customer_and_n):
        customer, n = customer_and_n
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(customer.get_absolute_url())
        assert response.status_code == 200
        assert "Contact restrictions in force" in response.content.decode()
        # The newest contact's breach: the timeline is paged, newest first.
        assert f"Breach {n - 1}" in response.content.decode()
        return len(ctx.captured_queries)

    count(customers[0])
    assert count(customers[0]) == count(customers[1])
