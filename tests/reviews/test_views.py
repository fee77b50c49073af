"""The challenge and six-month review pages: who may open them, what they show, and what a
bad or stale form does (a clear message, nothing saved, never a 500).

Named days (Europe/London): the customer is designated and told on Monday 1 September 2025
(tests/reviews/conftest.py), so the last day to ask for a review is Monday 15 September and
the six-month review is due on Sunday 1 March 2026.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import workflow
from cases.choices import EventKind
from cases.models import CaseEvent, CaseState
from letters.models import Letter, LetterKind
from reviews import services
from reviews.models import Challenge, ChallengeStatus, Review, ReviewStatus
from sanctions.models import SanctionStatus
from tests import factories
from tests.conftest import LONDON
from tests.letter_previews import confirm
from tests.reviews.conftest import REVIEW_DUE, put_in_force

pytestmark = pytest.mark.django_db

THU_18_SEPT = dt.date(2025, 9, 18)  # three days after the last day
MON_29_SEPT = dt.date(2025, 9, 29)  # the 28th day after a request received on 1 September


def reviews_tab(case) -> str:
    """The case page's challenges and reviews tab (cases.sections)."""
    return reverse("cases:reviews", args=[case.reference])


def text(response) -> str:
    return html.unescape(response.content.decode())


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def move_to(time_machine, day: dt.date, hour: int = 11) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False)


def record(case, actor, *, on: dt.date = dt.date(2025, 9, 1), grounds: str = "I only called "
           "because nobody answered my letters.") -> Challenge:
    return services.challenge_record(actor=actor, case=case, channel="letter", received_on=on,
                                     grounds=grounds)


def url(name: str, case, challenge: Challenge | None = None) -> str:
    if name == "deadlines":
        return reverse("reviews:deadlines")
    if challenge is None:
        return reverse(f"reviews:{name}", args=[case.reference])
    return reverse(f"reviews:{name}", args=[case.reference, challenge.pk])


@pytest.fixture
def challenge(in_force, officer) -> Challenge:
    return record(in_force, officer)


@pytest.fixture
def assigned(challenge, senior_manager, reviewer) -> Challenge:
    return services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                              reviewer=reviewer)


@pytest.fixture
def late(in_force, officer, time_machine) -> Challenge:
    move_to(time_machine, THU_18_SEPT)
    return record(in_force, officer, on=THU_18_SEPT)


# --- who may open what --------------------------------------------------------------------------

ROLES = ["officer", "service_manager", "senior_manager", "reviewer", "lead", "admin", "outsider"]
EXPECTED = {
    # view: the status each persona gets, in ROLES order
    "challenge_record": [200, 200, 200, 404, 403, 403, 404],
    "challenge_accept_late": [403, 403, 200, 404, 403, 403, 404],
    "challenge_refuse_late": [403, 403, 200, 404, 403, 403, 404],
    "challenge_assign": [403, 403, 200, 404, 403, 403, 404],
    # The reviewer sees the case once it is theirs; the senior manager may not decide it.
    "challenge_decide": [403, 403, 403, 200, 403, 403, 404],
    "review_decide": [403, 403, 200, 404, 403, 403, 404],
    # Directorate leads get reports, not this; the outsider sees their own directorate's.
    "deadlines": [403, 403, 200, 200, 403, 403, 200],
}
# (Not named "page": that is pytest-playwright's fixture, and would make these browser tests.)
MATRIX = [(view, role, codes[i]) for view, codes in EXPECTED.items()
          for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("view", "role", "expected"), MATRIX)
def test_who_may_open_each_page(view, role, expected, request, in_force, officer,
                                senior_manager, reviewer, persona, login, time_machine):
    challenge = None
    if view in ("challenge_accept_late", "challenge_refuse_late"):
        challenge = request.getfixturevalue("late")
    elif view == "challenge_assign":
        challenge = request.getfixturevalue("challenge")
    elif view == "challenge_decide":
        challenge = request.getfixturevalue("assigned")
    response = login(persona(role)).get(url(view, in_force, challenge))
    assert response.status_code == expected, text(response)[:400]
    if expected == 200 and view != "deadlines":
        assert in_force.reference in text(response)


