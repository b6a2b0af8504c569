"""Requests, catalogue, runs (aggregation, packing, receipts), delivery and settlement."""

from __future__ import annotations

import datetime as dt

import pytest

from console.purchases import catalogue as C
from console.purchases import form_values as F
from console.purchases import orders as P
from console.purchases import runs as R
from console.purchases import settlement as D  # delivery and settlement
from console.core.i18n import DomainError
from tests import needs

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def frozen(freeze_clock):
    return freeze_clock(at(4, 9))


def err(fn, *a, **kw) -> DomainError:
    with pytest.raises(DomainError) as exc:
        fn(*a, **kw)
    return exc.value


# ---------------------------------------------------------------- money
@pytest.mark.parametrize("text,fen", [("35", 3500), ("35.5", 3550), ("35.50", 3550), ("0", 0),
                                      ("¥12.3", 1230), ("８.０５", 805), (" 7元 ", 700), (35, 3500)])
def test_money_accepted(text, fen):
    if fen is None:   # full-width is normalised by the UI; the domain refuses it plainly
        assert err(F.parse_money, text).key == "purchases.bad_money"
    else:
        assert F.parse_money(text) == fen


@pytest.mark.parametrize("text,key", [("35.505", "purchases.money_decimals"),
                                      ("-3", "purchases.money_negative"),
                                      ("abc", "purchases.bad_money"), ("", "purchases.bad_money"),
                                      ("1e3", "purchases.bad_money"),
                                      ("99999999", "purchases.money_big")])
def test_money_refused(text, key):
    assert err(F.parse_money, text).key == key


def test_money_format():
    assert [F.money(x) for x in (0, 5, 3550, 123456)] == ["0.00", "0.05", "35.50", "1234.56"]


# ---------------------------------------------------------------- requests
def test_create_request_numbers_and_fields(store, volunteer, frozen):
    a = P.create_request(store, volunteer, "1栋101", lines="土豆2斤 牛奶1箱", note="不要辣",
                         budget="50")
    b = P.create_request(store, volunteer, "1-102", person="李四", lines=[
        {"item": "大米", "qty": 1, "unit": "袋"}])
    assert a["no"] == "0304-001" and b["no"] == "0304-002"
    assert a["door"] == "1-101" and a["person"] == "户主1101" and a["budget_fen"] == 5000
    assert a["status"] == "new" and a["run"] is None
    got = P.get_request(store, a["id"])
    assert got["lines"][0] == {"item": "土豆", "qty": 2, "unit": "斤", "note": "", "short": False}
    assert got["_by"]["op"] == "" and got["_at"].startswith("2026-03-04T09:00")


@pytest.mark.parametrize("kw,key", [
    ({"door": "9-999"}, "households.unknown_door"),
    ({"door": "hello"}, "households.bad_door"),
    ({"door": "1-101", "lines": [{"item": "土豆", "qty": 0, "unit": "斤"}]}, "orders.zero_qty"),
    ({"door": "1-101", "lines": [{"item": "土豆", "qty": -1, "unit": "斤"}]}, "orders.zero_qty"),
    ({"door": "1-101", "lines": [{"item": "土豆", "qty": 2, "unit": ""}]}, "orders.no_unit"),
    ({"door": "1-101", "lines": "土豆2"}, "orders.no_unit"),
    ({"door": "1-101", "budget": "3.333"}, "purchases.money_decimals"),
])
def test_bad_requests_refused_and_nothing_written(store, volunteer, kw, key):
    assert err(P.create_request, store, volunteer, **kw).key == key
    assert P.requests(store) == []


def test_checkpoint_redirect_request_gets_lines(store, volunteer, frozen):
    """The checkpoint writes a bare request; the desk fills in its items."""
    doc_id = store.table(P.REQUESTS).insert({
        "door": "2-301", "person": "访客", "phone": "139", "status": "new",
        "source": {"checkpoint": "2026-03-04", "id": 7}, "lines": []})
    assert [r["id"] for r in P.requests(store, "new")] == [doc_id]
    row = P.set_lines(store, volunteer, doc_id, "白糖5斤", note="工厂原料")
    assert row["lines"][0]["item"] == "白糖" and row["no"] == "0304-001"
    assert row["source"]["checkpoint"] == "2026-03-04" and row["ordered_at"]


