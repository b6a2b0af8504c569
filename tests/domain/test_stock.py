"""Thermometer ledger: movements, refusals that change nothing, views, invariants."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import app  # noqa: F401  (registers the CLI commands)
from console.core import clock, operators
from console.stock import balances, handouts, items, values
from console.stock import ledger as stock
from console.core.i18n import DomainError
from console.core.store import Store, StoreError
from tests.conftest import _small_households
from tests import needs

NOW = dt.datetime(2020, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _frozen(freeze_clock):
    return freeze_clock(NOW)


def _file(store: Store) -> bytes:
    """The whole journal: a refused call must not add a line to it."""
    return b"".join(p.read_bytes() for p in sorted((store.root / "journal").glob("*.jsonl")))


@contextmanager
def unchanged(store: Store, key: str):
    """The call must fail with ``key`` and leave the journal byte-identical."""
    before = _file(store)
    with pytest.raises(DomainError) as err:
        yield err
    assert err.value.key == key, err.value.key
    assert _file(store) == before


def test_receive_issue_and_balance_is_sum_of_movements(store, volunteer):
    stock.receive(store, volunteer, "mercury", 8, "城东社区卫生服务中心", "3.5", "2020-03-03")
    stock.receive(store, volunteer, "mercury", "１２", "城西社区卫生服务中心", 4, "2020-03-04")
    first = stock.issue(store, volunteer, "1栋101")
    assert first["door"] == "1-101" and first["delta"] == -1 and not first["replacement"]
    bal = {b["item"]: b for b in balances.balances(store)}
    assert bal["mercury"]["balance"] == 19 == sum(m["delta"] for m in balances.movements(store))
    assert bal["mercury"]["received"] == 20 and bal["mercury"]["given"] == 1
    assert balances.held_by_door(store) == {"1-101": 1}


def test_handout_is_free_no_money_anywhere_on_it(store, volunteer):
    stock.receive(store, volunteer, "mercury", 2, "中心A", "3.50")
    doc = stock.issue(store, volunteer, "1-101")
    assert not {k for k in doc if "fen" in k or "cost" in k or "price" in k}
    record = store.table(stock.HANDOUTS).all()[0]
    assert not {k for k in record if "fen" in k or "cost" in k or "price" in k}
    with pytest.raises(TypeError):
        stock.issue(store, volunteer, "1-102", price=350)  # there is no way to pass one


def test_second_thermometer_needs_reason_and_shows_as_replacement(store, volunteer):
    stock.receive(store, volunteer, "mercury", 5, "中心A")
    stock.issue(store, volunteer, "1-101")
    with unchanged(store, "stock.second") as err:
        stock.issue(store, volunteer, "1-101")
    assert err.value.field == "reason" and "1-101" in str(err.value)
    with unchanged(store, "stock.second"):
        stock.issue(store, volunteer, "1-101", item="digital")  # any thermometer counts
    with unchanged(store, "stock.bad_reason"):
        stock.issue(store, volunteer, "1-101", reason="wanted two")
    again = stock.issue(store, volunteer, "1-101", reason="broken")
    assert again["replacement"] and again["reason"] == "broken"
    rec = store.table(stock.HANDOUTS).all()[0]
    assert rec["held"] == 2 and rec["replacements"] == 1 and len(rec["movements"]) == 2
    with unchanged(store, "stock.second"):
        stock.issue(store, volunteer, "1-102", qty=2)  # one per household by default


def test_bad_input_changes_nothing(store, volunteer, leader):
    stock.receive(store, volunteer, "mercury", 3, "中心A")
    for qty in (0, -1, "", "abc", "1.5", True):
        with unchanged(store, "stock.bad_qty"):
            stock.receive(store, volunteer, "mercury", qty, "中心A")
    with unchanged(store, "stock.bad_cost"):
        stock.receive(store, volunteer, "mercury", 3, "中心A", "-2")
    with unchanged(store, "stock.need_source"):
        stock.receive(store, volunteer, "mercury", 3, "  ")
    with unchanged(store, "stock.bad_item"):
        stock.receive(store, volunteer, "aspirin", 3, "中心A")
    with unchanged(store, "households.unknown_door"):
        stock.issue(store, volunteer, "9-999")
    with unchanged(store, "households.bad_door"):
        stock.issue(store, volunteer, "hello")
    with unchanged(store, "stock.not_handout"):
        stock.issue(store, volunteer, "1-101", item="gun")
    with unchanged(store, "stock.not_lent"):
        stock.give_back(store, volunteer, team="第3组")
    with unchanged(store, "stock.not_lent"):
        stock.give_back(store, volunteer, loan=1)  # #1 is a receipt, not a loan
    for text in ("abc", "-3", "2.5", ""):
        with unchanged(store, "stock.bad_count") as err:
            stock.stock_take(store, leader, "mercury", text, "count")
        assert err.value.field == "counted"
    with unchanged(store, "stock.bad_date"):
        stock.receive(store, volunteer, "mercury", 3, "中心A", 0, "yesterday")
    assert balances.balances(store)[0]["balance"] == 3


def test_negative_balance_refused_with_the_current_balance(store, volunteer):
    stock.receive(store, volunteer, "mercury", 1, "中心A")
    stock.issue(store, volunteer, "1-101")
    with unchanged(store, "stock.negative") as err:
        stock.issue(store, volunteer, "1-102")
    assert err.value.params["balance"] == 0 and "balance is 0" in str(err.value)
    assert err.value.field == "qty"
    with unchanged(store, "stock.negative") as err:
        stock.write_off(store, volunteer, "mercury", 1, "broken", "dropped")
    assert "1-102" not in balances.held_by_door(store)


def test_guns_lent_returned_overdue_and_never_lent(store, volunteer):
    stock.receive(store, volunteer, "gun", 2, "区卫健局")
    with unchanged(store, "stock.not_loan"):
        stock.lend(store, volunteer, "mercury", "第1组", NOW + dt.timedelta(hours=8))
    with unchanged(store, "stock.bad_due"):
        stock.lend(store, volunteer, "gun", "第1组", NOW - dt.timedelta(hours=1))
    with unchanged(store, "stock.need_team"):
        stock.lend(store, volunteer, "gun", " ", NOW + dt.timedelta(hours=1))
    a = stock.lend(store, volunteer, "gun", "第1组", NOW + dt.timedelta(hours=2))
    b = stock.lend(store, volunteer, "gun", "第2组", "2020-03-05T20:00")
    with unchanged(store, "stock.negative"):
        stock.lend(store, volunteer, "gun", "第3组", NOW + dt.timedelta(hours=2))
    later = NOW + dt.timedelta(hours=3)
    out = {m["no"]: m["overdue"] for m in balances.loans(store, later)}
    assert out == {a["no"]: True, b["no"]: False}
    assert [al.key for al in balances.stock_alerts(store, later)] == [f"stock.overdue.{a['no']}"]
    stock.give_back(store, volunteer, team="第1组")
    with unchanged(store, "stock.not_lent"):
        stock.give_back(store, volunteer, loan=a["no"])  # already back
    stock.give_back(store, volunteer, loan=b["no"], outcome="lost", note="丢在楼道")
    gun = next(x for x in balances.balances(store) if x["item"] == "gun")
    assert (gun["balance"], gun["out"]) == (1, 0)
    assert balances.loans(store) == []


def test_stock_take_is_leader_only_and_records_counted_against_expected(store, volunteer, leader):
    stock.receive(store, volunteer, "mercury", 10, "中心A")
    with unchanged(store, "auth.leader_only"):
        stock.stock_take(store, volunteer, "mercury", 9, "count")
    with unchanged(store, "stock.need_reason"):
        stock.stock_take(store, leader, "mercury", 9, "")
    m = stock.stock_take(store, leader, "mercury", "８", "counted in the evening")
    assert (m["expected"], m["counted"], m["delta"]) == (10, 8, -2)
    assert balances.balances(store)[0]["balance"] == 8


def test_corrections_are_new_movements(store, volunteer, leader):
    r = stock.receive(store, volunteer, "mercury", 10, "中心A", "2")
    i = stock.issue(store, volunteer, "1-101")
    with unchanged(store, "auth.leader_only"):
        stock.reverse(store, volunteer, i["no"], "wrong door")
    stock.reverse(store, leader, i["no"], "wrong door")
    assert balances.held_by_door(store) == {"1-101": 0}
    assert balances.without_thermometer(store, 1)[1][0]["door"] == "1-101"
    with unchanged(store, "stock.already_reversed"):
        stock.reverse(store, leader, i["no"], "again")
    with unchanged(store, "stock.no_movement"):
        stock.reverse(store, leader, 99, "x")
    stock.issue(store, volunteer, "1-101")  # a first one again, no reason needed
    with unchanged(store, "stock.negative"):  # 10 in, 1 out: 10 can't be taken back
        stock.reverse(store, leader, r["no"], "counted twice")
    kinds = [m["kind"] for m in balances.movements(store)]
    assert kinds == ["receive", "issue", "reverse", "issue"]


def test_reversing_a_receipt_nets_out_of_sources_and_cannot_go_negative(store, volunteer, leader):
    r = stock.receive(store, volunteer, "mercury", 10, "中心A", "2")
    stock.receive(store, volunteer, "mercury", 5, "中心B", "3")
    stock.issue(store, volunteer, "1-101")
    src = {s["source"]: s for s in balances.sources(store)}
    assert (src["中心A"]["qty"], src["中心A"]["cost_fen"]) == (10, 2000)
    stock.reverse(store, leader, r["no"], "entered twice")
    assert [s["source"] for s in balances.sources(store)] == ["中心B"]
    assert balances.balances(store)[0]["balance"] == 4
    r2 = stock.receive(store, volunteer, "mercury", 9, "中心C")
    stock.issue(store, volunteer, "1-102")
    stock.issue(store, volunteer, "1-103")
    stock.issue(store, volunteer, "1-104")
    stock.issue(store, volunteer, "1-201")
    stock.issue(store, volunteer, "1-202")  # balance now 13 - 5 = 8 < 9
    with unchanged(store, "stock.negative"):
        stock.reverse(store, leader, r2["no"], "x")


def test_ledger_is_append_only_in_the_store(store, volunteer):
    stock.receive(store, volunteer, "mercury", 3, "中心A")
    with pytest.raises(StoreError):
        store.table(stock.MOVES).update({"qty": 300}, doc_ids=[1])
    with pytest.raises(StoreError):
        store.table(stock.MOVES).remove(doc_ids=[1])
    assert balances.movements(store)[0]["qty"] == 3


@needs.font
def test_views_sources_missing_low_and_sheet(store, volunteer, leader, tmp_path):
    stock.receive(store, volunteer, "mercury", 8, "中心A", "3.5")
    stock.receive(store, volunteer, "mercury", 4, "中心B", "4")
    for door in ("1-101", "1-102", "2-101"):
        stock.issue(store, volunteer, door)
    assert [(s["source"], s["qty"], s["cost_fen"]) for s in balances.sources(store)] == [
        ("中心A", 8, 2800), ("中心B", 4, 1600)]
    missing = balances.without_thermometer(store)
    assert len(missing[1]) == 22 and len(missing[2]) == 23
    assert missing[1][0]["door"] == "1-103"
    assert not next(r for r in missing[1] if r["door"] == "1-604")["at_home"]
    bal = balances.balances(store)[0]
    assert bal["balance"] == 9 and bal["is_low"]  # default warning at 30
    with pytest.raises(DomainError):
        items.set_low(store, volunteer, "mercury", 5)
    items.set_low(store, leader, "mercury", "5")
    assert not balances.balances(store)[0]["is_low"]
    assert balances.stock_alerts(store, NOW) == []
    pdf = handouts.handout_sheet(store, 1, tmp_path / "b1.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000


def test_items_are_configurable(store, volunteer, leader):
    from console.core import settings
    settings.put(store, leader, "stock_items", [
        {"key": "ear", "zh": "耳温枪", "en": "ear thermometer", "kind": "handout", "low": 1}])
    stock.receive(store, volunteer, "ear", 2, "捐赠")
    assert stock.issue(store, volunteer, "2-101")["item"] == "ear"
    with pytest.raises(DomainError):
        stock.receive(store, volunteer, "mercury", 2, "中心A")


def test_money_parsing():
    assert values.parse_yuan("3.5") == 350 and values.parse_yuan("３.０５元") == 305
    assert values.parse_yuan(4) == 400 and values.yuan(35050) == "350.50"
    for bad in ("-1", "abc", "1.234", ""):
        with pytest.raises(DomainError):
            values.parse_yuan(bad)


def test_counts_and_warning_levels_are_whole_numbers_zero_allowed():
    assert values.parse_count("０") == 0 and values.parse_count(" 12 ") == 12
    assert items.parse_low("0") == 0 and items.parse_low("３０") == 30
    for bad in ("-4", "4a", "1.5", ""):
        with pytest.raises(DomainError) as refused:
            values.parse_count(bad)
        assert refused.value.field == "counted" and f"not “{bad}”" in str(refused.value)
        with pytest.raises(DomainError) as refused:
            items.parse_low(bad)
        assert refused.value.field == "low" and "whole number (0 or more)" in str(refused.value)


def test_loan_hours_are_whole_hours_up_to_a_week(clk):
    assert values.loan_hours("8") == 8 and values.loan_hours("８") == 8 and values.loan_hours(" 168 ") == 168
    assert values.due_in("2") == clock.now() + dt.timedelta(hours=2)
    for bad in ("", "0", "-5", "1.5", "八", "169", "99999999999"):
        with pytest.raises(DomainError) as refused:
            values.loan_hours(bad)
        assert refused.value.field == "hours" and "1 to 168" in str(refused.value)


def test_cli_prints_balances(store, volunteer, capsys):
    stock.receive(store, volunteer, "mercury", 8, "中心A", "3.5")
    assert app.main(["--data-dir", str(store.root), "stock"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("mercury"))
    assert line.split()[2] == "8"
    assert app.main(["--data-dir", str(store.root), "stock", "--sources"]) == 0
    assert "28.00" in capsys.readouterr().out


# -- invariants under random sequences -----------------------------------------

DOORS = ["1-101", "1-102", "1-103", "2-101", "9-999"]
ops = st.one_of(
    st.tuples(st.just("receive"), st.sampled_from(["mercury", "digital", "gun", "nope"]),
              st.sampled_from([1, 2, 5, 0, -1, "x"])),
    st.tuples(st.just("issue"), st.sampled_from(DOORS),
              st.sampled_from([None, "broken", "lost", "bad"]), st.sampled_from(["mercury", "digital"])),
    st.tuples(st.just("lend"), st.sampled_from(["t1", "t2"])),
    st.tuples(st.just("return"), st.sampled_from(["t1", "t2", "t3"]), st.sampled_from(["return", "lost"])),
    st.tuples(st.just("write_off"), st.sampled_from(["mercury", "gun"]), st.sampled_from([1, 3])),
    st.tuples(st.just("adjust"), st.sampled_from(["mercury", "digital"]), st.sampled_from([0, 2, 7, "n"])),
    st.tuples(st.just("reverse"), st.integers(1, 25)),
)


def _apply(store, leader, op):
    kind, *a = op
    if kind == "receive":
        return stock.receive(store, leader, a[0], a[1], "中心", 1)
    if kind == "issue":
        return stock.issue(store, leader, a[0], item=a[2], reason=a[1])
    if kind == "lend":
        return stock.lend(store, leader, "gun", a[0], NOW + dt.timedelta(hours=1))
    if kind == "return":
        return stock.give_back(store, leader, team=a[0], outcome=a[1])
    if kind == "write_off":
        return stock.write_off(store, leader, a[0], a[1], "lost", "note")
    if kind == "adjust":
        return stock.stock_take(store, leader, a[0], a[1], "count")
    return stock.reverse(store, leader, a[0], "fix")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ops, min_size=1, max_size=25))
def test_ledger_invariants_under_random_movements(monkeypatch, sequence):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # speed only; atomicity is tested elsewhere
    leader = operators.Actor("组长甲", "leader")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        _small_households(store)
        seen: list[dict] = []
        for op in sequence:
            before = _file(store)
            try:
                _apply(store, leader, op)
            except DomainError:
                assert _file(store) == before, op  # refused: nothing changed
            moves = balances.movements(store)
            strip = [{k: v for k, v in m.items()} for m in moves]
            assert strip[:len(seen)] == seen, "a movement was edited or removed"
            seen = strip
            assert [m["no"] for m in moves] == list(range(1, len(moves) + 1))
            sums: dict[str, int] = {}
            for m in moves:
                sums[m["item"]] = sums.get(m["item"], 0) + m["delta"]
                assert m["qty"] > 0 or m["kind"] == "adjust"
                assert m["kind"] != "issue" or not any("fen" in k for k in m)
            running: dict[str, int] = {}
            for m in moves:  # never negative at any point in history
                running[m["item"]] = running.get(m["item"], 0) + m["delta"]
                assert running[m["item"]] >= 0
            for b in balances.balances(store):
                assert b["balance"] == sums.get(b["item"], 0) >= 0
                assert b["out"] == sum(m["qty"] for m in balances.loans(store) if m["item"] == b["item"])
            held: dict[str, int] = {}
            for m in moves:
                if m.get("door"):
                    held[m["door"]] = held.get(m["door"], 0) + (-m["delta"])
            assert balances.held_by_door(store) == held


@pytest.mark.parametrize("days", [2, 28])
def test_demo_moves_are_all_in_the_past_and_guns_are_due_after_they_are_lent(tmp_path, days):
    import random

    from console.demo import roster as demo, stock as stock_demo
    s = Store(tmp_path / "d")
    demo.add_roster(s)
    demo.add_households(s, random.Random(1))
    stock_demo.part(s, random.Random(2), days)
    moves = balances.movements(s)
    now = clock.now()
    assert moves and all(dt.datetime.fromisoformat(m["at"]) <= now for m in moves)
    lent = [m for m in moves if m["kind"] == "lend"]
    assert lent and all(m["due"] > m["at"] for m in lent)
    assert [m["team"] for m in balances.loans(s, now) if m["overdue"]] == ["第4组"]


def test_a_gun_cannot_be_due_before_it_is_lent(store, leader):
    stock.receive(store, leader, "gun", 1, "区卫健委")
    with stock.ledger(store, leader) as led, pytest.raises(DomainError) as exc:
        led.lend("gun", "第1组", "2026-03-05T08:00:00+08:00", at="2026-03-05T09:00:00+08:00")
    assert exc.value.field == "due"
