from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ucp.csp import JS_ENABLED_SCRIPT

register = template.Library()

_STATE_CLASSES = {
    "referred": "govuk-tag--blue",
    "warned": "govuk-tag--yellow",
    "assessment": "govuk-tag--purple",
    "awaiting_decision": "govuk-tag--orange",
    "designated": "govuk-tag--red",
    # Restrictions ended because the six-month review was missed: needs a senior manager now.
    "lapsed": "govuk-tag--red",
    "closed": "govuk-tag--grey",
}


@register.simple_tag
def js_enabled_script() -> str:
    """GOV.UK Frontend's start-up snippet, the one inline script; the Content Security
    Policy allows exactly this text by its hash (ucp/csp.py)."""
    return mark_safe(f"<script>{JS_ENABLED_SCRIPT}</script>")  # noqa: S308 - a constant


@register.filter
def state_tag_class(state: str) -> str:
    return _STATE_CLASSES.get(str(state), "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def person(user, absent: str = "System") -> str:
    """A member of staff as pages name them: full name, else username. `None` is an action
    the system took (the daily sweep), so it reads "System" unless told otherwise."""
    if user is None or user == "":
        return absent
    return user.get_full_name() or user.get_username()


class _TableRegion(template.Node):
    def __init__(self, label, nodelist):
        self.label, self.nodelist = label, nodelist

    def render(self, context) -> str:
        label = conditional_escape(self.label.resolve(context))
        inner = self.nodelist.render(context)
        return format_html(
            '<div class="ucp-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
            label, mark_safe(inner),  # noqa: S308 - the template's own rendered output
        )


@register.tag
def table_region(parser, token):
    """`{% table_region "Matters" %}<table>…</table>{% endtable_region %}`.

    A wide table in a region that scrolls sideways on its own, so the page never does (at
    320 px, or at 400% zoom) and nothing at the table's right (an Edit link) is out of
    reach. The region is focusable (tabindex="0") so a keyboard user can scroll it, and
    labelled so a screen reader says what it is. tests/test_templates.py checks that every
    table in the pages is in one.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% table_region %} takes one label")
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return _TableRegion(parser.compile_filter(bits[1]), nodelist)
