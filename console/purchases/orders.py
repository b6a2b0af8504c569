"""Group-buy purchases: requests per household, catalogue, shopping runs,
packing lists and bills, delivery and settlement.

Story 2 (../shared/seed/STORIES.md): the group-buy leader shops every other
day from the previous day's chat orders at one supermarket, packs and pays for
each household separately, and sells 35-yuan vegetable bundles.

Money is integer fen everywhere inside (``3550`` = 35.50 yuan); see
:func:`parse_money` / :func:`money`.

A request's ``status`` moves  new -> in_run -> bought -> out -> delivered
(or cancelled); its ``settlement`` (paid / free / waived) is set apart. A pack
is bought as soon as its checkout amount is recorded: it can go out, be
delivered and settled while the rest of its run is still being shopped.
A run moves  open -> bought (every pack bought, receipts add up) -> closed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tinydb import where

from console.core import clock, i18n, names, output, printing, safe_text
from console.households.registry import find, normalise_door
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.purchases.parser import TO_JIN, Registry, check_line, number, parse_chat, parse_items
from console.core.commands import Command
from console.core.store import Store, atomic_write
from console.core import exports, purge
from console.core.spreadsheet import Column, Table

REQUESTS = "purchase_requests"
RUNS = "purchase_runs"
CATALOGUE = "purchase_catalogue"
MAX_FEN = 10_000_000          # 100,000 yuan: anything above is a typo
STATUSES = ("new", "in_run", "bought", "out", "delivered", "cancelled")
SETTLE = ("paid", "free", "waived")

i18n.add({
    "purchases.bad_money": ("金额“{text}”看不懂，请写如 35 或 35.50。",
                            "Cannot read amount “{text}”: write e.g. 35 or 35.50."),
    "purchases.money_decimals": ("金额最多两位小数（到分）：{text}。",
                                 "An amount has at most two decimals (fen): {text}."),
    "purchases.money_negative": ("金额不能是负数：{text}。", "An amount cannot be negative: {text}."),
    "purchases.money_big": ("金额 {text} 太大。", "The amount {text} is too large."),
    "purchases.no_request": ("找不到代购单 {id}。", "No purchase request {id}."),
    "purchases.no_run": ("找不到采购批次 {id}。", "No shopping run {id}."),
    "purchases.pack_bought": ("代购单 {no} 已经买回，不能再改。如需补买，请新建一单。",
                              "Request {no} was already bought, so it cannot change. "
                              "Make a new request for anything extra."),
    "purchases.locked": ("代购单 {no} 所在批次已采购，不能再改。如需补买，请新建一单。",
                         "Request {no}: its run was already bought, so it cannot change. "
                         "Make a new request for anything extra."),
    "purchases.cancelled": ("代购单 {no} 已取消。", "Request {no} is cancelled."),
    "purchases.run_closed": ("批次 {no} 已经结束了。", "Run {no} is already closed."),
    "purchases.run_not_open": ("批次 {no} 已采购完，不能再加单或改金额。",
                               "Run {no} is already bought: no more orders or amounts."),
    "purchases.run_not_bought": ("批次 {no} 还没采购完，不能结束。", "Run {no} is not bought yet: it cannot be closed."),
    "purchases.run_exists": ("{date} 在 {shop} 已有批次 {no}。", "There is already run {no} for {shop} on {date}."),
    "purchases.no_shop": ("请填写超市/商店。", "Enter the shop."),
    "purchases.bad_date": ("日期“{text}”看不懂，请写 2026-03-05。", "Cannot read date “{text}”: write 2026-03-05."),
    "purchases.bad_time": ("时间“{text}”看不懂，请写 20:00。", "Cannot read time “{text}”: write 20:00."),
    "purchases.no_lines": ("代购单 {no} 还没有要买的东西。", "Request {no} has no items yet."),
    "purchases.not_in_run": ("代购单 {no} 不在批次 {run} 里。", "Request {no} is not in run {run}."),
    "purchases.missing_amounts": ("还有 {n} 户没有填实付金额（{nos}）。",
                                  "{n} households have no amount paid yet ({nos})."),
    "purchases.receipt_mismatch": ("各户实付合计 {sum} 元，小票合计 {receipt} 元，相差 {diff} 元。请核对。",
                                   "Amounts paid add up to {sum} yuan but the receipts total {receipt} yuan "
                                   "(off by {diff}). Please check."),
    "purchases.bad_line": ("第 {n} 项不存在。", "There is no item {n}."),
    "purchases.not_bought": ("代购单 {no} 还没买回来。", "Request {no} has not been bought yet."),
    "purchases.already_delivered": ("代购单 {no} 已经送达。", "Request {no} was already delivered."),
    "purchases.already_settled": ("代购单 {no} 已经结算（{how}）。", "Request {no} is already settled ({how})."),
    "purchases.bad_settle": ("结算方式只能是已付、免费或减免。", "Settle as paid, free or waived."),
    "purchases.need_reason": ("减免需要写原因。", "Waiving needs a reason."),
    "purchases.no_name": ("请填写名称。", "Enter a name."),
    "purchases.no_unit": ("请填写单位（斤、箱、个……）。", "Enter a unit (斤, 箱, 个…)."),
    "purchases.what.waive": ("减免费用", "waive a bill"),
    "purchases.what.close": ("结束批次", "close a run"),
    "purchases.what.catalogue": ("修改商品目录", "change the catalogue"),
    "purchases.settle.paid": ("已付", "paid"),
    "purchases.settle.free": ("免费", "free"),
    "purchases.settle.waived": ("减免", "waived"),
    "purchases.status.new": ("待入批", "new"),
    "purchases.status.in_run": ("待采购", "in run"),
    "purchases.status.bought": ("已买回", "bought"),
    "purchases.status.out": ("配送中", "out"),
    "purchases.status.delivered": ("已送达", "delivered"),
    "purchases.status.cancelled": ("已取消", "cancelled"),
    "purchases.run.open": ("接单中", "open"),
    "purchases.run.bought": ("已采购", "bought"),
    "purchases.run.closed": ("已结束", "closed"),
    "purchases.short": ("缺货", "short"),
    "purchases.sheet.list": ("采购清单 {no}  {date}  {shop}", "Shopping list {no}  {date}  {shop}"),
    "purchases.sheet.pack": ("分装单 {no}  {door}  {person}", "Pack {no}  {door}  {person}"),
    "purchases.sheet.households": ("{n} 户", "{n} households"),
    "purchases.sheet.paid": ("实付 {amount} 元", "Paid {amount} yuan"),
})


# ---------------------------------------------------------------- money
def parse_money(text: str | int | float | None, field: str = "amount") -> int:
    """'35', '35.5', '35.50', '¥35', '35元' -> fen (3500, 3550, 3550...).

    Refuses more than two decimals, negatives and absurd sizes."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    s = raw.replace("¥", "").replace("￥", "").replace("元", "").replace(",", "").strip()
    if s.startswith("-"):
        raise DomainError("purchases.money_negative", field=field, text=raw)
    if not re.fullmatch(r"\d+(?:\.\d*)?|\.\d+", s):
        raise DomainError("purchases.bad_money", field=field, text=raw)
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise DomainError("purchases.bad_money", field=field, text=raw) from None
    if value != value.quantize(Decimal("0.01")):
        raise DomainError("purchases.money_decimals", field=field, text=raw)
    fen = int(value * 100)
    if fen > MAX_FEN:
        raise DomainError("purchases.money_big", field=field, text=raw)
    return fen


