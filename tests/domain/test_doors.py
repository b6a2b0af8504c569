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


def test_search_finds_a_door_exactly_or_a_name_by_pinyin():
    from console.households.registry import search

    rows = [{"door": "5-302", "head": "王中"}, {"door": "15-302", "head": "李四"},
            {"door": "5-303", "team": "巡逻队"}]
    for text in ("5-302", "5栋302", "5#302", " 五栋三零二 "):
        assert search(rows, text) == [rows[0]], text
    assert search(rows, "15#302") == [rows[1]]
    assert search(rows, "wz") == [rows[0]]
    assert search(rows, "xld", who=("head", "team")) == [rows[2]]
    assert search(rows, "") == rows
    with pytest.raises(DomainError):
        search(rows, "5-3")


def test_find_in_the_doors_read_earlier_says_what_find_says(store):
    """A form checks a door as it is typed against the doors read when it
    opened (find_in), with find's answer and message, and no store."""
    from console.households.registry import doors, find, find_in

    houses = doors(store)
    assert find_in(houses, "1栋101")["head"] == find(store, "1-101")["head"]
    with pytest.raises(DomainError) as typed:
        find_in(houses, "9-909")
    with pytest.raises(DomainError) as saved:
        find(store, "9-909")
    assert (typed.value.key, str(typed.value)) == (saved.value.key, str(saved.value))
