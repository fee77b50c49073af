"""Pages for customers and cases. Reads go through selectors, writes through services."""

from __future__ import annotations

import copy
import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, has_role
from cases import (
    access_log,
    folded,
    forms,
    matching,
    next_steps,
    people,
    rules,
    sections,
    selectors,
    services,
)
from cases.actions import action_for, available_actions
from cases.models import (
    Alternative,
    Customer,
    DesignationCase,
    IndicatorGroup,
    Precondition,
    RecordKind,
)
from sanctions.selectors import mark_restricted
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import casework_required, form_error

# --- customers -----------------------------------------------------------------------------

# The customer page shows the timeline a page at a time, so it loads as fast for a customer
# with 300 contacts as for one with 20.
CONTACTS_PER_PAGE = 25


SEARCH_PER_PAGE = 25
SEARCH_COUNT_CAP = 500
BROWSE_ORDERS = {"name": "Name", "reference": "Reference", "contact": "Last contact"}


class CappedPaginator(Paginator):
    """The search's pages (`selectors.CustomerSearch`): counted in the page's own query, and
    no further than `cap` rows.

    The count comes with the page rather than from a second pass over the same rows: at
    100,000 customers "Kirkpatrick" finds 2,000 and the second pass cost as much as the
    page. Past `cap` the list stops ("More than 500"): the rows past it are the least like
    the query. A page past the end falls back to a count that stops at the cap, then the
    last page."""

    cap = SEARCH_COUNT_CAP
    capped = False  # more rows than the cap were found

    def get_page(self, number) -> Page:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        if bottom < self.cap:
            rows = self.object_list.rows(bottom, min(bottom + self.per_page, self.cap),
                                         count_upto=self.cap + 1)
            if rows:
                self._set_count(rows[0].found)
                return self._get_page(rows, number, self)
        return super().get_page(number)

    def _set_count(self, found: int) -> None:
        self.capped = found > self.cap
        self.__dict__["count"] = min(found, self.cap)

    @cached_property
    def count(self) -> int:
        found = self.object_list.count_upto(self.cap + 1)
        self.capped = found > self.cap
        return min(found, self.cap)


def search_results(user, query: str, page_number) -> tuple[Page, list[Customer]]:
    """A page of the search box's results, each flagged restricted and with what matched
    (also what benchmarks/search.py times). Their directorates and restrictions are asked
    of the page's rows alone."""
    page = CappedPaginator(selectors.customer_search(user, query),
                           SEARCH_PER_PAGE).get_page(page_number)
    results = list(page.object_list)
    prefetch_related_objects(results, "directorates")
    results = mark_restricted(results)
    words = people.name_tokens(query)
    for c in results:
        c.matched = people.matched_fields(c, query, words)
    return page, results


@require_GET
@casework_required
def customer_search(request: HttpRequest) -> HttpResponse:
    form = bind_query(request, forms.SearchForm)
    results = None
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        page, results = search_results(request.user, form.cleaned_data["q"],
                                       request.GET.get("page"))
        access_log.saw(request.user, results)
    return render(
        request,
        "customers/search.html",
        {"form": form, "results": results, "page": page, "query": request.GET.get("q", "")},
    )


def browse_results(user, order: str, page_number) -> tuple[Page, list[Customer]]:
    """A page of the browse list (also what benchmarks/search.py times)."""
    qs = selectors.browse_customers(user, order).prefetch_related("directorates")
    page = selectors.ToldCountPaginator(
        qs, SEARCH_PER_PAGE, count=lambda: selectors.browse_count(user)).get_page(page_number)
    return page, mark_restricted(list(page.object_list))


@require_GET
@casework_required
def customer_browse(request: HttpRequest) -> HttpResponse:
    """Every customer of the user's directorates, a page at a time, sortable."""
    order = request.GET.get("order", "name")
    if order not in BROWSE_ORDERS:
        order = "name"
    page, results = browse_results(request.user, order, request.GET.get("page"))
    access_log.saw(request.user, results)
    return render(request, "customers/browse.html", {
        "page": page, "results": results, "order": order, "orders": BROWSE_ORDERS,
    })


