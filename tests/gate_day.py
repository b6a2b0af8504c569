"""The checkpoint tests' day: the 西门 gate on 2026-03-05, the clock at 10:00
(+08:00), the same moment as the errands' T0 (tests/errand_helpers.py)."""

from __future__ import annotations

import pytest

from tests.errand_helpers import T0

GATE = "西门"
NOW = T0
DAY = NOW.date().isoformat()


@pytest.fixture
def gate_day(freeze_clock):
    """The clock frozen at NOW; a test moves it with ``gate_day.set``."""
    return freeze_clock(NOW)
