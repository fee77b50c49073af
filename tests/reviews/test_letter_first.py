"""Issue 9, item 4: no outcome letter leaves without a preview, no date is filled in silently,
and a reason the customer reads is a reason.

A challenge outcome or a six-month review is posted, its letter shown (nothing saved), and
only "confirm" records the decision and issues that same letter; "change" goes back to the
form with everything kept; a case that changed in between is a 409 with the new letter.

Named days as in tests/reviews/conftest.py: in force from Monday 1 September 2025, review
due Sunday 1 March 2026; these tests review on Friday 20 February 2026.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from cases.models import CaseEvent, CaseState
from letters.models import Letter, LetterKind
from reviews import services
from reviews.models import Challenge, ChallengeStatus, Review, ReviewStatus
from tests.conftest import LONDON
from tests.letter_previews import change, confirm, draft_of
from ucp.errors import ServiceError

pytestmark = pytest.mark.django_db

FRI_20_FEB = dt.datetime(2026, 2, 20, 11, 0, tzinfo=LONDON)
REASONS = "You still telephone the office several times every day."


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def review_url(case) -> str:
    return reverse("reviews:review_decide", args=[case.reference])


def decide_url(challenge) -> str:
    return reverse("reviews:challenge_decide", args=[challenge.case.reference, challenge.pk])


def continue_post(**overrides) -> dict:
    return {"expected_state": "active", "outcome": "continue", "reasons": REASONS,
            "next_review_on": "2026-06-01", **overrides}


@pytest.fixture
def reviewing(in_force, time_machine):
    time_machine.move_to(FRI_20_FEB, tick=False)
    return in_force


@pytest.fixture
def assigned(in_force, officer, senior_manager, reviewer) -> Challenge:
    challenge = services.challenge_record(
        actor=officer, case=in_force, channel="letter", received_on=dt.date(2025, 9, 1),
        grounds="I only called because nobody answered my letters.",
    )
    return services.challenge_assign_reviewer(
        actor=senior_manager, challenge=challenge, reviewer=reviewer
    )


def nothing_decided(case) -> None:
    case.refresh_from_db()
    assert not Letter.objects.filter(
        kind__in=[LetterKind.REVIEW_OUTCOME, LetterKind.CHALLENGE_OUTCOME]
    ).exists()
    assert not Review.objects.filter(status=ReviewStatus.DECIDED).exists()
    assert not CaseEvent.objects.filter(case=case, summary__startswith="Six-month review:")\
        .exists()


# --- the six-month review -------------------------------------------------------------------


def test_a_review_outcome_shows_its_letter_and_saves_nothing(reviewing, senior_manager, login):
    response = login(senior_manager).post(review_url(reviewing), continue_post())
    assert response.status_code == 200
    page = text(response)
    assert "Six-month review: check the letter" in page
    assert "Monday 1 June 2026" in page  # the next review, in the decision's summary
    assert REASONS in page
    # The letter in the frame is the one the service would issue (escaped in srcdoc).
    assert "The review of our decision to limit your contact" in page
    assert "Record the review and send the letter" in page
    nothing_decided(reviewing)
    assert reviewing.review_due_on == dt.date(2026, 3, 1)
    assert reviewing.state == CaseState.ACTIVE


def test_confirming_issues_the_letter_that_was_shown(reviewing, senior_manager, login):
    client = login(senior_manager)
    preview = client.post(review_url(reviewing), continue_post())
    shown = re.search(r'srcdoc="([^"]*)"', preview.content.decode()).group(1)
    response = client.post(review_url(reviewing),
                           {"draft": draft_of(preview), "action": "confirm"})
    assert response.status_code == 302
    letter = Letter.objects.get(kind=LetterKind.REVIEW_OUTCOME)
    assert letter.html == html.unescape(shown)
    reviewing.refresh_from_db()
    assert reviewing.review_due_on == dt.date(2026, 6, 1)
    assert "1 June 2026" in letter.html


def test_change_goes_back_to_the_form_with_everything_kept(reviewing, senior_manager, login):
    client = login(senior_manager)
    preview = client.post(review_url(reviewing), continue_post())
    response = change(client, review_url(reviewing), preview)
    assert response.status_code == 200
    page = text(response)
    assert "Carry out the six-month review" in page
    assert REASONS in page
    assert 'value="2026-06-01"' in page
    assert re.search(r'value="continue"[^>]*checked|checked[^>]*value="continue"', page)
    nothing_decided(reviewing)


def test_a_case_changed_since_the_preview_is_409_and_shows_the_new_letter(
    reviewing, senior_manager, login, time_machine
):
    client = login(senior_manager)
    preview = client.post(review_url(reviewing), continue_post())
    # The customer moves meanwhile: the letter would now go to another address.
    customer = reviewing.customer
    customer.address = "3 Botchergate\nCarlisle"
    customer.save()
    response = client.post(review_url(reviewing),
                           {"draft": draft_of(preview), "action": "confirm"})
    assert response.status_code == 409
    assert "no longer the one you checked" in text(response)
    assert draft_of(response) != draft_of(preview)  # the new letter, to check again
    nothing_decided(reviewing)


def test_the_letter_date_moving_on_overnight_is_409(reviewing, senior_manager, login,
                                                    time_machine):
    time_machine.move_to(FRI_20_FEB.replace(hour=23, minute=55), tick=False)
    client = login(senior_manager)
    preview = client.post(review_url(reviewing), continue_post())
    time_machine.move_to(FRI_20_FEB.replace(hour=23, minute=55) + dt.timedelta(minutes=10),
                         tick=False)  # Saturday: the letter's date would be 21 February
    response = client.post(review_url(reviewing),
                           {"draft": draft_of(preview), "action": "confirm"})
    assert response.status_code == 409
    nothing_decided(reviewing)


def test_an_altered_draft_is_refused_and_issues_nothing(reviewing, senior_manager, login):
    client = login(senior_manager)
    preview = client.post(review_url(reviewing), continue_post())
    token = draft_of(preview)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(review_url(reviewing), {"draft": forged, "action": "confirm"})
    assert response.status_code == 400
    assert "could not be checked" in text(response)
    nothing_decided(reviewing)


def test_a_draft_from_another_page_is_refused(reviewing, assigned, senior_manager, reviewer,
                                              login):
    client = login(senior_manager)
    preview = client.post(review_url(reviewing), continue_post())
    client = login(reviewer)
    response = client.post(decide_url(assigned), {"draft": draft_of(preview),
                                                  "action": "confirm"})
    assert response.status_code == 400
    assert Challenge.objects.get(pk=assigned.pk).status == ChallengeStatus.UNDER_REVIEW


def test_a_blank_next_review_is_asked_for_never_filled_in(reviewing, senior_manager, login):
    response = login(senior_manager).post(review_url(reviewing),
                                          continue_post(next_review_on=""))
    assert response.status_code == 422
    assert "Enter the date of the next review" in text(response)
    nothing_decided(reviewing)


def test_the_service_refuses_a_missing_next_review(reviewing, senior_manager):
    with pytest.raises(ServiceError, match="Enter the date of the next review"):
        services.review_decide(actor=senior_manager, case=reviewing, outcome="continue",
                               reasons=REASONS, next_review_on=None)


@pytest.mark.parametrize("reasons", ["Continue.", "ok", "n/a", "Still calling.", "...",
                                     "same same same same"])
def test_a_review_reason_the_customer_cannot_use_is_explained(reviewing, senior_manager,
                                                               login, reasons):
    response = login(senior_manager).post(review_url(reviewing),
                                          continue_post(reasons=reasons))
    assert response.status_code == 422
    assert "Explain the reasons for the outcome in at least 4 words" in text(response)
    nothing_decided(reviewing)


def test_the_review_service_refuses_continue_as_a_reason(reviewing, senior_manager):
    with pytest.raises(ServiceError, match="at least 4 words"):
        services.review_decide(actor=senior_manager, case=reviewing, outcome="continue",
                               reasons="Continue.", next_review_on=dt.date(2026, 6, 1))


# --- the challenge outcome ------------------------------------------------------------------


def test_a_challenge_outcome_shows_its_letter_and_saves_nothing(assigned, reviewer, login):
    post = {"expected_status": "under_review", "outcome": "uphold",
            "reasons": "The restrictions are proportionate to daily calls of an hour."}
    response = login(reviewer).post(decide_url(assigned), post)
    assert response.status_code == 200
    page = text(response)
    assert "The outcome of your request for a review" in page
    assert "Decide and send the letter" in page
    assert Challenge.objects.get(pk=assigned.pk).status == ChallengeStatus.UNDER_REVIEW
    nothing_decided(assigned.case)


def test_confirming_a_challenge_outcome_decides_and_issues_it(assigned, reviewer, login):
    post = {"expected_status": "under_review", "outcome": "uphold",
            "reasons": "The restrictions are proportionate to daily calls of an hour."}
    response = confirm(login(reviewer), decide_url(assigned), post)
    assert response.status_code == 302
    assert Challenge.objects.get(pk=assigned.pk).status == ChallengeStatus.DECIDED
    assert Letter.objects.filter(kind=LetterKind.CHALLENGE_OUTCOME).count() == 1


def test_a_challenge_reason_the_customer_cannot_use_is_explained(assigned, reviewer, login):
    response = login(reviewer).post(decide_url(assigned), {
        "expected_status": "under_review", "outcome": "uphold", "reasons": "Fair."})
    assert response.status_code == 422
    assert "Explain the reasons for your decision in at least 4 words" in text(response)
    assert Challenge.objects.get(pk=assigned.pk).status == ChallengeStatus.UNDER_REVIEW


def test_refusing_a_late_request_needs_a_reason_the_customer_can_read(
    in_force, officer, senior_manager, time_machine
):
    time_machine.move_to(dt.datetime(2025, 9, 18, 11, tzinfo=LONDON), tick=False)
    late = services.challenge_record(actor=officer, case=in_force, channel="letter",
                                     received_on=dt.date(2025, 9, 18), grounds="Please.")
    with pytest.raises(ServiceError, match="at least 4 words"):
        services.challenge_refuse_late(actor=senior_manager, challenge=late, reason="No.")


# --- what the review letter says ---------------------------------------------------------------


def test_the_review_letter_speaks_to_the_customer_as_you(reviewing, senior_manager, login):
    confirm(login(senior_manager), review_url(reviewing), continue_post())
    body = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ",
                  Letter.objects.get(kind=LetterKind.REVIEW_OUTCOME).html)))
    assert "the customer" not in body.lower()
    assert "Calls and meetings with you last no more than 15 minutes." in body
    assert "We will review the decision again on or before 1 June 2026" in body
    assert REASONS in body
    assert "{#" not in body and "{%" not in body
