"""The chat sign-up (接龙) parser on messy real-world lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.core.i18n import DomainError
from console.purchases.parser import MAX_LINE, Registry, cn_qty, format_items, parse_chat, parse_items

HOMES = [{"door": f"{b}-{f}0{d}", "head": f"户主{b}{f}0{d}", "phone": f"1380000{b}{f}0{d}"}
         for b in (1, 2, 5) for f in range(1, 7) for d in range(1, 5)]
HOMES[0]["head"] = "王秀英"        # 1-101
HOMES[1]["head"] = "李建国"        # 1-102
HOMES[2]["head"] = "李建国"        # 1-103: two heads with one name


@pytest.fixture
def reg():
    return Registry(HOMES)


def one(text, reg):
    res = parse_chat(text, reg)
    assert not res.problems, res.problems
    assert len(res.orders) == 1
    return res.orders[0]


def items(order):
    return [(ln["item"], ln["qty"], ln["unit"]) for ln in order["lines"]]


@pytest.mark.parametrize("text", [
    "3. 5栋302 土豆2斤 牛奶1箱",
    "3、5-302 土豆2斤，牛奶1箱",
    "３．５栋３０２　土豆２斤　牛奶１箱",          # full-width digits, dot and space
    "3) 五栋三零二 土豆两斤 牛奶一箱",
    "3: 5#302 土豆2斤+牛奶1箱",
    "3. 5号楼302室 土豆 2斤 牛奶 1箱",
    "3. 5栋1单元302 两斤土豆 1箱牛奶",
    "3.5栋302土豆2斤牛奶1箱",                      # no spaces at all
])
def test_door_forms_and_several_items(text, reg):
    order = one(text, reg)
    assert order["door"] == "5-302"
    assert order["seq"] == 3
    assert items(order) == [("土豆", 2, "斤"), ("牛奶", 1, "箱")]


@pytest.mark.parametrize("text,expected", [
    ("1. 5-302 猪肉3两", ("猪肉", 3, "两")),
    ("1. 5-302 猪肉半斤", ("猪肉", 0.5, "斤")),
    ("1. 5-302 鸡蛋30个", ("鸡蛋", 30, "个")),
    ("1. 5-302 大米1袋", ("大米", 1, "袋")),
    ("1. 5-302 鸡蛋十个", ("鸡蛋", 10, "个")),
    ("1. 5-302 猪肉两两", ("猪肉", 2, "两")),
    ("1. 5-302 35元爱心菜包1份", ("35元爱心菜包", 1, "份")),
    ("1. 5-302 排骨1.5斤", ("排骨", 1.5, "斤")),
    ("1. 5-302 牛奶×2箱", ("牛奶", 2, "箱")),
])
def test_units(text, expected, reg):
    assert items(one(text, reg)) == [expected]


def test_names_instead_of_doors(reg):
    order = one("2．王秀英 鸡蛋３０个（要土鸡蛋）", reg)
    assert order["door"] == "1-101" and order["person"] == "王秀英"
    assert order["lines"][0]["note"] == "要土鸡蛋"
    assert order["phone"] == "13800001101"


def test_ambiguous_name_asks_for_door(reg):
    res = parse_chat("1. 李建国 土豆2斤", reg)
    assert not res.orders
    assert res.problems[0]["key"] == "orders.ambiguous_name"
    assert "1-102" in res.problems[0]["message"]


def test_person_phone_and_notes(reg):
    order = one("4. 5-302张三 13912345678 白菜一棵(小的) 面条2包 备注：放门口，不要按门铃", reg)
    assert order["person"] == "张三" and order["phone"] == "13912345678"
    assert items(order) == [("白菜", 1, "棵"), ("面条", 2, "包")]
    assert order["lines"][0]["note"] == "小的"
    assert order["note"] == "放门口,不要按门铃"


def test_registry_head_is_default_person(reg):
    assert one("1. 1-101 土豆1斤", reg)["person"] == "王秀英"


def test_every_bad_line_is_reported_with_its_number(reg):
    text = "\n".join([
        "#接龙 3月5日代购",
        "例：5栋302 土豆2斤",
        "",
        "1. 5栋302 土豆2斤",
        "2. 5栋302 牛奶1",             # missing unit
        "3. 9-901 土豆2斤",            # unknown door
        "4. 5栋302 土豆0斤",           # zero
        "5. 5栋302 面包",              # no quantity
        "6. 张三丰 土豆1斤",           # no door, unknown name
        "7. 5栋302",                   # nothing to buy
        "8. 5栋302 米9999斤",          # absurd quantity
        "今天的菜真贵",                # chatter
    ])
    res = parse_chat(text, reg)
    assert [o["line_no"] for o in res.orders] == [4]
    assert res.headers == [1, 2]
    got = {p["line_no"]: p["key"] for p in res.problems}
    assert got == {5: "orders.no_unit", 6: "orders.unknown_door", 7: "orders.zero_qty",
                   8: "orders.no_qty", 9: "orders.no_household", 10: "orders.no_items",
                   11: "orders.big_qty", 12: "orders.no_household"}
    assert "牛奶1" in res.problems[0]["message"]
    assert res.problems[0]["raw"] == "2. 5栋302 牛奶1"


def test_desk_item_entry_roundtrip():
    lines = parse_items("土豆2斤 牛奶1箱(全脂) 猪肉半斤")
    assert [(x["item"], x["qty"], x["unit"], x["note"]) for x in lines] == [
        ("土豆", 2, "斤", ""), ("牛奶", 1, "箱", "全脂"), ("猪肉", 0.5, "斤", "")]
    assert parse_items(format_items(lines)) == lines


@pytest.mark.parametrize("text,key", [
    ("", "orders.no_items"), ("土豆", "orders.no_qty"), ("土豆2", "orders.no_unit"),
    ("土豆-2斤", "orders.zero_qty"), ("土豆0斤", "orders.zero_qty"),
])
def test_desk_item_entry_errors(text, key):
    with pytest.raises(DomainError) as exc:
        parse_items(text)
    assert exc.value.key == key


@pytest.mark.parametrize("text", ["土豆-2斤", "土豆 -2斤", "土豆 －2斤", "牛奶1箱 土豆 -2斤"])
def test_a_minus_quantity_is_refused_naming_the_item(text):
    with pytest.raises(DomainError) as exc:
        parse_items(text)
    assert exc.value.key == "orders.zero_qty" and "“土豆”" in str(exc.value)


def test_cn_qty():
    assert [cn_qty(x) for x in ("2", "两", "十", "十二", "二十", "半", "一半", "1.5")] == [
        2, 2, 10, 12, 20, 0.5, 1.5, 1.5]


def test_cli_parse_orders(store, tmp_path):
    """`python app.py parse-orders FILE`: JSON per order, numbered problems, exit 1, no writes."""
    f = tmp_path / "list.txt"
    f.write_text("#接龙\n1. 1-101 土豆2斤\n2. 1-101 牛奶1\n", encoding="utf-8")
    before = sorted(p.name for p in store.data_files())
    out = subprocess.run([sys.executable, "app.py", "--data-dir", str(store.root), "--lang", "en",
                          "parse-orders", str(f)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 1, out.stderr
    rows = out.stdout.splitlines()
    order = json.loads(rows[0])
    assert order["door"] == "1-101" and order["line_no"] == 2
    assert any(r.startswith("3:") and "no unit" in r for r in rows[1:] + out.stderr.splitlines())
    assert sorted(p.name for p in store.data_files()) == before
    f.write_text("1. 1-101 土豆2斤\n", encoding="utf-8")
    ok = subprocess.run([sys.executable, "app.py", "--data-dir", str(store.root),
                         "parse-orders", str(f)], capture_output=True, text=True,
                        cwd=Path(__file__).resolve().parents[2])
    assert ok.returncode == 0


@pytest.mark.parametrize("text", ["土豆" * 4000, "土豆" * 16000, "一" * 1200, "1" * 8000,
                                  "注:" * 4000, "1栋101 " + "土豆2斤(" * 1000])
def test_lines_past_a_sane_length_are_refused_with_a_message(text):
    """Long pastes come back as one problem each, at once (bench/bench_parser.py
    times the parser itself on such lines)."""
    reg = Registry([{"door": "1-101", "head": "张三"}])
    result = parse_chat(f"1. 1栋101 白菜1棵\n2. {text}", reg)
    assert len(result.orders) == 1
    [problem] = result.problems
    assert problem["line_no"] == 2 and problem["key"] == "orders.long_line"
    assert f"at most {MAX_LINE}" in problem["message"]
    with pytest.raises(DomainError) as err:
        parse_items(text)
    assert err.value.key == "orders.long_line"
