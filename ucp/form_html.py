"""The commonest form templates, written in Python: the same HTML, without the template
engine's cost.

A field drawn through `templates/govuk/field.html` and Django's widget templates took about
3,000 Python calls (an `{% include %}` per part, a context per include): the front desk's
check form, six fields, was 20,000 of the page's 49,000 calls. `GovukFormRenderer.render`
asks `RENDERERS` first, by template name, and uses the template when a function answers
None (radios, checkboxes and the collapsible lists stay templates) or is not listed.

The templates stay the reference: `tests/ucp/test_form_html.py` renders every field kind and
every listed widget both ways and requires the same HTML, so a template changed without
its function (or a project template put in front of Django's) fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

# Laid out by templates/govuk/_choices.html or _collapsible_choices.html, not here.
_CHOICE_KINDS = frozenset({
    "checkboxes", "checkboxselectmultiple", "radios", "radioselect", "collapsible_checkboxes",
})


def _text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless marked safe."""
    text = str(value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


def input_widget(context: dict) -> str:
    """django/forms/widgets/input.html (and the templates that only include it)."""
    widget = context["widget"]
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    return (f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>')


def textarea_widget(context: dict) -> str:
    """django/forms/widgets/textarea.html."""
    widget = context["widget"]
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (f'<textarea name="{conditional_escape(widget["name"])}"'
            f'{_attrs(widget["attrs"])}>\n{value}</textarea>')


SELECT_OPTION = "django/forms/widgets/select_option.html"


def select_widget(context: dict) -> str | None:
    """django/forms/widgets/select.html with select_option.html for each option."""
    widget = context["widget"]
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            out.append(f'\n  <option value="{_text(option["value"])}"'
                       f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _hint(field, extra_class: str = "") -> str:
    if not field.help_text:
        return ""
    return (f'<div id="{conditional_escape(field.auto_id)}_helptext" '
            f'class="govuk-hint{extra_class}">{mark_safe(field.help_text)}</div>')


def _error_message(field) -> str:
    errors = field.errors
    if not errors:
        return ""
    shown = "<br>".join(
        f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}'
        for error in errors
    )
    return (f'<p id="{conditional_escape(field.auto_id)}_error" '
            f'class="govuk-error-message">{shown}</p>')


def field_group(context: dict) -> str | None:
    """templates/govuk/field.html, but for radios and checkboxes (None: the template)."""
    field = context["field"]
    if field.is_hidden:
        return str(field)
    kind = getattr(field, "govuk_kind", "") or field.widget_type
    if kind in _CHOICE_KINDS:
        return None
    error_class = " govuk-form-group--error" if field.errors else ""
    parts = [f'<div class="govuk-form-group{error_class}">']
    if kind == "checkbox":
        parts += [
            _error_message(field),
            '<div class="govuk-checkboxes" data-module="govuk-checkboxes">',
            '<div class="govuk-checkboxes__item">',
            str(field),
            f'<label class="govuk-label govuk-checkboxes__label" '
            f'for="{conditional_escape(field.id_for_label)}">'
            f'{conditional_escape(field.label)}</label>',
            _hint(field, " govuk-checkboxes__hint"),
            "</div>",
            "</div>",
        ]
    elif field.use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{conditional_escape(described)}"' if described else ""
        parts.append(f'<fieldset class="govuk-fieldset"{described}>')
        if field.label:
            parts.append('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
                         f'{conditional_escape(field.label)}</legend>')
        parts += [_hint(field), _error_message(field), str(field), "</fieldset>"]
    else:
        if field.label:
            parts.append(f'<label class="govuk-label govuk-label--s" '
                         f'for="{conditional_escape(field.id_for_label)}">'
                         f'{conditional_escape(field.label)}</label>')
        parts += [_hint(field), _error_message(field), str(field)]
    parts.append("</div>")
    return "\n".join(part for part in parts if part)


_INPUTS = ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
           "checkbox", "search", "tel")

RENDERERS: dict[str, Callable[[dict], str | None]] = {
    "govuk/field.html": field_group,
    **{f"django/forms/widgets/{name}.html": input_widget for name in _INPUTS},
    "django/forms/widgets/textarea.html": textarea_widget,
    "django/forms/widgets/select.html": select_widget,
}


def render(template_name: str, context: dict) -> SafeString | None:
    """The template's HTML from its function, or None when the template must draw it."""
    function = RENDERERS.get(template_name)
    if function is None:
        return None
    html = function(context)
    return None if html is None else mark_safe(html.strip())
