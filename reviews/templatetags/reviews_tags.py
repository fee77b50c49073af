"""`{% load reviews_tags %}{% if user|may_see_deadlines %}`: the header's Deadlines link."""

from __future__ import annotations

from django import template

from reviews import selectors

register = template.Library()


@register.filter
def may_see_deadlines(user) -> bool:
    return selectors.may_see_deadlines(user)
