"""Who may see what is read once and kept between requests (`accounts.scope`), and a role
or directorate taken away stops access at the next request, whatever route took it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import AccessChange, StaffProfile
from accounts.roles import GROUP_NAMES, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def adults_customer(adults):
    return factories.CustomerFactory(directorates=[adults])


def desk(customer) -> str:
    return f"/front-desk/?customer={customer.reference}"


def sql_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_request_reads_the_user_with_their_profile_and_nothing_else_of_them(
        client, officer, adults_customer):
    client.force_login(officer)
    client.get(desk(adults_customer))  # the first request reads the access, and keeps it
    sql = sql_of(client, desk(adults_customer))
    # The session: one query in the database, none when Redis keeps it (ucp.session_store).
    cached = settings.SESSION_ENGINE == "ucp.session_store"
    assert sum('FROM "django_session"' in q for q in sql) == (0 if cached else 1)
    users = [q for q in sql if 'WHERE "auth_user"."id" =' in q]
    assert len(users) == 1 and 'JOIN "accounts_staffprofile"' in users[0]
    assert not [q for q in sql if any(of_them in q for of_them in OF_THE_USER)]


# The queries a request made of the signed-in user before their access was kept.
OF_THE_USER = ('WHERE "auth_user_groups"."user_id" =',
               'WHERE "accounts_staffprofile"."user_id" =',
               'WHERE "accounts_staffprofile_directorates"."staffprofile_id" =')


def test_the_api_reads_the_token_user_and_profile_in_one_query(client, officer,
                                                               adults_customer):
    token = Token.objects.create(user=officer)
    url = f"/api/v1/customers/{adults_customer.reference}/restrictions/"
    client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if any(of_them in q for of_them in OF_THE_USER)]
    assert 'JOIN "accounts_staffprofile"' in next(q for q in sql if "authtoken_token" in q)


def _remove_forward(officer, adults):
    officer.staff_profile.directorates.remove(adults)


def _remove_reverse(officer, adults):
    adults.staff.remove(StaffProfile.objects.get(user=officer))


def _clear_reverse(officer, adults):
    adults.staff.clear()


def _clear_forward(officer, adults):
    StaffProfile.objects.get(user=officer).directorates.clear()


def _set_access(officer, adults, children):
    services.set_access(actor=None, subject=officer, roles=[Role.OFFICER],
                        directorates=[children], council_wide=False,
                        source=AccessChange.Source.COMMAND)


def _set_forward(officer, adults, children):
    StaffProfile.objects.get(user=officer).directorates.set([children])


ROUTES = {
    "profile.directorates.remove": _remove_forward,
    "directorate.staff.remove": _remove_reverse,
    "directorate.staff.clear": _clear_reverse,
    "profile.directorates.clear": _clear_forward,
    "profile.directorates.set": lambda o, a: _set_forward(o, a, factories.DirectorateFactory()),
    "set_access": lambda o, a: _set_access(o, a, factories.DirectorateFactory()),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_directorate_taken_away_stops_access_at_the_next_request(route, client, officer,
                                                                  adults, adults_customer):
    client.force_login(officer)
    assert client.get(desk(adults_customer)).status_code == 200
    assert client.get(desk(adults_customer)).status_code == 200  # now from the cache
    ROUTES[route](officer, adults)
    assert client.get(desk(adults_customer)).status_code == 404


def test_a_directorate_given_counts_at_the_next_request(client, officer, children):
    theirs = factories.CustomerFactory(directorates=[children])
    client.force_login(officer)
    assert client.get(desk(theirs)).status_code == 404
    officer.staff_profile.directorates.add(children)
    assert client.get(desk(theirs)).status_code == 200


@pytest.mark.parametrize("route", ["user.groups.remove", "user.groups.set",
                                   "user.groups.clear",
                                   "group deleted"])
def test_a_role_taken_away_stops_access_at_the_next_request(route, client, officer,
                                                           adults_customer):
    group = Group.objects.get(name=GROUP_NAMES[Role.OFFICER])
    client.force_login(officer)
    assert client.get(desk(adults_customer)).status_code == 200
    assert client.get(desk(adults_customer)).status_code == 200
    if route == "user.groups.remove":
        officer.groups.remove(group)
    elif route == "user.groups.set":
        officer.groups.set([Group.objects.get(name=GROUP_NAMES[Role.DIRECTORATE_LEAD])])
    elif route == "user.groups.clear":
        officer.groups.clear()
    else:
        group.delete()
    assert client.get(desk(adults_customer)).status_code == 403


def test_an_old_copy_of_the_profile_saved_again_does_not_bring_back_what_was_taken(
        client, officer, adults, adults_customer):
    stale = StaffProfile.objects.get(user=officer)
    client.force_login(officer)
    assert client.get(desk(adults_customer)).status_code == 200
    StaffProfile.objects.get(user=officer).directorates.remove(adults)
    stale.job_title = "Officer"
    stale.save()  # the old stamp is not written back
    assert client.get(desk(adults_customer)).status_code == 404


def test_council_wide_sight_taken_away_counts_at_once(client, adults):
    lead = factories.UserFactory(roles=[Role.OFFICER], directorates__council_wide=True)
    elsewhere = factories.CustomerFactory(directorates=[factories.DirectorateFactory()])
    client.force_login(lead)
    assert client.get(desk(elsewhere)).status_code == 200
    StaffProfile.objects.filter(user=lead).update(council_wide=False)  # read on every request
    assert client.get(desk(elsewhere)).status_code == 404


def test_the_cache_away_is_not_an_outage(client, officer, adults_customer, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("cache away")

    client.force_login(officer)
    monkeypatch.setattr(cache, "get", refuse)
    monkeypatch.setattr(cache, "set", refuse)
    assert client.get(desk(adults_customer)).status_code == 200
    officer.staff_profile.directorates.clear()
    assert client.get(desk(adults_customer)).status_code == 404
