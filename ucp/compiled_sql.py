"""Queries compiled once per key, executed fresh on every request.

The ORM builds and compiles a query in Python each time it runs: for the deadlines' union
(seven branches, each scoped by the user's directorates and roles) that was more of the
home page's time than PostgreSQL's answer. Where a query's SQL and parameters are a pure
function of a small key (who asks, as their roles and directorates; the day; the slice),
`CompiledSQL` keeps the compiled statement in a bounded per-process LRU and executes it
directly. Only the compiling is saved: the rows are read from the database on every call.

The key must hold everything the statement is built from. A key that left something out
would run another user's or another day's query, so callers build it from the same values
they build the query from (see `reviews.dashboard.Scope.key`), and the tests compare each
cached statement's rows with the ORM's.

The rows are the database driver's tuples, without the ORM's per-field converters: use it
for `values_list` queries whose columns the driver already returns as Python values
(PostgreSQL's dates, numbers and text), not for model instances.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

_EMPTY = object()


def bind_params(params, placeholder, value) -> tuple:
    """`params` with `value` in place of each one equal to `placeholder`: a statement
    compiled once with a stand-in (the request's instant, the user's id) bound for a call."""
    return tuple(value if p == placeholder else p for p in params)


class CompiledSQL:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._store: OrderedDict[Hashable, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._store.clear()

    def statement(self, key: Hashable, build: Callable[[], QuerySet]):
        """(alias, sql, params) for `key`, compiling `build()` the first time; `_EMPTY`
        when the query can match nothing (Django's EmptyResultSet)."""
        with self._lock:
            found = self._store.get(key)
            if found is not None:
                self._store.move_to_end(key)
                self.hits += 1
                return found
        qs = build()
        try:
            sql, params = qs.query.get_compiler(using=qs.db).as_sql()
            found = (qs.db, sql, tuple(params))
        except EmptyResultSet:
            found = _EMPTY
        with self._lock:
            self.misses += 1
            self._store[key] = found
            while len(self._store) > self.size:
                self._store.popitem(last=False)
        return found

    def rows(self, key: Hashable, build: Callable[[], QuerySet], *,
             bind: tuple[object, object] | None = None) -> list[tuple]:
        """The statement's rows. `bind=(placeholder, value)`: `build()` used `placeholder`
        (a value nothing else in the query equals) where each call has its own `value`,
        such as the request's instant, which cannot be part of the key."""
        found = self.statement(key, build)
        if found is _EMPTY:
            return []
        alias, sql, params = found
        if bind is not None:
            params = bind_params(params, *bind)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
