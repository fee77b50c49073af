"""Letters on the case page: preview, issue, read, download; and informing the council.

Cases are reached through `cases.selectors.get_case_for_user`, letters through their case;
every write goes through `letters.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access_log
from cases import selectors as case_selectors
from cases.models import CaseState, DesignationCase
from letters import selectors, services
from letters.forms import InformCouncilForm, IssueLetterForm
from letters.models import LetterKind
from letters.steps import CASE_LETTERS
from ucp.errors import ServiceError
from ucp.http import casework_required, form_error

# The letters a case page can issue: the registered letter steps (letters/steps.py).
CASE_LETTER_KINDS = {step.name: LetterKind(step.name) for step in CASE_LETTERS}


def _case_letter_kind(kind: str) -> LetterKind:
    try:
        return CASE_LETTER_KINDS[kind]
    except KeyError:
        raise Http404("No such letter") from None


def _section_url(case: DesignationCase) -> str:
    return f"{case.get_absolute_url()}#letters"


def _preview(request, case, kind, form, status=200) -> HttpResponse:
    html = ""
    try:
        html, _context = services.build_letter(
            actor=request.user,
            kind=kind,
            case=case,
            version=services.next_version(case, None, kind),
        )
    except ServiceError as exc:
        refused = form_error(form, exc)
        status = status if status != 200 else refused
    return render(
        request,
        "letters/preview.html",
        {
            "case": case,
            "customer": case.customer,
            "kind": kind,
            "kind_label": LetterKind(kind).label,
            "form": form,
            "letter_html": html,
            "reissue": selectors.has_letter(case, kind),
        },
        status=status,
    )


@require_GET
@casework_required
def letter_preview(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    case = case_selectors.get_case_for_user(request.user, reference, write=True)
    kind = _case_letter_kind(kind)
    if not services.may_issue(request.user, case, kind):
        messages.warning(request, f"You cannot issue the {kind.label.lower()} on this case now.")
        return redirect(_section_url(case))
    return _preview(request, case, kind, IssueLetterForm())


@require_POST
@casework_required
def letter_issue(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    case = case_selectors.get_case_for_user(request.user, reference, write=True)
    kind = _case_letter_kind(kind)
    form = IssueLetterForm(request.POST)
    try:
        letter = services.letter_issue(actor=request.user, kind=kind, case=case)
    except ServiceError as exc:
        status = form_error(form, exc)
        case = case_selectors.get_case_for_user(request.user, reference)
        return _preview(request, case, kind, form, status=status)
    case.refresh_from_db()
    done = f"{letter.get_kind_display()} issued (version {letter.version})."
    if kind == LetterKind.DESIGNATION:
        if case.state == CaseState.ACTIVE:
            done += " The designation is now in force."
        elif case.council_informed_at is None:
            done += " Inform the council to put the designation in force."
    messages.success(request, done)
    return redirect(_section_url(case))


def _letter(request: HttpRequest, reference: str, pk: int):
    case = case_selectors.get_case_for_user(request.user, reference)
    letter = selectors.get_letter_for_case(case, pk)
    access_log.record(request, case.customer, case=case)
    return letter


@require_GET
@casework_required
def letter_html(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    letter = _letter(request, reference, pk)
    response = HttpResponse(letter.html, content_type="text/html; charset=utf-8")
    # The stored letter is shown as it was issued, and may load nothing at all.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@casework_required
def letter_pdf(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    letter = _letter(request, reference, pk)
    try:
        handle = letter.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("The letter's file is missing from storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=letter.filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@casework_required
def inform_council(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_selectors.get_case_for_user(request.user, reference, write=True)
    if case.state not in services.INFORM_COUNCIL_STATES:
        messages.warning(request, "The council is informed once the customer is designated.")
        return redirect(case)
    form = InformCouncilForm(request.POST or None, case=case)
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


@require_POST
@casework_required
def informal_warning_letter_issue(request: HttpRequest, customer_ref: str, pk: int):
    customer, warning = _customer_warning(request, customer_ref, pk)
    try:
        letter = services.letter_issue(
            actor=request.user, kind=LetterKind.INFORMAL_WARNING, warning=warning
        )
    except ServiceError as exc:
        messages.warning(request, exc.message)
        return redirect(f"{customer.get_absolute_url()}#warnings")
    messages.success(
        request,
        f"{letter.get_kind_display()} issued (version {letter.version}): download it "
        "from the warning below.",
    )
    return redirect(f"{customer.get_absolute_url()}#warnings")


@require_GET
@casework_required
def customer_letter_pdf(request: HttpRequest, customer_ref: str, pk: int) -> FileResponse:
    customer = case_selectors.get_customer_for_user(request.user, customer_ref)
    letter = selectors.get_letter_for_customer(customer, pk)
    access_log.record(request, customer)
    response = FileResponse(
        letter.pdf.open("rb"),
        as_attachment=True,
        filename=letter.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
