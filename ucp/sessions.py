"""The idle timeout and the absolute cap on a signed-in session, enforced in one middleware.

A session records when it was first seen signed in and when it was last used. A request
that arrives after `SESSION_IDLE_MINUTES` without use, or `SESSION_MAX_HOURS` after signing
in, signs the user out before the view runs, with a message saying why; the view then sees
an anonymous user, so `LoginRequiredMiddleware` sends them to sign in with `next` set to the
page they asked for, and signing in brings them back there.

Every request to a view counts as use, except those of views marked `@not_activity`: the
timeout warning asks how long is left (`ucp.views.session_status`) without making the
session last longer, or an open tab would keep its user signed in for ever. Staying signed
in is a POST (`ucp.views.session_extend`, `@extends_session`). The last use is written at
most once a minute (`activity_resolution`).

A form posted from a session that has timed out is not saved (the view never runs). What
was typed is kept, though, when the form was sent from its own page: on the server, in the
session (never in the browser's storage, which a shared PC would keep), with the id of the
person who typed it. Once that same person signs in again they are back on the page with
the form filled in as they left it, to check and send (`ucp.forms.bind` restores it, once).
Anyone else signing in on that browser, or the same person after an hour, gets nothing.
Passwords and attached files are not kept; the message says so.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

# Seconds since the epoch, in the session (JSON-serialisable, unlike a datetime).
LAST_ACTIVITY = "ucp_last_activity"
SIGNED_IN_AT = "ucp_signed_in_at"


def activity_resolution() -> float:
    """Seconds between writes of the last use: at most once a minute (saving the session
    on every request would be a database write per page), and a thirtieth of the idle
    limit when that is shorter. So the timeout may come up to a minute late, never early;
    the warning is two minutes before it, and "Stay signed in" always writes."""
    return min(60.0, settings.SESSION_IDLE_MINUTES * 60 / 30)


def not_activity(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose requests do not count as using the session (polling)."""
    view.session_activity = False  # type: ignore[attr-defined]
    return view


