"""Merging two records of one person: the side-by-side comparison, the merge, its undo, and
the redirect of a merged-away reference (issue 12, item 2).

The writes are `cases.services.merge`'s; both customers are read through the scoped
selector, so a manager merges only records they may both see (anything else is a 404, or a
message on the form for the reference typed).
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.merge_forms import FindOtherForm, MergeForm, UndoForm, display, field_label
from cases.models import CustomerMerge, OpenCasesChoice
from cases.services import merge as merge_services
from cases.services.common import open_cases_of
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import casework_required, form_error

MERGE_REFUSED = ("Only a service manager or a senior manager of a directorate that deals "
                 "with the customer can merge customer records.")


def _require_merge_role(user, customer=None) -> None:
    if not merge_services.may_merge(user, customer):
        raise PermissionDenied(MERGE_REFUSED)


def _other_record(request: HttpRequest, find: FindOtherForm, customer):
    """The record named on the find form, if this user may see it; else a message on it."""
    if not find.is_valid():
        return None
    reference = find.cleaned_data["other"]
    if reference == customer.reference:
        find.add_error("other", "Enter the reference of another record, not this one")
        return None
    try:
        return selectors.get_customer_for_user(request.user, reference)
    except selectors.CustomerMerged as merged:
        find.add_error("other", f"{reference} has already been merged into "
                                f"{merged.survivor.reference}")
    except Http404:
        find.add_error("other", "No customer record you can see has that reference")
    return None


def _comparison(this, other) -> dict:
    counts = zip(merge_services.related_counts(this), merge_services.related_counts(other),
                 strict=True)
    return {
        "fields": [
            (field_label(name), display(this, name), display(other, name),
             getattr(this, name) != getattr(other, name))
            for name in merge_services.MERGE_FIELDS
        ],
        "counts": [(plural[:1].upper() + plural[1:], a, b)
                   for (_label, plural, a), (_l, _p, b) in counts],
        "directorates": (list(this.directorates.all()), list(other.directorates.all())),
    }


@require_http_methods(["GET", "POST"])
@casework_required
def customer_merge(request: HttpRequest, reference: str) -> HttpResponse:
    _require_merge_role(request.user)
    customer = selectors.get_customer_for_user(request.user, reference)
    _require_merge_role(request.user, customer)
    find = bind_query(request, FindOtherForm)
    other = _other_record(request, find, customer)
    context = {"customer": customer, "find": find, "other": other}
    status = 200 if not find.errors else 422
    if other is None:
        return render(request, "customers/merge.html", context, status=status)

    this_open = open_cases_of(customer).select_related("customer").first()
    other_open = open_cases_of(other).select_related("customer").first()
    open_cases = [c for c in (this_open, other_open) if c]
    form = bind(request, MergeForm, this=customer, other=other, open_cases=open_cases)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        keep_open = OpenCasesChoice.NONE
        if chosen["keep_open"]:
            kept = next(c for c in open_cases if c.reference == chosen["keep_open"])
            keep_open = (OpenCasesChoice.KEEP_SURVIVOR
                         if kept.customer_id == chosen["survivor"].pk
                         else OpenCasesChoice.KEEP_MERGED)
        try:
            merge = merge_services.customer_merge(
                actor=request.user, survivor=chosen["survivor"], merged=chosen["merged"],
                reason=form.cleaned_data["reason"], take=chosen["take"], keep_open=keep_open,
                path=request.path,
            )
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(
                request, f"{merge.merged.reference} was merged into {merge.survivor.reference}. "
                         "You can undo this from this page while nothing has been added.")
            return redirect(merge.survivor)
    elif request.method == "POST":
        status = 422
    context.update(_comparison(customer, other), form=form, this_open=this_open,
                   other_open=other_open)
    return render(request, "customers/merge.html", context, status=status)


@require_http_methods(["GET", "POST"])
@casework_required
def customer_merge_undo(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    _require_merge_role(request.user)
    customer = selectors.get_customer_for_user(request.user, reference)
    _require_merge_role(request.user, customer)
    merge = get_object_or_404(
        CustomerMerge.objects.select_related("merged", "merged_by", "closed_case"),
        pk=pk, survivor=customer, undone_at__isnull=True,
    )
    merge.survivor = customer
    form = bind(request, UndoForm)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            merge_services.customer_merge_undo(actor=request.user, merge=merge)
        except (ServiceError, ValidationError) as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, f"The merge was undone: {merge.merged.reference} is a "
                                      "separate record again.")
            return redirect(customer)
    blocked = merge_services.added_since(merge)
    moved = [(str(apps.get_model(label)._meta.verbose_name_plural).capitalize(), len(ids))
             for label, ids in merge.moved.items()]
    return render(request, "customers/merge_undo.html", {
        "customer": customer, "merge": merge, "form": form, "blocked": blocked,
        "moved": moved,
    }, status=status)


class MergedReferenceMiddleware:
    """A page asked for by a merged-away reference answers with a redirect to the same page
    of the surviving record, and says so ("C-X was merged into C-Y on ... by ...").

    The scoped selector raises `CustomerMerged` (a 404 to anyone who may not see the
    survivor), so every route that takes a customer reference follows the merge. A form
    posted to the old reference is not saved: the user is taken to the survivor's page,
    told why, and sends it again there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, selectors.CustomerMerged):
            return None
        survivor, merge = exception.survivor, exception.merge
        when = timezone.localtime(merge.merged_at) if merge else None
        by = (merge.merged_by.get_full_name() or merge.merged_by.get_username()) if merge else ""
        notice = f"{exception.reference} was merged into {survivor.reference}"
        if merge:
            notice += f" on {when:%-d %B %Y} by {by}"
        notice += f". This is {survivor.reference}."
        match = request.resolver_match
        target = survivor.get_absolute_url()
        if request.method in ("GET", "HEAD") and match is not None:
            try:
                target = reverse(match.view_name, args=match.args,
                                 kwargs={**match.kwargs, "reference": survivor.reference})
            except NoReverseMatch:  # pragma: no cover - every customer route takes one
                target = survivor.get_absolute_url()
            if request.META.get("QUERY_STRING"):
                target += "?" + request.META["QUERY_STRING"]
        elif request.method not in ("GET", "HEAD"):
            notice += " Nothing was saved: send it again from this record."
        messages.info(request, notice)
        return redirect(target)