def _duplicate_check(request, form, customer=None):
    """The likely matches of what the form holds (cases.matching), or None when there are
    none or the officer has given the reason to go on. A blank reason the second time is
    an error on the form; nothing typed is lost."""
    data = form.cleaned_data
    if customer is not None and not matching.identity_changed(customer, data):
        return None, None
    matches = matching.likely_matches(request.user, exclude=customer, **data)
    if not matches:
        return None, None
    if data.get("duplicate_reason", "").strip():
        return None, matches
    if data.get("duplicates_seen"):
        form.add_error("duplicate_reason", "Say why this is not the same person as the "
                       "records found, or use the existing record")
    return matches, None


def _customer_fields(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("duplicates_seen", None)
    return data


@require_http_methods(["GET", "POST"])
@casework_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = bind(request, forms.CustomerForm, user=request.user, creating=True)
    status = 200
    stopped = None
    if request.method == "POST" and form.is_valid():
        stopped, matches = _duplicate_check(request, form)
        if stopped is None:
            data = _customer_fields(form)
            directorate = data.pop("directorate")
            try:
                customer = services.customer_create(
                    actor=request.user, directorate=directorate, matches=matches, **data
                )
            except (ServiceError, ValidationError) as exc:
                status = form_error(form, exc)
            else:
                messages.success(request, f"Customer {customer.reference} added.")
                return redirect(customer)
        elif form.errors:
            status = 400
    return render(
        request, "customers/form.html",
        {"form": form, "creating": True, "matches": stopped}, status=status,
    )


@require_http_methods(["GET", "POST"])
@casework_required
def customer_edit(request: HttpRequest, reference: str) -> HttpResponse:
    customer = selectors.get_customer_for_user(request.user, reference)
    form = bind(request, forms.CustomerForm, instance=customer, user=request.user, creating=False)
    status = 200
    stopped = None
    before = copy.copy(customer)  # validating the form sets what was typed on `customer`
    if request.method == "POST" and form.is_valid():
        stopped, matches = _duplicate_check(request, form, before)
        if stopped is None:
            try:
                services.customer_update(
                    actor=request.user, customer=customer, matches=matches,
                    **_customer_fields(form),
                )
            except (ServiceError, ValidationError) as exc:
                status = form_error(form, exc)
            else:
                messages.success(request, "Customer's details saved.")
                return redirect(customer)
        elif form.errors:
            status = 400
    return render(
        request, "customers/form.html",
        {"form": form, "creating": False, "customer": customer, "matches": stopped},
        status=status,
    )


# The customer page lists the latest matters, warnings and cases, each with a count and a
# link to the whole list, a page at a time.
MATTERS_SHOWN = 10
WARNINGS_SHOWN_CUSTOMER = 10
CASES_SHOWN = 10
RECORDS_PER_PAGE = 25


@require_GET
@casework_required
def customer_detail(request: HttpRequest, reference: str) -> HttpResponse:
    # The directorates (read by the details, the correction links and the merge link), each
    # contact's and warning's relations, all in their rows' own queries (cases.folded).
    customer = selectors.get_customer_for_user(request.user, reference,
                                               fold=selectors.customer_folds())
    matters = selectors.capped(selectors.matters_for_customer(customer, notes=False),
                               MATTERS_SHOWN)
    filter_form = bind_query(request, forms.ContactFilterForm, customer=customer,
                             matters=matters)
    # A page of the timeline, whatever the number of contacts; a bad filter is a message on
    # the filter form and the timeline is shown unfiltered.
    timeline, contact_folds = folded.fold(
        selectors.contacts_for_customer(request.user, customer, notes=False, relations=False,
                                        **filter_form.filters()),
        selectors.contact_folds())
    contacts = selectors.CountedPaginator(timeline, CONTACTS_PER_PAGE).get_page(
        request.GET.get("page"))
    folded.attach(contacts.object_list, contact_folds)
    cases = selectors.capped(
        selectors.cases_for_customer(request.user, customer).order_by("-referred_at", "-id"),
        CASES_SHOWN)
    listed, warning_folds = folded.fold(
        selectors.warnings_for_customer(customer, notes=False, relations=False),
        selectors.warning_folds())
    warnings = selectors.capped(listed, WARNINGS_SHOWN_CUSTOMER)
    folded.attach(warnings, warning_folds)
    corrections, disputes = selectors.attach_notes(
        customer, contacts=contacts.object_list, matters=matters, warnings=warnings, own=True)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "contacts": contacts,
            "filter_form": filter_form,
            "filtered": bool(filter_form.query()),
            "filter_query": "".join(f"&{k}={v}" for k, v in filter_form.query().items()),
            "matters": matters,
            "warnings": warnings,
            "cases": cases,
            # A customer has one open case at most, and it is the latest referred.
            "open_case": next((c for c in cases if c.is_open), None),
            "can_refer": has_role(request.user, Role.OFFICER),
            "customer_corrections": corrections,
            "customer_disputes": disputes,
            "duplicate_overrides": selectors.duplicate_overrides_for(customer),
        },
    )


