"""A data directory with history older than the purge date (tests/domain and
tests/ui test_purge.py): people who appear only before BEFORE (GONE), one who
stays (STAYS), and found() to look for their bytes in every file."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from console.checkpoint import gate as cp
from console.core import exports
from console.errands import errand
from console.households import marks, roll
from console.purchases import orders
from console.stock import ledger as stock

TZ = dt.timezone(dt.timedelta(hours=8))
OLD = dt.datetime(2026, 1, 10, 9, 0, tzinfo=TZ)
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=TZ)
BEFORE = "2026-02-01"
# people who only ever appear in records older than BEFORE
GONE = [("欧阳震华", "13911112222"), ("司马相如", "13933334444"), ("诸葛孔明", "13955556666")]
STAYS = ("上官婉儿", "13977778888")


@pytest.fixture
def history(store, leader, volunteer, freeze_clock):
    if not hasattr(store, "redact"):
        pytest.skip("this store cannot rewrite its journal (Store.redact)")
    now = freeze_clock(OLD)
    for name, phone in GONE[:2]:
        cp.log_entry(store, volunteer, "西门", {
            "name": name, "phone": phone, "door": "", "org": "顺丰快递", "direction": "in",
            "purpose": "deliver", "outcome": "turned_away", "temp": "37.9", "plate": "鄂A12345",
            "note": f"{name}说明天再来"})
    cp.log_entry(store, volunteer, "西门", {
        "name": "王伟", "phone": "", "door": "1-302", "direction": "in", "purpose": "buy",
        "outcome": "allowed", "temp": "36.5", "plate": "", "note": ""})
    name, phone = GONE[2]
    e = errand.request(store, volunteer, person=name, phone=phone, org="华中食品厂", purpose="买白糖",
                       start=OLD + dt.timedelta(hours=1), end=OLD + dt.timedelta(hours=3),
                       items="白糖 50 kg", destination="中百仓储")
    errand.reject(store, leader, e["number"], f"{name}材料不全")
    orders.create_request(store, volunteer, "1-103", person=GONE[0][0], phone=GONE[0][1],
                          lines="土豆2斤", note=f"给{GONE[0][0]}的")
    stock.receive(store, volunteer, "mercury", 5, "中心A", "3.5")
    stock.issue(store, volunteer, "1-102")
    stock.issue(store, volunteer, "2-101")
    roll.report(store, volunteer, "1-101", "fever", 38.4)
    roll.report(store, volunteer, "1-104", "normal", 36.4)
    marks.set_mark(store, leader, "1-101", "orange", f"发热，{GONE[1][0]}密接", OLD.date())
    marks.open_record(store, volunteer, "1-101")
    exports.export(store, leader, cp.EXPORTS[0], [OLD.date().isoformat()])
    store.snapshot()
    now.t = NOW
    cp.log_entry(store, volunteer, "西门", {
        "name": STAYS[0], "phone": STAYS[1], "door": "", "org": "京东物流", "direction": "in",
        "purpose": "deliver", "outcome": "turned_away", "temp": "", "plate": "", "note": ""})
    store.snapshot()
    for path in (store.root / "exports").glob("*.xlsx"):   # written on the old day
        os.utime(path, (OLD.timestamp(), OLD.timestamp()))
    return store


def found(store, text: str) -> list[str]:
    """Files under the data directory whose bytes hold ``text`` (UTF-8 or JSON-escaped)."""
    forms = {text.encode(), text.encode("unicode_escape").replace(b"\\u", b"\\\\u"),
             text.encode("ascii", "backslashreplace")}
    hits = []
    for folder, _, files in os.walk(store.root):
        for f in files:
            data = open(os.path.join(folder, f), "rb").read()
            if any(form in data for form in forms):
                hits.append(os.path.relpath(os.path.join(folder, f), store.root))
    return hits