# ---------------------------------------------------------------- runs
def test_run_collects_orders_before_deadline_and_later_ones(store, volunteer, leader, frozen):
    early = P.create_request(store, volunteer, "1-101", lines="土豆2斤")
    empty = P.create_request(store, volunteer, "1-102")
    frozen.t = at(4, 21)   # after the 20:00 deadline for the 5th
    late = P.create_request(store, volunteer, "1-103", lines="土豆1斤")
    run = R.create_run(store, leader, "2026-03-05", "平价超市")
    assert run["deadline"] == at(4, 20).isoformat()
    assert run["requests"] == [early["id"]]
    assert P.get_request(store, late["id"])["status"] == "new"
    assert P.get_request(store, empty["id"])["status"] == "new"
    # the next run's orders join as they come in
    nxt = R.create_run(store, leader, "2026-03-07", "平价超市")
    assert nxt["requests"] == [late["id"]]
    again = P.create_request(store, volunteer, "1-104", lines="白菜1棵")
    assert again["run"] == nxt["id"] and again["status"] == "in_run"
    assert R.get_run(store, nxt["id"])["requests"] == [late["id"], again["id"]]
    assert err(R.create_run, store, leader, "2026-03-07", "平价超市").key == "purchases.run_exists"


def test_last_shop_is_the_newest_runs(store, leader, frozen):
    assert R.last_shop(store) == ""
    R.create_run(store, leader, "2026-03-05", "平价超市")
    R.create_run(store, leader, "2026-03-06", "中百")
    assert R.last_shop(store) == "中百" == R.runs(store)[0]["shop"]


def _bought_run(store, volunteer, leader):
    a = P.create_request(store, volunteer, "1-101", lines="土豆2斤 牛奶1箱 猪肉3两")
    b = P.create_request(store, volunteer, "1-102", lines="土豆1.5斤 猪肉1斤(瘦的) 鸡蛋10个")
    c = P.create_request(store, volunteer, "2-101", lines="牛奶2箱")
    run = R.create_run(store, leader, "2026-03-05", "平价超市")
    return run, a, b, c


def test_shopping_list_combines_per_item(store, volunteer, leader, frozen):
    run, *_ = _bought_run(store, volunteer, leader)
    rows = {(r["item"], r["unit"]): r for r in R.shopping_list(store, run["id"])}
    assert rows[("土豆", "斤")]["qty"] == 3.5 and rows[("土豆", "斤")]["households"] == 2
    assert rows[("牛奶", "箱")]["qty"] == 3
    assert rows[("猪肉", "斤")]["qty"] == 1.3          # 3两 + 1斤
    assert rows[("猪肉", "斤")]["notes"] == ["1-102:瘦的"]
    assert rows[("鸡蛋", "个")]["qty"] == 10
    assert len(rows) == 4


def test_packing_bills_receipt_and_lock(store, volunteer, leader, frozen):
    run, a, b, c = _bought_run(store, volunteer, leader)
    packs = R.packing_list(store, run["id"])
    assert [p["door"] for p in packs] == ["1-101", "1-102", "2-101"]
    assert [ln["item"] for ln in packs[1]["lines"]] == ["土豆", "猪肉", "鸡蛋"]
    frozen.t = at(5, 10)
    R.record_paid(store, volunteer, a["id"], "40.5")
    R.record_paid(store, volunteer, b["id"], "38", short=[2])     # no eggs today
    e = err(R.mark_bought, store, leader, run["id"], "100")
    assert e.key == "purchases.missing_amounts" and "0304-003" in str(e)
    R.record_paid(store, volunteer, c["id"], "22")
    e = err(R.mark_bought, store, leader, run["id"], "100")
    assert e.key == "purchases.receipt_mismatch" and "100.50" in str(e) and "0.50" in str(e)
    assert R.receipt_check(store, run["id"])["sum_fen"] == 10050
    R.mark_bought(store, leader, run["id"], "100.50")
    bill = D.bill(P.get_request(store, b["id"]))
    assert bill["short"] == ["鸡蛋"] and bill["paid_fen"] == 3800
    assert [ln["short"] for ln in bill["lines"]] == [False, False, True]
    # an order changed after its run was bought: refused, nothing lost
    e = err(P.set_lines, store, volunteer, a["id"], "土豆9斤")
    assert e.key == "purchases.locked" and e.field == "lines"
    assert P.get_request(store, a["id"])["lines"][0]["qty"] == 2
    assert err(R.record_paid, store, volunteer, a["id"], "1").key == "purchases.run_not_open"
    assert err(P.cancel_request, store, volunteer, a["id"]).key == "purchases.locked"
    # closing: leaders only, once
    assert err(R.close_run, store, volunteer, run["id"]).key == "auth.leader_only"
    R.close_run(store, leader, run["id"])
    assert err(R.close_run, store, leader, run["id"]).key == "purchases.run_closed"
    assert err(R.mark_bought, store, leader, run["id"], "100").key == "purchases.run_closed"


