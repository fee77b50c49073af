"""Folded prefetches (`cases.folded`) give the same objects, in the same order, as
`prefetch_related`, in the list's own query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, TextField
from django.test.utils import CaptureQueriesContext

from cases import folded
from cases.models import DesignationCase
from cases.next_steps import _prefetches, raw_prefetches
from tests.perf.test_home_deadlines import grow
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db


def _values(obj) -> tuple:
    fields = [f for f in obj._meta.concrete_fields if not isinstance(f, TextField)]
    return tuple(getattr(obj, f.attname) for f in fields)


@pytest.fixture
def cases(make_case, officer, senior_manager, reviewer, children):
    template = put_in_force(make_case("designated"), senior_manager)
    template.involved_directorates.add(children, template.lead_directorate)
    grow(3, template, officer=officer, reviewer=reviewer, recorded_by=senior_manager)
    return DesignationCase.objects.order_by("pk")


def test_folded_relations_are_what_prefetch_related_gives(cases, senior_manager):
    # The compiled folds, the chronology's bound to this user, against plain prefetches.
    expected = list(cases.prefetch_related(*raw_prefetches(senior_manager)))
    scan, folds = folded.fold(cases, _prefetches(senior_manager))
    with CaptureQueriesContext(connection) as ctx:
        got = list(scan)
        folded.attach(got, folds)
        for case, want in zip(got, expected, strict=True):
            for f in folds:
                theirs = list(getattr(want, f.name).all())
                ours = list(getattr(case, f.name).all())
                assert [_values(o) for o in ours] == [_values(o) for o in theirs], f.name
                for a, b in zip(ours, theirs, strict=True):
                    for name in f.related:  # select_related of the prefetch's queryset
                        ra, rb = getattr(a, name), getattr(b, name)
                        assert (ra and ra.pk) == (rb and rb.pk)
                        assert str(ra) == str(rb)
    # One query (SQLite's first JSON function also probes once for JSON support).
    assert len([q for q in ctx.captured_queries if "_folded_" in q["sql"]]) == 1
    assert not [q for q in ctx.captured_queries
                if q["sql"].startswith("SELECT") and "_folded_" not in q["sql"]
                and "JSON('" not in q["sql"]]
    assert {f.name for f in folds} >= {"challenges", "sanctions", "letters", "events",
                                       "involved_directorates", "reviews"}
    # Something of each kind was there to compare.
    for f in folds:
        assert any(getattr(c, f.name).all() for c in got), f.name


def test_a_reverse_relations_rows_point_back_at_their_case(cases, senior_manager):
    scan, folds = folded.fold(cases, _prefetches(senior_manager))
    rows = list(scan)
    folded.attach(rows, folds)
    with CaptureQueriesContext(connection) as ctx:
        for case in rows:
            for challenge in case.challenges.all():
                assert challenge.case is case
    assert not ctx.captured_queries


def test_asking_a_folded_relation_for_more_asks_the_relations_own_query(cases, senior_manager):
    # The rows come from the fold; a filter, a count of a filter, an update or an
    # aggregate goes to the database through the relation's own filtered queryset, never
    # the whole table (the folded queryset builds that query only when asked).
    scan, folds = folded.fold(cases, _prefetches(senior_manager))
    rows = list(scan)
    folded.attach(rows, folds)
    first, second = rows[0], rows[1]
    theirs = DesignationCase.objects.get(pk=first.pk)
    for f in folds:
        ours = getattr(first, f.name)
        plain = getattr(theirs, f.name)
        assert str(ours.filter(pk__gt=0).query) == str(plain.filter(pk__gt=0).query), f.name
        assert ours.filter(pk__gt=0).count() == plain.count(), f.name
    assert first.challenges.all()._result_cache is not None  # still the folded rows
    others = list(second.events.values_list("pk", "summary"))
    assert first.events.all()
    first.events.update(summary="changed through the fold")
    assert list(second.events.values_list("pk", "summary")) == others
    assert set(theirs.events.values_list("summary", flat=True)) == {"changed through the fold"}
    assert first.events.aggregate(n=Count("pk"))["n"] == theirs.events.count()