# The customer's whole lists, behind the customer page's "see all" links.
CUSTOMER_LISTS = {
    "matters": "Matters",
    "warnings": "Warnings",
    "cases": "Cases",
}


def _customer_list(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    customer = selectors.get_customer_for_user(request.user, reference)
    if kind == "matters":
        qs = selectors.matters_for_customer(customer, notes=False)
    elif kind == "warnings":
        qs = selectors.warnings_for_customer(customer, notes=False)
    else:
        qs = selectors.cases_for_customer(request.user, customer).order_by("-referred_at", "-id")
    page = selectors.CountedPaginator(qs, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    if kind != "cases":
        selectors.attach_notes(customer, **{kind: rows})
    return render(request, "customers/list.html", {
        "customer": customer, "kind": kind, "title": CUSTOMER_LISTS[kind], "page": page,
        "rows": rows, "matters": rows, "warnings": rows, "cases": rows,
    })


@require_GET
@casework_required
def customer_matters(request: HttpRequest, reference: str) -> HttpResponse:
    return _customer_list(request, reference, "matters")


@require_GET
@casework_required
def customer_warnings(request: HttpRequest, reference: str) -> HttpResponse:
    return _customer_list(request, reference, "warnings")


@require_GET
@casework_required
def customer_cases(request: HttpRequest, reference: str) -> HttpResponse:
    return _customer_list(request, reference, "cases")


def _breach_message(verdict) -> str:
    text = "Saved, but outside the restrictions: " + " ".join(b.message for b in verdict.breaches)
    if verdict.filed:
        text += " It has been filed and is in the 'To be read' queue."
    return text


@require_http_methods(["GET", "POST"])
@casework_required
def contact_create(request: HttpRequest, reference: str) -> HttpResponse:
    customer = selectors.get_customer_for_user(request.user, reference)
    kept = []
    if request.method == "POST":
        # Files kept from this user's earlier post of the form; those ticked for removal go.
        removed = set(request.POST.getlist("remove_upload"))
        if removed:
            services.uploads_discard(actor=request.user, customer=customer, tokens=removed)
        tokens = [t for t in request.POST.getlist("kept_upload") if t not in removed]
        kept = selectors.kept_uploads_for(request.user, customer, tokens)
    form = bind(request, forms.ContactForm, user=request.user, customer=customer, kept=kept)
    status = 200
    saved = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            contact = services.contact_log(
                actor=request.user,
                customer=customer,
                files=data.pop("files") or (),
                kept=kept,
                **data,
            )
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            saved = True
    if request.method == "POST" and not saved:
        # The browser will not send a chosen file again: keep those that passed the checks,
        # and the form says so, naming each.
        form.kept += [
            services.upload_keep(actor=request.user, customer=customer, upload=upload)
            for upload in form.uploads_to_keep()
        ]
    if saved:
        verdict = getattr(contact, "verdict", None)
        if verdict is not None and verdict.breaches:
            # Saved all the same: a breach never loses the record of what happened.
            messages.warning(request, _breach_message(verdict))
        else:
            messages.success(request, "Contact logged.")
        return redirect(customer)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "customer": customer, "indicator_groups": IndicatorGroup},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@casework_required
def matter_create(request: HttpRequest, reference: str) -> HttpResponse:
    return _matter_form(request, reference, None)


@require_http_methods(["GET", "POST"])
@casework_required
def matter_edit(request: HttpRequest, reference: str, matter_ref: str) -> HttpResponse:
    return _matter_form(request, reference, matter_ref)


def _matter_form(request: HttpRequest, reference: str, matter_ref: str | None) -> HttpResponse:
    customer = selectors.get_customer_for_user(request.user, reference)
    matter = (
        selectors.get_matter_for_user(request.user, customer, matter_ref) if matter_ref else None
    )
    form = bind(request, forms.MatterForm, instance=matter, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            if matter is None:
                directorate = data.pop("directorate")
                services.matter_create(
                    actor=request.user, customer=customer, directorate=directorate, **data
                )
            else:
                services.matter_update(actor=request.user, matter=matter, **data)
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, "Matter saved.")
            return redirect(customer)
    return render(
        request, "customers/matter_form.html",
        {"form": form, "customer": customer, "matter": matter},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@casework_required
def warning_create(request: HttpRequest, reference: str) -> HttpResponse:
    customer = selectors.get_customer_for_user(request.user, reference)
    form = bind(request, forms.InformalWarningForm, user=request.user, customer=customer)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.warning_give_informal(
                actor=request.user, customer=customer, **form.cleaned_data
            )
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, "Informal warning recorded.")
            return redirect(customer)
    return render(
        request, "customers/warning_form.html", {"form": form, "customer": customer},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@casework_required
def refer(request: HttpRequest, reference: str) -> HttpResponse:
    if not has_role(request.user, Role.OFFICER):
        raise PermissionDenied("Only officers refer customers to a manager.")
    customer = selectors.get_customer_for_user(request.user, reference)
    form = bind(request, forms.ReferForm, user=request.user, customer=customer)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, created = services.case_refer(
                actor=request.user,
                customer=customer,
                directorate=data["directorate"],
                reason=data["reason"],
                indicators=data["indicators"],
                evidence_contacts=data["evidence_contacts"],
            )
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            if created:
                messages.success(request, f"Referred to a manager: case {case.reference}.")
            else:
                messages.success(
                    request,
                    f"This customer already had an open case, {case.reference}. Your "
                    "referral has been added to it.",
                )
            return redirect(case)
    return render(
        request, "customers/refer.html", {"form": form, "customer": customer}, status=status
    )


@require_GET
@casework_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.get_attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- cases ---------------------------------------------------------------------------------


# The case page is a summary (its state, what happens next, the latest events) with the
# rest of the case on tabs, each its own page (cases.sections): a caseworker's first sight
# costs the same whatever the case holds, and each part is one link away. The lists are
# capped, with a count and a link to the whole list, a page at a time.
CHRONOLOGY_SHOWN = 25
CHRONOLOGY_PER_PAGE = 50
EVIDENCE_PER_PAGE = 25

TAB_ROUTES = {
    sections.SUMMARY: "cases:detail",
    sections.REFERRAL: "cases:referral",
    sections.EVIDENCE: "cases:evidence",
    sections.LETTERS: "cases:letters",
    sections.REVIEWS: "cases:reviews",
    sections.MONITORING: "cases:monitoring",
}


def tab_url(case, tab: str) -> str:
    return reverse(TAB_ROUTES[tab], args=[case.reference])


def _tabs(case, current: str) -> dict:
    """What every tab's page shows above its own part: the case's tabs, this one marked."""
    return {
        "case": case,
        "customer": case.customer,
        "tabs": [(title, tab_url(case, slug), slug == current)
                 for slug, title in sections.TABS],
    }


def _referral_context(request: HttpRequest, case, *, error_form=None,
                      error_item=None) -> dict:
    checks = {c.precondition: c for c in case.precondition_checks.all()}
    records = {a.alternative: a for a in case.alternatives.all()}
    can_edit_checklist = case.state in services.CHECKLIST_STATES and rules.is_service_manager(
        case, request.user
    )

    def form_for(item, make):
        return error_form if error_item == item else make()

    preconditions = [
        (p, Precondition(p).label, checks.get(p),
         form_for(p, lambda p=p: forms.PreconditionForm(prefix=p, check=checks.get(p))))
        for p in Precondition.values
    ]
    alternatives = [
        (a, Alternative(a).label, records.get(a),
         form_for(a, lambda a=a: forms.AlternativeForm(prefix=a, record=records.get(a))))
        for a in Alternative.values
    ]
    coordination_form = None
    if can_edit_checklist:
        coordination_form = form_for("coordination", lambda: forms.CoordinationForm(case=case))
    return {
        **_tabs(case, sections.REFERRAL),
        "preconditions": preconditions,
        "alternatives": alternatives,
        "preconditions_done": sum(1 for c in checks.values() if c.met),
        "alternatives_done": len(records),
        "can_edit_checklist": can_edit_checklist,
        "coordination_form": coordination_form,
        "error_form": error_form,
        "error_item": error_item,
    }


@functools.cache
def _summary_folds() -> list:
    # Once: the registry of steps is complete when the apps are ready.
    return folded.prepare(DesignationCase, [
        *next_steps.case_page_lookups(), "referral_indicators", "decision_indicators"])


@require_GET
@casework_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The case's summary: its state, the decision, what happens next, the latest events.
    The relations the next steps read come in the case's own query (`cases.folded`)."""
    case = selectors.get_case_for_user(request.user, reference, fold=_summary_folds())
    return render(request, "cases/detail.html", {
        **_tabs(case, sections.SUMMARY),
        "events": selectors.latest_case_events(case, CHRONOLOGY_SHOWN),
        "chronology_url": reverse("cases:chronology", args=[case.reference]),
        "referral_url": tab_url(case, sections.REFERRAL),
        "unmet_guards": rules.unmet_guards(case) if case.is_open else [],
        # What happens next, who does it and by when: every registered step (cases/steps.py).
        "next_steps": next_steps.for_case_page(case, request.user),
    })


@require_GET
@casework_required
def case_referral(request: HttpRequest, reference: str) -> HttpResponse:
    """The referral, the preconditions and alternatives of section 2.3, and who decides."""
    case = selectors.get_case_for_user(request.user, reference,
                                       fold=selectors.referral_relations())
    return render(request, "cases/referral.html", _referral_context(request, case))


@require_GET
@casework_required
def case_tab(request: HttpRequest, reference: str, tab: str) -> HttpResponse:
    """A tab of the case page that another app fills: letters, reviews, monitoring."""
    found = sections.get(tab)
    if found is None:
        raise Http404("No such part of a case")
    # The case's own relations (what the permission rules read) in its own query; the
    # tab's, with the text it shows, prefetched.
    case = selectors.get_case_for_user(request.user, reference, fold=selectors.case_relations())
    prefetch_related_objects([case], *found.prefetch)
    return render(request, "cases/tab.html", {
        **_tabs(case, tab),
        "tab_title": found.title,
        "section_template": found.template,
        **found.context(case, request.user),
    })


@require_GET
@casework_required
def case_chronology(request: HttpRequest, reference: str) -> HttpResponse:
    """The whole chronology of a case, oldest first, a page at a time."""
    case = selectors.get_case_for_user(request.user, reference, full=False)
    page = selectors.CountedPaginator(
        selectors.case_events(case), CHRONOLOGY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/chronology.html", {
        "case": case, "customer": case.customer, "page": page, "events": list(page),
    })


@require_GET
@casework_required
def case_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    """The evidence tab: every contact the case relies on, newest first, a page at a time."""
    case = selectors.get_case_for_user(request.user, reference, full=False)
    evidence, contact_folds = folded.fold(
        selectors.case_evidence_contacts(case, notes=False, relations=False),
        selectors.contact_folds())
    page = selectors.CountedPaginator(evidence, EVIDENCE_PER_PAGE).get_page(
        request.GET.get("page"))
    contacts = list(page)
    folded.attach(contacts, contact_folds)
    selectors.attach_notes(case.customer, contacts=contacts)
    return render(request, "cases/evidence.html", {
        **_tabs(case, sections.EVIDENCE), "page": page, "contacts": contacts,
    })


@require_http_methods(["GET", "POST"])
@casework_required
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, reference, write=True)
    spec = action_for(action)
    if spec is None:
        raise Http404("No such action")
    form = bind(request, spec.form_class, case=case, user=request.user)
    if request.method == "GET" and action not in {
        a.name for a, _ in available_actions(case, request.user)
    }:
        messages.warning(request, "That step is not available on this case now.")
        return redirect(case)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                spec.service(actor=request.user, case=case, **spec.to_kwargs(form.cleaned_data))
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, spec.done)
            return redirect(case)
    return render(
        request,
        spec.template,
        {
            "case": case,
            "customer": case.customer,
            "form": form,
            "spec": spec,
            "preconditions_done": sum(1 for c in case.precondition_checks.all() if c.met),
            "alternatives_done": len(case.alternatives.all()),
            **(spec.context(case, request.user) if spec.context else {}),
        },
        status=status,
    )


