"""`{% load reports_tags %}{% if user|can_see_reports %}`: the navigation's Reports link."""

from django import template

from reports.selectors import may_see_reports

register = template.Library()


@register.filter
def can_see_reports(user) -> bool:
    # Roles are cached on the user for the request: this costs no query of its own.
    return may_see_reports(user)
