"""The GOV.UK classes the form layer gives each kind of widget."""

from __future__ import annotations

from pathlib import Path

from django import forms

from ucp.forms import GovukForm

SCSS = Path(__file__).resolve().parents[2] / "frontend" / "ucp.scss"


class _When(GovukForm):
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField()


def test_a_date_and_time_input_is_wide_enough_for_its_value():
    # govuk-input--width-10 (23ex) cut "01/12/2026, 19:30" off in Chromium.
    form = _When()
    at = form.fields["at"].widget.attrs["class"]
    assert "ucp-input--datetime" in at and "govuk-input--width-10" not in at
    assert ".ucp-input--datetime" in SCSS.read_text()
    assert "govuk-input--width-10" in form.fields["on"].widget.attrs["class"]
    assert "govuk-input--width-5" in form.fields["time"].widget.attrs["class"]