def _checklist_post(request, reference: str, item: str, form, save, anchor: str):
    """Shared POST handling for the checklist forms of the case's referral tab."""
    case = selectors.get_case_for_user(request.user, reference, write=True)
    form = form(case)
    status = 422
    if form.is_valid():
        try:
            save(case, form.cleaned_data)
        except ServiceError as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect(f"{tab_url(case, sections.REFERRAL)}#{anchor}")
    context = _referral_context(request, case, error_form=form, error_item=item)
    return render(request, "cases/referral.html", context, status=status)


def _posted_choice(request: HttpRequest, name: str, choices) -> str:
    value = request.POST.get(name, "")
    if value not in choices:
        raise Http404("Unknown checklist item")
    return value


@require_POST
@casework_required
def precondition_record(request: HttpRequest, reference: str) -> HttpResponse:
    item = _posted_choice(request, "precondition", Precondition.values)
    return _checklist_post(
        request, reference, item,
        lambda case: bind(request, forms.PreconditionForm, prefix=item),
        lambda case, data: services.precondition_record(
            actor=request.user, case=case, precondition=item, **data
        ),
        f"precondition-{item}",
    )


@require_POST
@casework_required
def alternative_record(request: HttpRequest, reference: str) -> HttpResponse:
    item = _posted_choice(request, "alternative", Alternative.values)
    return _checklist_post(
        request, reference, item,
        lambda case: bind(request, forms.AlternativeForm, prefix=item),
        lambda case, data: services.alternative_record(
            actor=request.user, case=case, alternative=item, **data
        ),
        f"alternative-{item}",
    )


