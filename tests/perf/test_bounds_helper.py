"""The page-cost helper itself: a repeated shape is caught, bookkeeping is not counted."""

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