def test_an_outsider_guessing_a_case_gets_404_not_403(in_force, outsider, login):
    response = login(outsider).get(f"/cases/{in_force.reference}/challenges/new/")
    assert response.status_code == 404
    assert in_force.customer.full_name not in text(response)


def test_a_challenge_of_another_case_is_404_under_this_case(
    challenge, make_case, senior_manager, login
):
    other = put_in_force(make_case("designated"), senior_manager)
    client = login(senior_manager)
    assert client.get(url("challenge_assign", other, challenge)).status_code == 404
    assert client.get(url("challenge_assign", challenge.case, challenge)).status_code == 200
    # A made-up id under the right case is the same 404.
    response = client.get(f"/cases/{challenge.case.reference}/challenges/999999/decide/")
    assert response.status_code == 404


def test_an_independent_reviewer_not_assigned_cannot_open_the_decision(
    assigned, resources, login
):
    from accounts.roles import Role

    other = factories.UserFactory(roles=[Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER],
                                  directorates=[resources])
    response = login(other).get(url("challenge_decide", assigned.case, assigned))
    assert response.status_code == 404


# --- the case page -------------------------------------------------------------------------------


def test_the_case_page_shows_the_window_and_the_28_day_clock(challenge, senior_manager, login,
                                                             time_machine):
    move_to(time_machine, dt.date(2025, 9, 10))
    page = squash(text(login(senior_manager).get(reviews_tab(challenge.case))))
    assert "Last day to ask for a review" in page
    assert "Monday 15 September 2025" in page and "5 days left" in page
    assert "Decision due (28 days)" in page
    assert "Monday 29 September 2025" in page and "19 days left" in page
    assert "Sunday 1 March 2026" in page  # the six-month review
    assert "nobody answered my letters" in page
    # The senior manager may assign a reviewer; nobody may record a second request.
    assert url("challenge_assign", challenge.case, challenge) in page
    assert url("challenge_record", challenge.case) not in page


def test_the_case_page_shows_days_overdue_once_the_28_days_pass(challenge, officer, login,
                                                               time_machine):
    move_to(time_machine, MON_29_SEPT + dt.timedelta(days=3))
    page = squash(text(login(officer).get(reviews_tab(challenge.case))))
    assert "3 days overdue" in page
    assert re.search(r"Last day to ask for a review.*?Closed", page)


def test_the_officer_sees_only_the_record_button(in_force, officer, login):
    page = text(login(officer).get(reviews_tab(in_force)))
    assert 'data-action="challenge_record"' in page
    assert 'data-action="review_decide"' not in page


def test_the_senior_manager_sees_the_review_button(in_force, senior_manager, login):
    page = text(login(senior_manager).get(reviews_tab(in_force)))
    assert 'data-action="review_decide"' in page


def test_the_assigned_reviewer_sees_the_decide_button_and_nothing_else(assigned, reviewer,
                                                                       login):
    page = text(login(reviewer).get(reviews_tab(assigned.case)))
    assert url("challenge_decide", assigned.case, assigned) in page
    assert url("challenge_assign", assigned.case, assigned) not in page
    assert 'data-action="challenge_record"' not in page
    assert 'data-action="review_decide"' not in page