def extends_session(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose every request writes the last use ("Stay signed in")."""
    view.extends_session = True  # type: ignore[attr-defined]
    return view


def start_clocks(sender, request: HttpRequest, user, **kwargs: Any) -> None:
    """On signing in (`user_logged_in`): the session's two clocks start now, and a draft
    kept for someone else is dropped."""
    draft = request.session.get(DRAFT)
    if draft and draft.get("user") != user.pk:
        del request.session[DRAFT]
    now_ts = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now_ts
    request.session[LAST_ACTIVITY] = now_ts


def _minutes(minutes: float) -> str:
    whole = int(minutes) if float(minutes).is_integer() else minutes
    return f"{whole} minute{'' if whole == 1 else 's'}"


def _hours(hours: float) -> str:
    whole = int(hours) if float(hours).is_integer() else hours
    return f"{whole} hour{'' if whole == 1 else 's'}"


def idle_message() -> str:
    return (f"You were signed out because you had not used the system for "
            f"{_minutes(settings.SESSION_IDLE_MINUTES)}. Sign in again to carry on.")


def max_age_message() -> str:
    return (f"You were signed out because you signed in more than "
            f"{_hours(settings.SESSION_MAX_HOURS)} ago. Sign in again to carry on.")


NOT_SAVED = "What you sent from the page was not saved."
KEPT = ("What you typed was not saved yet, but it is kept: sign in again and it is back on "
        "the page, for you to check and send.")
FILES_NOT_KEPT = "Attached files are not kept: choose them again."
RESTORED = ("You were signed out before this was sent. What you typed is below: check it, "
            "then send it again.")

DRAFT = "ucp_draft"
# How long a kept draft waits for its author to sign in again, and the most it may hold.
DRAFT_KEEP_SECONDS = 60 * 60
DRAFT_MAX_CHARS = 200_000


def _same_page_referer(request: HttpRequest) -> str | None:
    """The page the form was sent from, when it is this site's (else None)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return urlsplit(referer).path or None


def _keep_draft(request: HttpRequest, user_pk: int, now_ts: float) -> bool:
    """Keep what was posted, for its author, if the form was sent from its own page."""
    if _same_page_referer(request) != request.path:
        return False  # a form sent elsewhere (a POST-only target) has no page to refill
    data = {
        name: values for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken" and "password" not in name
    }
    if len(json.dumps(data)) > DRAFT_MAX_CHARS:
        return False
    request.session[DRAFT] = {"user": user_pk, "path": request.path, "data": data, "at": now_ts}
    return True


def take_draft(request: HttpRequest) -> QueryDict | None:
    """What its author typed on this page before being signed out, once, or None."""
    draft = request.session.get(DRAFT)
    if not draft or draft.get("path") != request.path:
        return None
    del request.session[DRAFT]
    fresh = timezone.now().timestamp() - draft.get("at", 0) <= DRAFT_KEEP_SECONDS
    if not fresh or draft.get("user") != getattr(request.user, "pk", None):
        return None
    data = QueryDict(mutable=True)
    for name, values in draft["data"].items():
        data.setlist(name, values)
    messages.info(request, RESTORED)
    return data


def seconds_left(session, now: dt.datetime | None = None) -> float:
    """Seconds until this signed-in session times out (idle or absolute), 0 if it has."""
    now_ts = (now or timezone.now()).timestamp()
    last = session.get(LAST_ACTIVITY, now_ts)
    start = session.get(SIGNED_IN_AT, now_ts)
    ends = min(last + settings.SESSION_IDLE_MINUTES * 60, start + settings.SESSION_MAX_HOURS * 3600)
    return max(0.0, ends - now_ts)


def _expired_because(session, now_ts: float) -> str | None:
    start = session.get(SIGNED_IN_AT, now_ts)
    last = session.get(LAST_ACTIVITY, now_ts)
    if now_ts - start > settings.SESSION_MAX_HOURS * 3600:
        return max_age_message()
    if now_ts - last > settings.SESSION_IDLE_MINUTES * 60:
        return idle_message()
    return None


class SessionTimeoutMiddleware:
    """Sign out a session left idle, or signed in too long; note each use of the others.

    In `process_view`, after the session and the user are known and before
    `LoginRequiredMiddleware` (next in MIDDLEWARE) decides whether the view needs sign-in,
    so the view's `@not_activity` mark can be read. Token-authenticated API calls carry no
    session and are not affected (DRF authenticates them inside the view).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: tuple, view_kwargs: dict) -> None:
        if not request.user.is_authenticated:
            return None
        session = request.session
        now_ts = timezone.now().timestamp()
        reason = _expired_because(session, now_ts)
        if reason is not None:
            user_pk = request.user.pk
            logout(request)
            if request.method == "POST" and getattr(view_func, "session_activity", True) \
                    and not getattr(view_func, "extends_session", False):
                # Not silently lost: kept for its author when it can be, and said either way.
                kept = _keep_draft(request, user_pk, now_ts)
                reason += " " + (KEPT if kept else NOT_SAVED)
                if kept and request.FILES:
                    reason += " " + FILES_NOT_KEPT
                messages.warning(request, reason)
                # Back to the page the form was on: a POST-only target has no page to GET.
                next_url = _same_page_referer(request) or request.path
                return HttpResponseRedirect(
                    f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
                )
            messages.warning(request, reason)
            return None
        # A session signed in before this middleware existed (or by a test's force_login)
        # starts its clocks at its first request.
        session.setdefault(SIGNED_IN_AT, now_ts)
        if not getattr(view_func, "session_activity", True):
            session.setdefault(LAST_ACTIVITY, now_ts)
        elif (getattr(view_func, "extends_session", False)
              or now_ts - session.get(LAST_ACTIVITY, 0) >= activity_resolution()):
            session[LAST_ACTIVITY] = now_ts
        return None
