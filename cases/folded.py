"""Relations of a list of rows read in the list's own query ("folded" prefetches).

`prefetch_related` costs one query per relation: the home page's next steps read eight
relations of every case it scans, eight queries on top of the scan. Folded, each relation
is a correlated subquery of the scan that gathers the related rows as a JSON array
(`JSON_AGG` on PostgreSQL, `JSON_GROUP_ARRAY` on SQLite); `attach` turns the arrays back
into model instances and stores them exactly where `prefetch_related` would, so
`case.challenges.all()` asks no query. The same filters and `select_related` as the
prefetch's own queryset apply (one level of `select_related`).

Text fields (letters' HTML, reasons, grounds) are left out, deferred: the steps read
states, dates and keys. A deferred field read later costs a query, which the page-cost
tests would catch as a repeated shape.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_date, parse_datetime


class JSONRows(models.Aggregate):
    """The rows of a group as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.TextField()

    def as_postgresql(self, compiler, conn, **extra_context):
        return self.as_sql(compiler, conn, function="JSON_AGG", **extra_context)


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.TextField)]


def _payload(model, prefix: str = "", related: Iterable[str] = ()) -> JSONObject:
    values: dict[str, Any] = {f.attname: F(prefix + f.attname) for f in _fields(model)}
    for name in related:
        target = model._meta.get_field(name).related_model
        values[f"__{name}"] = _payload(target, prefix=f"{prefix}{name}__")
    return JSONObject(**values)


class Fold:
    """One relation of a model's rows (a reverse foreign key or a many-to-many), folded."""

    def __init__(self, model, lookup: str | Prefetch) -> None:
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
            payload = _payload(self.target, prefix=f"{other}__")
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
            inner = inner.filter(**{self.fk_name: OuterRef("pk")})
            payload = _payload(self.target, related=self.related)
            group = self.fk_name
        self.annotation = f"_folded_{name}"
        self.subquery = Subquery(
            inner.order_by().values(group).annotate(rows=JSONRows(payload)).values("rows")
        )

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
        manager = getattr(row, self.name)
        qs = manager.get_queryset()
        qs._result_cache = objs
        qs._prefetch_done = True
        if not hasattr(row, "_prefetched_objects_cache"):
            row._prefetched_objects_cache = {}
        row._prefetched_objects_cache[self.name] = qs

    def _build(self, model, data: dict):
        names, values = [], []
        for f in _fields(model):
            if f.attname in data:
                names.append(f.attname)
                values.append(_value(f, data[f.attname]))
        obj = model.from_db(connection.alias, names, values)
        for name in self.related if model is self.target else ():
            nested = data.get(f"__{name}") or {}
            target = model._meta.get_field(name).related_model
            built = self._build(target, nested) if nested.get("id") is not None else None
            obj.__dict__[f"__{name}"] = built
        return obj


def _value(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(value) if isinstance(value, str) else value
        # SQLite keeps UTC without an offset; PostgreSQL's JSON gives one.
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed
    if isinstance(field, models.DateField):
        return parse_date(value) if isinstance(value, str) else value
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.FileField):
        return value
    return field.to_python(value)


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


def foldable(model, lookup: str | Prefetch) -> bool:
    """Whether `lookup` is one relation of `model` that `Fold` can read (no deeper path)."""
    name = lookup if isinstance(lookup, str) else lookup.prefetch_to
    if "__" in name:
        return False
    field = model._meta.get_field(name)
    return field.one_to_many or field.many_to_many


def fold(queryset: models.QuerySet, lookups: list) -> tuple[models.QuerySet, list[Fold]]:
    """`queryset` annotated with each foldable lookup's rows; the rest prefetched as usual.
    Call `attach(rows, folds)` on the rows it gives."""
    model = queryset.model
    folds = [Fold(model, lookup) for lookup in lookups if foldable(model, lookup)]
    rest = [lookup for lookup in lookups if not foldable(model, lookup)]
    queryset = queryset.annotate(**{f.annotation: f.subquery for f in folds})
    if rest:
        queryset = queryset.prefetch_related(*rest)
    return queryset, folds


def attach(rows: Iterable, folds: list[Fold]) -> None:
    for row in rows:
        for f in folds:
            f.attach(row)