def money(fen: int | None) -> str:
    """3550 -> '35.50'; None -> ''."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_day(text: str | dt.date | None) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise DomainError("purchases.bad_date", field="date", text=text or "") from None


def parse_hhmm(text: str) -> dt.time:
    m = re.fullmatch(r"\s*(\d{1,2})[:：.](\d{2})\s*", str(text or ""))
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise DomainError("purchases.bad_time", field="time", text=text or "")
    return dt.time(int(m[1]), int(m[2]))


# ---------------------------------------------------------------- requests
def _lines(lines: list[dict] | str | None) -> list[dict]:
    if isinstance(lines, str):
        return [{**ln, "short": False} for ln in parse_items(lines)] if lines.strip() else []
    out = []
    for ln in lines or []:
        row = check_line(ln.get("item", ""), ln.get("qty", 0), ln.get("unit", ""), ln.get("note", ""))
        row["short"] = bool(ln.get("short", False))
        out.append(row)
    return out


def _doc(row) -> dict:
    return {**row, "id": row.doc_id}


def _req_no(row: dict) -> str:
    return row.get("no") or f"#{row.get('id', row.doc_id if hasattr(row, 'doc_id') else '?')}"


def next_number(tx) -> str:
    day = clock.today()
    n = tx.next_number(f"request-{day.isoformat()}")
    return f"{day:%m%d}-{n:03d}"


def _open_run_for(tx, when: str) -> dict | None:
    """The open run whose deadline is still ahead of ``when`` (earliest first)."""
    runs = [r for r in tx.table(RUNS).search(where("status") == "open") if r["deadline"] >= when]
    return min(runs, key=lambda r: r["deadline"], default=None)


def create_request(store: Store, actor: Actor, door: str, person: str = "",
                   lines: list[dict] | str = (), note: str = "", source: dict | None = None,
                   budget: str | int | None = None, phone: str = "") -> dict:
    """A new request for the household at ``door``; joins an open run whose
    deadline is still ahead when it has items."""
    home = find(store, door)
    rows = _lines(lines)
    budget_fen = parse_money(budget, "budget") if budget not in (None, "") else None
    return _insert_requests(store, [{
        "door": home["door"], "person": (person or home.get("head", "")).strip(),
        "phone": phone or home.get("phone", ""), "lines": rows, "note": (note or "").strip(),
        "budget_fen": budget_fen, "source": source or {"desk": True},
    }])[0]


def _insert_requests(store: Store, rows: list[dict]) -> list[dict]:
    now = clock.stamp()
    out = []
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        for row in rows:
            run = _open_run_for(tx, now) if row["lines"] else None
            doc = {**row, "no": next_number(tx), "status": "in_run" if run else "new",
                   "run": run.doc_id if run else None, "ordered_at": now if row["lines"] else None,
                   "paid_fen": None, "delivery": {}, "settlement": None}
            doc_id = t.insert(doc)
            if run:
                tx.table(RUNS).update(lambda r, i=doc_id: r["requests"].append(i), doc_ids=[run.doc_id])
            out.append({**doc, "id": doc_id})
    return out


def _request(table, request_id: int):
    """The request row from a Table (store or transaction), else a DomainError."""
    row = table.get(doc_id=int(request_id))
    if row is None:
        raise DomainError("purchases.no_request", id=request_id)
    return row


def get_request(store: Store, request_id: int) -> dict:
    return _doc(_request(store.table(REQUESTS), request_id))


def requests(store: Store, status: str | tuple | None = None, run: int | None = None) -> list[dict]:
    """Requests (newest first), optionally by status or run."""
    rows = store.table(REQUESTS).all()
    if status:
        wanted = (status,) if isinstance(status, str) else tuple(status)
        rows = [r for r in rows if r.get("status") in wanted]
    if run is not None:
        rows = [r for r in rows if r.get("run") == run]
    return [_doc(r) for r in sorted(rows, key=lambda r: r.doc_id, reverse=True)]


def search(rows: list[dict], text: str) -> list[dict]:
    """The rows (requests, packs, bills) a Purchases find box keeps: a door in
    any written form (5-302, 5栋302, 五栋三零二) is that household exactly,
    never 15-302; words without digits find the person by name or pinyin
    (``wz`` finds 王中); a request number (0305-012) finds that request. An
    unreadable door says so (DomainError)."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not text:
        return list(rows)
    by_no = [r for r in rows if r.get("no") == text]
    if by_no:
        return by_no
    try:
        door = normalise_door(text)
    except DomainError:
        if any(ch.isdigit() for ch in text):
            raise
        return [r for r in rows if names.matches(r.get("person") or "", text)]
    return [r for r in rows if r.get("door") == door]