def test_the_case_page_costs_the_same_queries_with_more_challenges(
    in_force, officer, senior_manager, reviewer, login, time_machine
):
    def count() -> int:
        client = login(senior_manager)  # (a fresh session: the clock moves below)
        client.get(reviews_tab(in_force))  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reviews_tab(in_force)).status_code == 200
        return len(queries)

    first = record(in_force, officer)
    one = count()
    # The first decided, a late one refused, and a late one accepted: three rows.
    first = services.challenge_assign_reviewer(actor=senior_manager, challenge=first,
                                               reviewer=reviewer)
    services.challenge_decide(actor=reviewer, challenge=first, outcome="uphold",
                              reasons="The designation was fair and proportionate.")
    move_to(time_machine, THU_18_SEPT)
    services.challenge_refuse_late(actor=senior_manager, reason="No reason for the delay.",
                                   challenge=record(in_force, officer, on=THU_18_SEPT))
    services.challenge_accept_late(actor=senior_manager, reason="New evidence.",
                                   challenge=record(in_force, officer, on=THU_18_SEPT))
    assert in_force.challenges.count() == 3
    assert count() == one


def test_a_lapsed_designation_shows_a_red_warning(in_force, senior_manager, login,
                                                  time_machine):
    move_to(time_machine, REVIEW_DUE + dt.timedelta(days=2))
    in_force.lapse()
    in_force.save()
    page = squash(text(login(senior_manager).get(reviews_tab(in_force))))
    assert "data-lapsed-warning" in page
    assert "the restrictions have lapsed" in page
    assert "2 days overdue" in page
    assert 'govuk-tag--red">Review missed – restrictions lapsed' in page
    assert 'data-action="review_decide"' in page


# --- recording a request -------------------------------------------------------------------------


def test_an_officer_records_a_written_request(in_force, officer, login):
    response = login(officer).post(url("challenge_record", in_force), {
        "expected_state": "active", "channel": "email", "received_on": "2025-09-01",
        "received_time": "09:30", "grounds": "The time limit stops me explaining my problem.",
    }, follow=True)
    challenge = Challenge.objects.get(case=in_force)
    assert challenge.status == ChallengeStatus.AWAITING_REVIEWER
    assert challenge.received_at.astimezone(LONDON).time() == dt.time(9, 30)
    page = squash(text(response))
    assert "Request for a review recorded" in page
    assert "must decide by 29 September 2025" in page


def test_a_telephone_request_is_noted_and_the_officer_told_to_get_it_in_writing(
    in_force, officer, login, settings
):
    settings.REVIEW_REQUESTS_TEAM = "Complaints and Reviews Team"
    settings.REVIEW_REQUESTS_EMAIL = "reviews@council.example"
    response = login(officer).post(url("challenge_record", in_force), {
        "expected_state": "active", "channel": "phone", "received_on": "",
        "grounds": "Rang at 10:15 asking for the decision to be looked at again.",
    }, follow=True)
    assert response.redirect_chain[-1][0].endswith("?noted=telephone")
    page = squash(text(response))
    assert "data-telephone-request" in page
    assert "The customer must put the request in writing" in page
    assert "Complaints and Reviews Team" in page
    assert "reviews@council.example" in page
    assert settings.COUNCIL_ADDRESS[0] in page
    assert "Monday 15 September 2025" in page
    assert not Challenge.objects.exists()
    event = CaseEvent.objects.get(case=in_force, kind="challenge_phone_request")
    assert "Rang at 10:15" in event.details


