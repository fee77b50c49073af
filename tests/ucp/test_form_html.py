"""ucp/form_html.py draws the same HTML as the templates it stands in for.

Each function is checked against its template (rendered with the functions switched off):
a table of fields covering every branch of govuk/field.html and every widget template the
module lists, bound and unbound, with errors, hints, preset attributes and text that needs
escaping; then every page of the access matrix that answers a signed-in GET, whole, both
ways. A template changed without its function fails here.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe

from tests import test_access_matrix as matrix
from tests.test_access_matrix import private_media, world  # noqa: F401 - fixtures
from ucp import form_html
from ucp.forms import GovukFormMixin, IsoDateInput


def _normal(html: str) -> str:
    """Whitespace between tags and runs of it are not the page's content."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", str(html))
    # What moves between two requests: the session clock's seconds, the script nonce.
    html = re.sub(r'(data-[a-z-]+-in|nonce)="[^"]*"', r'\1=""', html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+<", "><", html).strip()


def _by_templates(render, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(form_html, "RENDERERS", {})
        return render()


GROUPED = [("Phones", [("m", "Mobile"), ("l", "Landline")]), ("e", "Email <any>")]


class EveryKind(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Full name", help_text="As on <b>their</b> letters")
    note = forms.CharField(widget=forms.Textarea, label="A note & more", required=False)
    count = forms.IntegerField(label="How many")
    email = forms.EmailField(label="Email", required=False)
    on = forms.DateField(widget=IsoDateInput, label="On", required=False)
    channel = forms.ChoiceField(choices=GROUPED, label="Channel")
    plain_select = forms.ChoiceField(choices=[("", "Choose"), ("a", "A 'quoted' one")],
                                     required=False)
    agree = forms.BooleanField(label="I agree", help_text="You must", required=True)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    when = forms.SplitDateTimeField(label="When", required=False, help_text="Date and time")
    unlabelled = forms.CharField(label="", required=False)
    safe_label = forms.CharField(label=mark_safe("Safe <em>label</em>"), required=False)
    described = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"aria-describedby": "elsewhere",
                                                      "readonly": True, "autofocus": False}),
    )
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    radios = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect,
                               required=False)


class NotGovuk(forms.Form):
    """A form without the mixin: laid out by widget type (govuk/field.html's default)."""

    title = forms.CharField(help_text="Short")
    ticked = forms.BooleanField(required=False)
    several = forms.MultipleChoiceField(choices=[("a", "A")], required=False,
                                        widget=forms.CheckboxSelectMultiple)


BAD = {"name": "", "count": "many", "email": "not an email", "channel": "x",
       "note": '<script>alert("x")</script>\nline two', "on": "31/02", "agree": "",
       "hidden": 'a"b', "when_0": "2026-13-01", "when_1": "25:00", "secret": "p<w>",
       "described": "x & y"}
GOOD = {"name": "Ada O'Neill", "count": "3", "channel": "m", "agree": "on", "plain_select": "a",
        "on": "2026-12-01", "when_0": "2026-12-01", "when_1": "10:30", "radios": "y"}

FORMS = [
    ("unbound", lambda: EveryKind(initial={"name": "Initial <value>", "channel": "l"})),
    ("bad", lambda: EveryKind(BAD)),
    ("good", lambda: EveryKind(GOOD)),
    ("not govuk unbound", lambda: NotGovuk()),
    ("not govuk bad", lambda: NotGovuk({"title": ""})),
]


@pytest.mark.parametrize(("case", "make"), FORMS, ids=[c for c, _ in FORMS])
def test_each_field_and_widget_is_drawn_as_its_template_draws_it(case, make, monkeypatch):
    form = make()
    form.is_valid() if form.is_bound else None
    for name in form.fields:
        field = form[name]
        for part in ("as_field_group", "__str__"):
            fast = getattr(field, part)()
            slow = _by_templates(getattr(field, part), monkeypatch)
            assert _normal(fast) == _normal(slow), f"{case}: {name}.{part}"
    assert _normal(str(form)) == _normal(_by_templates(lambda: str(form), monkeypatch))


def test_every_listed_template_is_checked_by_the_table(monkeypatch):
    used: set[str] = set()
    for template_name, function in form_html.RENDERERS.items():
        def spy(context, _name=template_name, _function=function):
            used.add(_name)
            return _function(context)
        monkeypatch.setitem(form_html.RENDERERS, template_name, spy)
    for _case, make in FORMS:
        str(make())
    # The input family the table has no field for: each is input.html alone in Django.
    untried = {f"django/forms/widgets/{n}.html" for n in ("url", "time", "search", "tel",
                                                          "datetime", "checkbox")}
    missing = set(form_html.RENDERERS) - used - untried
    assert not missing, f"listed but never drawn by the table: {sorted(missing)}"


def test_the_input_family_templates_are_each_only_input_html():
    """The functions stand in for Django's templates as they are: each listed input
    template only includes input.html (a project template in front of it would not)."""
    from django.forms.renderers import get_default_renderer

    engine = get_default_renderer().engine
    for template_name, function in form_html.RENDERERS.items():
        if function is not form_html.input_widget:
            continue
        source = engine.get_template(template_name).template.source.strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', template_name


@pytest.mark.django_db
def test_every_page_of_the_matrix_is_the_same_both_ways(world, monkeypatch):  # noqa: F811
    """Every signed-in GET page of the access matrix, as the first user allowed it sees it,
    drawn with the functions and with the templates only."""
    compared = 0
    for route in matrix.ROUTES:
        page = matrix.PAGES.get(route.name)
        if route.name.startswith(("admin:", "api:")) or page is None or page.post_only:
            continue
        for url, scope in matrix._fill(world, route)[:1]:
            user = next((u for u in matrix.USERS if u is not None
                         and matrix.USERS[u] is not None
                         and matrix.expected(route, u, scope) == 200), None)
            if user is None:
                continue
            client = matrix.client_for(world, user)
            # One instant for both: a form's "now" (a contact's time) is to the minute.
            with time_machine.travel(timezone.now(), tick=False):
                fast = client.get(url)
                if fast.status_code != 200 or "text/html" not in fast.get("Content-Type", ""):
                    continue
                slow = _by_templates(lambda c=client, u=url: c.get(u), monkeypatch)
            assert _normal(fast.content.decode()) == _normal(slow.content.decode()), url
            compared += 1
    assert compared >= 40, f"only {compared} pages compared"
