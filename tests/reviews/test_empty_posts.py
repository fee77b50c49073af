"""An empty POST to any challenge or review page is the form again with its messages (and,
when the page was loaded in another state, the 409 saying so), never a server error: the
form is bound before any error is added to it (`ucp.forms.bind`)."""

from __future__ import annotations

import pytest

from reviews.models import ChallengeStatus
from tests.reviews import test_views
from tests.reviews.test_views import url

pytestmark = pytest.mark.django_db

challenge = test_views.challenge
assigned = test_views.assigned
late = test_views.late


def test_an_empty_post_to_record_a_challenge_is_a_409_with_the_form(in_force, officer, login):
    response = login(officer).post(url("challenge_record", in_force))
    assert response.status_code == 409
    assert "There is a problem" in response.content.decode()


def test_an_empty_post_to_accept_a_late_request_is_a_409_with_the_form(late, senior_manager,
                                                                        login):
    response = login(senior_manager).post(url("challenge_accept_late", late.case, late))
    assert response.status_code == 409
    late.refresh_from_db()
    assert late.status == ChallengeStatus.LATE


def test_an_empty_post_to_assign_a_reviewer_is_a_409(challenge, senior_manager, login):
    response = login(senior_manager).post(url("challenge_assign", challenge.case, challenge))
    assert response.status_code == 409


def test_an_empty_post_to_decide_a_challenge_is_a_409(assigned, reviewer, login):
    response = login(reviewer).post(url("challenge_decide", assigned.case, assigned))
    assert response.status_code == 409


def test_an_empty_post_to_the_six_month_review_is_a_409(in_force, senior_manager, login):
    response = login(senior_manager).post(url("review_decide", in_force))
    assert response.status_code == 409
    assert "There is a problem" in response.content.decode()
