"""Relations of a list of rows read in the list's own query ("folded" prefetches).

`prefetch_related` costs one query per relation: the home page's next steps read eight
relations of every case it scans, eight queries on top of the scan. Folded, each relation
is a correlated subquery of the scan that gathers the related rows as a JSON array
(`JSON_AGG` on PostgreSQL, `JSON_GROUP_ARRAY` on SQLite); `attach` turns the arrays back
into model instances and stores them exactly where `prefetch_related` would, so
`case.challenges.all()` asks no query. The same filters and `select_related` as the
prefetch's own queryset apply (one level of `select_related`).

Text fields (letters' HTML, reasons, grounds) are left out, deferred, unless asked for
(`text=True`, for a short list that shows them): the steps read states, dates and keys; a
queryset's `only()` is kept. A deferred field read later costs a query, which the page-cost
tests would catch as a repeated shape.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_date, parse_datetime

from ucp.compiled_sql import bind_params


class JSONRows(models.Aggregate):
    """The rows of a group as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.TextField()

    def as_postgresql(self, compiler, conn, **extra_context):
        return self.as_sql(compiler, conn, function="JSON_AGG", **extra_context)


def _fields(model, only: Iterable[str] | None = None, text: bool = False) -> list[models.Field]:
    """The fields a fold reads: those of the queryset's `only()` (with the keys), else every
    field but text (unless `text`)."""
    if only is not None:
        keep = set(only) | {model._meta.pk.name}
        return [f for f in model._meta.concrete_fields
                if f.name in keep or f.attname in keep or f.is_relation]
    return [f for f in model._meta.concrete_fields
            if text or not isinstance(f, models.TextField)]


def _payload(model, prefix: str = "", related: Iterable[str] = (),
             fields: list[models.Field] | None = None) -> JSONObject:
    fields = _fields(model) if fields is None else fields
    values: dict[str, Any] = {f.attname: F(prefix + f.attname) for f in fields}
    for name in related:
        target = model._meta.get_field(name).related_model
        values[f"__{name}"] = _payload(target, prefix=f"{prefix}{name}__")
    return JSONObject(**values)


class Fold:
    """One relation of a model's rows (a reverse foreign key or a many-to-many), folded."""

    def __init__(self, model, lookup: str | Prefetch, *, text: bool = False) -> None:
        name = lookup if isinstance(lookup, str) else lookup.prefetch_to
        self.name = name
        self.field = model._meta.get_field(name)
        queryset = None if isinstance(lookup, str) else lookup.queryset
        self.many_to_many = self.field.many_to_many
        if self.many_to_many:
            self.target = self.field.related_model
            through = getattr(model, name).through
            own = next(f.name for f in through._meta.fields
                       if f.is_relation and f.related_model is model)
            other = next(f.name for f in through._meta.fields
                         if f.is_relation and f.related_model is self.target
                         and f.name != own)
            inner = through.objects.filter(**{own: OuterRef("pk")})
            self.fields = _fields(self.target, text=text)
            payload = _payload(self.target, prefix=f"{other}__", fields=self.fields)
            self.related: tuple[str, ...] = ()
            self.ordering = list(self.target._meta.ordering or ["pk"])
            group = own
        else:
            self.target = self.field.related_model
            self.fk_name = self.field.field.name
            inner = (queryset if queryset is not None else self.target.objects.all())
            self.related = tuple(inner.query.select_related or ()) \
                if isinstance(inner.query.select_related, dict) else ()
            self.ordering = list(inner.query.order_by or self.target._meta.ordering or ["pk"])
            names, deferred = inner.query.deferred_loading
            self.fields = _fields(self.target, only=None if deferred else names, text=text)
            inner = inner.filter(**{self.fk_name: OuterRef("pk")})
            payload = _payload(self.target, related=self.related, fields=self.fields)
            group = self.fk_name
        self.converters = {self.target: _converters(self.fields)}
        self.annotation = f"_folded_{name}"
        self.subquery = Subquery(
            inner.order_by().values(group).annotate(rows=JSONRows(payload)).values("rows")
        )

    def bind(self, placeholder, value) -> Fold:
        """A copy of this compiled fold (`prepare`) with `value` in place of each parameter
        equal to `placeholder`: a fold whose queryset names the user (their own chronology
        entries) is compiled once with a stand-in and bound on each request."""
        bound = copy.copy(self)
        raw = self.subquery
        bound.subquery = RawSQL(raw.sql, bind_params(raw.params, {placeholder: value}),
                                output_field=raw.output_field)
        return bound

    def attach(self, row) -> None:
        raw = getattr(row, self.annotation)
        data = json.loads(raw) if isinstance(raw, str) else (raw or [])
        objs = [self._build(self.target, d) for d in data]
        for obj in objs:
            for name in self.related:
                obj._state.fields_cache[name] = obj.__dict__.pop(f"__{name}", None)
            if not self.many_to_many:
                obj._state.fields_cache[self.fk_name] = row
        _order(objs, self.ordering)
        if not hasattr(row, "_prefetched_objects_cache"):
            row._prefetched_objects_cache = {}
        row._prefetched_objects_cache[self.name] = FoldedQuerySet.holding(
            self.target, objs, row, self.name)

    def _build(self, model, data: dict):
        converters = self.converters.get(model)
        if converters is None:  # a related model of `select_related`
            converters = self.converters[model] = _converters(_fields(model))
        obj = _from_json(model, converters, data)
        for name in self.related if model is self.target else ():
            nested = data.get(f"__{name}") or {}
            target = model._meta.get_field(name).related_model
            built = self._build(target, nested) if nested.get("id") is not None else None
            obj.__dict__[f"__{name}"] = built
        return obj


