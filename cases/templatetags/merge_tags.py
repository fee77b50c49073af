"""`{% customer_merges customer user as merges %}`: the merges a customer's page lists."""

from __future__ import annotations

from django import template
from django.db.models import Q

from cases.models import CustomerMerge
from cases.services.merge import may_merge

register = template.Library()

# A record is merged a handful of times at most; the page shows this many and the count.
SHOWN = 10


@register.simple_tag
def customer_merges(customer, user) -> dict:
    qs = CustomerMerge.objects.filter(Q(survivor=customer) | Q(merged=customer))
    rows = list(qs.select_related("survivor", "merged", "merged_by", "undone_by",
                                  "closed_case")[:SHOWN])
    return {
        "rows": rows,
        "total": len(rows) if len(rows) < SHOWN else qs.count(),
        "may_merge": may_merge(user, customer),
    }