def test_a_late_request_is_recorded_and_flagged_on_the_page(in_force, officer, senior_manager,
                                                            login, time_machine):
    move_to(time_machine, THU_18_SEPT)
    response = login(officer).post(url("challenge_record", in_force), {
        "expected_state": "active", "channel": "letter", "received_on": "2025-09-18",
        "grounds": "I was away.",
    }, follow=True)
    page = squash(text(response))
    assert "It is LATE" in page
    challenge = Challenge.objects.get(case=in_force)
    assert challenge.status == ChallengeStatus.LATE
    assert "data-late" in page
    assert "3 days after the last day (15 September 2025)" in page
    assert url("challenge_accept_late", in_force, challenge) not in page  # not the officer's

    page = text(login(senior_manager).get(reviews_tab(in_force)))
    assert url("challenge_accept_late", in_force, challenge) in page
    assert url("challenge_refuse_late", in_force, challenge) in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"grounds": ""}, "grounds", "Enter the customer's grounds for asking for a review"),
        ({"received_on": "2025-09-02"}, "received_on", "The date received cannot be in the future"),
        ({"received_on": ""}, "received_on", "Enter the date the request was received"),
        ({"received_on": "31/02/2025"}, "received_on", "Enter a real date"),
        ({"received_on": "2025-08-01"}, "received_on", "before the designation"),
        ({"channel": ""}, "channel", "Choose how the customer asked for a review"),
        ({"channel": "fax"}, "channel", "Select a valid choice"),
        ({"received_time": "09:00"}, "received_time", "Leave the time blank for a letter"),
        ({"channel": "email", "received_time": "23:00"}, "received_time",
         "cannot be in the future"),
    ],
)
def test_bad_requests_are_explained_and_nothing_is_saved(in_force, officer, login, data, field,
                                                         message):
    post = {"expected_state": "active", "channel": "letter", "received_on": "2025-09-01",
            "grounds": "The decision is unfair to me.", **data}
    response = login(officer).post(url("challenge_record", in_force), post)
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page and message in page
    assert f'id="id_{field}_error"' in page or f'id="id_{field}_0_error"' in page \
        or field in response.context["form"].errors
    # What was typed comes back.
    if post["grounds"]:
        assert post["grounds"] in page
    assert not Challenge.objects.exists()


def test_a_second_request_while_one_is_open_is_refused(challenge, officer, login):
    client = login(officer)
    assert client.get(url("challenge_record", challenge.case)).status_code == 302
    response = client.post(url("challenge_record", challenge.case), {
        "expected_state": "active", "channel": "letter", "received_on": "2025-09-01",
        "grounds": "Again.",
    })
    assert response.status_code == 422
    assert "already has a challenge" in text(response)
    assert Challenge.objects.count() == 1


def test_a_stale_record_form_is_409_and_saves_nothing(in_force, officer, login):
    response = login(officer).post(url("challenge_record", in_force), {
        "expected_state": "designated", "channel": "letter", "received_on": "2025-09-01",
        "grounds": "Unfair.",
    })
    assert response.status_code == 409
    assert "Someone else changed this case" in text(response)
    assert not Challenge.objects.exists()


# --- late requests and the reviewer ---------------------------------------------------------


def test_a_senior_manager_accepts_a_late_request_with_a_reason(late, senior_manager, login):
    client = login(senior_manager)
    page = squash(text(client.get(url("challenge_accept_late", late.case, late))))
    assert "Thursday 18 September 2025" in page and "Late" in page
    response = client.post(url("challenge_accept_late", late.case, late), {
        "expected_status": "late", "reason": ""})
    assert response.status_code == 422
    assert "Enter why the late request is accepted" in text(response)
    response = client.post(url("challenge_accept_late", late.case, late), {
        "expected_status": "late", "reason": "In hospital until the 17th."}, follow=True)
    late.refresh_from_db()
    assert late.status == ChallengeStatus.AWAITING_REVIEWER
    page = text(response)
    assert "Late request accepted" in page and "In hospital until the 17th." in page


def test_a_senior_manager_refuses_a_late_request(late, senior_manager, login):
    response = login(senior_manager).post(url("challenge_refuse_late", late.case, late), {
        "expected_status": "late", "reason": "No reason was given for the delay."},
        follow=True)
    late.refresh_from_db()
    assert late.status == ChallengeStatus.NOT_ACCEPTED
    assert "Late request not accepted" in text(response)


def test_the_assign_page_lists_independent_reviewers_with_their_job_titles(
    challenge, senior_manager, reviewer, login
):
    reviewer.staff_profile.job_title = "Head of Financial Services"
    reviewer.staff_profile.save()
    page = text(login(senior_manager).get(url("challenge_assign", challenge.case, challenge)))
    assert "Rory Reviewer – Head of Financial Services, Resources" in page
    assert page.count('name="reviewer"') == 1  # nobody else is independent


