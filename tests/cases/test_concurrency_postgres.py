"""Races that only a real database with row locks can show.

Two senior managers press "Designate" and "Do not designate" on the same case at the same
moment; two officers refer the same customer at the same moment. The row locks taken by the
services must let exactly one through.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.roles import Role
from cases import services
from cases.models import CaseEvent, CaseState, DesignationCase
from tests.factories import (
    CustomerFactory,
    UserFactory,
    make_case,
    some_indicators,
    time_limit_sanction,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def run_together(*calls):
    """Run each call in its own thread (own DB connection), released by one barrier."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what we compare
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results


def test_designate_and_decline_at_the_same_moment(adults):
    senior_a = UserFactory(roles=[Role.SENIOR_MANAGER], directorates=[adults])
    senior_b = UserFactory(roles=[Role.SENIOR_MANAGER], directorates=[adults])
    case = make_case("awaiting_decision", directorate=adults, senior_manager=senior_a)
    indicators = some_indicators(1)

    def designate():
        fresh = DesignationCase.objects.get(pk=case.pk)
        return services.case_designate(
            actor=senior_a,
            case=fresh,
            expected_state="awaiting_decision",
            reasons="Persistent calls about the same matter.",
            indicators=indicators,
            sanctions=time_limit_sanction(fresh),
        )

    def decline():
        fresh = DesignationCase.objects.get(pk=case.pk)
        return services.case_decline(
            actor=senior_b,
            case=fresh,
            expected_state="awaiting_decision",
            reasons="Not persistent.",
        )

    results = run_together(designate, decline)

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, services.CaseChanged)
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.state in (CaseState.DESIGNATED, CaseState.CLOSED)
    decisions = CaseEvent.objects.filter(case=case, kind__in=["designate", "decline"])
    assert decisions.count() == 1
    assert decisions.get().to_state == case.state


def test_two_designations_at_the_same_moment_record_one(adults):
    senior_a = UserFactory(roles=[Role.SENIOR_MANAGER], directorates=[adults])
    senior_b = UserFactory(roles=[Role.SENIOR_MANAGER], directorates=[adults])
    case = make_case("awaiting_decision", directorate=adults, senior_manager=senior_a)
    indicators = some_indicators(1)

    def designate_as(user):
        def call():
            return services.case_designate(
                actor=user,
                case=DesignationCase.objects.get(pk=case.pk),
                reasons=f"Persistent calls, decided by {user.username}.",
                indicators=indicators,
                sanctions=time_limit_sanction(case),
            )

        return call

    results = run_together(designate_as(senior_a), designate_as(senior_b))
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert all(isinstance(v, services.CaseChanged) for k, v in results if k == "error")
    assert CaseEvent.objects.filter(case=case, kind="designate").count() == 1


def test_two_referrals_of_one_customer_at_the_same_moment_open_one_case(adults):
    customer = CustomerFactory(directorates=[adults])
    officers = [UserFactory(roles=[Role.OFFICER], directorates=[adults]) for _ in range(2)]
    indicators = some_indicators(1)

    def refer_as(user):
        def call():
            return services.case_refer(
                actor=user,
                customer=customer,
                directorate=adults,
                reason=f"Referral by {user.username}.",
                indicators=indicators,
            )

        return call

    results = run_together(*(refer_as(o) for o in officers))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(created for _, (_case, created) in results) == [False, True]
    assert DesignationCase.objects.filter(customer=customer).count() == 1
