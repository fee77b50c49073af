"""Letters on the case page: preview, issue, read, download; and informing the council.

Cases are reached through `cases.selectors.get_case_for_user`; an issued letter, under
whichever URL, through `letters.selectors.get_letter_for_user`, where its own case (or, for
an informal warning's letter, its customer) decides. Every write goes through
`letters.services`.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors as case_selectors
from cases import steps
from cases.models import CaseState, DesignationCase
from letters import drafts, selectors, services
from letters.forms import InformCouncilForm, IssueLetterForm
from letters.models import Letter, LetterKind
from letters.steps import CASE_LETTERS
from ucp.csp import inline_style_hashes
from ucp.errors import ServiceError
from ucp.forms import bind
from ucp.http import casework_required, form_error

# The letters a case page can issue: the registered letter steps (letters/steps.py).
CASE_LETTER_KINDS = {step.name: LetterKind(step.name) for step in CASE_LETTERS}


def _case_letter_kind(kind: str) -> LetterKind:
    try:
        return CASE_LETTER_KINDS[kind]
    except KeyError:
        raise Http404("No such letter") from None


def _section_url(case: DesignationCase) -> str:
    # The case's letters tab, which lists the letter just issued (the task list is on the
    # case's summary, one link away).
    return f"{reverse('cases:letters', args=[case.reference])}#letters"


def _issue_page(
    request: HttpRequest, *, kind: LetterKind, scope: str, subject: dict, issue_url: str,
    cancel_url: str, notes: list[str], reissue: bool, on_issued,
) -> HttpResponse:
    """Preview (GET, or a POST not confirming), or issue a letter as it was previewed.

    `subject` is what the letter belongs to (`case`, or `warning`, and the `customer`).
    The letter is made by `services.letter_issue` itself (`letters.drafts`), so the page
    shows the letter that confirming issues; a POST without the signed draft previews.
    """
    refused: drafts.DraftRefused | None = None
    try:
        posted = drafts.read_post(request, scope=scope)
    except drafts.DraftRefused as exc:
        posted, refused = drafts.Posted(data=None, action=drafts.PREVIEW), exc
    if posted.action != drafts.CONFIRM:
        posted = drafts.Posted(data=QueryDict(), action=drafts.PREVIEW)
    verb = "Re-issue" if reissue else "Issue"
    # The step's one name (cases.steps) heads its page, as it names the link to it.
    step = None if reissue else steps.get(steps.LETTER, kind)
    context = {
        "heading": step.title if step else f"{verb} the {kind.label.lower()}",
        "notes": ([*notes, "Re-issuing makes a new version and keeps the earlier ones."]
                  if reissue else notes),
        "kind_label": kind.label,
        "action_url": issue_url,
        "button": f"{verb} the letter",
        "cancel_url": cancel_url,
        "case": subject.get("case"),
        "customer": subject["customer"],
    }
    form = IssueLetterForm(posted.data)

    def render_preview(html: str, token: str, error: str, status: int) -> HttpResponse:
        if refused is not None:  # a forged or misplaced draft: shown the letter again
            error, status = refused.message, 400
        return drafts.render_letter_preview(
            request, html=html, token=token, error=error, status=status, **context
        )

    result = drafts.letter_first(
        request, scope=scope, posted=posted, form=form, render_preview=render_preview,
        decide=partial(
            services.letter_issue, actor=request.user, kind=kind,
            case=subject.get("case"), warning=subject.get("warning"),
        ),
    )
    if result.response is not None:
        return result.response
    if result.done is not None:
        return on_issued(result.done)
    return drafts.render_letter_preview(
        request, html="", token="", status=result.status, form=form, **context
    )


def _case_letter_page(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    case = case_selectors.get_case_for_user(request.user, reference, write=True)
    kind = _case_letter_kind(kind)
    if request.method == "GET" and not services.may_issue(request.user, case, kind):
        messages.warning(request, f"You cannot issue the {kind.label.lower()} on this case now.")
        return redirect(_section_url(case))

    def issued(letter) -> HttpResponse:
        case.refresh_from_db()
        done = f"{letter.get_kind_display()} issued (version {letter.version})."
        if kind == LetterKind.DESIGNATION:
            if case.state == CaseState.ACTIVE:
                done += " The designation is now in force."
            elif case.council_informed_at is None:
                done += " Inform the council to put the designation in force."
        messages.success(request, done)
        return redirect(_section_url(case))

    notes = []
    if kind == LetterKind.DESIGNATION:
        notes.append("Issuing it records today as the day the customer was told. The customer "
                     "then has 14 days to ask for a review.")
    return _issue_page(
        request, kind=kind, scope=f"case-letter:{case.pk}:{kind}",
        subject={"case": case, "customer": case.customer},
        issue_url=reverse("letters:issue", args=[case.reference, kind]),
        cancel_url=_section_url(case), notes=notes,
        reissue=selectors.has_letter(case, kind), on_issued=issued,
    )


@require_GET
@casework_required
def letter_preview(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    return _case_letter_page(request, reference, kind)


@require_POST
@casework_required
def letter_issue(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    return _case_letter_page(request, reference, kind)


def _letter(request: HttpRequest, pk: int, **under: str) -> Letter:
    letter = selectors.get_letter_for_user(request.user, pk, **under)
    return letter


def _pdf_response(letter: Letter) -> FileResponse:
    try:
        handle = letter.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("The letter's file is missing from storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=letter.filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@casework_required
def letter_html(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    letter = _letter(request, pk, case_reference=reference)
    response = HttpResponse(letter.html, content_type="text/html; charset=utf-8")
    # The stored letter is shown as it was issued, and may load nothing at all: its policy is
    # its own, allowing only its own <style> blocks (by hash: ucp/csp.py), not the site's.
    response._csp_config = {
        "default-src": ["'none'"],
        "style-src": inline_style_hashes(letter.html) or ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@casework_required
def letter_pdf(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    return _pdf_response(_letter(request, pk, case_reference=reference))


@require_http_methods(["GET", "POST"])
@casework_required
def inform_council(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_selectors.get_case_for_user(request.user, reference, write=True)
    if case.state not in services.INFORM_COUNCIL_STATES:
        messages.warning(request, "The council is informed once the customer is designated.")
        return redirect(case)
    form = bind(request, InformCouncilForm, case=case)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                notice = services.case_inform_council(
                    actor=request.user,
                    case=case,
                    staff=form.cleaned_data["staff"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                status = form_error(form, exc)
            else:
                case.refresh_from_db()
                count = notice.recipients.count()
                done = f"The council has been informed: {count} emails are being sent."
                if case.state == CaseState.ACTIVE:
                    done += " The designation is now in force."
                elif case.customer_notified_on is None:
                    done += " Issue the customer's letter to put the designation in force."
                messages.success(request, done)
                return redirect(_section_url(case))
    return render(
        request,
        "letters/inform_council.html",
        {
            "case": case,
            "customer": case.customer,
            "form": form,
            "copy_recipients": services.copy_recipients(case),
            "letters": selectors.letters_for_case(case),
        },
        status=status,
    )


# --- informal warning letters, from the customer page ------------------------------------------


def _customer_warning(request: HttpRequest, customer_ref: str, pk: int):
    customer = case_selectors.get_customer_for_user(request.user, customer_ref)
    return customer, selectors.get_warning_for_customer(customer, pk)


@require_http_methods(["GET", "POST"])
@casework_required
def informal_warning_letter_issue(request: HttpRequest, customer_ref: str, pk: int):
    """Preview the letter confirming an informal warning (GET), and issue it as previewed."""
    customer, warning = _customer_warning(request, customer_ref, pk)
    back = f"{customer.get_absolute_url()}#warnings"
    kind = LetterKind.INFORMAL_WARNING
    if request.method == "GET" and not services.may_issue(request.user, None, kind, warning):
        messages.warning(request, "Your role does not allow you to issue this letter.")
        return redirect(back)

    def issued(letter) -> HttpResponse:
        messages.success(
            request,
            f"{letter.get_kind_display()} issued (version {letter.version}): download it "
            "from the warning below.",
        )
        return redirect(back)

    return _issue_page(
        request, kind=kind, scope=f"warning-letter:{warning.pk}",
        subject={"warning": warning, "customer": customer},
        issue_url=reverse("letters:informal_warning_issue", args=[customer.reference, pk]),
        cancel_url=back, notes=[], reissue=warning.letters.exists(), on_issued=issued,
    )


@require_GET
@casework_required
def customer_letter_pdf(request: HttpRequest, customer_ref: str, pk: int) -> FileResponse:
    """The letter confirming an informal warning, linked from the customer's page. Its
    own case, if it has one, decides who may download it, not the customer's page."""
    return _pdf_response(_letter(request, pk, customer_reference=customer_ref))