def _editable(tx, row: dict) -> None:
    if row["status"] == "cancelled":
        raise DomainError("purchases.cancelled", no=_req_no(row))
    if row["status"] not in ("new", "in_run"):
        run = tx.table(RUNS).get(doc_id=row["run"]) if row.get("run") else None
        key = "purchases.pack_bought" if run and run["status"] == "open" else "purchases.locked"
        raise DomainError(key, field="lines", no=_req_no(row))
    if row.get("run"):
        run = tx.table(RUNS).get(doc_id=row["run"])
        if run and run["status"] != "open":
            raise DomainError("purchases.locked", field="lines", no=_req_no(row))


def set_lines(store: Store, actor: Actor, request_id: int, lines: list[dict] | str,
              note: str | None = None, budget: str | int | None = None,
              person: str | None = None) -> dict:
    """Fill in or change a request's items (refused once its run is bought)."""
    rows = _lines(lines)
    budget_fen = parse_money(budget, "budget") if budget not in (None, "") else None
    now = clock.stamp()
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        row = _request(t, request_id)
        _editable(tx, row)
        fields = {"lines": rows, "budget_fen": budget_fen}
        if note is not None:
            fields["note"] = note.strip()
        if person is not None:
            fields["person"] = person.strip()
        if not row.get("no"):
            fields["no"] = next_number(tx)
        if rows and not row.get("ordered_at"):
            fields["ordered_at"] = now
        if rows and not row.get("run"):
            run = _open_run_for(tx, now)
            if run:
                fields.update(run=run.doc_id, status="in_run")
                tx.table(RUNS).update(lambda r: r["requests"].append(row.doc_id), doc_ids=[run.doc_id])
        t.update(fields, doc_ids=[row.doc_id])
        return _doc(t.get(doc_id=row.doc_id))