@require_POST
@casework_required
def coordination_update(request: HttpRequest, reference: str) -> HttpResponse:
    return _checklist_post(
        request, reference, "coordination",
        lambda case: bind(request, forms.CoordinationForm, case=case),
        lambda case, data: services.case_set_coordination(
            actor=request.user, case=case,
            involved_directorates=data["involved_directorates"],
            key_officer=data["key_officer"],
            deciding_manager=data["deciding_manager"],
        ),
        "coordination",
    )


# --- corrections and dispute statements ------------------------------------------------------

RECORD_TITLES = {
    RecordKind.CUSTOMER: "the customer's details",
    RecordKind.MATTER: "this matter",
    RecordKind.CONTACT: "this contact",
    RecordKind.WARNING: "this warning",
}


def _record_for(request: HttpRequest, reference: str, kind: RecordKind, key):
    """The customer (through `customers_for`) and the record of theirs the URL names; a
    403 before any form is read if the user may not correct it (a role that corrects
    nothing, such as an independent reviewer alone, before the customer is looked up)."""
    if not has_role(request.user, *rules.CORRECTING_ROLES):
        raise PermissionDenied("Your role does not allow you to correct records.")
    customer = selectors.get_customer_for_user(request.user, reference)
    if kind == RecordKind.CUSTOMER:
        record = customer
    elif kind == RecordKind.MATTER:
        record = selectors.get_matter_for_user(request.user, customer, key)
    elif kind == RecordKind.CONTACT:
        record = selectors.get_contact_for_user(request.user, customer, key)
    else:
        record = selectors.get_warning_for_user(request.user, customer, key)
    if not services.may_correct(request.user, record):
        raise PermissionDenied(
            f"Only the staff of the directorate that recorded this {kind.label} may correct "
            "it or record the customer's dispute."
        )
    return customer, record


