"""Shopping runs: one shop on one day, the requests that joined it, the
combined shopping list and one pack per household, each pack's checkout
amount, the receipts check, and the printable sheets.

A pack is bought as soon as its checkout amount is recorded: it can go out,
be delivered and settled (:mod:`console.purchases.settlement`) while the rest
of its run is still being shopped. A run moves  open -> bought (every pack
bought, receipts add up) -> closed.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from tinydb import where

from console.core import clock, i18n, output, printing
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.purchases.form_values import money, parse_day, parse_hhmm, parse_money
from console.purchases.orders import REQUESTS, RUNS, request_no, request_row, with_id
from console.purchases.parser import TO_JIN, number

i18n.add({
    "purchases.no_run": ("找不到采购批次 {id}。", "No shopping run {id}."),
    "purchases.run_closed": ("批次 {no} 已经结束了。", "Run {no} is already closed."),
    "purchases.run_not_open": ("批次 {no} 已采购完，不能再加单或改金额。",
                               "Run {no} is already bought: no more orders or amounts."),
    "purchases.run_not_bought": ("批次 {no} 还没采购完，不能结束。", "Run {no} is not bought yet: it cannot be closed."),
    "purchases.run_exists": ("{date} 在 {shop} 已有批次 {no}。", "There is already run {no} for {shop} on {date}."),
    "purchases.missing_amounts": ("还有 {n} 户没有填实付金额（{nos}）。",
                                  "{n} households have no amount paid yet ({nos})."),
    "purchases.receipt_mismatch": ("各户实付合计 {sum} 元，小票合计 {receipt} 元，相差 {diff} 元。请核对。",
                                   "Amounts paid add up to {sum} yuan but the receipts total {receipt} yuan "
                                   "(off by {diff}). Please check."),
    "purchases.bad_line": ("第 {n} 项不存在。", "There is no item {n}."),
    "purchases.what.close": ("结束批次", "close a run"),
    "purchases.run.open": ("接单中", "open"),
    "purchases.run.bought": ("已采购", "bought"),
    "purchases.run.closed": ("已结束", "closed"),
    "purchases.short": ("缺货", "short"),
    "purchases.sheet.list": ("采购清单 {no}  {date}  {shop}", "Shopping list {no}  {date}  {shop}"),
    "purchases.sheet.pack": ("分装单 {no}  {door}  {person}", "Pack {no}  {door}  {person}"),
    "purchases.sheet.households": ("{n} 户", "{n} households"),
    "purchases.sheet.paid": ("实付 {amount} 元", "Paid {amount} yuan"),
})


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
    return [with_id(r) for r in sorted(store.table(RUNS).all(), key=lambda r: r.doc_id, reverse=True)]


def last_shop(store: Store) -> str:
    """The shop of the newest run ("" before the first): where the next run
    or a price seen is most likely from."""
    newest = max(store.table(RUNS).all(), key=lambda r: r.doc_id, default=None)
    return newest["shop"] if newest else ""


def get_run(store: Store, run_id: int) -> dict:
    return with_id(_run(store, run_id))


def run_requests(store: Store, run_id: int) -> list[dict]:
    run = _run(store, run_id)
    rows = store.table(REQUESTS).get(doc_ids=run["requests"]) if run["requests"] else []
    return sorted((with_id(r) for r in rows if r.get("status") != "cancelled"),
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
        row = request_row(t, request_id)
        if not row.get("run"):
            raise DomainError("purchases.not_in_run", no=request_no(row), run="-")
        run = _run(tx, row["run"])
        if run["status"] != "open":
            raise DomainError("purchases.run_not_open", field="amount", no=run_label(run))
        if row.get("settlement"):
            raise DomainError("purchases.already_settled", field="amount", no=request_no(row),
                              how=i18n.t(f"purchases.settle.{row['settlement']['how']}"))
        if row["status"] == "cancelled":
            raise DomainError("purchases.cancelled", no=request_no(row))
        lines = [dict(ln) for ln in row["lines"]]
        for i in short or []:
            if not 0 <= int(i) < len(lines):
                raise DomainError("purchases.bad_line", field="short", n=int(i) + 1)
        for i, ln in enumerate(lines):
            ln["short"] = i in {int(x) for x in short or []}
        status = "bought" if row["status"] == "in_run" else row["status"]
        t.update({"paid_fen": fen, "lines": lines, "status": status,
                  "bought_at": row.get("bought_at") or clock.stamp()}, doc_ids=[row.doc_id])
        return with_id(t.get(doc_id=row.doc_id))


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
        missing = [request_no(r) for r in reqs if r.get("paid_fen") is None]
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
        return with_id(tx.table(RUNS).get(doc_id=run.doc_id))


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
        return with_id(tx.table(RUNS).get(doc_id=run.doc_id))


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
