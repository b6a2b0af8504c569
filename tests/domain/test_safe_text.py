"""NUL bytes, terminal escapes and bidi overrides never get in: not from a
form, a registry import or a chat sign-up list (a paste: tests/ui/test_paste.py)."""

from __future__ import annotations

import pytest

from console.checkpoint import gate as checkpoint
from console.core import safe_text
from console.households import registry as households, registry_import
from console.purchases import parser as orders_parser

HOSTILE = "王\x00伟\x1b[2J\x1b]0;pwned\x07\u202e203\u202c"


@pytest.mark.parametrize("text, want", [
    ("王伟", ("王伟", False)),
    ("a\tb", ("a b", False)),
    (HOSTILE, ("王伟203", True)),
    ("\x1b[31mred\x1b[0m", ("red", True)),
    ("x\u2066y\u2069\ufeff", ("xy", True)),
])
def test_scrub(text, want):
    assert safe_text.scrub(text) == want


@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r"])
def test_a_pasted_list_keeps_its_lines_whatever_the_terminal_ends_them_with(ends):
    """tmux and many terminals paste with bare CRs: still one line per order."""
    text = ends.join(["1. 5栋302 土豆2斤", "2. 5栋302 牛奶1", "3. 99栋9999 面包"])
    assert safe_text.scrub(text, multiline=True) == (
        "1. 5栋302 土豆2斤\n2. 5栋302 牛奶1\n3. 99栋9999 面包", False)
    assert safe_text.scrub(text)[0].split() == ["1.", "5栋302", "土豆2斤", "2.", "5栋302", "牛奶1",
                                                "3.", "99栋9999", "面包"]


def test_gate_form_stores_clean_text(store, volunteer):
    entry = checkpoint.log_entry(store, volunteer, "西门", {
        "name": HOSTILE, "phone": "", "door": "1-302", "direction": "in", "purpose": "home",
        "outcome": "allowed", "temp": "36.5", "plate": "", "note": "\x1b[1mnote\x00"})
    assert (entry["name"], entry["note"]) == ("王伟203", "note")


def test_registry_import_strips_and_says_on_which_lines(store, leader):
    csv = ("building,door,head,members,grid\n"
           "1,101,\x1b[31m张三\x1b[0m,2,1\n"
           "1,102,李四,2,1\n"
           "1,103,王\u202e五\x00,2,1\n").encode()
    report = registry_import.import_households(store, leader, csv)
    assert report.cleaned == [2, 4], report.lines()
    assert any("removed on lines 2, 4" in line for line in report.lines())
    assert households.find(store, "1-101")["head"] == "张三"
    assert households.find(store, "1-103")["head"] == "王五"


def test_chat_lines_are_cleaned_and_counted(store):
    reg = orders_parser.Registry(households.by_door(store).values())
    result = orders_parser.parse_chat("1. 1栋101 土豆\x1b[8m2斤\n2. 1栋102 牛奶1箱", reg)
    assert result.cleaned == [1]
    assert [o["lines"][0]["item"] for o in result.orders] == ["土豆", "牛奶"]
    assert "\x1b" not in result.orders[0]["raw"]
