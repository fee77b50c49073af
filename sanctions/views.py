"""The front-desk check and the "To be read" queue of filed correspondence.

Reads go through selectors (scoped by `cases.selectors.customers_for`), writes through
`sanctions.services`; the front-desk check saves nothing at all.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, has_role
from cases import access_log
from cases import selectors as case_selectors
from cases.forms import SearchForm
from sanctions import selectors, services
from sanctions.page_forms import ContactCheckForm, FiledItemReadForm
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import casework_required, form_error

# Who reads filed correspondence: the roles `services.filed_item_mark_read` allows.
READER_ROLES = (Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER)
SEARCH_RESULTS = 25


def _require_reader(request: HttpRequest) -> None:
    if not has_role(request.user, *READER_ROLES):
        raise PermissionDenied("Your role does not read filed correspondence.")


def front_desk_url(customer_reference: str) -> str:
    return f"{reverse('frontdesk:check')}?{urlencode({'customer': customer_reference})}"


# --- the front desk ----------------------------------------------------------------------------


@require_GET
@casework_required
def front_desk(request: HttpRequest) -> HttpResponse:
    """Find a customer fast, then see what staff may and may not do today."""
    user = request.user
    search = bind_query(request, SearchForm)
    query = ""
    results = None
    customer = None
    context: dict = {}
    reference = (request.GET.get("customer") or "").strip()
    if reference:
        customer = case_selectors.get_customer_for_user(user, reference)
        check_form = bind_query(
            request, ContactCheckForm, when="check", user=user, customer=customer
        )
        check = None
        if check_form.is_bound and check_form.is_valid():
            check = check_form.cleaned_data
        context.update(
            selectors.front_desk(customer, check),
            check_form=check_form,
            today=timezone.localdate(),
        )
    elif search.is_valid() and search.cleaned_data["q"]:
        query = search.cleaned_data["q"]
        results = selectors.mark_restricted(
            case_selectors.customer_search(user, query)[: SEARCH_RESULTS + 1])
        if len(results) == 1:
            return redirect(front_desk_url(results[0].reference))
        access_log.saw(user, results[:SEARCH_RESULTS])
    return render(
        request,
        "sanctions/front_desk.html",
        {
            "search": search,
            "query": query,
            "results": results[:SEARCH_RESULTS] if results is not None else None,
            "more_results": results is not None and len(results) > SEARCH_RESULTS,
            "any_restricted": any(c.restricted for c in results or ()),
            "customer": customer,
            **context,
        },
    )


# --- filed correspondence: the "To be read" queue ------------------------------------------------


@require_GET
@casework_required
def filed_queue(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    page = Paginator(selectors.filed_items_to_read(request.user), 50).get_page(
        request.GET.get("page")
    )
    # The customers named on this page are in the access log, as a list.
    access_log.saw(request.user, [item.contact.customer for item in page.object_list])
    return render(request, "sanctions/filed_queue.html", {"page": page, "items": page.object_list})


@require_http_methods(["GET", "POST"])
@casework_required
def filed_item(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    item = selectors.get_filed_item_for_user(request.user, pk)
    contact = item.contact
    if item.read_at is not None:
        if request.method == "POST":
            messages.info(request, "This item had already been read; nothing was changed.")
            return redirect("filed:item", pk=item.pk)
        form = None
    else:
        form = bind(request, FiledItemReadForm)
    status = 200
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.filed_item_mark_read(actor=request.user, item=item, **form.cleaned_data)
        except ServiceError as exc:
            status = form_error(form, exc)
        else:
            data = form.cleaned_data
            if data["significant_new_information"] or data["safeguarding_concern"]:
                messages.success(
                    request,
                    f"Recorded as read. The senior managers for case "
                    f"{item.sanction.case.reference} have been alerted.",
                )
            else:
                messages.success(request, "Recorded as read.")
            return redirect("filed:queue")
    return render(
        request,
        "sanctions/filed_item.html",
        {"item": item, "contact": contact, "customer": contact.customer, "form": form},
        status=status,
    )
