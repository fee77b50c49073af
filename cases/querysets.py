"""Query methods of the designation case, on its manager as `DesignationCase.objects`.

Kept apart from `cases/models.py` so that the scoping rule lives in one short place that
every selector asks: a case belongs to the directorate that leads it and to each
directorate involved in it (section 2.3's cross-directorate working).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q


def case_path(via: str) -> tuple[str, str]:
    """(the prefix of a case's fields, the path of its id) from a case itself (`via=""`)
    or from a row of another table that names its case through `via` ("case",
    "sanction__case")."""
    return (f"{via}__", f"{via}_id") if via else ("", "pk")


def in_directorates_condition(ids: Iterable[int], *, via: str = "",
                              lead_only: bool = False) -> Q:
    """The condition that a case is led by, or involves, one of these directorates: of the
    case itself (`via=""`), or of the case another table's row names through `via`
    ("case", "sanction__case"), asked of that row's own case."""
    ids = list(ids)
    prefix, ref = case_path(via)
    scope = Q(**{f"{prefix}lead_directorate_id__in": ids})
    if not lead_only:
        through = apps.get_model("cases", "DesignationCase").involved_directorates.through
        scope |= Exists(
            through.objects.filter(designationcase_id=OuterRef(ref), directorate_id__in=ids)
        )
    return scope


class DesignationCaseQuerySet(models.QuerySet):
    def in_directorates(
        self,
        ids: Iterable[int] | None,
        *,
        lead_only: bool = False,
        also: Q | Exists | None = None,
    ) -> DesignationCaseQuerySet:
        """The cases led by, or involving, one of these directorates.

        `ids` is what `accounts.selectors.directorate_ids_for` returns: None means every
        directorate (a council-wide member of staff), so nothing is filtered. With
        `lead_only`, a case counts for its lead directorate alone, as the numbers of a
        directorate's home page do. `also` admits other cases besides (an independent
        reviewer's cases from other directorates), in the same WHERE clause.
        """
        if ids is None:
            return self
        scope = in_directorates_condition(ids, lead_only=lead_only)
        if also is not None:
            scope |= also
        return self.filter(scope)