def cancel_request(store: Store, actor: Actor, request_id: int, reason: str = "") -> dict:
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        row = _request(t, request_id)
        _editable(tx, row)
        if row.get("run"):
            tx.table(RUNS).update(lambda r: r["requests"].remove(row.doc_id)
                                  if row.doc_id in r["requests"] else None, doc_ids=[row["run"]])
        t.update({"status": "cancelled", "run": None, "cancel_reason": reason.strip()},
                 doc_ids=[row.doc_id])
        return _doc(t.get(doc_id=row.doc_id))


def registry(store: Store) -> Registry:
    return Registry(store.table("households").all())


def import_orders(store: Store, actor: Actor, orders: list[dict], source: str = "chat") -> list[dict]:
    """Create the requests parsed from a sign-up list (see orders_parser.parse_chat)."""
    rows = [{"door": o["door"], "person": o.get("person", ""), "phone": o.get("phone", ""),
             "lines": _lines(o["lines"]), "note": o.get("note", ""), "budget_fen": None,
             "source": {source: o.get("line_no")}} for o in orders]
    return _insert_requests(store, rows) if rows else []


def parse_and_import(store: Store, actor: Actor, text: str):
    """Parse a pasted list and create every readable order; returns
    (created, problems). Problem lines are for the desk to fix and re-import."""
    result = parse_chat(text, registry(store))
    return import_orders(store, actor, result.orders), result.problems


# ---------------------------------------------------------------- catalogue
def catalogue(store: Store, kind: str | None = None) -> list[dict]:
    rows = [_doc(r) for r in store.table(CATALOGUE).all()]
    return [r for r in rows if kind is None or r["kind"] == kind]


def add_bundle(store: Store, actor: Actor, name: str, price: str | int, supplier: str,
               contents: str = "") -> dict:
    """A fixed-price bundle, e.g. the 35-yuan love vegetable bundle and its grower."""
    if not (name or "").strip():
        raise DomainError("purchases.no_name", field="name")
    row = {"kind": "bundle", "name": name.strip(), "price_fen": parse_money(price, "price"),
           "supplier": (supplier or "").strip(), "contents": (contents or "").strip(), "unit": "份"}
    doc_id = store.table(CATALOGUE).insert(row)
    return {**row, "id": doc_id}


def price_seen(store: Store, actor: Actor, name: str, unit: str, shop: str, price: str | int,
               day: dt.date | None = None) -> dict:
    """Record the last price seen for a common item at a shop."""
    name, unit, shop = (name or "").strip(), (unit or "").strip(), (shop or "").strip()
    if not name:
        raise DomainError("purchases.no_name", field="name")
    if not unit:
        raise DomainError("purchases.no_unit", field="unit")
    if not shop:
        raise DomainError("purchases.no_shop", field="shop")
    fen = parse_money(price, "price")
    day = (day or clock.today()).isoformat()
    with store.transaction(CATALOGUE) as tx:
        t = tx.table(CATALOGUE)
        row = t.get((where("kind") == "item") & (where("name") == name) & (where("unit") == unit))
        if row is None:
            doc_id = t.insert({"kind": "item", "name": name, "unit": unit,
                               "prices": {shop: {"price_fen": fen, "seen": day}}})
        else:
            doc_id = row.doc_id
            t.update(lambda r: r["prices"].__setitem__(shop, {"price_fen": fen, "seen": day}),
                     doc_ids=[doc_id])
        return _doc(t.get(doc_id=doc_id))


def add_special(store: Store, actor: Actor, name: str, unit: str, price: str | int, shop: str,
                ends: str | dt.date, note: str = "") -> dict:
    """A special offer (discounted milk, cheap potatoes), shown until ``ends``."""
    if not (name or "").strip():
        raise DomainError("purchases.no_name", field="name")
    if not (unit or "").strip():
        raise DomainError("purchases.no_unit", field="unit")
    row = {"kind": "special", "name": name.strip(), "unit": unit.strip(),
           "price_fen": parse_money(price, "price"), "shop": (shop or "").strip(),
           "ends": parse_day(ends).isoformat(), "note": (note or "").strip()}
    doc_id = store.table(CATALOGUE).insert(row)
    return {**row, "id": doc_id}


def remove_catalogue(store: Store, actor: Actor, entry_id: int) -> None:
    require_leader(store, actor, "purchases.what.catalogue")
    store.table(CATALOGUE).remove(doc_ids=[int(entry_id)])


def active_specials(store: Store, day: dt.date | None = None) -> list[dict]:
    """Specials still running on ``day`` (today), soonest ending first."""
    day = (day or clock.today()).isoformat()
    return sorted((r for r in catalogue(store, "special") if r["ends"] >= day),
                  key=lambda r: r["ends"])