def _record_anchor(customer, record, kind: RecordKind) -> str:
    anchor = {RecordKind.CONTACT: "contact", RecordKind.WARNING: "warning",
              RecordKind.MATTER: "matter"}.get(kind)
    return f"{customer.get_absolute_url()}#{anchor}-{record.pk}" if anchor else (
        customer.get_absolute_url())


def _correct(request: HttpRequest, reference: str, kind: RecordKind, key=None) -> HttpResponse:
    customer, record = _record_for(request, reference, kind, key)
    form = bind(request, forms.CORRECTION_FORMS[kind], instance=record)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.record_correct(
                actor=request.user, record=record, reason=form.cleaned_data["reason"],
                **form.corrections(),
            )
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, "Correction saved. The original is kept in the record.")
            return redirect(_record_anchor(customer, record, kind))
    elif request.method == "POST":
        status = 422
    return render(
        request, "customers/correct.html",
        {"form": form, "customer": customer, "record": record, "kind": kind,
         "what": RECORD_TITLES[kind],
         "corrections": list(selectors.corrections_for(record))},
        status=status,
    )


def _dispute(request: HttpRequest, reference: str, kind: RecordKind, key=None) -> HttpResponse:
    customer, record = _record_for(request, reference, kind, key)
    form = bind(request, forms.DisputeForm)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_record(actor=request.user, record=record, **form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, "The customer's statement is recorded with the record.")
            return redirect(_record_anchor(customer, record, kind))
    elif request.method == "POST":
        status = 422
    return render(
        request, "customers/dispute.html",
        {"form": form, "customer": customer, "record": record, "kind": kind,
         "what": RECORD_TITLES[kind], "disputes": list(selectors.disputes_for(record))},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@casework_required
def customer_correct(request: HttpRequest, reference: str) -> HttpResponse:
    return _correct(request, reference, RecordKind.CUSTOMER)


@require_http_methods(["GET", "POST"])
@casework_required
def matter_correct(request: HttpRequest, reference: str, matter_ref: str) -> HttpResponse:
    return _correct(request, reference, RecordKind.MATTER, matter_ref)


@require_http_methods(["GET", "POST"])
@casework_required
def contact_correct(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _correct(request, reference, RecordKind.CONTACT, pk)


@require_http_methods(["GET", "POST"])
@casework_required
def warning_correct(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _correct(request, reference, RecordKind.WARNING, pk)


@require_http_methods(["GET", "POST"])
@casework_required
def customer_dispute(request: HttpRequest, reference: str) -> HttpResponse:
    return _dispute(request, reference, RecordKind.CUSTOMER)


@require_http_methods(["GET", "POST"])
@casework_required
def matter_dispute(request: HttpRequest, reference: str, matter_ref: str) -> HttpResponse:
    return _dispute(request, reference, RecordKind.MATTER, matter_ref)


@require_http_methods(["GET", "POST"])
@casework_required
def contact_dispute(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _dispute(request, reference, RecordKind.CONTACT, pk)


@require_http_methods(["GET", "POST"])
@casework_required
def warning_dispute(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _dispute(request, reference, RecordKind.WARNING, pk)