def test_the_assign_page_says_so_when_nobody_is_independent(challenge, senior_manager, login):
    page = text(login(senior_manager).get(url("challenge_assign", challenge.case, challenge)))
    assert "data-no-reviewers" in page
    assert "Nobody can review this challenge" in page


def test_a_forged_post_of_a_non_independent_reviewer_is_refused(challenge, senior_manager,
                                                                reviewer, login):
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    # The decider, even given the reviewer role, is not independent of their own decision.
    senior_manager.groups.add(Group.objects.get(name=Role.INDEPENDENT_REVIEWER.label))
    response = login(senior_manager).post(url("challenge_assign", challenge.case, challenge), {
        "expected_status": "awaiting_reviewer", "reviewer": senior_manager.pk})
    assert response.status_code == 422
    assert "Choose one of the independent reviewers listed" in text(response)
    challenge.refresh_from_db()
    assert challenge.reviewer is None
    assert challenge.status == ChallengeStatus.AWAITING_REVIEWER


def test_a_senior_manager_assigns_the_reviewer(challenge, senior_manager, reviewer, login):
    response = login(senior_manager).post(url("challenge_assign", challenge.case, challenge), {
        "expected_status": "awaiting_reviewer", "reviewer": reviewer.pk}, follow=True)
    challenge.refresh_from_db()
    assert challenge.reviewer == reviewer
    assert "Rory Reviewer is the independent reviewer. They must decide by 29 September 2025" \
        in squash(text(response))


def test_a_stale_assign_form_is_409_and_changes_nothing(challenge, senior_manager, reviewer,
                                                       resources, login):
    from accounts.roles import Role

    other = factories.UserFactory(first_name="Pat", last_name="Other",
                                  roles=[Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER],
                                  directorates=[resources])
    client = login(senior_manager)
    page = text(client.get(url("challenge_assign", challenge.case, challenge)))
    assert 'value="awaiting_reviewer"' in page
    # Meanwhile a colleague assigns Rory.
    services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                       reviewer=reviewer)
    response = client.post(url("challenge_assign", challenge.case, challenge), {
        "expected_status": "awaiting_reviewer", "reviewer": other.pk})
    assert response.status_code == 409
    assert "someone changed it while you were looking at it" in text(response)
    challenge.refresh_from_db()
    assert challenge.reviewer == reviewer


# --- the independent reviewer's decision --------------------------------------------------------


def test_the_reviewer_sees_the_evidence_they_need(assigned, reviewer, login):
    page = squash(text(login(reviewer).get(url("challenge_decide", assigned.case, assigned))))
    assert "nobody answered my letters" in page  # the customer's grounds
    assert "Persistent and unreasonable contact with staff." in page  # the decision's reasons
    assert "The customer's current sanctions" in page
    assert "at most 15 minutes" in page
    assert "Calls regularly run past an hour." in page  # the sanction's reasons
    assert "Designation letter" in page  # what the customer was sent
    assert "Contacts from" in page  # the evidence the senior manager weighed


