"""ucp.compiled_sql: a statement compiled once per key, its rows read afresh each call."""

from __future__ import annotations

import datetime as dt
import re

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


# --- constants written into the statement (PostgreSQL) --------------------------------------

AWKWARD = ["O'Brien", "100% sure", "back\\slash", "'); DROP TABLE cases_customer; --",
           "%s and %%s", "tab\tnew\nline", "Zoë Ćwik"]


@pytest.mark.postgres
def test_constants_are_written_in_and_only_the_stand_ins_are_bound():
    """On PostgreSQL a compiled statement's own values are literals, quoted by the driver,
    and its parameters are only the stand-ins each call binds: the rows are the ORM's for
    names that need quoting, hold a placeholder or try to end the statement."""
    for name in AWKWARD:
        CustomerFactory(full_name=name)
    CustomerFactory(full_name="Zed")
    cache = CompiledSQL(16)
    stand_in = "\u2063stand-in\u2063"
    for i, name in enumerate(AWKWARD):
        def build(first=name, last=stand_in):
            return (Customer.objects.filter(Q(full_name=first) | Q(full_name__contains=first)
                                            | Q(full_name=last))
                    .order_by("full_name").values_list("full_name"))
        got = cache.rows(("awkward", i), build, bind={stand_in: "Zed"})
        assert got == list(build(last="Zed")), name
        _alias, sql, params = cache.statement(("awkward", i), build, stand_ins={stand_in: 1})
        assert params == (stand_in,), name
        assert re.findall(r"%%|%s", sql).count("%s") == 1, name
    assert Customer.objects.count() == len(AWKWARD) + 1


@pytest.mark.postgres
def test_a_statement_of_constants_is_planned_once_per_connection():
    """What writing the constants in is for: PostgreSQL keeps the statement prepared
    (PG_PREPARE_THRESHOLD) with one generic plan, instead of planning it on every call as
    it did while the statuses and directorates were parameters."""
    from django.db import connection  # noqa: PLC0415 - PostgreSQL only

    CustomerFactory(full_name="Ann Able")
    cache = CompiledSQL(4)
    marker = "planned-once-marker"
    for _ in range(8):
        assert cache.rows("once", lambda: Customer.objects.filter(
            full_name__startswith="Ann").exclude(full_name=marker)
            .values_list("full_name")) == [("Ann Able",)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                       "WHERE statement LIKE %s", [f"%{marker}%"])
        plans = cursor.fetchall()
    assert len(plans) == 1
    generic, custom = plans[0]
    assert custom == 0 and generic >= 1


def test_elsewhere_the_statement_is_left_as_the_orm_compiled_it():
    from django.db import connection  # noqa: PLC0415 - the vendor decides

    if connection.vendor == "postgresql":
        pytest.skip("SQLite's form: on PostgreSQL the constants are written in")
    cache = CompiledSQL(2)
    _alias, sql, params = cache.statement(
        "as-is", lambda: Customer.objects.filter(full_name="O'Brien").values_list("pk"))
    assert params == ("O'Brien",) and "O'Brien" not in sql
