"""Template tags of the case pages."""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured

from cases import steps
from cases.services.corrections import may_correct

register = template.Library()


@register.simple_tag
def step_title(subject: str, name: str) -> str:
    """A registered step's one name (`cases.steps`), for a page that heads itself with it:
    `{% step_title "review" "decide" %}`. An unknown step is a mistake, not a blank."""
    step = steps.get(subject, name)
    if step is None:
        raise ImproperlyConfigured(f"No step is registered as {(subject, name)}.")
    return step.title


@register.filter
def correctable_by(record, user) -> bool:
    """Whether `user` may correct `record` or record the customer's dispute of it, so the
    page offers the links only to those the pages would let in (`cases.rules.may_correct`)."""
    return may_correct(user, record)
