"""The purchases catalogue: fixed-price bundles (the 35-yuan vegetable bundle
and its grower), the last price seen for common items at each shop, and
special offers shown until they end; :func:`price_of` gives the best known
unit price.
"""

from __future__ import annotations

import datetime as dt

from tinydb import where

from console.core import clock, i18n
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.purchases.form_values import parse_day, parse_money
from console.purchases.orders import with_id

CATALOGUE = "purchase_catalogue"

i18n.add({
    "purchases.no_name": ("请填写名称。", "Enter a name."),
    "purchases.no_unit": ("请填写单位（斤、箱、个……）。", "Enter a unit (斤, 箱, 个…)."),
    "purchases.what.catalogue": ("修改商品目录", "change the catalogue"),
})


# ---------------------------------------------------------------- catalogue
def catalogue(store: Store, kind: str | None = None) -> list[dict]:
    rows = [with_id(r) for r in store.table(CATALOGUE).all()]
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
        return with_id(t.get(doc_id=doc_id))


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
