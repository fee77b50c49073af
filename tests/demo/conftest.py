from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import LONDON

# The volume seed's dates run back from today: a fixed today makes a fixed data set.
TODAY = dt.datetime(2026, 5, 15, 10, 0, tzinfo=LONDON)


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()
