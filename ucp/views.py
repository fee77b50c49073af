"""Cross-cutting pages: each role's home page, the health check, signing out and the
session timeout warning's two requests."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, has_role, role_labels
from accounts.selectors import directorate_names_for
from cases import access_log, next_steps, selectors
from cases.models import AccessKind
from reviews import selectors as review_selectors
from sanctions.selectors import filed_items_to_read
from sso import views as sso_views
from ucp import sessions

log = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    panels: dict[str, object] = {}
    if has_role(user, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER):
        # The steps each case page's task list offers this user now, from the same function.
        panels["next_steps"] = next_steps.home_steps(user)
    if has_role(user, Role.OFFICER):
        panels["my_referrals"] = list(selectors.referrals_by(user)[:10])
        panels["my_contacts"] = list(
            selectors.contacts_recently_logged_by(user)[:10]
        )
    # "Cases to manage" and "Awaiting your decision" were these same cases again, without
    # the step: "Your next steps" lists every case where the user has one, with its link.
    if has_role(user, Role.SENIOR_MANAGER):
        panels["recently_designated"] = list(selectors.recently_designated(user)[:10])
        panels["deadlines"] = review_selectors.home_deadlines(user)
    if has_role(user, Role.INDEPENDENT_REVIEWER):
        to_review = review_selectors.challenges_to_review(user)
        panels["to_review"] = to_review[:review_selectors.CHALLENGES_TO_REVIEW_SHOWN]
        panels["to_review_more"] = len(to_review) > review_selectors.CHALLENGES_TO_REVIEW_SHOWN
    if has_role(user, Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER):
        panels["to_read"] = filed_items_to_read(user).count()
    if has_role(user, Role.DIRECTORATE_LEAD):
        panels["lead_counts"] = selectors.case_counts_by_directorate(user)
    # Every customer the page names is in the access log, as a list's are.
    access_log.saw(user, _customers_named(panels), kind=AccessKind.SEARCH)
    return render(
        request,
        "home.html",
        {
            "panels": panels,
            "roles": role_labels(user),
            "directorates": directorate_names_for(user),
            "is_reviewer": has_role(user, Role.INDEPENDENT_REVIEWER),
            "is_admin": has_role(user, Role.ADMINISTRATOR) or user.is_superuser,
        },
    )


def _customers_named(panels: dict) -> set[int]:
    """The ids of the customers the home page's lists name."""
    ids: set[int] = set()
    for row in (panels.get("next_steps") or {}).get("rows", []):
        ids.add(row.case.customer_id)
    for case in [*panels.get("my_referrals", []), *panels.get("recently_designated", [])]:
        ids.add(case.customer_id)
    for contact in panels.get("my_contacts", []):
        ids.add(contact.customer_id)
    for challenge, _clock in panels.get("to_review", []):
        ids.add(challenge.case.customer_id)
    for row in (panels.get("deadlines") or {}).get("rows", []):
        ids.add(row.customer_id)
    return ids


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict[str, str] = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        body["database"] = "ok"
    except Exception as exc:  # any failure to reach the database is the answer
        log.warning("healthz: database unreachable: %s", exc)
        body["database"] = "unavailable"
        status = 503
    body["broker"] = _broker_status()
    body["status"] = "ok" if status == 200 else "unavailable"
    return JsonResponse(body, status=status)


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return "eager"
    import redis  # only with a broker: a web process without one never loads the client

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return "ok"
    except Exception:
        return "unavailable"


SIGNED_OUT = "You have been signed out."


class SignOutView(sso_views.SignOutView):
    """Sign-out (POST only; out of the provider too after single sign-on), then the sign-in
    page says it is done."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, SIGNED_OUT)
        return response


def _session_answer(request: HttpRequest) -> JsonResponse:
    signed_in = request.user.is_authenticated
    return JsonResponse({
        "signed_in": signed_in,
        # To a tenth of a second: "0" must mean the server has signed the session out.
        "expires_in": round(sessions.seconds_left(request.session), 1) if signed_in else 0,
        "warning": settings.SESSION_WARNING_SECONDS,
    })


@login_not_required
@require_GET
@sessions.not_activity
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left, for the timeout warning; asking is not using it.

    Open to a signed-out visitor, so that a tab whose session ended (timed out, or signed
    out in another tab) is told so, rather than redirected to a sign-in page it cannot read.
    """
    return _session_answer(request)


@require_POST
@sessions.extends_session
def session_extend(request: HttpRequest) -> HttpResponse:
    """"Stay signed in": the request itself counts as use (ucp.sessions), nothing else to do.

    The timeout warning posts it with fetch and reads the JSON. A plain form post (no
    JavaScript: the dialog is never shown then) goes to `next`, on this site, or home.
    """
    if "application/json" in request.headers.get("Accept", ""):
        return _session_answer(request)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("home")
    return HttpResponseRedirect(back)
