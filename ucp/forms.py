"""GOV.UK Design System rendering for Django forms.

`FORM_RENDERER = "ucp.forms.GovukFormRenderer"` makes `{{ form }}` and
`{{ form.field.as_field_group }}` use templates/govuk/form.html and templates/govuk/field.html.
Forms that should look right mix in `GovukFormMixin`, which puts the GOV.UK classes on the
widgets and, through `GovukBoundField`, the error modifiers (`govuk-input--error` etc.):

    class NoteForm(GovukFormMixin, forms.Form):
        body = forms.CharField(widget=forms.Textarea, help_text="What happened")

    {% include "includes/error_summary.html" %}   {# at the top of the page #}
    <form method="post" novalidate>
      {% csrf_token %}{{ form }}
      <button type="submit" class="govuk-button" data-module="govuk-button">Save</button>
    </form>
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import django.forms
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField, BoundWidget
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import ChoiceWidget, Input
from django.http import HttpRequest
from django.utils.functional import cached_property

from ucp import form_html, sessions, text

F = TypeVar("F", bound=forms.BaseForm)

# Base class for each kind of widget; the error modifier is "<base>--error".
_ERROR_MODIFIED = ("govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload")


def _widget_classes(widget: forms.Widget) -> str | None:
    """The GOV.UK classes a widget's own element needs, or None if the template handles it."""
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return None
    if isinstance(widget, forms.RadioSelect):  # includes CheckboxSelectMultiple
        return None  # each option is rendered by govuk/field.html
    if isinstance(widget, forms.CheckboxInput):
        return "govuk-checkboxes__input"
    if isinstance(widget, forms.FileInput):  # includes ClearableFileInput
        return "govuk-file-upload"
    if isinstance(widget, forms.Textarea):
        return "govuk-textarea"
    if isinstance(widget, forms.Select):
        return "govuk-select"
    if isinstance(widget, forms.NumberInput | forms.DateInput):
        return "govuk-input govuk-input--width-10"
    if isinstance(widget, forms.TimeInput):
        return "govuk-input govuk-input--width-5"
    if isinstance(widget, forms.DateTimeInput):
        # A date and a time with the browser's picker: wider than any govuk-input--width-*
        # short of 20 (frontend/ucp.scss), so "01/12/2026, 19:30" is never cut off.
        return "govuk-input ucp-input--datetime"
    if isinstance(widget, Input):
        return "govuk-input"
    return None


def _add_classes(existing: str | None, extra: str) -> str:
    classes = (existing or "").split()
    classes += [c for c in extra.split() if c not in classes]
    return " ".join(classes)


def govuk_widget(widget: forms.Widget) -> None:
    """Give a widget (and a MultiWidget's parts) the GOV.UK classes, keeping any it has."""
    if isinstance(widget, forms.MultiWidget):
        for part in widget.widgets:
            govuk_widget(part)
        return
    classes = _widget_classes(widget)
    if classes:
        widget.attrs["class"] = _add_classes(widget.attrs.get("class"), classes)