def test_cancel_leaves_run(store, volunteer, leader, frozen):
    run, a, b, c = _bought_run(store, volunteer, leader)
    P.cancel_request(store, volunteer, c["id"], "不要了")
    assert R.get_run(store, run["id"])["requests"] == [a["id"], b["id"]]
    assert err(P.set_lines, store, volunteer, c["id"], "土豆1斤").key == "purchases.cancelled"


def test_close_before_bought_refused(store, leader, frozen):
    run = R.create_run(store, leader, "2026-03-05", "平价超市")
    assert err(R.close_run, store, leader, run["id"]).key == "purchases.run_not_bought"


# ---------------------------------------------------------------- delivery and settlement
def test_delivery_settlement_and_unpaid(store, volunteer, leader, frozen):
    run, a, b, c = _bought_run(store, volunteer, leader)
    assert err(D.send_out, store, volunteer, a["id"]).key == "purchases.not_bought"
    for r, amt in ((a, "30"), (b, "20"), (c, "10")):
        R.record_paid(store, volunteer, r["id"], amt)
    R.mark_bought(store, leader, run["id"], "60")
    frozen.t = at(5, 15, 5)
    D.send_out(store, volunteer, a["id"], by="刘敏")
    row = D.deliver(store, volunteer, a["id"])
    assert row["delivery"]["by"] == "刘敏" and row["delivery"]["at"].startswith("2026-03-05T15:05")
    assert err(D.deliver, store, volunteer, a["id"]).key == "purchases.already_delivered"
    D.deliver(store, volunteer, b["id"], by="陈静")            # straight from the desk
    assert [r["no"] for r in D.unpaid(store)] == [a["no"], b["no"], c["no"]]
    paid = D.settle(store, volunteer, a["id"], "paid")
    assert paid["settlement"]["amount_fen"] == 3000 and paid["settlement"]["by"] == volunteer.name
    assert err(D.settle, store, volunteer, a["id"], "free").key == "purchases.already_settled"
    assert err(D.settle, store, volunteer, b["id"], "waived", reason="困难户").key == "auth.leader_only"
    assert err(D.settle, store, leader, b["id"], "waived").key == "purchases.need_reason"
    D.settle(store, leader, b["id"], "waived", reason="困难户")
    assert err(D.settle, store, volunteer, c["id"], "bogus").key == "purchases.bad_settle"
    assert [r["no"] for r in D.unpaid(store)] == [c["no"]]
    D.settle(store, volunteer, c["id"], "free")
    assert D.unpaid(store) == []


def test_a_pack_goes_out_and_is_settled_as_soon_as_it_is_bought(store, volunteer, leader, frozen):
    run, a, b, c = _bought_run(store, volunteer, leader)
    assert err(D.deliver, store, volunteer, a["id"]).key == "purchases.not_bought"
    R.record_paid(store, volunteer, a["id"], "30", short=[1])   # a's checkout done, the rest still shopping
    assert P.get_request(store, a["id"])["status"] == "bought"
    assert R.get_run(store, run["id"])["status"] == "open"
    assert [r["no"] for r in D.unpaid(store)] == [a["no"]]
    R.record_paid(store, volunteer, a["id"], "31.50", short=[1])   # a typo corrected
    D.send_out(store, volunteer, a["id"], by="刘敏")
    D.deliver(store, volunteer, a["id"])
    assert D.settle(store, volunteer, a["id"], "paid")["settlement"]["amount_fen"] == 3150
    assert err(R.record_paid, store, volunteer, a["id"], "40").key == "purchases.already_settled"
    e = err(P.set_lines, store, volunteer, a["id"], "土豆9斤")
    assert e.key == "purchases.pack_bought" and e.field == "lines"
    assert err(P.cancel_request, store, volunteer, a["id"]).key == "purchases.pack_bought"
    P.set_lines(store, volunteer, b["id"], "土豆1斤")          # a pack not yet bought still changes
    R.record_paid(store, volunteer, b["id"], "20")
    R.record_paid(store, volunteer, c["id"], "10")
    R.mark_bought(store, leader, run["id"], "61.50")
    assert [P.get_request(store, r["id"])["status"] for r in (a, b, c)] == ["delivered", "bought",
                                                                            "bought"]