def price_of(store: Store, item: str, unit: str, shop: str | None = None) -> int | None:
    """Best known unit price (fen): a running special, a bundle, or the last price seen."""
    for r in active_specials(store):
        if r["name"] == item and r["unit"] == unit and (not shop or not r["shop"] or r["shop"] == shop):
            return r["price_fen"]
    for r in catalogue(store):
        if r["name"] == item and r["kind"] == "bundle":
            return r["price_fen"]
        if r["name"] == item and r["kind"] == "item" and r["unit"] == unit and r["prices"]:
            seen = r["prices"].get(shop) if shop else None
            return (seen or min(r["prices"].values(), key=lambda p: p["price_fen"]))["price_fen"]
    return None


# ---------------------------------------------------------------- runs
def _run(tx_or_store, run_id: int):
    row = tx_or_store.table(RUNS).get(doc_id=int(run_id))
    if row is None:
        raise DomainError("purchases.no_run", id=run_id)
    return row


def run_label(run: dict) -> str:
    return f"R{run['no']}"


def create_run(store: Store, actor: Actor, day: str | dt.date, shop: str,
               deadline: str | dt.datetime | None = None) -> dict:
    """A shopping run for ``day`` at ``shop``. Orders placed up to ``deadline``
    (default: 20:00 the evening before) join it, now and as they come in."""
    day = parse_day(day)
    shop = (shop or "").strip()
    if not shop:
        raise DomainError("purchases.no_shop", field="shop")
    if deadline is None:
        deadline = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(20, 0),
                                       tzinfo=clock.now().tzinfo)
    elif isinstance(deadline, str):
        deadline = dt.datetime.combine(day - dt.timedelta(days=1), parse_hhmm(deadline),
                                       tzinfo=clock.now().tzinfo)
    deadline_s = deadline.isoformat()
    with store.transaction(RUNS, REQUESTS) as tx:
        runs = tx.table(RUNS)
        same = runs.get((where("date") == day.isoformat()) & (where("shop") == shop)
                        & (where("status") != "closed"))
        if same:
            raise DomainError("purchases.run_exists", field="shop", date=day.isoformat(), shop=shop,
                              no=run_label(same))
        reqs = tx.table(REQUESTS)
        joining = [r.doc_id for r in reqs.search(where("status") == "new")
                   if r.get("lines") and (r.get("ordered_at") or "") <= deadline_s]
        run = {"no": tx.next_number("run"), "date": day.isoformat(), "shop": shop,
               "deadline": deadline_s, "status": "open", "requests": joining,
               "receipt_fen": None}
        run_id = runs.insert(run)
        if joining:
            reqs.update({"run": run_id, "status": "in_run"}, doc_ids=joining)
        return {**run, "id": run_id}


def runs(store: Store) -> list[dict]:
    return [_doc(r) for r in sorted(store.table(RUNS).all(), key=lambda r: r.doc_id, reverse=True)]


def get_run(store: Store, run_id: int) -> dict:
    return _doc(_run(store, run_id))


def run_requests(store: Store, run_id: int) -> list[dict]:
    run = _run(store, run_id)
    rows = store.table(REQUESTS).get(doc_ids=run["requests"]) if run["requests"] else []
    return sorted((_doc(r) for r in rows if r.get("status") != "cancelled"),
                  key=lambda r: (_door_sort(r["door"]), r["id"]))


def _door_sort(door: str) -> tuple:
    b, _, room = door.partition("-")
    return (int(b) if b.isdigit() else 0, int(room) if room.isdigit() else 0, room)


def _combine(lines) -> list[dict]:
    """Lines of many households -> one row per item and unit, weights in 斤."""
    acc: dict[tuple[str, str], dict] = {}
    for door, ln in lines:
        unit = "斤" if ln["unit"] in TO_JIN else ln["unit"]
        qty = ln["qty"] * TO_JIN.get(ln["unit"], 1)
        row = acc.setdefault((ln["item"], unit), {"item": ln["item"], "unit": unit, "qty": 0.0,
                                                 "households": set(), "notes": []})
        row["qty"] += qty
        row["households"].add(door)
        if ln.get("note"):
            row["notes"].append(f"{door}:{ln['note']}")
    out = []
    for row in sorted(acc.values(), key=lambda r: (-len(r["households"]), r["item"])):
        out.append({**row, "qty": number(row["qty"]), "households": len(row["households"])})
    return out


def shopping_list(store: Store, run_id: int) -> list[dict]:
    """One row per item (and unit) with quantities combined over the run's
    households: {item, unit, qty, households, notes}. Most wanted first."""
    reqs = run_requests(store, run_id)
    return _combine((r["door"], ln) for r in reqs for ln in r["lines"])


