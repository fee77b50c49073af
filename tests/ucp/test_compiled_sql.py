"""ucp.compiled_sql: a statement compiled once per key, its rows read afresh each call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import BooleanField, ExpressionWrapper, Q

from cases.models import Contact, Customer
from tests.factories import ContactFactory, CustomerFactory
from ucp.compiled_sql import CompiledSQL, bind_params

pytestmark = pytest.mark.django_db


def names(name_prefix: str):
    return lambda: (Customer.objects.filter(full_name__startswith=name_prefix)
                    .order_by("full_name").values_list("full_name"))


def test_compiled_once_and_read_afresh():
    cache = CompiledSQL(4)
    CustomerFactory(full_name="Ann Able")
    assert cache.rows("ann", names("Ann")) == [("Ann Able",)]
    CustomerFactory(full_name="Ann Baker")
    assert cache.rows("ann", names("Ann")) == [("Ann Able",), ("Ann Baker",)]
    assert (cache.misses, cache.hits) == (1, 1)


def test_the_key_is_the_statement_not_the_builder():
    """A key names one statement: whatever builder comes with it later is not called. So the
    key must hold every value the statement is built from."""
    cache = CompiledSQL(4)
    CustomerFactory(full_name="Ann Able")
    CustomerFactory(full_name="Bob Baker")
    cache.rows("same key", names("Ann"))
    assert cache.rows("same key", names("Bob")) == [("Ann Able",)]
    assert cache.rows("another key", names("Bob")) == [("Bob Baker",)]


def test_the_least_recently_used_is_dropped_beyond_the_size():
    cache = CompiledSQL(2)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes
        cache.rows(key, names(key.upper()))
    assert cache.misses == 3
    cache.rows("a", names("A"))
    assert cache.misses == 3
    cache.rows("b", names("B"))
    assert cache.misses == 4


def test_a_query_that_can_match_nothing_reads_nothing(django_assert_num_queries):
    cache = CompiledSQL(2)
    with django_assert_num_queries(0):
        assert cache.rows("none", lambda: Customer.objects.filter(pk__in=[])
                          .values_list("pk")) == []


def test_a_bound_value_is_the_calls_own_each_time():
    """`bind`: a statement compiled with a stand-in for a value each call has its own (the
    request's instant) runs with each call's value, compiled once."""
    cache = CompiledSQL(2)
    CustomerFactory(full_name="Ann Able")
    CustomerFactory(full_name="Ann Baker")
    stand_in = "\u2063stand-in\u2063"

    def after(name):
        return lambda: (Customer.objects.filter(full_name__gt=name).order_by("full_name")
                        .values_list("full_name"))

    assert cache.rows("after", after(stand_in), bind={stand_in: "Ann Able"}) == [
        ("Ann Baker",)]
    assert cache.rows("after", after(stand_in), bind={stand_in: "Ann"}) == [
        ("Ann Able",), ("Ann Baker",)]
    assert (cache.misses, cache.hits) == (1, 1)


# --- instances ------------------------------------------------------------------------------


def _contacts(stand_in_at, stand_in_day):
    """Contacts after an instant, of customers made on or after a day, with the customer
    (select_related), an annotation and `only()`: what the ORM builds, built from one
    compiled statement."""
    return lambda: (
        Contact.objects.filter(occurred_at__gt=stand_in_at,
                               customer__created_at__date__gte=stand_in_day)
        .select_related("customer").only("id", "occurred_at", "channel", "customer__id",
                                         "customer__full_name", "customer__reference")
        .annotate(after=ExpressionWrapper(Q(occurred_at__gt=stand_in_at),
                                          output_field=BooleanField()))
        .order_by("occurred_at")
    )


def test_instances_are_what_the_orm_builds(django_assert_num_queries):
    """Each call binds its own values (an instant and a date, which SQLite takes as text)
    into the statement compiled once, and builds the same instances as iterating the
    queryset: fields, deferred fields, the related row, the annotation."""
    cache = CompiledSQL(2)
    base = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)
    contacts = [ContactFactory(occurred_at=base + dt.timedelta(hours=h)) for h in range(4)]
    at_stand_in = dt.datetime(1901, 1, 1, 0, 0, 3, tzinfo=dt.UTC)
    day_stand_in = dt.date(1901, 3, 1)
    lengths = []
    for after in (base, base + dt.timedelta(hours=2), base + dt.timedelta(days=1)):
        day = dt.date(2000, 1, 1)
        orm = list(_contacts(after, day)())
        with django_assert_num_queries(1):
            got = cache.instances("contacts", _contacts(at_stand_in, day_stand_in),
                                  bind={at_stand_in: after, day_stand_in: day})
            shown = [(c.pk, c.occurred_at, c.channel, c.customer.full_name,
                      c.customer.reference, c.after) for c in got]
        assert shown == [(c.pk, c.occurred_at, c.channel, c.customer.full_name,
                          c.customer.reference, c.after) for c in orm]
        assert all(type(c) is Contact and c.get_deferred_fields() == o.get_deferred_fields()
                   for c, o in zip(got, orm, strict=True))
        lengths.append(len(got))
    assert lengths == [3, 1, 0] and (cache.misses, cache.hits) == (1, 2)
    # A day after every customer was made: none.
    assert cache.instances("contacts", _contacts(at_stand_in, day_stand_in),
                           bind={at_stand_in: base, day_stand_in: dt.date(2999, 1, 1)}) == []
    assert contacts


def test_instances_refuse_what_one_statement_cannot_give():
    cache = CompiledSQL(2)
    with pytest.raises(TypeError):
        cache.instances("values", lambda: Customer.objects.values("pk"))
    with pytest.raises(TypeError):
        cache.instances("prefetch", lambda: Customer.objects.prefetch_related("contacts"))
    assert cache.instances("none", lambda: Customer.objects.none()) == []


def test_an_unhashable_parameter_is_left_as_it_is():
    assert bind_params(([1, 2], "a", 5), {"a": "b"}) == ([1, 2], "b", 5)