def test_the_reviewer_upholds_and_the_outcome_letter_is_issued(assigned, reviewer, login):
    client = login(reviewer)
    response = confirm(client, url("challenge_decide", assigned.case, assigned), {
        "expected_status": "under_review", "outcome": "uphold",
        "reasons": "The restrictions are proportionate to daily calls of an hour.",
    }, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#challenge-{assigned.pk}")
    page = squash(text(response))
    assert ("Challenge decided: uphold the designation. Challenge outcome letter issued "
            "(version 1).") in page
    letter = Letter.objects.get(case=assigned.case, kind=LetterKind.CHALLENGE_OUTCOME)
    # The letter is on the case's letters tab, one link from the challenge.
    letters_tab = reverse("cases:letters", args=[assigned.case.reference])
    assert letters_tab in page
    letters = text(client.get(letters_tab))
    assert 'data-letter="challenge_outcome-v1"' in letters
    assert reverse("letters:pdf", args=[assigned.case.reference, letter.pk]) in letters
    assigned.refresh_from_db()
    assert assigned.status == ChallengeStatus.DECIDED
    assert 'data-outcome="uphold"' in page and "Decided on time" in page
    pdf = client.get(reverse("letters:pdf", args=[assigned.case.reference, letter.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_reviewer_varies_the_sanctions_through_the_page(assigned, reviewer, login):
    case = assigned.case
    data = {"expected_status": "under_review", "outcome": "vary",
            "reasons": "Fifteen minutes is too short for his needs.",
            **factories.sanction_form_data(case, max_minutes="30")}
    response = confirm(login(reviewer), url("challenge_decide", case, assigned), data,
                       follow=True)
    assert "Challenge decided: vary the sanctions" in text(response)
    current = case.sanctions.get(status=SanctionStatus.ACTIVE)
    assert current.max_minutes == 30 and current.ends_on == REVIEW_DUE


def test_vary_with_no_sanction_is_explained_and_nothing_is_saved(assigned, reviewer, login):
    response = login(reviewer).post(url("challenge_decide", assigned.case, assigned), {
        "expected_status": "under_review", "outcome": "vary",
        "reasons": "The restrictions are too strict.",
    })
    assert response.status_code == 422
    page = text(response)
    assert "Choose at least one sanction for the varied designation" in page
    assert "The restrictions are too strict." in page
    assigned.refresh_from_db()
    assert assigned.status == ChallengeStatus.UNDER_REVIEW
    assert not Letter.objects.filter(kind=LetterKind.CHALLENGE_OUTCOME).exists()


def test_a_varied_sanction_past_the_review_date_is_explained(assigned, reviewer, login):
    case = assigned.case
    data = {"expected_status": "under_review", "outcome": "vary",
            "reasons": "The calls may be longer now.",
            **factories.sanction_form_data(case, ends_on="2026-03-02")}
    response = login(reviewer).post(url("challenge_decide", case, assigned), data)
    assert response.status_code == 422
    assert "It must end by the six-month review on 1 March 2026" in text(response)
    assert case.sanctions.filter(status=SanctionStatus.ACTIVE).count() == 1


def test_a_missing_outcome_and_reasons_are_explained(assigned, reviewer, login):
    response = login(reviewer).post(url("challenge_decide", assigned.case, assigned), {
        "expected_status": "under_review"})
    assert response.status_code == 422
    page = text(response)
    assert "Choose uphold, vary the sanctions, or withdraw" in page
    assert "Enter the reasons for your decision" in page


def test_deciding_twice_is_409_and_issues_one_letter(assigned, reviewer, login):
    client = login(reviewer)
    post = {"expected_status": "under_review", "outcome": "uphold",
            "reasons": "The designation was fair and proportionate."}
    decide = url("challenge_decide", assigned.case, assigned)
    assert confirm(client, decide, post).status_code == 302
    response = client.post(url("challenge_decide", assigned.case, assigned),
                           {**post, "outcome": "withdraw"})
    assert response.status_code == 409
    assert "This challenge is now 'Decided'" in text(response)
    assert Letter.objects.filter(kind=LetterKind.CHALLENGE_OUTCOME).count() == 1
    assert Challenge.objects.get(pk=assigned.pk).outcome == "uphold"


def test_a_reviewer_who_took_part_is_refused_with_the_reason(assigned, reviewer, login):
    workflow.record_event(assigned.case, actor=reviewer, kind=EventKind.CONTACT_LOGGED,
                          summary="Telephone contact")
    response = login(reviewer).get(url("challenge_decide", assigned.case, assigned))
    assert response.status_code == 403
    assert "no longer independent" in text(response)


# --- the six-month review ------------------------------------------------------------------------


def test_the_review_page_asks_for_the_next_review_and_fills_in_none(
    in_force, senior_manager, login, time_machine
):
    """A date already in the box is one nobody chose: the letter once gave the customer
    1 June 2027 because the field came filled in."""
    move_to(time_machine, dt.date(2026, 2, 20))
    page = squash(text(login(senior_manager).get(url("review_decide", in_force))))
    field = re.search(r'<input[^>]*name="next_review_on"[^>]*>', page).group(0)
    assert "value=" not in field
    assert "on or before 20 August 2026" in page
    assert "9 days left" in page  # due Sunday 1 March 2026


def test_next_review_beyond_six_months_is_explained_and_nothing_is_saved(
    in_force, senior_manager, login, time_machine
):
    move_to(time_machine, dt.date(2026, 2, 20))
    response = login(senior_manager).post(url("review_decide", in_force), {
        "expected_state": "active", "outcome": "continue",
        "reasons": "You are still calling us every day.",
        "next_review_on": "2026-08-21"})
    assert response.status_code == 422
    page = text(response)
    assert "The next review must be within six months: on or before 20 August 2026" in page
    assert 'value="2026-08-21"' in page
    in_force.refresh_from_db()
    assert in_force.review_due_on == REVIEW_DUE
    assert not Review.objects.filter(status=ReviewStatus.DECIDED).exists()
    assert not Letter.objects.filter(kind=LetterKind.REVIEW_OUTCOME).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "continue", "next_review_on": ""}, "Enter the date of the next review"),
        ({"outcome": "continue", "next_review_on": "2026-02-20"},
         "The next review must be after today"),
        ({"outcome": "vary", "next_review_on": "2026-08-20"},
         "Choose at least one sanction for the varied designation"),
        ({"outcome": ""}, "Choose lift, vary or continue"),
        ({"reasons": ""}, "Enter the reasons for the outcome of the review"),
    ],
)
def test_bad_reviews_are_explained(in_force, senior_manager, login, time_machine, data,
                                   message):
    move_to(time_machine, dt.date(2026, 2, 20))
    post = {"expected_state": "active", "outcome": "continue",
            "reasons": "You are still calling every day.",
            "next_review_on": "2026-08-20", **data}
    response = login(senior_manager).post(url("review_decide", in_force), post)
    assert response.status_code == 422
    assert message in text(response)
    assert not Letter.objects.filter(kind=LetterKind.REVIEW_OUTCOME).exists()


