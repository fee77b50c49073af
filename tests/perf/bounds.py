"""What a page costs: its bytes, its SQL queries and the query shapes it repeats.

Issue 13's rule is that no page grows with the data: a page rendered at two data sizes has
the same number of queries, no query shape twice (an N+1 shows up as a repeated shape), and
stays under 100 KB of HTML. `page_cost()` measures one warm request through the whole
middleware stack; `assert_bounded()` compares two measurements of the same page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

MAX_BYTES = 100_000
MAX_QUERIES = 12


def with_session(n: int) -> int:
    """A pinned count, written as it is with the session in the database, as it is in this
    run: with REDIS_URL set (CI, production) the session is read from Redis without a query
    (ucp.session_store). Every exact pin of a signed-in page goes through this."""
    return n - 1 if settings.SESSION_ENGINE == "ucp.session_store" else n

# Literals blanked so that `WHERE id = 1` and `WHERE id = 2` have one shape.
_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
_IN_LIST = re.compile(r"\((?:\s*%s\s*,)*\s*%s\s*\)")


def query_shape(sql: str) -> str:
    shape = _STRING.sub("%s", sql)
    shape = _NUMBER.sub("%s", shape)
    return _IN_LIST.sub("(%s...)", shape)


# Statements that are not the page's reading: the transaction and savepoint bookkeeping
# around the access log's bulk write and the session's save (and the access log's
# `SET LOCAL synchronous_commit`, outside a test's transaction: cases.access_log.write).
_BOOKKEEPING = re.compile(
    r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN|COMMIT|SET LOCAL)\b", re.I
)


@dataclass
class PageCost:
    url: str
    status: int
    bytes: int
    queries: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.queries)

    @property
    def repeated(self) -> dict[str, int]:
        shapes = Counter(query_shape(q) for q in self.queries)
        return {shape: n for shape, n in shapes.items() if n > 1}

    def __str__(self) -> str:
        lines = [f"{self.url}: {self.status}, {self.bytes} bytes, {self.count} queries"]
        lines += [f"  {q[:300]}" for q in self.queries]
        return "\n".join(lines)


def page_cost(client, url: str, *, warm: bool = True) -> PageCost:
    """One request of `url` by `client` (already signed in), after a warm-up request."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = [q["sql"] for q in ctx.captured_queries if not _BOOKKEEPING.match(q["sql"])]
    return PageCost(url, response.status_code, len(response.content), queries)


def assert_bounded(small: PageCost, large: PageCost, *, max_queries: int = MAX_QUERIES,
                   max_bytes: int = MAX_BYTES, byte_slack: int = 2_000) -> None:
    """The page at the larger data size costs what it cost at the smaller one."""
    for cost in (small, large):
        assert cost.status == 200, cost
        assert cost.count <= max_queries, f"more than {max_queries} queries\n{cost}"
        assert not cost.repeated, f"repeated query shapes {cost.repeated}\n{cost}"
        assert cost.bytes <= max_bytes, f"over {max_bytes} bytes\n{cost}"
    assert large.count == small.count, f"query count grew\n{small}\n{large}"
    # Names and references differ in length between rows; the number of rows must not grow.
    assert large.bytes <= small.bytes + byte_slack, (
        f"page grew {small.bytes} -> {large.bytes} bytes")
