"""ucp.compiled_sql: a statement compiled once per key, its rows read afresh each call."""

from __future__ import annotations

import pytest

from cases.models import Customer
from tests.factories import CustomerFactory
from ucp.compiled_sql import CompiledSQL

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

    assert cache.rows("after", after(stand_in), bind=(stand_in, "Ann Able")) == [
        ("Ann Baker",)]
    assert cache.rows("after", after(stand_in), bind=(stand_in, "Ann")) == [
        ("Ann Able",), ("Ann Baker",)]
    assert (cache.misses, cache.hits) == (1, 1)
