"""References: random and unguessable, except inside `deterministic()`, which the demo uses
to build the same database every time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from cases import references


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
