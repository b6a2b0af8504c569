"""Door numbers as volunteers and chat groups write them."""

from __future__ import annotations

import pytest

from console.core.i18n import DomainError


def test_door_forms():
    from console.households.registry import normalise_door

    for text in ("5-302", "5栋302", "5#302", "５－３０２", "五栋三零二", "5号楼302", "5栋2单元302"):
        assert normalise_door(text) == "5-302", text
    assert normalise_door("十二栋一零一") == "12-101"
    with pytest.raises(DomainError):
        normalise_door("楼下小卖部")
