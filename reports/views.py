"""The directorate report (section 2.5, step 13): the page, its CSV tables, the printable
quarterly report (HTML and PDF), and, for casework roles only, the cases behind a figure.

Access: directorate leads and senior managers, for their own directorates (a council-wide
lead sees every directorate side by side); anyone else 403; a directorate outside the
user's own 404. Leads see numbers only: no page here ever shows a customer's name except
the case list, which is for casework roles and goes through `cases_for(user)`.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import access_log
from cases.selectors import CountedPaginator
from letters import rendering
from reports import forms, periods, selectors
from reports.report import TABLE_KEYS, ReportBuilder, Table
from ucp.csp import allow_inline_styles
from ucp.http import casework_required
from ucp.spreadsheets import csv_safe


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table.csv_rows():
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def _period_form(request: HttpRequest, scope: selectors.Scope, today) -> forms.PeriodForm:
    return forms.PeriodForm(
        forms.with_defaults(request.GET, today), directorates=scope.available
    )


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope = selectors.report_scope(request.user, request.GET.get("directorate", ""))
    form = _period_form(request, scope, today)
    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and request.GET.get("table") not in TABLE_KEYS:
        raise Http404("No such table")
    if not scope.shown:  # a lead not yet given a directorate: nothing to count
        if wants_csv:
            raise Http404("No directorate to report on")
        return render(request, "reports/report.html",
                      {"form": form, "scope": scope, "builder": None, "no_directorate": True})
    if not form.is_valid():
        if wants_csv:
            return HttpResponseBadRequest(
                "The period is not valid: " + "; ".join(
                    str(e) for errors in form.errors.values() for e in errors
                ),
                content_type="text/plain; charset=utf-8",
            )
        return render(request, "reports/report.html",
                      {"form": form, "scope": scope, "builder": None})
    period = form.chosen_period()
    builder = ReportBuilder(
        scope=scope, period=period, today=today,
        link_cases=selectors.may_follow_to_cases(request.user),
        period_query=form.query(), draw_charts=not wants_csv, on_page=not wants_csv,
    )
    if wants_csv:
        table = builder.table(request.GET["table"])
        response = HttpResponse(csv_text(table), content_type="text/csv; charset=utf-8")
        filename = f"ucp-{table.key}-{scope.slug}-{period.slug}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "reports/report.html", {
        "form": form,
        "scope": scope,
        "builder": builder,
        "period": period,
        "as_at": builder.as_at,
        "running": period.is_running(today),
        "today": today,
        "headline": builder.headline(),
        "tables": builder.tables(),
        "query": urlencode(form.query()),
        "quarterly_query": urlencode(_quarter_for(period, today, form.query())),
    })


@require_GET
def report_table(request: HttpRequest, key: str) -> HttpResponse:
    """One table of the report, whole, on a page of its own: where the report page's
    shortened tables (the reasons cited, a long period's months) link to."""
    if key not in TABLE_KEYS:
        raise Http404("No such table")
    today = timezone.localdate()
    scope = selectors.report_scope(request.user, request.GET.get("directorate", ""))
    if not scope.shown:
        raise Http404("No directorate to report on")
    form = _period_form(request, scope, today)
    if not form.is_valid():
        raise Http404("No such period")
    period = form.chosen_period()
    builder = ReportBuilder(
        scope=scope, period=period, today=today,
        link_cases=selectors.may_follow_to_cases(request.user), period_query=form.query(),
    )
    return render(request, "reports/table.html", {
        "scope": scope,
        "period": period,
        "table": builder.table(key),
        "query": urlencode(form.query()),
    })


def _quarter_for(period: periods.Period, today, query: dict) -> dict:
    """The quarter the printable report opens on: this one if a quarter is shown, else the
    last complete one."""
    if period.kind == "quarter":
        year, quarter = period.start.year, periods.quarter_of(period.start)
    else:
        year, quarter = periods.last_complete_quarter(today)
    params = {"year": str(year), "quarter": str(quarter)}
    if query.get("directorate"):
        params["directorate"] = query["directorate"]
    return params


def _quarterly(request: HttpRequest, *, pdf: bool) -> HttpResponse:
    today = timezone.localdate()
    scope = selectors.report_scope(request.user, request.GET.get("directorate", ""))
    if not scope.shown:
        raise Http404("No directorate to report on")
    data = request.GET.copy()
    if "year" not in data and "quarter" not in data:
        year, quarter = periods.last_complete_quarter(today)
        data.update({"year": str(year), "quarter": str(quarter)})
    form = forms.QuarterForm(data)
    if not form.is_valid():
        if pdf:
            return HttpResponseBadRequest("Choose a year and a quarter.",
                                          content_type="text/plain; charset=utf-8")
        return render(request, "reports/quarterly_choose.html", {"form": form, "scope": scope})
    period = form.chosen_period()
    builder = ReportBuilder(scope=scope, period=period, today=today)
    query = {"year": str(form.cleaned_data["year"]), "quarter": str(form.cleaned_data["quarter"])}
    if request.GET.get("directorate"):
        query["directorate"] = request.GET["directorate"]
    context = {
        "form": form,
        "scope": scope,
        "builder": builder,
        "period": period,
        "as_at": builder.as_at,
        "running": period.is_running(today),
        "today": today,
        "headline": builder.headline(),
        "tables": builder.tables(),
        "query": urlencode(query),
        "report_query": urlencode({"period": "quarter", **query}),
        "for_pdf": pdf,
        "council_name": settings.COUNCIL_NAME,
    }
    html = render_to_string("reports/quarterly.html", context, request=None if pdf else request)
    if not pdf:
        # A printable document: its CSS is inline, for WeasyPrint too (ucp/csp.py).
        return allow_inline_styles(HttpResponse(html), html)
    response = HttpResponse(rendering.html_to_pdf(html), content_type="application/pdf")
    quarter = f"{period.start.year}-q{form.cleaned_data['quarter']}"
    response["Content-Disposition"] = (
        f'inline; filename="ucp-quarterly-report-{quarter}-{scope.slug}.pdf"'
    )
    return response


@require_GET
def quarterly(request: HttpRequest) -> HttpResponse:
    return _quarterly(request, pdf=False)


@require_GET
def quarterly_pdf(request: HttpRequest) -> HttpResponse:
    return _quarterly(request, pdf=True)


@require_GET
@casework_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases behind a figure, for users who may open them (never a directorate lead)."""
    today = timezone.localdate()
    scope = selectors.report_scope(request.user, request.GET.get("directorate", ""))
    if not selectors.may_follow_to_cases(request.user):
        raise PermissionDenied("Your role sees figures, not the cases behind them.")
    form = _period_form(request, scope, today)
    if not form.is_valid():
        raise Http404("No such period")
    period = form.chosen_period()
    what, cases = selectors.figure_cases(request.user, scope, period, today, request.GET)
    # Counted in the page's own query (COUNT(*) OVER ()): the sort reads every case behind
    # the figure anyway, and a second pass to count them cost as much as the page.
    page = CountedPaginator(cases, 50).get_page(request.GET.get("page"))
    # The customers named on this page are in the access log, as a list.
    access_log.saw(request.user, [case.customer for case in page.object_list])
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return render(request, "reports/cases.html", {
        "what": what,
        "period": period,
        "scope": scope,
        "page": page,
        "cases": page.object_list,
        "extra": "&" + urlencode(params),
        "back": urlencode(form.query()),
    })
