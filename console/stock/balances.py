"""What the thermometer ledger adds up to: every movement, the balance of
each item, what each source gave and cost, what each household holds and who
still has none, the guns out on loan, and the desk's stock alerts (low stock,
guns overdue).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from console.core import alerts, clock, i18n
from console.core.store import Store
from console.households import registry as households
from console.stock.items import item_map, item_name, items, low_levels
from console.stock.index import (MOVES, TALLY, MovesIndex, build_moves, handouts_index,
                                 moves_index)

i18n.add({
    "stock.low_alert": ("{item}只剩 {balance}（预警线 {low}）。", "{item} is low: {balance} left (warning at {low})."),
    "stock.overdue_alert": ("{item}借给 {team}，应于 {due} 归还，已逾期。",
                            "{item} lent to {team} was due back at {due}: overdue."),
})


# -- views ---------------------------------------------------------------------

def movements(store: Store) -> list[dict]:
    """Every movement, oldest first. Read-only: the list and its rows are
    shared (the ledger's index)."""
    return moves_index(store).moves


def _given(store: Store, moves: list[dict] | None) -> MovesIndex:
    """The index, or one made from ``moves`` when they are not its own list."""
    index = moves_index(store)
    if moves is None or moves is index.moves:
        return index
    return build_moves([(0, m) for m in moves])


def balances(store: Store, moves: list[dict] | None = None) -> list[dict]:
    """Per item: balance (in stock), out (on loan), received, given, low level."""
    tally = _given(store, moves).tally
    low = low_levels(store)
    rows = {i["key"]: {"item": i["key"], "name": item_name(i), "kind": i.get("kind", "handout"),
                       **dict.fromkeys(TALLY, 0), "low": low[i["key"]]} for i in items(store)}
    for item, counts in tally.items():
        rows.setdefault(item, {"item": item, "name": item, "kind": "?", "low": 0}).update(counts)
    for row in rows.values():
        row["is_low"] = row["received"] > 0 and 0 < row["low"] and row["balance"] <= row["low"]
    return list(rows.values())


def sources(store: Store, moves: list[dict] | None = None) -> list[dict]:
    """Per source: quantity received and total cost in fen (corrections net out)."""
    out = _given(store, moves).sources.values()
    return sorted((dict(r) for r in out if r["qty"]), key=lambda r: (r["first"], r["source"]))


def held_by_door(store: Store) -> dict[str, int]:
    """Thermometers each household holds from this desk (doors with any record)."""
    return {door: r["held"] for door, (_, r) in handouts_index(store).items()}


def without_thermometer(store: Store, building: int | None = None) -> dict[int, list[dict]]:
    """Households still without a thermometer, by building, in door order.
    Each row: door, head, members, floor, room, at_home."""
    held = held_by_door(store)
    out: dict[int, list[dict]] = defaultdict(list)
    for h in households.all_households(store):
        if held.get(h["door"], 0) > 0 or (building is not None and h["building"] != building):
            continue
        out[h["building"]].append({k: h.get(k) for k in
                                   ("door", "building", "head", "members", "floor", "room", "at_home")})
    for rows in out.values():
        rows.sort(key=lambda r: (int(r["floor"] or 0), r["room"]))
    return dict(sorted(out.items()))


def loans(store: Store, now: dt.datetime | None = None, moves: list[dict] | None = None) -> list[dict]:
    """Open loans (guns out), oldest first, each with ``overdue``."""
    now = now or clock.now()
    return [{**m, "overdue": dt.datetime.fromisoformat(m["due"]) < now}
            for m in _given(store, moves).loans.values()]


def stock_alerts(store: Store, now: dt.datetime) -> list[alerts.Alert]:
    if store.version(MOVES) is None:
        return []
    moves = movements(store)
    out = [alerts.Alert(f"stock.low.{b['item']}.{b['balance']}",
                        i18n.t("stock.low_alert", item=b["name"], balance=b["balance"], low=b["low"]))
           for b in balances(store, moves) if b["is_low"]]
    names = item_map(store)
    for m in loans(store, now, moves):
        if m["overdue"]:
            out.append(alerts.Alert(f"stock.overdue.{m['no']}", i18n.t(
                "stock.overdue_alert", item=item_name(names.get(m["item"], m["item"])),
                team=m["team"], due=m["due"][5:16].replace("T", " ")), "error"))
    return out