class GovukBoundField(BoundField):
    """Adds the GOV.UK error modifier classes and exposes what govuk/field.html needs."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            current = attrs.get("class") or widget.attrs.get("class") or ""
            modifiers = " ".join(f"{c}--error" for c in _ERROR_MODIFIED if c in current.split())
            if modifiers:
                attrs["class"] = _add_classes(current, modifiers)
        return attrs

    @property
    def govuk_kind(self) -> str:
        """How govuk/field.html lays the field out."""
        widget = self.field.widget
        if getattr(widget, "govuk_kind", None):
            return widget.govuk_kind
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if widget.use_fieldset:
            return "fieldset"
        return "input"

    @cached_property
    def govuk_choice_groups(self) -> list[dict]:
        """Options of a radio/checkbox field as [{"name": group or None, "options": [...]}].

        Each option is a BoundWidget, as in `field.subwidgets`, so the typed/selected values
        survive a re-render; grouped choices (optgroups) keep their group.
        """
        widget = self.field.widget
        if not isinstance(widget, ChoiceWidget):
            return []
        id_ = widget.attrs.get("id") or self.auto_id
        attrs = self.build_widget_attrs({"id": id_} if id_ else {})
        value = widget.format_value(self.value())
        groups = []
        for group_name, options, _index in widget.optgroups(self.html_name, value, attrs):
            bound = [BoundWidget(widget, option, self.form.renderer) for option in options]
            # Django makes each ungrouped choice a nameless group of one: join neighbours.
            if group_name is None and groups and groups[-1]["name"] is None:
                groups[-1]["options"].extend(bound)
            else:
                groups.append({"name": group_name, "options": bound})
        return groups

    @cached_property
    def govuk_collapsible_groups(self) -> list[dict]:
        """The groups of a `CollapsibleCheckboxSelectMultiple`, as its template shows them.

        Each is {"name", "id", "options": [{"widget": BoundWidget, "note": str}],
        "selected": how many are ticked, "open": whether its details start open}. A group
        opens when it holds a ticked or noted option, or when the field has an error (so
        the error summary's link lands on a visible box).
        """
        notes = getattr(self.field.widget, "notes", {})
        groups = []
        for n, group in enumerate(self.govuk_choice_groups, start=1):
            options = [
                {"widget": option, "note": notes.get(str(option.data["value"]), "")}
                for option in group["options"]
            ]
            selected = sum(1 for option in group["options"] if option.data["selected"])
            noted = any(option["note"] for option in options)
            groups.append({
                "name": group["name"],
                "id": f"{self.auto_id}-group-{n}",
                "options": options,
                "selected": selected,
                "open": bool(self.errors or selected or noted),
            })
        return groups

    @property
    def govuk_small(self) -> bool:
        """Long lists of radios or checkboxes use the small size, so they fit on a screen."""
        choices = getattr(self.field.widget, "choices", None)
        if not isinstance(choices, list | tuple):
            return False  # a model iterator: counting it would cost a query
        count = sum(len(c[1]) if isinstance(c[1], list | tuple) else 1 for c in choices)
        return count > 6

    @property
    def govuk_error_target(self) -> str:
        """The element id an error summary link should point at (the first input)."""
        if self.govuk_kind in ("checkboxes", "radios", "collapsible_checkboxes"):
            for group in self.govuk_choice_groups:
                for option in group["options"]:
                    if option.id_for_label:
                        return option.id_for_label
        return self.id_for_label or self.auto_id or ""


class CollapsibleCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A long list of grouped checkboxes, made compact: each group is a GOV.UK details whose
    summary says how many are ticked, and a filter box (frontend/ucp.js) narrows the list.

    Without JavaScript the details still open and close and every box still posts; the
    filter box is simply not there. `notes` maps an option's value (as a string) to a hint
    shown under its label, e.g. how often it was seen before; a noted option opens its group.
    """

    govuk_kind = "collapsible_checkboxes"
    filter_label = "Filter the options"

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.notes: dict[str, str] = {}

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.notes = dict(self.notes)
        return copy


def limit_text(field: forms.Field, limit: int | None = None) -> None:
    """Give every text field a length limit with a message naming it: its own (from the
    model's column, or `limit`), else `ucp.text`'s default for its kind (a note for a
    textarea, a line for any other box). Browsers are not told (no `maxlength`): a pasted
    text would be cut off without a word; the message on the field says how long it is."""
    if not isinstance(field, forms.CharField):
        return
    limit = limit or field.max_length or (
        text.NOTE_MAX if isinstance(field.widget, forms.Textarea) else text.LINE_MAX
    )
    field.max_length = limit
    field.validators = [
        v for v in field.validators if not isinstance(v, MaxLengthValidator)
    ] + [text.TextLengthValidator(limit)]
    if not isinstance(field.widget, forms.Textarea):
        field.validators.append(text.one_line)
    field.widget.attrs.pop("maxlength", None)


def bind(request: HttpRequest, form_class: type[F], /, *args: Any, **kwargs: Any) -> F:
    """The one way a view makes its form: bound to what was posted on a POST, unbound on
    any other method.

    Bound on the method, not on whether anything was posted: `Form(request.POST or None)`
    leaves the form unbound for an empty POST, and an error added to it then (the page was
    stale, a service refused) is an `AttributeError: cleaned_data`. An empty POST is a
    POST: its form is bound, says what is missing, and takes any error added to it.
    `tests/test_structure.py` fails on a view that binds a form another way.
    """
    if request.method == "POST":
        return form_class(request.POST, request.FILES, *args, **kwargs)
    # What this person typed here before the session timed out (ucp.sessions), once.
    draft = sessions.take_draft(request) if hasattr(request, "session") else None
    if draft is not None:
        return form_class(draft, *args, **kwargs)
    return form_class(*args, **kwargs)


def bind_query(
    request: HttpRequest, form_class: type[F], /, *args: Any, when: str | None = None,
    **kwargs: Any,
) -> F:
    """A search or filter form read from the query string: bound when the query names one
    of its fields (or the parameter `when`, e.g. a submit button's name), so that `?page=2`
    alone is the page unfiltered rather than a form with errors."""
    prefix = kwargs.get("prefix")
    names = {f"{prefix}-{n}" if prefix else n for n in form_class.base_fields}
    if when is not None:
        names = {when}
    if any(name in request.GET for name in names):
        return form_class(request.GET, *args, **kwargs)
    return form_class(*args, **kwargs)


class GovukFormMixin:
    """Mix into a Form or ModelForm (before the Django base class) for GOV.UK styling."""

    bound_field_class = GovukBoundField
    template_name_div = "govuk/form.html"

    # Limits for this form's free-text fields that differ from the defaults (`ucp.text`).
    text_limits: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            govuk_widget(field.widget)
            limit_text(field, self.text_limits.get(name))

    def add_error(self, field, error) -> None:
        """Django's, safe on an unbound form too (which has no `cleaned_data` for it to
        update): the message is shown rather than the page failing. Views bind with `bind`,
        so this is the backstop, not the way."""
        if not self.is_bound and not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}
        super().add_error(field, error)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class GovukFormRenderer(DjangoTemplates):
    """Django's own template renderer, also looking in the project's templates/ folder.

    Django's default renderer only sees its built-in form templates and the apps'
    templates folders; govuk/*.html live in the project-level templates/ folder.
    """

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"

    def render(self, template_name, context, request=None):
        # The commonest templates (a field's group, inputs, textareas, selects) are drawn in
        # Python, the same HTML at a tenth of the cost (ucp/form_html.py).
        html = form_html.render(template_name, context)
        if html is not None:
            return html
        return super().render(template_name, context, request=request)

    @cached_property
    def engine(self):
        project_dirs = []
        for config in settings.TEMPLATES:
            if config["BACKEND"].endswith("DjangoTemplates"):
                project_dirs += [str(d) for d in config.get("DIRS", [])]
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [*project_dirs, str(Path(django.forms.__file__).parent / "templates")],
                "NAME": "govukforms",
                "OPTIONS": {},
            }
        )


class IsoDateInput(forms.DateInput):
    """A browser date picker. It only accepts ISO dates, whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