def packing_list(store: Store, run_id: int) -> list[dict]:
    """One pack per request, in door order: {no, door, person, phone, lines, note, paid_fen}."""
    return [{k: r.get(k) for k in ("id", "no", "door", "person", "phone", "lines", "note",
                                   "paid_fen", "status", "budget_fen")}
            for r in run_requests(store, run_id)]


def record_paid(store: Store, actor: Actor, request_id: int, amount: str | int,
                short: list[int] | None = None) -> dict:
    """After the separate checkout: what this household's pack cost, and which
    of its lines (0-based) could not be bought. The pack is bought from now on
    (it can go out and be settled); the amount can be corrected until the run
    is bought or the pack is settled."""
    fen = parse_money(amount)
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        row = _request(t, request_id)
        if not row.get("run"):
            raise DomainError("purchases.not_in_run", no=_req_no(row), run="-")
        run = _run(tx, row["run"])
        if run["status"] != "open":
            raise DomainError("purchases.run_not_open", field="amount", no=run_label(run))
        if row.get("settlement"):
            raise DomainError("purchases.already_settled", field="amount", no=_req_no(row),
                              how=i18n.t(f"purchases.settle.{row['settlement']['how']}"))
        if row["status"] == "cancelled":
            raise DomainError("purchases.cancelled", no=_req_no(row))
        lines = [dict(ln) for ln in row["lines"]]
        for i in short or []:
            if not 0 <= int(i) < len(lines):
                raise DomainError("purchases.bad_line", field="short", n=int(i) + 1)
        for i, ln in enumerate(lines):
            ln["short"] = i in {int(x) for x in short or []}
        status = "bought" if row["status"] == "in_run" else row["status"]
        t.update({"paid_fen": fen, "lines": lines, "status": status,
                  "bought_at": row.get("bought_at") or clock.stamp()}, doc_ids=[row.doc_id])
        return _doc(t.get(doc_id=row.doc_id))


def receipt_check(store: Store, run_id: int) -> dict:
    """{sum_fen, missing: [no...], receipt_fen, diff_fen} for the run."""
    run = _run(store, run_id)
    reqs = run_requests(store, run_id)
    total = sum(r["paid_fen"] or 0 for r in reqs)
    missing = [r["no"] for r in reqs if r.get("paid_fen") is None]
    receipt = run.get("receipt_fen")
    return {"sum_fen": total, "missing": missing, "receipt_fen": receipt,
            "diff_fen": None if receipt is None else total - receipt}


def mark_bought(store: Store, actor: Actor, run_id: int, receipt_total: str | int) -> dict:
    """Shopping done: every pack has its amount and they add up to the receipts.
    From now on the run's orders and amounts cannot change."""
    receipt = parse_money(receipt_total, "receipt")
    with store.transaction(RUNS, REQUESTS) as tx:
        run = _run(tx, run_id)
        if run["status"] == "closed":
            raise DomainError("purchases.run_closed", no=run_label(run))
        if run["status"] != "open":
            raise DomainError("purchases.run_not_open", no=run_label(run))
        t = tx.table(REQUESTS)
        reqs = [r for r in (t.get(doc_ids=run["requests"]) if run["requests"] else [])
                if r["status"] != "cancelled"]
        missing = [_req_no(r) for r in reqs if r.get("paid_fen") is None]
        if missing:
            raise DomainError("purchases.missing_amounts", field="receipt", n=len(missing),
                              nos=", ".join(missing[:5]) + ("…" if len(missing) > 5 else ""))
        total = sum(r["paid_fen"] for r in reqs)
        if total != receipt:
            raise DomainError("purchases.receipt_mismatch", field="receipt", sum=money(total),
                              receipt=money(receipt), diff=money(total - receipt))
        tx.table(RUNS).update({"status": "bought", "receipt_fen": receipt,
                               "bought_at": clock.stamp()}, doc_ids=[run.doc_id])
        waiting = [r.doc_id for r in reqs if r["status"] == "in_run"]   # data from before per-pack buying
        if waiting:
            t.update({"status": "bought"}, doc_ids=waiting)
        return _doc(tx.table(RUNS).get(doc_id=run.doc_id))


def close_run(store: Store, actor: Actor, run_id: int) -> dict:
    """Close a bought run (leaders). Closing twice is refused."""
    require_leader(store, actor, "purchases.what.close")
    with store.transaction(RUNS) as tx:
        run = _run(tx, run_id)
        if run["status"] == "closed":
            raise DomainError("purchases.run_closed", no=run_label(run))
        if run["status"] != "bought":
            raise DomainError("purchases.run_not_bought", no=run_label(run))
        tx.table(RUNS).update({"status": "closed", "closed_at": clock.stamp()}, doc_ids=[run.doc_id])
        return _doc(tx.table(RUNS).get(doc_id=run.doc_id))


