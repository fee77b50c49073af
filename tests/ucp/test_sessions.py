"""Sessions end after 30 minutes unused (or 10 hours after signing in), the sign-in page says
why and brings the user back to the page they asked for; signing out says so too."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.conftest import TUE_3_JUNE
from tests.factories import PASSWORD
from ucp import sessions
from ucp.views import SIGNED_OUT

pytestmark = pytest.mark.django_db

IDLE_MESSAGE = ("You were signed out because you had not used the system for 30 minutes. "
                "Sign in again to carry on.")


@pytest.fixture
def clock(time_machine):
    """`clock(minutes)`: the time is that many minutes after Tuesday 3 June 2025, 10:00."""

    def at(minutes: float) -> None:
        time_machine.move_to(TUE_3_JUNE + dt.timedelta(minutes=minutes), tick=False)

    at(0)
    return at


def _sent_to_sign_in(response) -> str:
    """The `next` of a redirect to the sign-in page (fails if it is not one)."""
    assert response.status_code == 302, response.status_code
    url = urlsplit(response["Location"])
    assert url.path == reverse("login")
    return parse_qs(url.query)["next"][0]


def _banner_texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_session_used_29_minutes_ago_is_still_signed_in(client, clock, officer, customer):
    client.force_login(officer)
    clock(29)
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    assert response.context["user"] == officer


def test_after_31_idle_minutes_the_user_is_signed_out_and_told_why_then_brought_back(
    client, clock, officer, customer
):
    client.force_login(officer)
    clock(31)
    page = customer.get_absolute_url() + "?tab=contacts"
    assert _sent_to_sign_in(client.get(page)) == page
    sign_in_page = client.get(reverse("login"), {"next": page})
    assert IDLE_MESSAGE in _banner_texts(sign_in_page)
    assert sign_in_page.context["next"] == page
    # The session is gone, not just hidden: the customer page stays closed.
    assert _sent_to_sign_in(client.get(customer.get_absolute_url()))

    response = client.post(reverse("login"), {
        "username": officer.username, "password": PASSWORD, "next": page,
    })
    assert response.status_code == 302
    assert response["Location"] == page
    assert client.get(page).status_code == 200


def test_each_page_moves_the_idle_timeout_on(client, clock, officer, customer):
    client.force_login(officer)
    clock(20)
    assert client.get(reverse("home")).status_code == 200
    clock(45)  # 25 minutes after the last page
    assert client.get(customer.get_absolute_url()).status_code == 200
    clock(76)
    assert _sent_to_sign_in(client.get(customer.get_absolute_url()))


def test_asking_how_long_is_left_does_not_keep_the_session_alive(client, clock, officer):
    client.force_login(officer)
    clock(20)
    answer = client.get(reverse("session_status")).json()
    assert answer == {"signed_in": True, "expires_in": 600.0, "warning": 120}
    clock(31)
    assert _sent_to_sign_in(client.get(reverse("home")))


def test_asking_after_the_timeout_signs_the_session_out_with_the_reason(client, clock, officer):
    client.force_login(officer)
    clock(31)
    answer = client.get(reverse("session_status"))
    assert answer.status_code == 200  # JSON for the timeout warning, not a redirect
    assert answer.json()["signed_in"] is False
    assert IDLE_MESSAGE in _banner_texts(client.get(reverse("login")))


def test_stay_signed_in_gives_another_30_minutes(client, clock, officer):
    client.force_login(officer)
    clock(28.5)
    answer = client.post(reverse("session_extend"), HTTP_ACCEPT="application/json").json()
    assert answer["signed_in"] is True
    assert answer["expires_in"] == 30 * 60
    clock(58)
    assert client.get(reverse("home")).status_code == 200


def test_stay_signed_in_without_javascript_goes_back_to_the_page_and_only_to_this_site(
    client, clock, officer, customer
):
    client.force_login(officer)
    page = customer.get_absolute_url()
    response = client.post(reverse("session_extend"), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    response = client.post(reverse("session_extend"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_stay_signed_in_needs_a_session_and_a_post(client, officer):
    assert client.get(reverse("session_status")).json()["signed_in"] is False
    assert _sent_to_sign_in(client.post(reverse("session_extend")))
    client.force_login(officer)
    assert client.get(reverse("session_extend")).status_code == 405


def test_ten_hours_after_signing_in_the_session_ends_however_much_it_is_used(
    client, clock, officer
):
    client.force_login(officer)
    for minutes in range(20, 10 * 60, 20):
        clock(minutes)
        assert client.get(reverse("home")).status_code == 200, minutes
    clock(10 * 60 + 1)
    assert _sent_to_sign_in(client.get(reverse("home"))) == reverse("home")
    assert sessions.max_age_message() in _banner_texts(client.get(reverse("login")))
    assert "more than 10 hours ago" in sessions.max_age_message()


def test_the_idle_limit_comes_from_the_settings(client, clock, officer, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(officer)
    clock(4)
    assert client.get(reverse("home")).status_code == 200
    clock(9.5)
    assert _sent_to_sign_in(client.get(reverse("home")))
    banners = _banner_texts(client.get(reverse("login")))
    assert "had not used the system for 5 minutes" in banners[0]


def test_the_page_tells_the_timeout_warning_how_long_is_left(client, clock, officer):
    client.force_login(officer)
    clock(10)
    html = client.get(reverse("home")).content.decode()
    assert 'data-module="ucp-timeout-warning"' in html
    assert 'data-expires-in="1800"' in html
    assert 'data-warning="120"' in html
    assert f'data-status-url="{reverse("session_status")}"' in html


def test_the_sign_in_page_has_no_timeout_warning(client):
    assert b"ucp-timeout-warning" not in client.get(reverse("login")).content


def test_signing_out_says_so_on_the_sign_in_page(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert _banner_texts(response) == [SIGNED_OUT]
    assert SIGNED_OUT.encode() in response.content
    assert b"govuk-notification-banner--success" in response.content
    # Only once, and not to someone who was not signed in.
    assert _banner_texts(client.get(reverse("login"))) == []
    assert _banner_texts(client.post(reverse("logout"), follow=True)) == []


def test_a_form_sent_from_a_timed_out_session_is_not_saved_and_the_user_is_told(
    client, clock, officer, customer
):
    client.force_login(officer)
    clock(31)
    page = reverse("customers:contact_create", args=[customer.reference])
    response = client.post(page, {"channel": "email", "summary": "Rang about the bins."})
    assert _sent_to_sign_in(response) == page
    assert not customer.contacts.exists()
    assert _banner_texts(client.get(reverse("login"))) == [f"{IDLE_MESSAGE} {sessions.NOT_SAVED}"]


# --- what was typed is kept for its author --------------------------------------------------

SUMMARY = "Rang about the bins again and asked for the manager by name."


def _post_after_timeout(client, clock, officer, page: str, *, referer: str | None = None):
    client.force_login(officer)
    clock(31)
    return client.post(
        page, {"channel": "email", "summary": SUMMARY, "password": "not-kept"},
        HTTP_REFERER=f"http://testserver{referer or page}",
    )


def test_what_was_typed_after_a_timeout_is_back_on_the_page_once_its_author_signs_in(
    client, clock, officer, customer
):
    page = reverse("customers:contact_create", args=[customer.reference])
    response = _post_after_timeout(client, clock, officer, page)
    assert _sent_to_sign_in(response) == page
    assert not customer.contacts.exists()
    assert _banner_texts(client.get(reverse("login"))) == [f"{IDLE_MESSAGE} {sessions.KEPT}"]
    # Kept on the server, in the session: not in the page, a cookie or the browser's storage.
    draft = client.session[sessions.DRAFT]
    assert draft["user"] == officer.pk and "password" not in draft["data"]

    client.force_login(officer)
    again = client.get(page)
    assert SUMMARY in again.content.decode()
    assert sessions.RESTORED in _banner_texts(again)
    assert SUMMARY not in client.get(page).content.decode()  # once
    assert not customer.contacts.exists()  # nothing is sent for them


def test_a_kept_draft_is_never_shown_to_someone_else_signing_in_on_that_browser(
    client, clock, officer, customer, service_manager
):
    page = reverse("customers:contact_create", args=[customer.reference])
    _post_after_timeout(client, clock, officer, page)
    client.force_login(service_manager)
    assert sessions.DRAFT not in client.session
    assert SUMMARY not in client.get(page).content.decode()


def test_a_kept_draft_is_dropped_after_an_hour(client, clock, officer, customer):
    page = reverse("customers:contact_create", args=[customer.reference])
    _post_after_timeout(client, clock, officer, page)
    clock(31 + 61)
    client.force_login(officer)
    assert SUMMARY not in client.get(page).content.decode()


def test_a_form_sent_to_another_address_is_not_kept_and_the_user_returns_to_its_page(
    client, clock, officer, customer, make_case, service_manager
):
    case = make_case("assessment")
    target = reverse("cases:coordination", args=[case.reference])  # POST only
    response = _post_after_timeout(
        client, clock, service_manager, target, referer=case.get_absolute_url()
    )
    assert _sent_to_sign_in(response) == case.get_absolute_url()
    assert sessions.DRAFT not in client.session
    assert _banner_texts(client.get(reverse("login"))) == [
        f"{IDLE_MESSAGE} {sessions.NOT_SAVED}"
    ]
