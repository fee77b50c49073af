"""The report's period form (a GET form: the address says what is shown, so it can be
bookmarked and shared) and the quarterly report's year and quarter."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import QueryDict

from cases.forms import IsoDateInput
from reports import periods
from ucp.forms import GovukFormMixin

PERIOD_CHOICES = [
    ("month", "A month"),
    ("quarter", "A quarter"),
    ("year", "A calendar year"),
    ("financial_year", "A financial year (1 April to 31 March)"),
    ("custom", "Dates you choose"),
]
MONTH_CHOICES = [(str(n), name) for n, name in enumerate(periods.MONTH_NAMES, start=1)]
QUARTER_CHOICES = [(str(q), f"Quarter {q}: {months}") for q, months in
                   periods.QUARTER_MONTHS.items()]

EARLIEST = dt.date(2000, 1, 1)
LATEST_YEAR = 2100
# A custom period longer than this would make a trend of hundreds of months.
LONGEST_CUSTOM_DAYS = 5 * 366


def defaults(today: dt.date) -> dict[str, str]:
    return {
        "period": "year",
        "year": str(today.year),
        "month": str(today.month),
        "quarter": str(periods.quarter_of(today)),
    }


def with_defaults(query: QueryDict, today: dt.date) -> dict[str, str]:
    """The submitted values, with the defaults for anything not sent at all (a blank value
    that was sent stays blank, so it is reported as missing rather than quietly replaced)."""
    data = defaults(today)
    for key in ("period", "year", "month", "quarter", "start", "end", "directorate"):
        if key in query:
            data[key] = query.get(key, "")
    return data


class PeriodForm(GovukFormMixin, forms.Form):
    period = forms.ChoiceField(
        label="Period", choices=PERIOD_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Choose a period", "invalid_choice": "Choose a period"},
    )
    year = forms.IntegerField(
        label="Year", required=False, min_value=EARLIEST.year, max_value=LATEST_YEAR,
        help_text="For a financial year, the year it starts in",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the year as a number, like 2026",
            "min_value": f"Enter a year from {EARLIEST.year}",
            "max_value": f"Enter a year before {LATEST_YEAR + 1}",
        },
    )
    month = forms.TypedChoiceField(
        label="Month", required=False, choices=MONTH_CHOICES, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Choose a month"},
    )
    quarter = forms.TypedChoiceField(
        label="Quarter", required=False, choices=QUARTER_CHOICES, coerce=int,
        empty_value=None, error_messages={"invalid_choice": "Choose a quarter"},
    )
    start = forms.DateField(
        label="From", required=False, widget=IsoDateInput(),
        error_messages={"invalid": "Enter the first day as a real date"},
    )
    end = forms.DateField(
        label="To", required=False, widget=IsoDateInput(),
        error_messages={"invalid": "Enter the last day as a real date"},
    )
    # Free text, not a choice: which directorates the user may see is the view's question,
    # answered with a 404 (never a form error) for one outside their scope.
    directorate = forms.CharField(label="Directorate", required=False, widget=forms.Select)

    def __init__(self, *args, directorates=(), **kwargs):
        super().__init__(*args, **kwargs)
        directorates = list(directorates)
        if len(directorates) > 1:
            self.fields["directorate"].widget.choices = [("", "All, side by side")] + [
                (d.short_name, d.name) for d in directorates
            ]
        else:
            self.fields["directorate"].widget = forms.HiddenInput()

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("period")
        if not kind:
            return data
        needs = {
            "month": ("year", "month"),
            "quarter": ("year", "quarter"),
            "year": ("year",),
            "financial_year": ("year",),
            "custom": ("start", "end"),
        }[kind]
        messages = {
            "year": "Enter a year",
            "month": "Choose a month",
            "quarter": "Choose a quarter",
            "start": "Enter the first day of the period",
            "end": "Enter the last day of the period",
        }
        for name in needs:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, messages[name])
        if self.errors:
            return data
        if kind == "custom":
            start, end = data["start"], data["end"]
            if start < EARLIEST:
                self.add_error("start", f"Enter a date on or after 1 January {EARLIEST.year}")
            elif end < start:
                self.add_error("end", "The last day must be on or after the first day")
            elif (end - start).days > LONGEST_CUSTOM_DAYS:
                self.add_error("end", "Choose a period of 5 years or less")
            elif end.year > LATEST_YEAR:
                self.add_error("end", f"Enter a date before {LATEST_YEAR + 1}")
        return data

    def chosen_period(self) -> periods.Period:
        """The period chosen; call only when the form is valid."""
        data = self.cleaned_data
        kind = data["period"]
        if kind == "month":
            return periods.month_period(data["year"], data["month"])
        if kind == "quarter":
            return periods.quarter_period(data["year"], data["quarter"])
        if kind == "year":
            return periods.year_period(data["year"])
        if kind == "financial_year":
            return periods.financial_year_period(data["year"])
        return periods.custom_period(data["start"], data["end"])

    def query(self) -> dict[str, str]:
        """The minimal GET parameters that say this period (and directorate) again."""
        data = self.cleaned_data
        kind = data["period"]
        params = {"period": kind}
        if kind == "custom":
            params["start"] = data["start"].isoformat()
            params["end"] = data["end"].isoformat()
        else:
            params["year"] = str(data["year"])
            if kind == "month":
                params["month"] = str(data["month"])
            if kind == "quarter":
                params["quarter"] = str(data["quarter"])
        if data.get("directorate"):
            params["directorate"] = data["directorate"]
        return params


class QuarterForm(GovukFormMixin, forms.Form):
    year = forms.IntegerField(
        label="Year", min_value=EARLIEST.year, max_value=LATEST_YEAR,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter a year",
            "invalid": "Enter the year as a number, like 2026",
            "min_value": f"Enter a year from {EARLIEST.year}",
            "max_value": f"Enter a year before {LATEST_YEAR + 1}",
        },
    )
    quarter = forms.TypedChoiceField(
        label="Quarter", choices=QUARTER_CHOICES, coerce=int,
        error_messages={"required": "Choose a quarter", "invalid_choice": "Choose a quarter"},
    )
    directorate = forms.CharField(required=False, widget=forms.HiddenInput())

    def chosen_period(self) -> periods.Period:
        return periods.quarter_period(self.cleaned_data["year"], self.cleaned_data["quarter"])
