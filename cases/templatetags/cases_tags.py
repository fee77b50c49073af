"""Template tags of the case pages."""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured

from cases import steps

register = template.Library()


@register.simple_tag
def step_title(subject: str, name: str) -> str:
    """A registered step's one name (`cases.steps`), for a page that heads itself with it:
    `{% step_title "review" "decide" %}`. An unknown step is a mistake, not a blank."""
    step = steps.get(subject, name)
    if step is None:
        raise ImproperlyConfigured(f"No step is registered as {(subject, name)}.")
    return step.title
