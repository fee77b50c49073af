"""References: random and unguessable, except inside `deterministic()`, which the demo uses
to build the same database every time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases import references, selectors
from cases.references import normalise_reference


def test_references_use_the_phone_alphabet():
    ref = references.new_reference("UCP")
    assert ref.startswith("UCP-") and len(ref) == 10
    assert set(ref[4:]) <= set(references.ALPHABET)


def test_deterministic_references_repeat_for_the_same_seed():
    with references.deterministic(2026):
        first = [references.new_reference("UCP") for _ in range(5)]
    with references.deterministic(2026):
        again = [references.new_reference("UCP") for _ in range(5)]
    with references.deterministic(7):
        other = [references.new_reference("UCP") for _ in range(5)]
    assert first == again != other


def test_references_are_random_again_after_the_block():
    with references.deterministic(2026):
        seeded = references.new_reference("UCP")
    after = {references.new_reference("UCP") for _ in range(3)}
    assert seeded not in after


def test_a_seeded_block_does_not_reach_other_threads():
    with references.deterministic(2026):
        expected = [references.new_reference("UCP") for _ in range(3)]
    with references.deterministic(2026), ThreadPoolExecutor(max_workers=1) as pool:
        elsewhere = pool.submit(
            lambda: [references.new_reference("UCP") for _ in range(3)]
        ).result()
    assert elsewhere != expected


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("C-ABC234", "C-ABC234"),
        (" c-abc234\n", "C-ABC234"),
        ("D-XY2346", "D-XY2346"),
        ("C-2025-000123", "C-2025-000123"),
    ],
)
def test_a_reference_is_found_however_it_was_typed(typed, stored):
    assert normalise_reference(typed) == stored


@pytest.mark.parametrize(
    "bad",
    ["", "C-", "-ABC", "C-AB\x00C", "C-ABC 234", "C_ABC", "C-" + "A" * 30, "'; DROP TABLE",
     "C-ÅBC", None, 42, ["C-ABC234"]],
)
def test_anything_that_cannot_be_a_reference_is_none(bad):
    assert normalise_reference(bad) is None


@pytest.mark.django_db
def test_a_reference_that_cannot_be_one_is_a_404_without_a_query(officer):
    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        selectors.get_customer_for_user(officer, "C-" + "A" * 300)
    assert queries.captured_queries == []
