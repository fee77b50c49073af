"""Pages for challenges to a designation, the six-month review, the deadline dashboard and
the Ombudsman bundle.

Cases are reached through `cases.selectors.get_case_for_user` (out of scope is a 404) and a
challenge only through its case. Who may take a step is the transition's own `permission=`;
every write goes through `reviews.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors as case_selectors
from cases.models import DesignationCase
from cases.rules import independence_problems
from letters import drafts
from letters.models import LetterKind
from reviews import bundle, forms, selectors, services
from reviews import steps as review_steps
from reviews.models import Challenge, ReviewOutcome
from reviews.steps import ChallengeStep
from sanctions.selectors import case_monitoring
from ucp.errors import CaseChanged, ServiceError
from ucp.forms import bind
from ucp.http import casework_required, form_error


def _day(value) -> str:
    return date_format(value, "j F Y")


def _stale(data, field: str, current: str) -> bool:
    """The page was loaded when the challenge or case was in another state (`data` is what
    was posted, or carried back from the letter's preview)."""
    return data is not None and data.get(field) != current


def _section(case: DesignationCase, anchor: str = "reviews") -> str:
    return f"{reverse('cases:reviews', args=[case.reference])}#{anchor}"


def _may(obj, name: str, user) -> bool:
    """The transition's own `permission=` (the same for each of its sources)."""
    meta = getattr(type(obj), name)._django_fsm
    return any(t.has_perm(obj, user) for t in meta.transitions.values())


def _read_post(
    request: HttpRequest, scope: str
) -> tuple[drafts.Posted, drafts.DraftRefused | None]:
    """What to bind a decision form with: as posted, or carried back from its letter's
    preview. A forged or misplaced draft leaves the form empty, with the reason."""
    try:
        return drafts.read_post(request, scope=scope), None
    except drafts.DraftRefused as exc:
        return drafts.Posted(data=None, action=""), exc


def _review_rows(data: dict) -> list[tuple[str, str]]:
    rows = [("Outcome", ReviewOutcome(data["outcome"]).label), ("Reasons", data["reasons"])]
    if data["next_review_on"]:
        rows.append(("Next review", date_format(data["next_review_on"], "l j F Y")))
    if data["outcome"] == ReviewOutcome.VARY:
        rows.append(("New sanctions", review_steps.sanction_names(data["sanctions"])))
    return rows


def _preview(request: HttpRequest, *, case: DesignationCase, kind: str, form, rows,
             heading: str, cancel_url: str, button: str) -> drafts.RenderPreview:
    """How a decision's preview page is shown: the decision above the letter it sends."""

    def render_preview(html: str, token: str, error: str, status: int) -> HttpResponse:
        return drafts.render_letter_preview(
            request, html=html, token=token, error=error, status=status,
            case=case, customer=case.customer, heading=heading,
            rows=rows(form.cleaned_data), kind_label=LetterKind(kind).label,
            action_url=request.path, button=button, change="Change your decision",
            cancel_url=cancel_url,
            notes=["The decision is recorded, and the letter issued, only when you confirm."],
        )

    return render_preview


# --- recording a request -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@casework_required
def challenge_record(request: HttpRequest, reference: str) -> HttpResponse:
    user = request.user
    # Not write=True: officers record requests, though they take no step on the case itself.
    case = case_selectors.get_case_for_user(user, reference)
    if not _may(Challenge(case=case), "receive_in_time", user):
        raise PermissionDenied("Only staff who work on this case record a request for a review.")
    form = bind(request, forms.RecordChallengeForm, case=case, user=user)
    has_open = selectors.has_open_challenge(case)
    phoned = request.GET.get("noted") == "telephone"
    unavailable = case.state not in services.CHALLENGEABLE_STATES or has_open
    # After a telephone call the page is shown all the same: it says what to tell the customer.
    if request.method == "GET" and unavailable and not phoned:
        messages.warning(
            request,
            "This designation already has a challenge waiting for a decision."
            if has_open else
            f"This case is '{case.get_state_display()}': only a designation can be challenged.",
        )
        return redirect(_section(case))
    status = 200
    if form.is_bound and _stale(form.data, "expected_state", case.state):
        form.add_error(None, CaseChanged().message)
        status = 409
    elif request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["channel"] == forms.TELEPHONE:
                    services.challenge_note_phone_request(
                        actor=user, case=case, note=data.get("grounds", "")
                    )
                    url = reverse("reviews:challenge_record", args=[case.reference])
                    return redirect(f"{url}?noted=telephone")
                challenge = services.challenge_record(
                    actor=user, case=case, channel=data["channel"],
                    received_on=data["received_on"], received_at=data.get("received_at"),
                    grounds=data["grounds"],
                )
            except ServiceError as exc:
                status = form_error(form, exc)
            else:
                if challenge.is_late:
                    messages.warning(
                        request,
                        f"Request recorded. It is LATE: received {_day(challenge.received_on)}, "
                        f"after the last day ({_day(challenge.last_valid_day)}). A senior "
                        "manager must decide whether to accept it.",
                    )
                else:
                    messages.success(
                        request,
                        "Request for a review recorded. A senior manager must now assign an "
                        f"independent reviewer, who must decide by "
                        f"{_day(challenge.decision_due_on)}.",
                    )
                return redirect(_section(case, f"challenge-{challenge.pk}"))
    return render(
        request,
        "reviews/challenge_record.html",
        {
            "case": case,
            "customer": case.customer,
            "form": form,
            "phoned": phoned,
            "review_address": {
                "team": settings.REVIEW_REQUESTS_TEAM,
                "email": settings.REVIEW_REQUESTS_EMAIL,
                "url": settings.REVIEW_REQUESTS_URL,
                "address": settings.COUNCIL_ADDRESS,
                "council": settings.COUNCIL_NAME,
            },
        },
        status=status,
    )


# --- steps on a challenge ----------------------------------------------------------------------


def _step_context(step: ChallengeStep, case: DesignationCase, challenge: Challenge,
                  form) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if step.transition == "decide":
        extra["facts"] = selectors.designation_facts(case)
        extra["evidence"] = case_selectors.decision_evidence(case)
    return {
        "case": case,
        "customer": case.customer,
        "challenge": challenge,
        "clock": selectors.clock(challenge.decision_due_on, timezone.localdate()),
        "form": form,
        "step": step,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@casework_required
def challenge_step(request: HttpRequest, reference: str, pk: int, name: str) -> HttpResponse:
    """Every registered step on a challenge (`reviews/steps.py`); `name` is its transition,
    given by the URL pattern the registry built."""
    user = request.user
    step = review_steps.challenge_step(name)
    if step is None:  # pragma: no cover - the URL patterns come from the same registry
        raise Http404("No such step")
    case = case_selectors.get_case_for_user(user, reference, write=True)
    challenge = selectors.get_challenge_for_case(case, pk)
    moved_on = not getattr(Challenge, name)._django_fsm.has_transition(challenge.status)
    if moved_on and request.method == "GET":
        messages.warning(
            request,
            f"This challenge is now '{challenge.get_status_display()}': that step is no "
            "longer possible.",
        )
        return redirect(_section(case, f"challenge-{challenge.pk}"))
    if not moved_on and not _may(challenge, name, user):
        if name == "decide" and challenge.reviewer_id == user.pk:
            raise PermissionDenied(
                "You are no longer independent of this case: "
                + " ".join(independence_problems(case, user))
            )
        raise PermissionDenied("Your role does not allow you to take this step.")

    kwargs: dict[str, Any] = {"challenge": challenge, "user": user}
    if name == "assign_reviewer":
        reviewers = services.independent_reviewers(case)
        prefetch_related_objects(reviewers, "staff_profile__directorates")
        kwargs["reviewers"] = reviewers
    scope = f"challenge:{challenge.pk}:{name}"
    posted, refused = _read_post(request, scope)
    form = step.form_class(posted.data, **kwargs)
    status = 200
    if refused is not None:  # a forged or misplaced draft: the form again, empty
        messages.error(request, refused.message)
        status = 400
    elif _stale(posted.data, "expected_status", challenge.status):
        form.add_error(
            None,
            f"This challenge is now '{challenge.get_status_display()}': someone changed it "
            "while you were looking at it. Nothing you entered was saved.",
        )
        status = 409
    elif request.method == "POST" and step.letter_kind:
        result = drafts.letter_first(
            request, scope=scope, posted=posted, form=form,
            decide=lambda seen: step.act(user, challenge, form.cleaned_data, seen=seen),
            render_preview=_preview(
                request, case=case, kind=step.letter_kind, form=form, rows=step.rows,
                heading=f"{step.title}: check the letter",
                cancel_url=_section(case, f"challenge-{challenge.pk}"),
                button="Decide and send the letter",
            ),
        )
        if result.response is not None:
            return result.response
        if result.done is not None:
            messages.success(request, result.done)
            return redirect(_section(case, f"challenge-{challenge.pk}"))
        status = result.status
    elif request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                done = step.act(user, challenge, form.cleaned_data)
            except ServiceError as exc:
                status = form_error(form, exc)
            else:
                messages.success(request, done)
                return redirect(_section(case, f"challenge-{challenge.pk}"))
    return render(request, step.template, _step_context(step, case, challenge, form),
                  status=status)


# --- the six-month review ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@casework_required
def review_decide(request: HttpRequest, reference: str) -> HttpResponse:
    user = request.user
    case = case_selectors.get_case_for_user(user, reference, write=True)
    review = selectors.open_review(case)
    if not _may(review, "decide", user):
        raise PermissionDenied("Only a senior manager for this case carries out its review.")
    if request.method == "GET" and case.state not in services.REVIEWABLE_STATES:
        messages.warning(
            request,
            f"This case is '{case.get_state_display()}': there is no designation to review.",
        )
        return redirect(_section(case, "six-month-review"))
    scope = f"review:{case.pk}"
    posted, refused = _read_post(request, scope)
    form = forms.ReviewDecideForm(posted.data, case=case, user=user)
    status = 200
    if refused is not None:  # a forged or misplaced draft: the form again, empty
        messages.error(request, refused.message)
        status = 400
    elif _stale(posted.data, "expected_state", case.state):
        form.add_error(None, CaseChanged().message)
        status = 409
    elif request.method == "POST":

        def decide(seen: str):
            data = form.cleaned_data
            return services.review_decide(
                actor=user, case=case, outcome=data["outcome"], reasons=data["reasons"],
                next_review_on=data["next_review_on"], sanctions=data["sanctions"],
                expected_state=data["expected_state"], seen=seen,
            )

        result = drafts.letter_first(
            request, scope=scope, posted=posted, form=form, decide=decide,
            render_preview=_preview(
                request, case=case, kind=LetterKind.REVIEW_OUTCOME, form=form,
                rows=_review_rows, heading="Six-month review: check the letter",
                cancel_url=_section(case, "six-month-review"),
                button="Record the review and send the letter",
            ),
        )
        if result.response is not None:
            return result.response
        if result.done is not None:
            letter, data = result.done, form.cleaned_data
            text = f"Six-month review recorded: {ReviewOutcome(data['outcome']).label.lower()}."
            if data["next_review_on"]:
                text += f" Next review due {_day(data['next_review_on'])}."
            messages.success(
                request,
                f"{text} {letter.get_kind_display()} issued (version {letter.version}).",
            )
            return redirect(_section(case, "six-month-review"))
        status = result.status
    today = timezone.localdate()
    return render(
        request,
        "reviews/review_decide.html",
        {
            "case": case,
            "customer": case.customer,
            "form": form,
            "review": review,
            "clock": selectors.clock(case.review_due_on, today) if case.review_due_on else None,
            "facts": selectors.designation_facts(case),
            "evidence": case_selectors.decision_evidence(case),
            "monitoring": case_monitoring(case),
        },
        status=status,
    )


# --- the Ombudsman bundle ----------------------------------------------------------------------


@require_GET
@casework_required
def ombudsman_bundle(request: HttpRequest, reference: str) -> HttpResponse:
    """The case's whole story as one PDF (reviews/bundle.py), for anyone who may see the
    case: it shows nothing the case page does not. Made fresh each time, never stored."""
    # The case selector notes the download for the access log (cases.access_log).
    case = case_selectors.get_case_for_user(request.user, reference)
    response = HttpResponse(bundle.bundle_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{bundle.filename(case)}"'
    response["Cache-Control"] = "private, no-store"
    return response
