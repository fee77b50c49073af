"""The personal data access log: who was shown which customer's (or case's) record, when,
and how (issue 11, requirement 2).

Recorded at one layer. The scoped selectors that hand a record to a view
(`get_customer_for_user`, `get_case_for_user`, `get_attachment_for_user`,
`get_letter_for_user`, `get_filed_item_for_user`) call `noted`; views that list customers
(search, the front desk) call `saw` with the rows they show. Both only collect, on a
request-scoped list (a context variable the middleware opens), so a read stays one query
and a selector used outside a request (the sweep, a service, a test) writes nothing.
`AccessLogMiddleware` writes what the request collected with one `bulk_create` once the
view has answered, and only for a successful answer: a 404 or 403 showed nothing, and a
redirect (a saved form, a step not open now) shows its record on the next GET, which is
logged then. No view can reach a customer without a selector, so no view can forget.

The user is the one the selector was asked for, not `request.user`: the API signs its
callers in with a token inside the view, after the middleware has seen the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponseBase

from cases.models import AccessKind, Customer, DesignationCase, RecordView

# RecordView.path's max_length.
PATH_LENGTH = 300


@dataclass
class _Seen:
    user_id: int
    customer_id: int
    case_id: int | None
    kind: str | None  # None: the middleware decides from the page


_collector: ContextVar[list[_Seen] | None] = ContextVar("ucp_access_log", default=None)


def noted(user, customer: Customer | int, case: DesignationCase | int | None = None, *,
          kind: str | None = None) -> None:
    """Collect that `user` is being shown `customer` (and `case`), if a request is open."""
    seen = _collector.get()
    if seen is None or not getattr(user, "pk", None):
        return
    customer_id = customer if isinstance(customer, int) else customer.pk
    case_id = case if case is None or isinstance(case, int) else case.pk
    seen.append(_Seen(user.pk, customer_id, case_id, kind))


def saw(user, customers: Iterable[Customer], *, kind: str = AccessKind.SEARCH) -> None:
    """Collect a list of customers shown at once (search results, the front desk's)."""
    for customer in customers:
        noted(user, customer, kind=kind)


# Pages whose kind is not plain "page": a letter shown as a page is handed out as much as
# its PDF; the forms that show a customer; a case's steps.
DOWNLOAD_PAGES = frozenset({"letters:html"})
FORM_PAGES = frozenset({
    "customers:edit", "customers:contact_create", "customers:matter_create",
    "customers:matter_edit", "customers:warning_create", "customers:refer",
    # Corrections and dispute statements (cases.services.corrections).
    "customers:correct", "customers:dispute", "customers:matter_correct",
    "customers:matter_dispute", "customers:contact_correct", "customers:contact_dispute",
    "customers:warning_correct", "customers:warning_dispute",
    # Merging two records (cases.merge_views): the comparison shows both customers.
    "customers:merge", "customers:merge_undo",
})
ACTION_PAGES = frozenset({
    "cases:action", "letters:preview", "letters:inform_council",
    "letters:informal_warning_issue", "reviews:challenge_record", "reviews:challenge_decide",
    "reviews:challenge_accept_late", "reviews:challenge_refuse_late",
    "reviews:challenge_assign", "reviews:review_decide", "filed:item",
})


def kind_of(request: HttpRequest, response: HttpResponseBase) -> str:
    """What kind of access an answer was, from where it was asked and what it handed out."""
    match = request.resolver_match
    name = match.view_name if match is not None else ""
    content_type = response.get("Content-Type", "")
    if name.startswith("api:"):
        return AccessKind.API
    if content_type.startswith("text/csv"):
        return AccessKind.EXPORT
    if getattr(response, "streaming", False) or "Content-Disposition" in response \
            or not content_type.startswith("text/html"):
        return AccessKind.DOWNLOAD
    if name in DOWNLOAD_PAGES:
        return AccessKind.DOWNLOAD
    if name in FORM_PAGES:
        return AccessKind.FORM
    if name in ACTION_PAGES:
        return AccessKind.ACTION
    return AccessKind.PAGE


def entries(request: HttpRequest, response: HttpResponseBase,
            seen: list[_Seen]) -> list[RecordView]:
    """One row per (user, customer, case, kind) the answer showed; a customer seen both on
    their own and with a case keeps the row with the case."""
    default = kind_of(request, response)
    path = request.get_full_path()[:PATH_LENGTH]
    with_case = {(s.user_id, s.customer_id) for s in seen if s.case_id is not None}
    rows: dict[tuple, RecordView] = {}
    for s in seen:
        if s.case_id is None and (s.user_id, s.customer_id) in with_case and s.kind is None:
            continue
        kind = s.kind or default
        key = (s.user_id, s.customer_id, s.case_id, kind)
        rows.setdefault(key, RecordView(
            user_id=s.user_id, customer_id=s.customer_id, case_id=s.case_id, kind=kind,
            path=path,
        ))
    return list(rows.values())


class AccessLogMiddleware:
    """Opens the request's collector, and writes what it collected in one INSERT."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seen: list[_Seen] = []
        token = _collector.set(seen)
        try:
            response = self.get_response(request)
        finally:
            _collector.reset(token)
        if seen and 200 <= response.status_code < 300:
            write(entries(request, response, seen))
        return response


def write(rows: list[RecordView]) -> None:
    """Insert the rows in their own transaction, committed without waiting for the disk
    on PostgreSQL (`synchronous_commit` off for this transaction only).

    A GET's only write is its access-log row, and waiting for the write-ahead log's flush
    was most of what a page cost beyond its reads: 5-8 ms a request on this project's
    machine, against 1 ms without the wait. The row is still written, in order, and is
    durable once PostgreSQL's WAL writer flushes (within `wal_writer_delay`, 200 ms by
    default, at most three times that): only a crash of the database server itself in
    that moment could lose it, and never anything else (case data, letters, decisions
    commit as before). `ACCESS_LOG_SYNCHRONOUS_COMMIT=1` makes it wait like the rest.
    Inside an outer transaction (a test, a view run atomically) it joins that one.
    """
    if not rows:
        return
    connection = connections[RecordView.objects.db]
    if connection.vendor != "postgresql" or settings.ACCESS_LOG_SYNCHRONOUS_COMMIT \
            or connection.in_atomic_block:
        RecordView.objects.bulk_create(rows)
        return
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        RecordView.objects.bulk_create(rows)
