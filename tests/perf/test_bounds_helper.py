"""The page-cost helper itself: a repeated shape is caught, bookkeeping is not counted."""

from __future__ import annotations

import re
from pathlib import Path

from tests.perf.bounds import PageCost, query_shape


def test_query_shape_blanks_literals_and_in_lists():
    one, other = "SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 22"
    assert query_shape(one) == query_shape(other)
    one, other = "SELECT 'a' WHERE x IN (%s, %s)", "SELECT 'bb' WHERE x IN (%s)"
    assert query_shape(one) == query_shape(other)
    assert query_shape("SELECT * FROM a") != query_shape("SELECT * FROM b")


def test_repeated_shapes_are_reported():
    cost = PageCost("/x/", 200, 10, ["SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 2",
                                      "SELECT * FROM u"])
    assert list(cost.repeated.values()) == [2]
    assert cost.count == 3


def test_every_exact_pin_of_a_page_allows_for_where_the_session_is_read():
    """A page's exact query count differs by one between the embedded default (session in
    the database) and CI or production (Redis): a pin written as a bare number passes on one
    and fails on the other. Every `<cost>.count == N` in tests/perf goes through
    `with_session`."""
    bare = re.compile(r"(?<!paginator)\.count == (\d|[A-Z_]+\b)")
    here = Path(__file__).resolve().parent
    found = [f"{path.name}:{n}: {line.strip()}"
             for path in sorted(here.glob("test_*.py")) if path.name != Path(__file__).name
             for n, line in enumerate(path.read_text().splitlines(), 1) if bare.search(line)]
    assert found == []