# ---------------------------------------------------------------- delivery and settlement
def _req_update(store: Store, request_id: int, check, fields) -> dict:
    with store.transaction(REQUESTS) as tx:
        t = tx.table(REQUESTS)
        row = _request(t, request_id)
        check(row)
        t.update(fields(row) if callable(fields) else fields, doc_ids=[row.doc_id])
        return _doc(t.get(doc_id=row.doc_id))


def send_out(store: Store, actor: Actor, request_id: int, by: str | None = None) -> dict:
    """The pack leaves the desk with ``by`` (default: the signed-in volunteer)."""
    def check(row):
        if row["status"] != "bought":
            raise DomainError("purchases.not_bought", no=_req_no(row))
    return _req_update(store, request_id, check, lambda row: {
        "status": "out", "delivery": {**row.get("delivery", {}), "out_by": by or actor.name,
                                      "out_at": clock.stamp()}})


def deliver(store: Store, actor: Actor, request_id: int, by: str | None = None) -> dict:
    """The pack reached the household: who delivered it and when."""
    def check(row):
        if row["status"] == "delivered":
            raise DomainError("purchases.already_delivered", no=_req_no(row))
        if row["status"] not in ("bought", "out"):
            raise DomainError("purchases.not_bought", no=_req_no(row))
    return _req_update(store, request_id, check, lambda row: {
        "status": "delivered",
        "delivery": {**row.get("delivery", {}),
                     "by": by or row.get("delivery", {}).get("out_by") or actor.name,
                     "at": clock.stamp()}})


def settle(store: Store, actor: Actor, request_id: int, how: str, amount: str | int | None = None,
           reason: str = "") -> dict:
    """Paid (default: the amount paid at checkout), free, or waived with a reason (leaders)."""
    if how not in SETTLE:
        raise DomainError("purchases.bad_settle", field="how")
    if how == "waived":
        require_leader(store, actor, "purchases.what.waive")
        if not (reason or "").strip():
            raise DomainError("purchases.need_reason", field="reason")
    fen = parse_money(amount) if amount not in (None, "") else None

    def check(row):
        if row.get("settlement"):
            raise DomainError("purchases.already_settled", no=_req_no(row),
                              how=i18n.t(f"purchases.settle.{row['settlement']['how']}"))
        if row["status"] not in ("bought", "out", "delivered"):
            raise DomainError("purchases.not_bought", no=_req_no(row))

    return _req_update(store, request_id, check, lambda row: {"settlement": {
        "how": how, "amount_fen": (fen if fen is not None else row.get("paid_fen") or 0)
        if how == "paid" else 0, "reason": (reason or "").strip(), "by": actor.name,
        "at": clock.stamp()}})


def unpaid(store: Store) -> list[dict]:
    """Bought packs not yet settled, oldest first, with what each owes."""
    rows = [r for r in requests(store, ("bought", "out", "delivered")) if not r.get("settlement")]
    return sorted(rows, key=lambda r: r["id"])


def bill(request: dict) -> dict:
    """What a household sees: each line (short ones marked) and what it owes."""
    return {"no": request.get("no"), "door": request["door"], "person": request.get("person", ""),
            "lines": [{**ln, "short": bool(ln.get("short"))} for ln in request["lines"]],
            "short": [ln["item"] for ln in request["lines"] if ln.get("short")],
            "paid_fen": request.get("paid_fen"),
            "settlement": request.get("settlement")}


# ---------------------------------------------------------------- printable sheets
def sheet_text(store: Store, run_id: int) -> list[list[str]]:
    """Pages of text: the shopping list, then one block per household pack."""
    run = get_run(store, run_id)
    items = shopping_list(store, run_id)
    packs = packing_list(store, run_id)
    first = [i18n.t("purchases.sheet.list", no=run_label(run), date=run["date"], shop=run["shop"]),
             i18n.t("purchases.sheet.households", n=len(packs)), ""]
    first += [f"[ ] {r['item']}  {r['qty']:g}{r['unit']}  ({r['households']})" for r in items]
    pages = [first]
    page: list[str] = []
    for p in packs:
        block = [i18n.t("purchases.sheet.pack", no=p["no"], door=p["door"], person=p["person"])]
        for ln in p["lines"]:
            mark = f"  [{i18n.t('purchases.short')}]" if ln.get("short") else ""
            note = f" ({ln['note']})" if ln.get("note") else ""
            block.append(f"   [ ] {ln['item']} {ln['qty']:g}{ln['unit']}{note}{mark}")
        if p.get("note"):
            block.append(f"   * {p['note']}")
        if p.get("paid_fen") is not None:
            block.append("   " + i18n.t("purchases.sheet.paid", amount=money(p["paid_fen"])))
        block.append("")
        if len(page) + len(block) > 60:
            pages.append(page)
            page = []
        page += block
    if page:
        pages.append(page)
    return pages