def test_a_varied_sanction_must_end_by_the_chosen_next_review(in_force, senior_manager, login,
                                                              time_machine):
    move_to(time_machine, dt.date(2026, 2, 20))
    data = {"expected_state": "active", "outcome": "vary",
            "reasons": "Your calls are shorter than before.",
            "next_review_on": "2026-06-01",
            **factories.sanction_form_data(in_force, max_minutes="20")}
    response = login(senior_manager).post(url("review_decide", in_force), data)
    assert response.status_code == 422
    assert "It must end by the next review on 1 June 2026" in text(response)


def test_the_senior_manager_continues_the_designation(in_force, senior_manager, login,
                                                      time_machine):
    move_to(time_machine, dt.date(2026, 2, 20))
    client = login(senior_manager)
    response = confirm(client, url("review_decide", in_force), {
        "expected_state": "active", "outcome": "continue",
        "reasons": "You are still calling us every day.",
        "next_review_on": "2026-08-20"}, follow=True)
    page = squash(text(response))
    assert ("Six-month review recorded: continue the designation unchanged. Next review due "
            "20 August 2026. Six-month review outcome letter issued (version 1).") in page
    # The letter is on the case's letters tab, one link away.
    letters = text(client.get(reverse("cases:letters", args=[in_force.reference])))
    assert 'data-letter="review_outcome-v1"' in letters
    assert "On time" in page and "Next review set for 20 August 2026" in page
    in_force.refresh_from_db()
    assert in_force.review_due_on == dt.date(2026, 8, 20)


