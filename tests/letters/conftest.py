"""Letters: private storage per test, Celery eager, and a designated case to write about."""

from __future__ import annotations

import pytest

from tests.conftest import TUE_3_JUNE


@pytest.fixture(autouse=True)
def _letters_in_test_storage_and_eager(letter_storage, eager_celery):
    """Every letter test: PDFs in the per-test folder, mail tasks run in-process."""


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


@pytest.fixture
def designated(frozen, make_case, customer):
    """A case designated on Tuesday 3 June 2025 with a 15-minute time limit."""
    return make_case("designated", customer=customer)