_UNBUILT = object()


class FoldedQuerySet(models.QuerySet):
    """What a folded relation leaves where `prefetch_related` leaves its queryset: the rows
    already read, and the relation's own query built only if something asks for more than
    the rows (a `filter()`, `update()`, `aggregate()` ...: anything that reads `query`).

    Building the related manager's filtered queryset for every relation of every row, only
    to set its result cache, was a fifth of `attach` (15 cases x 8 folds: 1.6 ms, 1.3 ms
    without it). Whatever reads `query` gets that same queryset's, with its hints and its
    known related objects, so a chained call asks the database exactly what it asked
    before, never the unfiltered table."""

    @classmethod
    def holding(cls, model, objs: list, row, name: str) -> FoldedQuerySet:
        qs = cls(model=model, query=_UNBUILT)
        qs._result_cache = objs
        qs._prefetch_done = True
        qs._fold_owner = (row, name)
        return qs

    @property
    def query(self):
        if self._query is _UNBUILT:
            self._build_relation()
        return super().query

    @query.setter
    def query(self, value):
        models.QuerySet.query.fset(self, value)

    def _build_relation(self) -> None:
        row, name = self._fold_owner
        cache = row._prefetched_objects_cache
        mine = cache.pop(name)
        try:  # the manager, with nothing cached, builds its filtered queryset
            real = getattr(row, name).get_queryset()
        finally:
            cache[name] = mine
        for key, value in real.__dict__.items():
            if key not in ("_result_cache", "_prefetch_done"):
                self.__dict__[key] = value


def _datetime(value):
    parsed = parse_datetime(value) if isinstance(value, str) else value
    # SQLite keeps UTC without an offset; PostgreSQL's JSON gives one.
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _date(value):
    return parse_date(value) if isinstance(value, str) else value


def _same(value):
    return value


def _text(value):
    return value if isinstance(value, str) else str(value)


def _converter(field: models.Field):
    """How a non-null JSON value of `field` becomes its Python value, chosen once per field
    (a fold builds thousands of objects a page: `isinstance` down the field's classes for
    each value was a tenth of the home page)."""
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.DateField):
        return _date
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.FileField):
        return _same
    if isinstance(field, (models.CharField, models.TextField)):
        return _text
    return field.to_python


def _converters(fields: Iterable[models.Field]) -> tuple:
    """(attname, converter) of each field, worked out when a fold is made (once per
    process: the folds are compiled once), not for each value."""
    return tuple((f.attname, _converter(f)) for f in fields)


def _from_json(model, converters: tuple, data: dict):
    """An instance of `model` from its folded JSON object, as `from_db` makes one: the
    fields present in `data`, each converted; the rest deferred."""
    names, values = [], []
    for attname, convert in converters:
        if attname in data:
            value = data[attname]
            names.append(attname)
            values.append(None if value is None else convert(value))
    return model.from_db(connection.alias, names, values)


def _order(objs: list, ordering: list) -> None:
    """Sort as the prefetch's queryset would: field names, "-" for descending."""
    for key in reversed([o for o in ordering if isinstance(o, str)]):
        desc = key.startswith("-")
        attname = key.lstrip("-")
        if attname == "pk":
            attname = "id"

        def sort_key(obj, attname=attname):
            value = getattr(obj, attname, None)
            return (value is None, value if value is not None else 0)

        objs.sort(key=sort_key, reverse=desc)


class ForwardFold:
    """A forward foreign key (a case's key officer) read as a scalar subquery of the row's
    own query, rather than a join: a row that names five people would otherwise join five
    copies of the user table, and PostgreSQL's planner spends far longer ordering nine
    joins (15-20 ms for the case page's row) than running them (1 ms); five subqueries
    are planned one at a time."""

    def __init__(self, model, name: str) -> None:
        self.name = name
        field = model._meta.get_field(name)
        self.attname = field.attname
        self.target = field.related_model
        self.converters = _converters(_fields(self.target))
        self.annotation = f"_folded_{name}"
        self.subquery = Subquery(
            self.target.objects.filter(pk=OuterRef(self.attname))
            .values(row=_payload(self.target))[:1]
        )

    def attach(self, row) -> None:
        raw = getattr(row, self.annotation)
        data = json.loads(raw) if isinstance(raw, str) else raw
        obj = None
        if data and data.get("id") is not None:
            obj = _from_json(self.target, self.converters, data)
        row._state.fields_cache[self.name] = obj