# ---------------------------------------------------------------- catalogue
def test_catalogue_bundles_prices_specials(store, volunteer, leader, frozen):
    C.add_bundle(store, leader, "35元爱心蔬菜包", "35", "城东蔬菜种植户", "土豆 白菜 萝卜 青菜")
    C.price_seen(store, volunteer, "土豆", "斤", "平价超市", "1.8")
    C.price_seen(store, volunteer, "土豆", "斤", "平价超市", "1.5")
    C.price_seen(store, volunteer, "土豆", "斤", "中百", "2.2")
    C.add_special(store, volunteer, "牛奶", "箱", "39.9", "平价超市", "2026-03-05", "特价")
    C.add_special(store, volunteer, "鸡蛋", "板", "12", "平价超市", "2026-03-03")
    assert [r["name"] for r in C.active_specials(store)] == ["牛奶"]
    assert len(C.catalogue(store, "item")) == 1
    assert C.price_of(store, "土豆", "斤", "中百") == 220
    assert C.price_of(store, "土豆", "斤") == 150
    assert C.price_of(store, "35元爱心蔬菜包", "份") == 3500
    assert C.price_of(store, "牛奶", "箱") == 3990
    assert err(C.add_special, store, volunteer, "x", "箱", "1.001", "s", "2026-03-05").key == \
        "purchases.money_decimals"
    assert err(C.add_bundle, store, leader, "", "35", "s").key == "purchases.no_name"
    special = C.active_specials(store)[0]
    assert err(C.remove_catalogue, store, volunteer, special["id"]).key == "auth.leader_only"
    C.remove_catalogue(store, leader, special["id"])
    assert C.active_specials(store) == []


def test_chat_import_keeps_problem_lines(store, volunteer, frozen):
    created, problems = P.parse_and_import(
        store, volunteer, "#接龙\n1. 1栋101 土豆2斤\n2. 户主2101 牛奶1箱\n3. 1-102 牛奶1\n")
    assert [r["door"] for r in created] == ["1-101", "2-101"]
    assert created[0]["source"] == {"chat": 2}
    assert [p["line_no"] for p in problems] == [4]
    assert len(P.requests(store)) == 2


@needs.font
def test_run_pdf(store, volunteer, leader, frozen, tmp_path):
    run, *_ = _bought_run(store, volunteer, leader)
    path = R.run_pdf(store, run["id"], tmp_path / "run.pdf")
    assert path.read_bytes()[:5] == b"%PDF-" and path.stat().st_size > 1000
    pages = R.sheet_text(store, run["id"])
    assert "土豆  3.5斤  (2)" in "\n".join(pages[0])
    assert any("1-102" in line for page in pages[1:] for line in page)


def test_demo_part(store, frozen):
    import random

    from console.demo import purchases as purchases_demo
    from console.purchases import schedules
    line = purchases_demo.part(store, random.Random(1), 6)
    assert "village groups" in line
    runs = R.runs(store)
    assert [r["status"] for r in runs] == ["open", "bought", "closed", "closed"]
    assert runs[0]["date"] == "2026-03-05" and runs[0]["requests"]
    assert D.unpaid(store) and C.active_specials(store)
    assert [s["times"] for s in schedules.schedules(store)] == [["11:30", "17:20"]]
    waiting = [r for r in P.requests(store, "new") if r.get("source", {}).get("checkpoint")]
    assert len(waiting) == 2 and waiting[0]["lines"] == []


def test_find_by_door_in_any_form_exactly_or_by_name(store, volunteer, frozen):
    P.create_request(store, volunteer, "1-101", person="王中", lines="土豆2斤")
    P.create_request(store, volunteer, "1-102", person="李四", lines="白菜1棵")
    rows = P.requests(store) + [{"no": "x", "door": "11-101", "person": "王五"}]
    doors = lambda text: sorted(r["door"] for r in P.search(rows, text))  # noqa: E731
    for text in ("1-101", "1栋101", "一栋一零一", "１－１０１"):
        assert doors(text) == ["1-101"], text                       # never 11-101
    assert doors("wz") == ["1-101"] and doors("王") == ["1-101", "11-101"]
    assert doors("lisi") == ["1-102"] and doors("") == ["1-101", "1-102", "11-101"]
    assert doors(rows[0]["no"]) == [rows[0]["door"]]
    assert err(P.search, rows, "1-1").key == "households.bad_door"


def test_form_words_read_item_numbers_and_settlements_in_both_languages():
    from console.purchases.form_values import item_numbers, settle_how
    assert item_numbers("2，3、5 1") == [1, 2, 4, 0]
    assert item_numbers("") == []
    for bad in ("0", "two", "-1", "2.5"):
        with pytest.raises(DomainError) as err:
            item_numbers(bad)
        assert err.value.field == "short"
    assert [settle_how(w) for w in ("已付", " FREE ", "减免", "免")] == ["paid", "free", "waived", "waived"]
    with pytest.raises(DomainError) as err:
        settle_how("paid later")
    assert err.value.field == "how" and ("waived" in str(err.value) or "减免" in str(err.value))
