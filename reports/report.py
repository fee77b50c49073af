"""The report's tables: built once from the selectors' figures, then shown as HTML (with a
chart beside each), written as CSV, or printed as the quarterly report.

A table has a column per directorate shown (and a total when there are several: a
council-wide lead sees every directorate side by side). Each number may carry a link to
the cases behind it, which `ReportBuilder` adds only for users with a casework role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from cases.models import ClosingReason, IndicatorGroup
from reports import charts, selectors
from reports.periods import Period
from sanctions.models import SanctionKind


@dataclass
class Cell:
    value: int | str | None  # None: nothing to count (a percentage of none), shown as "–"
    url: str = ""
    column: str = ""  # the column's heading, for the link's accessible name


@dataclass
class Row:
    label: str
    cells: list[Cell]
    detail: str = ""
    level: int = 0  # 1 for an "of which" row
    key: str = ""


@dataclass
class Table:
    key: str
    title: str
    label_heading: str
    columns: list[str]
    rows: list[Row]
    description: str = ""
    detail_heading: str = ""
    empty: str = ""
    chart: SafeString | None = None
    # On the report page a long table shows its first rows (the reasons cited most, the
    # latest months) and links to the whole table on a page of its own (and its CSV).
    more_url: str = ""
    more_label: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            for cell, column in zip(row.cells, self.columns, strict=True):
                cell.column = column

    @property
    def beside(self) -> bool:
        """A narrow table sits beside its chart; a wide one goes under it."""
        return beside(self.columns, self.detail_heading)

    def csv_rows(self) -> list[list[str]]:
        head = [self.label_heading, *([self.detail_heading] if self.detail_heading else []),
                *self.columns]
        body = [
            [row.label, *([row.detail] if self.detail_heading else []),
             *("" if c.value is None else str(c.value) for c in row.cells)]
            for row in self.rows
        ]
        return [head, *body]


def beside(columns: list[str], detail_heading: str = "") -> bool:
    return not detail_heading and len(columns) <= 2


def percent(part: int, whole: int) -> str | None:
    if not whole:
        return None
    value = (Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _long(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _month(day: dt.date) -> str:
    return date_format(day, "F Y")


# Page order; the CSV names a table by its key.
TABLE_KEYS = [
    "invocations", "reasons", "reason_groups", "involved", "trend", "warnings", "closures",
    "standing", "sanctions", "challenges", "reviews", "activity",
]

CHART_REASONS = 10
# The months the report page shows month by month; a longer period's months are on the
# table's own page (issue 13: the page stays under 100 KB for a five-year period).
PAGE_MONTHS = 12

CLOSING_LABELS = [(r, ClosingReason(r).label) for r in selectors.WITHOUT_DESIGNATION]


@dataclass
class ReportBuilder:
    scope: selectors.Scope
    period: Period
    today: dt.date
    # Links to the cases behind a number: only for casework roles (see the view).
    link_cases: bool = False
    period_query: dict[str, str] = field(default_factory=dict)
    draw_charts: bool = True
    # The report page: long tables shortened, each with a link to the whole of it.
    on_page: bool = False
    _memo: dict = field(default_factory=dict)

    # -- shared -------------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self.scope.ids

    @property
    def as_at(self) -> dt.date:
        return self.period.as_at(self.today)

    @property
    def with_total(self) -> bool:
        return len(self.scope.shown) > 1

    @property
    def columns(self) -> list[str]:
        names = [d.name for d in self.scope.shown]
        return [*names, "Total"] if self.with_total else names

    def _once(self, key: str, compute: Callable):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _link(self, directorate, value, figure: str, **extra) -> str:
        if not self.link_cases or not value:
            return ""
        params = {**self.period_query, "figure": figure, **extra}
        params.pop("directorate", None)
        if directorate is not None:
            params["directorate"] = directorate.short_name
        return reverse("reports:cases") + "?" + urlencode(params)

    def _row(self, label: str, per_directorate: Callable[[int], int], *, figure: str = "",
             level: int = 0, detail: str = "", key: str = "", **link) -> Row:
        """A row of counts: one per directorate shown, then their total."""
        values = [per_directorate(d.pk) for d in self.scope.shown]
        cells = [
            Cell(v, self._link(d, v, figure, **link) if figure else "")
            for d, v in zip(self.scope.shown, values, strict=True)
        ]
        if self.with_total:
            total = sum(values)
            cells.append(Cell(total, self._link(None, total, figure, **link) if figure else ""))
        return Row(label, cells, detail=detail, level=level, key=key)

    def _series(self, rows: list[Row]) -> list[charts.Series]:
        """Chart series: one per directorate shown (never the total: it would dwarf them)."""
        return [
            (d.name, [row.cells[i].value or 0 for row in rows])
            for i, d in enumerate(self.scope.shown)
        ]

    def _bar(self, key: str, title: str, rows: list[Row], labels: list[str] | None = None,
             *, wide: bool = False):
        if not self.draw_charts or not rows:
            return None
        narrow = not wide and beside(self.columns)
        return charts.bar_chart(
            chart_id=f"chart-{key}", title=title,
            labels=labels or [r.label for r in rows], series=self._series(rows),
            width=charts.NARROW if narrow else charts.WIDE,
        )

    # -- the figures ----------------------------------------------------------------------------
    # The cases', the warnings' and the challenges' figures are one query each, for every
    # table that shows them (`selectors.case_figures` and the like).

    def _months(self) -> list[dt.date]:
        return self.period.trend_months(self.today)

    def _page_months(self) -> list[dt.date]:
        """The months a month-by-month table shows: on the page, the latest few."""
        months = self._months()
        return months[-PAGE_MONTHS:] if self.on_page else months

    def _more(self, key: str, label: str) -> dict[str, str]:
        """The link from a shortened table to the whole of it."""
        return {"more_url": reverse("reports:table", args=[key]) + "?"
                + urlencode(self.period_query), "more_label": label}

    def _figures(self) -> dict:
        """Every figure of the page, from the summary (`selectors.summary_figures`)."""
        return self._once("figures", lambda: selectors.summary_figures(
            self.ids, self.period, self.as_at, self.today, self._months()))

    def _cases(self) -> dict:
        return self._figures()

    def _warnings(self) -> dict:
        return self._figures()

    def _challenges(self) -> dict:
        return self._figures()

    def invocation_counts(self) -> dict[int, dict[str, int]]:
        return self._cases()["invocations"]

    def reason_rows(self) -> list[selectors.ReasonRow]:
        return self._figures()["reasons"]

    def headline(self) -> dict:
        """What a lead asks first: how many times, and why (no query of its own)."""
        counts = self.invocation_counts()
        return {
            "invocations": sum(c["total"] for c in counts.values()),
            "withdrawn": sum(c["withdrawn"] for c in counts.values()),
            "top_reasons": [(r.text, r.total) for r in self.reason_rows()[:3]],
        }

    def table(self, key: str) -> Table:
        if key not in TABLE_KEYS:
            raise KeyError(key)
        return getattr(self, f"_table_{key}")()

    def tables(self) -> list[Table]:
        return [self.table(key) for key in TABLE_KEYS]

    def _table_invocations(self) -> Table:
        counts = self.invocation_counts()

        def get(name: str) -> Callable[[int], int]:
            return lambda pk: counts.get(pk, {}).get(name, 0)

        rows = [
            self._row("Invocations: designations decided", get("total"), figure="invocations"),
            self._row("of which since withdrawn on challenge", get("withdrawn"), level=1,
                      figure="invocations", part="withdrawn"),
            self._row("of which since lifted at a six-month review", get("lifted"), level=1,
                      figure="invocations", part="lifted"),
            self._row("of which made without a prior warning", get("without_warning"),
                      level=1, figure="invocations", part="without_warning"),
            self._row("of which involving other directorates", get("cross_directorate"),
                      level=1, figure="invocations", part="cross_directorate"),
        ]
        return Table(
            "invocations", "How many times the policy was invoked", "Figure", self.columns,
            rows,
            description=(
                "A designation decided in the period, counted for its lead directorate. One "
                "withdrawn on challenge since still counts, and is shown as withdrawn."
            ),
        )

    def _table_reasons(self) -> Table:
        reasons = self.reason_rows()
        more = {}
        if self.on_page and len(reasons) > CHART_REASONS:
            more = self._more("reasons", f"All {len(reasons)} reasons cited")
            reasons = reasons[:CHART_REASONS]
        rows = [
            self._row(r.text, lambda pk, r=r: r.counts.get(pk, 0), figure="reason",
                      detail=IndicatorGroup(r.group).label if r.group in IndicatorGroup.values
                      else r.group, reason=str(r.indicator_id), key=str(r.indicator_id))
            for r in reasons
        ]
        return Table(
            "reasons", "Why: the reasons cited in the decisions", "Reason (section 2.1)",
            self.columns, rows, detail_heading="List in section 2.1",
            description=(
                "The indicators the senior manager cited in each designation decided in the "
                "period, most cited first (" + (
                    "the ten cited most here; the whole table is on its own page"
                    if more else "the chart shows the ten cited most; the table has them all"
                ) + "). A decision usually cites several, so these add up to more than the "
                "invocations."
            ),
            empty="No designation was decided in this period, so no reason was cited.",
            # The chart shows the ten cited most, so it fits a printed page; the table has all.
            chart=self._bar(
                "reasons",
                "The reasons cited most" if len(rows) > CHART_REASONS else "Reasons cited",
                rows[:CHART_REASONS], wide=True,
            ),
            **more,
        )

    def _table_reason_groups(self) -> Table:
        groups = self._figures()["reason_groups"]
        rows = [
            self._row(label, lambda pk, g=group: groups.get(g, {}).get(pk, 0), key=group)
            for group, label in IndicatorGroup.choices
        ]
        return Table(
            "reason_groups", "Reasons by kind", "List in section 2.1", self.columns, rows,
            description=(
                "Invocations citing at least one indicator from each of section 2.1's lists."
            ),
        )

    def _table_involved(self) -> Table:
        leads = self._cases()["involved_elsewhere"]
        rows = []
        for lead in leads:
            cells = [
                Cell(lead.counts.get(d.pk, 0),
                     self._link(d, lead.counts.get(d.pk, 0), "involved", lead=str(lead.lead_id)))
                for d in self.scope.shown
            ]
            rows.append(Row(f"Led by {lead.lead_name}", cells, key=str(lead.lead_id)))
        return Table(
            "involved", "Invocations led by another directorate that involved yours",
            "Lead directorate", [d.name for d in self.scope.shown], rows,
            description=(
                "Listed here, not counted above: a case spanning directorates counts once, "
                "for its lead directorate."
            ),
            empty="No designation decided in this period and led elsewhere involved "
            + ("these directorates." if len(self.scope.shown) > 1 else "this directorate."),
        )

    def _table_warnings(self) -> Table:
        counts = self._warnings()["warnings_given"]

        def get(name: str) -> Callable[[int], int]:
            return lambda pk: counts.get(pk, {}).get(name, 0)

        rows = [
            self._row("Informal warnings", get("informal"), key="informal"),
            self._row("Formal written warnings", get("formal"), key="formal"),
        ]
        rows.append(self._row(
            "All warnings", lambda pk: get("informal")(pk) + get("formal")(pk), key="all"
        ))
        return Table(
            "warnings", "Warnings given", "Warning", self.columns, rows,
            description="Warnings given in the period, by the directorate that gave them.",
            chart=self._bar("warnings", "Warnings given", rows[:2]),
        )

    def _table_closures(self) -> Table:
        counts = self._cases()["closed_without_designation"]
        rows = [
            self._row(label, lambda pk, r=reason: counts.get(pk, {}).get(r, 0),
                      figure="closed", closing=reason, key=reason)
            for reason, label in CLOSING_LABELS
        ]
        rows.append(self._row(
            "All closed without a designation", lambda pk: sum(counts.get(pk, {}).values()),
            figure="closed", key="all",
        ))
        return Table(
            "closures", "Cases closed without a designation, and why", "Why it closed",
            self.columns, rows,
            description="Cases closed in the period that never reached a designation.",
            chart=self._bar("closures", "Cases closed without a designation", rows[:-1]),
        )

    def _table_standing(self) -> Table:
        counts = self._cases()["standing_designations"]
        on = _long(self.as_at)
        rows = [
            self._row(f"Designations standing on {on}",
                      lambda pk: counts.get(pk, {}).get("standing", 0), figure="standing"),
            self._row("of which with a sanction in force",
                      lambda pk: counts.get(pk, {}).get("restricted", 0), level=1,
                      figure="standing", part="restricted"),
        ]
        return Table(
            "standing", "Active designations", "Figure", self.columns, rows,
            description=(
                f"Counted on {on}: the period's last day, or today while it runs. A "
                "designation stands from its decision until it is withdrawn or lifted; "
                "this includes one still waiting for its letter and one whose review was "
                "missed (its restrictions lapsed)."
            ),
        )

    def _table_sanctions(self) -> Table:
        counts = self._figures()["sanctions"]
        rows = [
            self._row(label, lambda pk, k=kind: counts.get(pk, {}).get(k, 0),
                      figure="sanction", kind=kind, key=kind)
            for kind, label in SanctionKind.choices
        ]
        rows.append(self._row(
            "All sanctions in force", lambda pk: sum(counts.get(pk, {}).values()),
            figure="sanction", key="all",
        ))
        return Table(
            "sanctions", "Sanctions in force, by type", "Sanction (section 2.4)",
            self.columns, rows,
            description=(
                f"Counted on {_long(self.as_at)}: started, not past their end date, not "
                "ended early, on a designation the customer had been told of and the "
                "council informed of."
            ),
            chart=self._bar("sanctions", f"Sanctions in force on {_long(self.as_at)}",
                            rows[:-1]),
        )

    def _table_challenges(self) -> Table:
        counts = self._challenges()["challenges"]

        def get(name: str) -> Callable[[int], int]:
            return lambda pk: counts.get(pk, {}).get(name, 0)

        rows = [
            self._row("Requests for a review received", get("received"), figure="challenges",
                      key="received"),
            self._row("of which received late (after the 14 days)", get("late"), level=1,
                      key="late"),
            self._row("Upheld", get("upheld"), key="upheld"),
            self._row("Sanctions varied", get("varied"), key="varied"),
            self._row("Designation withdrawn", get("withdrawn"), key="withdrawn"),
            self._row("Late request not accepted", get("not_accepted"), key="not_accepted"),
            self._row("Not yet decided", get("undecided"), key="undecided"),
            self._row("Decided within 28 days", get("in_time"), key="in_time"),
            self._row("Decided after 28 days", get("after_time"), key="after_time"),
        ]
        return Table(
            "challenges", "Challenges received and their outcomes", "Figure", self.columns,
            rows,
            description=(
                "Customers' written requests for a review received in the period, and what "
                "has become of them so far."
            ),
            chart=self._bar("challenges", "Outcomes of the challenges received", rows[2:7]),
        )

    def _table_reviews(self) -> Table:
        counts = self._figures()["reviews"]

        def get(name: str) -> Callable[[int], int]:
            return lambda pk: counts.get(pk, {}).get(name, 0)

        rows = [
            self._row("Six-month reviews decided", get("decided"), key="decided"),
            self._row("on time (by the review date)", get("on_time"), level=1, key="on_time"),
            self._row("late", get("late"), level=1, key="late"),
        ]
        shown = self.scope.shown
        on_time = [get("on_time")(d.pk) for d in shown]
        decided = [get("decided")(d.pk) for d in shown]
        cells = [Cell(percent(o, n)) for o, n in zip(on_time, decided, strict=True)]
        if self.with_total:
            cells.append(Cell(percent(sum(on_time), sum(decided))))
        rows.append(Row("Decided on time (percentage)", cells, key="on_time_percent"))
        rows += [
            self._row("Lifted", get("lifted"), key="lifted"),
            self._row("Varied", get("varied"), key="varied"),
            self._row("Continued", get("continued"), key="continued"),
            self._row("Lapses: reviews due in the period and not decided by their date",
                      get("lapsed"), key="lapsed"),
            self._row("of which still not decided", get("lapsed_undecided"), level=1,
                      key="lapsed_undecided"),
        ]
        return Table(
            "reviews", "Six-month reviews: on time or late, and lapses", "Figure",
            self.columns, rows,
            description=(
                "Reviews decided in the period, on time if decided by the review date. A "
                "lapse is a review due in the period whose date passed with no decision: "
                "its restrictions stopped until a senior manager decided."
            ),
            chart=self._bar("reviews", "Six-month reviews decided on time and late",
                            rows[1:3], labels=["On time", "Late"]),
        )

    def _months_more(self, key: str) -> dict[str, str]:
        every = len(self._months())
        if len(self._page_months()) == every:
            return {}
        return self._more(key, f"All {every} months")

    def _table_trend(self) -> Table:
        months = self._page_months()
        counts = self._cases()["invocations_by_month"]
        rows = [
            self._row(_month(m), lambda pk, m=m: counts.get(m, {}).get(pk, 0), key=m.isoformat())
            for m in months
        ]
        chart = None
        if self.draw_charts:
            chart = charts.line_chart(
                chart_id="chart-trend", title="Invocations month by month",
                labels=[date_format(m, "M Y") for m in months], series=self._series(rows),
                width=charts.NARROW if beside(self.columns) else charts.WIDE,
            )
        return Table(
            "trend", "Invocations month by month", "Month", self.columns, rows,
            description=(
                f"{_month(months[0])} to {_month(months[-1])}: the period's months so far, "
                "and at least the 12 months to the last of them"
                + (" (the latest 12 here)." if self._months_more("trend") else ".")
            ),
            chart=chart,
            **self._months_more("trend"),
        )

    def _table_activity(self) -> Table:
        if self.on_page:
            # Detail behind the period's figures above: on a page of its own, which keeps
            # the report page under 100 KB (issue 13).
            return Table(
                "activity", "Warnings, challenges and closures month by month", "Month",
                [], [], description=(
                    "The warnings, requests for a review and closures above, month by month "
                    "over the same months as the trend, with a chart."),
                **self._more("activity", "See warnings, challenges and closures month by "
                             "month"),
            )
        months = self._months()
        warnings = self._warnings()["warnings_by_month"]
        received = self._challenges()["challenges_by_month"]
        closed = self._cases()["closures_by_month"]
        columns = ["Informal warnings", "Formal warnings", "Requests for a review",
                   "Closed without a designation"]
        rows = [
            Row(_month(m), [
                Cell(warnings.get(m, {}).get("informal", 0)),
                Cell(warnings.get(m, {}).get("formal", 0)),
                Cell(received.get(m, 0)),
                Cell(closed.get(m, 0)),
            ], key=m.isoformat())
            for m in months
        ]
        chart = None
        if self.draw_charts:
            chart = charts.line_chart(
                chart_id="chart-activity", title="Warnings, challenges and closures by month",
                labels=[date_format(m, "M Y") for m in months],
                series=[(name, [r.cells[i].value for r in rows])
                        for i, name in enumerate(columns)],
            )
        together = " (all the directorates shown, together)" if self.with_total else ""
        return Table(
            "activity", "Warnings, challenges and closures month by month", "Month", columns,
            rows, description=f"The same months as the trend of invocations{together}.",
            chart=chart,
        )