@functools.cache
def _forward(model, name: str) -> ForwardFold:
    # Built and compiled once (see `prepare`): it depends on the model alone.
    found = ForwardFold(model, name)
    _compiled(model, found)
    return found


def fold_forward(queryset: models.QuerySet,
                 names: Iterable[str]) -> tuple[models.QuerySet, list[ForwardFold]]:
    """`queryset` annotated with each forward foreign key of `names` as its related row.
    Call `attach(rows, folds)` on the rows it gives."""
    folds = [_forward(queryset.model, name) for name in names]
    return queryset.annotate(**{f.annotation: f.subquery for f in folds}), folds


def foldable(model, lookup: str | Prefetch) -> bool:
    """Whether `lookup` is one relation of `model` that `Fold` can read (no deeper path)."""
    name = lookup if isinstance(lookup, str) else lookup.prefetch_to
    if "__" in name:
        return False
    field = model._meta.get_field(name)
    return field.one_to_many or field.many_to_many


def _compiled(model, fold) -> None:
    """Replace `fold.subquery` by its SQL, compiled once. Resolving and compiling a folded
    subquery (an expression for every field of every related row) cost more than the rest
    of the case page's query; its SQL never changes. It is correlated to the outer row
    through the model's table name, which is the alias of the base table of any query of
    `model`, so it serves every queryset of that model."""
    query = model._default_manager.annotate(**{fold.annotation: fold.subquery}).query
    sql, params = query.get_compiler(connection=connection).compile(
        query.annotations[fold.annotation])
    fold.subquery = RawSQL(sql, tuple(params), output_field=models.TextField())


def _limited(model, fold, limit: int) -> None:
    """Make `fold` read only the first `limit` related rows in its queryset's order (the
    latest five of a list that may grow): the rows are chosen by a LIMIT in a subquery, and
    gathered into the JSON array around it. Compiled once, as `_compiled` is."""
    field = model._meta.get_field(fold.name)
    inner = (field.related_model._default_manager.select_related(*fold.related)
             .filter(**{fold.fk_name: OuterRef("pk")}).order_by(*fold.ordering)
             .values(row=_payload(fold.target, related=fold.related, fields=fold.fields))
             [:limit])
    query = model._default_manager.annotate(**{fold.annotation: Subquery(inner)}).query
    sql, params = query.get_compiler(connection=connection).compile(
        query.annotations[fold.annotation])
    gather = "JSON_AGG(_rows.row)" if connection.vendor == "postgresql" \
        else "JSON_GROUP_ARRAY(JSON(_rows.row))"
    fold.subquery = RawSQL(f"(SELECT {gather} FROM {sql} _rows)", tuple(params),
                           output_field=models.TextField())


def prepare(model, lookups: Iterable, *, text: bool = False, limit: int | None = None) -> list:
    """The folds of `lookups`, built and compiled once (`_compiled`) for a page that reads
    the same relations on every request. Give the result to `fold`; it is not changed by
    use. Lookups that cannot be folded are kept as they are. `text`: the rows' text
    fields too, for a page that shows them (a short list: the text is in the row's JSON).
    `limit`: only the first rows of each (reverse foreign keys only)."""
    result = []
    for lookup in lookups:
        if foldable(model, lookup):
            lookup = Fold(model, lookup, text=text)
            if limit is None:
                _compiled(model, lookup)
            else:
                _limited(model, lookup, limit)
        result.append(lookup)
    return result


def fold(queryset: models.QuerySet, lookups: list) -> tuple[models.QuerySet, list[Fold]]:
    """`queryset` annotated with each foldable lookup's rows (or each prepared `Fold`); the
    rest prefetched as usual. Call `attach(rows, folds)` on the rows it gives."""
    model = queryset.model
    folds = [lookup if isinstance(lookup, Fold) else Fold(model, lookup)
             for lookup in lookups if isinstance(lookup, Fold) or foldable(model, lookup)]
    rest = [lookup for lookup in lookups
            if not isinstance(lookup, Fold) and not foldable(model, lookup)]
    queryset = queryset.annotate(**{f.annotation: f.subquery for f in folds})
    if rest:
        queryset = queryset.prefetch_related(*rest)
    return queryset, folds


def attach(rows: Iterable, folds: list[Fold]) -> None:
    for row in rows:
        for f in folds:
            f.attach(row)