def run_pdf(store: Store, run_id: int, path: str | Path | None = None) -> Path:
    """Render the shopping list and packing lists to an A4 PDF (150 dpi) in
    ``<data>/exports`` and return its path."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415


    font = ImageFont.truetype(printing.require_font(), 24)
    run = get_run(store, run_id)
    images = []
    for lines in sheet_text(store, run_id):
        img = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(img)
        for i, text in enumerate(lines):
            draw.text((90, 90 + i * 26), text, font=font, fill=0)
        images.append(img.convert("RGB"))
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return output.write(store, path or store.root / "exports" / f"run-{run_label(run)}-{run['date']}.pdf",
                        buf.getvalue())



# ---------------------------------------------------------------- command line
def parse_orders_command(store: Store, args) -> int:
    """`python app.py parse-orders FILE`: one JSON object per parsed order on
    stdout; each line needing a fix as 'N: line  <- why' on stderr. Changes
    nothing. Exit 1 when any line needs fixing."""
    import json  # noqa: PLC0415
    import sys  # noqa: PLC0415

    data = Path(args.file).read_bytes() if args.file != "-" else sys.stdin.buffer.read()
    text, _ = safe_text.decode(data)
    result = parse_chat(text, registry(store))
    if result.cleaned:
        print(i18n.t("safe_text.removed_lines", lines=", ".join(map(str, result.cleaned))),
              file=sys.stderr)
    for order in result.orders:
        print(json.dumps(order, ensure_ascii=False))
    for p in result.problems:
        print(f"{p['line_no']}: {p['raw'].strip()}    <- {p['message']}", file=sys.stderr)
    if result.problems:
        print(i18n.t("purchases.cli_summary", ok=len(result.orders), bad=len(result.problems)),
              file=sys.stderr)
    return 1 if result.problems else 0


i18n.add({"purchases.cli_summary": ("读出 {ok} 单，{bad} 行需要修改。",
                                    "{ok} orders read, {bad} lines need fixing.")})


def command() -> Command:
    """The `parse-orders` subcommand (listed in console.features)."""
    return Command("parse-orders", ("读取接龙代购清单并检查（不修改数据）",
                                    "read a chat sign-up list, print orders as JSON lines; changes nothing"),
                   lambda p: p.add_argument("file", metavar="FILE", help="text file, or - for stdin"),
                   parse_orders_command)


# ---------------------------------------------------------------- spreadsheet: unpaid packs
i18n.add({
    "purchases.export.unpaid": ("未付代购", "unpaid packs"),
    "purchases.col.no": ("单号", "no"), "purchases.col.door": ("门牌", "door"),
    "purchases.col.person": ("联系人", "person"), "purchases.col.phone": ("电话", "phone"),
    "purchases.col.run": ("批次", "run"), "purchases.col.status": ("状态", "status"),
    "purchases.col.items": ("物品", "items"), "purchases.col.short": ("缺货", "short"),
    "purchases.col.owed": ("应付（元）", "owed (yuan)"),
})

UNPAID_COLUMNS = (*(Column(k, f"purchases.col.{k}") for k in (
    "no", "door", "person", "phone", "run", "status", "items", "short")),
    Column("owed", "purchases.col.owed", "0.00"))


def unpaid_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """Bought packs not yet settled, with what each owes in yuan."""
    runs_by_id = {r["id"]: run_label(r) for r in runs(store)}
    rows = []
    for r in unpaid(store):
        b = bill(r)
        rows.append({
            "no": r.get("no"), "door": r["door"], "person": r.get("person", ""),
            "phone": r.get("phone", ""), "run": runs_by_id.get(r.get("run"), ""),
            "status": i18n.t(f"purchases.status.{r['status']}"),
            "items": "  ".join(f"{ln['item']}{ln['qty']:g}{ln['unit']}" for ln in b["lines"]),
            "short": "、".join(b["short"]),
            "owed": None if r.get("paid_fen") is None else r["paid_fen"] / 100})
    return Table(i18n.t("purchases.export.unpaid"), UNPAID_COLUMNS, rows)


EXPORTS = [exports.Export("unpaid", "purchases.export.unpaid", unpaid_table, dated=False)]


# ---------------------------------------------------------------- purge: orders

PURGE = [
    purge.Rule(REQUESTS, ("person", "phone", "door", "note", "settlement"),
               day=lambda r: purge.last_change(r, "ordered_at", "at", "delivery", "settlement")
               or r.get("_at", "")),
]
