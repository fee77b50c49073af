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

`rows` gives the database driver's tuples, without the ORM's per-field converters: use it
for `values_list` queries whose columns the driver already returns as Python values
(PostgreSQL's dates, numbers and text). `instances` gives model instances, built as the ORM
builds them (the compiler's converters, `select_related`, annotations), on either database:
for the reads every request makes (the signed-in user, an API token, a customer by
reference, the sanctions in force), whose building cost more than their answer.

A value each call has its own (a primary key, a reference, an instant) is bound: the
statement is compiled once with a stand-in in its place, a value nothing else in the query
can equal, and each call puts its own value where the stand-in is (`bind_params`). On
SQLite a date or an instant is a parameter as text, so the stand-in's text form is bound
too (`adapted`).

On PostgreSQL every other parameter is written into the statement as a literal
(`inline_constants`): for a given key they never change (the statuses, the user's
directorates, the day), and a statement whose only parameters are the stand-ins can be
planned once per connection. With them as parameters PostgreSQL, which keeps a statement
prepared (`PG_PREPARE_THRESHOLD`), re-planned it on every call: a generic plan cannot use
a partial index whose predicate names a status, so the deadlines' union planned afresh
each time, about 4 ms of each 8.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_EMPTY = object()


def bind_params(params, binds: Mapping) -> tuple:
    """`params` with each one equal to a stand-in in `binds` replaced by its value: a
    statement compiled once with stand-ins (the request's instant, the user's id) bound for
    a call. Stand-ins must equal nothing else the query holds: not 0 or 1 (which equal
    `False` and `True`), not a date or a name the data could have."""
    if not binds:
        return tuple(params)
    bound = []
    for p in params:
        try:
            bound.append(binds.get(p, p))
        except TypeError:  # an unhashable parameter (a list, a dict) is never a stand-in
            bound.append(p)
    return tuple(bound)


def adapted(binds: Mapping, alias: str) -> dict:
    """`binds` with the form each date and instant takes as a parameter on this database
    (text on SQLite; on PostgreSQL the value itself), for the stand-in and the value."""
    ops = connections[alias].ops
    found = dict(binds)
    for stand_in, value in binds.items():
        if isinstance(stand_in, dt.datetime):
            found[ops.adapt_datetimefield_value(stand_in)] = ops.adapt_datetimefield_value(value)
        elif isinstance(stand_in, dt.date):
            found[ops.adapt_datefield_value(stand_in)] = ops.adapt_datefield_value(value)
    return found


_PLACEHOLDER = re.compile(r"%%|%s")


def inline_constants(alias: str, sql: str, params, stand_ins) -> tuple[str, tuple]:
    """`sql` with each parameter that is not a stand-in written in as a literal, quoted by
    the driver (psycopg's `sql.Literal`), and the parameters that are left. PostgreSQL only;
    elsewhere, or if a parameter has no literal form, the statement as it was."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return sql, tuple(params)
    from psycopg import sql as pg_sql  # noqa: PLC0415 - PostgreSQL only

    connection.ensure_connection()
    raw = connection.connection
    params = list(params)
    kept: list = []
    position = 0

    def replace(match: re.Match) -> str:
        nonlocal position
        if match.group() == "%%":
            return "%%"
        value = params[position]
        position += 1
        try:
            if value in stand_ins:
                kept.append(value)
                return "%s"
        except TypeError:  # unhashable (a list): never a stand-in
            pass
        return pg_sql.Literal(value).as_string(raw).replace("%", "%%")

    try:
        written = _PLACEHOLDER.sub(replace, sql)
    except Exception:  # noqa: BLE001 - a value psycopg cannot write as a literal
        return sql, tuple(params)
    if position != len(params):
        return sql, tuple(params)
    return written, tuple(kept)


@dataclass(frozen=True)
class _ModelStatement:
    """A compiled model query and what the ORM's `ModelIterable` reads from its compiler to
    build each row's instance."""

    alias: str
    sql: str
    params: tuple
    compiler: object
    model: type[Model]
    init_list: tuple[str, ...]
    span: tuple[int, int]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, qs: QuerySet) -> _ModelStatement:
        if qs._iterable_class is not ModelIterable:
            raise TypeError("instances() reads model instances: use rows() for values")
        if qs._prefetch_related_lookups or qs._known_related_objects:
            raise TypeError("instances() reads one statement: prefetch after it "
                            "(prefetch_related_objects)")
        compiler = qs.query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()  # fills the compiler's select and klass_info
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return cls(
            alias=qs.db, sql=sql, params=tuple(params), compiler=compiler,
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            span=(start, end),
            populators=tuple(get_related_populators(klass_info, select, qs.db)),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )

    def build(self, rows: list[tuple]) -> list[Model]:
        start, end = self.span
        found = []
        for row in self.compiler.results_iter([rows]):
            obj = self.model.from_db(self.alias, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


class CompiledSQL:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._store: OrderedDict[Hashable, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._store.clear()

    def statement(self, key: Hashable, build: Callable[[], QuerySet], *,
                  models: bool = False, stand_ins: Mapping | None = None):
        """(alias, sql, params) for `key` (a `_ModelStatement` with `models`), compiling
        `build()` the first time; `_EMPTY` when the query can match nothing (Django's
        EmptyResultSet). On PostgreSQL every parameter but the `stand_ins` is written in
        (`inline_constants`)."""
        key = ("models", key) if models else key
        with self._lock:
            found = self._store.get(key)
            if found is not None:
                self._store.move_to_end(key)
                self.hits += 1
                return found
        qs = build()
        try:
            if models:
                found = _ModelStatement.of(qs)
                sql, params = inline_constants(found.alias, found.sql, found.params,
                                               stand_ins or {})
                found = dataclasses.replace(found, sql=sql, params=params)
            else:
                sql, params = qs.query.get_compiler(using=qs.db).as_sql()
                found = (qs.db, *inline_constants(qs.db, sql, params, stand_ins or {}))
        except EmptyResultSet:
            found = _EMPTY
        with self._lock:
            self.misses += 1
            self._store[key] = found
            while len(self._store) > self.size:
                self._store.popitem(last=False)
        return found

    def rows(self, key: Hashable, build: Callable[[], QuerySet], *,
             bind: Mapping | None = None) -> list[tuple]:
        """The statement's rows. `bind={stand_in: value}`: `build()` used `stand_in` (a
        value nothing else in the query equals) where each call has its own `value`, such
        as the request's instant, which cannot be part of the key."""
        found = self.statement(key, build, stand_ins=bind)
        if found is _EMPTY:
            return []
        alias, sql, params = found
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, bind_params(params, bind or {}))
            return cursor.fetchall()

    def instances(self, key: Hashable, build: Callable[[], QuerySet], *,
                  bind: Mapping | None = None) -> list[Model]:
        """The model instances of `build()`'s queryset, as iterating it would give them
        (its `select_related`, its annotations), from a statement compiled once per key;
        `bind` as for `rows`, on either database."""
        found = self.statement(key, build, models=True, stand_ins=bind)
        if found is _EMPTY:
            return []
        params = bind_params(found.params, adapted(bind, found.alias)) if bind else found.params
        with connections[found.alias].cursor() as cursor:
            cursor.execute(found.sql, params)
            rows = cursor.fetchall()
        return found.build(rows)

    def first(self, key: Hashable, build: Callable[[], QuerySet], *,
              bind: Mapping | None = None) -> Model | None:
        """The first of `instances`, or None: a read by a unique key."""
        found = self.instances(key, build, bind=bind)
        return found[0] if found else None
