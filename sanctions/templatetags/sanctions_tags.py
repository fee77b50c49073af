"""`{% restriction_banner customer %}`: the banner for the `restriction_banner` block."""

from __future__ import annotations

from django import template

from sanctions import selectors

register = template.Library()


@register.inclusion_tag("sanctions/_banner.html")
def restriction_banner(customer) -> dict:
    # A page with no customer yet (adding one) passes "" from the template context.
    return {"lines": selectors.restriction_banner(customer) if customer else None}


@register.simple_tag
def restriction_lines(customer) -> list[str]:
    """`{% restriction_lines customer as lines %}`: the banner's lines, for a page that shows
    two customers side by side (merging records)."""
    return selectors.restriction_banner(customer) or [] if customer else []