def test_a_stale_review_form_is_409(in_force, senior_manager, login, time_machine):
    move_to(time_machine, dt.date(2026, 2, 20))
    response = login(senior_manager).post(url("review_decide", in_force), {
        "expected_state": "lapsed", "outcome": "lift",
        "reasons": "The behaviour has stopped since March."})
    assert response.status_code == 409
    in_force.refresh_from_db()
    assert in_force.state == CaseState.ACTIVE


# --- home page ------------------------------------------------------------------------------------


def test_the_reviewer_sees_their_challenge_on_the_home_page(assigned, reviewer, login,
                                                            time_machine):
    move_to(time_machine, dt.date(2025, 9, 22))
    page = squash(text(login(reviewer).get(reverse("home"))))
    assert "Challenges to review" in page
    assert url("challenge_decide", assigned.case, assigned) in page
    assert "1 Sep 2025" in page and "29 Sep 2025" in page and "7 days left" in page


def test_a_reviewer_with_nothing_assigned_is_told_so(reviewer, login):
    page = text(login(reviewer).get(reverse("home")))
    assert "No request for a review is waiting for your decision" in page


def test_a_senior_manager_sees_a_request_needing_a_reviewer(challenge, senior_manager, login):
    page = squash(text(login(senior_manager).get(reverse("home"))))
    assert 'id="deadlines">Deadlines</h2>' in page
    assert f'data-deadline="assign_reviewer-{challenge.pk}"' in page
    assert "Request for a review: assign an independent reviewer" in page


def test_a_senior_manager_sees_a_late_request(late, senior_manager, login):
    page = squash(text(login(senior_manager).get(reverse("home"))))
    assert f'data-deadline="late_challenge-{late.pk}"' in page
    assert "Late request for a review: accept it or not" in page


def test_another_directorate_sees_neither(challenge, outsider, login):
    page = text(login(outsider).get(reverse("home")))
    assert "data-deadline=" not in page and challenge.case.reference not in page
    assert "Nothing is overdue or due in the next 28 days." in page


def test_the_home_page_shows_a_review_due_within_28_days(in_force, senior_manager, login,
                                                         time_machine):
    move_to(time_machine, dt.date(2026, 2, 10))
    page = squash(text(login(senior_manager).get(reverse("home"))))
    assert f'data-deadline="six_month_review-{in_force.pk}"' in page
    assert "19 days left" in page


def test_the_deadlines_link_is_in_the_header_for_managers_only(in_force, senior_manager,
                                                               officer, lead, login):
    assert reverse("reviews:deadlines") in text(login(senior_manager).get(reverse("home")))
    assert reverse("reviews:deadlines") not in text(login(officer).get(reverse("home")))
    assert reverse("reviews:deadlines") not in text(login(lead).get(reverse("home")))



def test_each_challenge_button_names_the_page_it_opens(in_force, senior_manager, reviewer, login):
    # One name per step: a button and the heading of the page it opens say the same thing,
    # before and after a reviewer is assigned (it said "Change the independent reviewer").
    challenge = services.challenge_record(
        actor=senior_manager, case=in_force, channel="email",
        received_on=timezone.localdate(),
        grounds="I do not accept that my calls were unreasonable.",
    )
    client = login(senior_manager)
    for assign in (False, True):
        if assign:
            services.challenge_assign_reviewer(
                actor=senior_manager, challenge=challenge, reviewer=reviewer
            )
        page = client.get(reviews_tab(in_force)).content.decode()
        links = re.findall(
            r'<a href="(/cases/[^"]+/challenges/[^"]+)"[^>]*class="govuk-button[^"]*"[^>]*>'
            r"(.*?)</a>",
            page, re.S,
        )
        assert links, "the case page offers the challenge's steps"
        for href, label in links:
            target = client.get(html.unescape(href)).content.decode()
            heading = re.search(r"<h1[^>]*>(.*?)</h1>", target, re.S).group(1)
            assert " ".join(label.split()) == " ".join(heading.split()), href
