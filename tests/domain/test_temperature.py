"""One temperature range and fever line for the gate form and the daily roll."""

from __future__ import annotations

import pytest

from console.checkpoint import gate as cp
from console.core import temperature
from console.core.i18n import DomainError
from console.households import roll


@pytest.mark.parametrize("text, value", [("36.8", 36.8), ("36,8", 36.8), ("３６.８℃", 36.8),
                                         ("368", 36.8), ("42", 42.0), ("34.0", 34.0), ("", None)])
def test_the_gate_and_the_roll_read_the_same_temperatures(text, value):
    assert cp.parse_temp(text) == roll.parse_temp(text) == value


@pytest.mark.parametrize("text", ["42.5", "43", "33.9", "3", "abc", "-36.5"])
def test_the_gate_and_the_roll_refuse_the_same_temperatures(text):
    for parse in (cp.parse_temp, roll.parse_temp):
        with pytest.raises(DomainError, match="34.0 to 42.0") as exc:
            parse(text)
        assert exc.value.field == "temp"


def test_one_fever_line():
    assert temperature.is_fever(37.3) and not temperature.is_fever(37.2)
    assert roll.FEVER_AT == temperature.FEVER
