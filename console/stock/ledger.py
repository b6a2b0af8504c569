"""Thermometer stock: an append-only ledger, free handouts, gun loans, stock-take.

Story 4: 1,472 households, one infrared gun per team, 500+ mercury
thermometers bought over three days from 20+ community health centres and
handed out free. Everything that moves stock is a *movement* in the table
``stock_movements`` (never edited, never removed; corrections are new
movements). The balance of an item is the sum of its movements' ``delta``.
A movement that would make a balance negative is refused inside the same
locked transaction that would write it, so two desks can't both hand out
the last one.

Movement kinds (``qty`` is always positive; ``delta`` is the signed change
to the desk's stock):

=========  ======  =====================================================
receive    +qty    bought or donated: source, unit cost in fen, date
issue      -qty    handed to a household, free (no money field exists)
lend       -qty    a gun lent to a team, with a due time
return     +qty    a lent gun came back (closes the loan)
broken     -qty    broken at the desk; or 0 when it closes a loan
lost       -qty    lost at the desk; or 0 when it closes a loan
adjust     ±n      stock-take: counted against expected, with a reason
reverse    -delta  a correction that cancels one earlier movement
=========  ======  =====================================================

The per-household handout record (table ``stock_handouts``, kept in the same
file) changes in the same atomic write as the issue movement. Money is kept
as integer fen. Nothing here ever records a charge to a resident.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import ChainMap, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from console.core import clock, i18n, purge
from console.core.cache import cached
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.households import registry as households
from console.stock.index import HANDOUTS, MOVES, handouts_index, moves_index
from console.stock.items import item_map, item_name, known_item
from console.stock.values import parse_count, parse_date, parse_qty, parse_yuan, required_text


KINDS = ("receive", "issue", "lend", "return", "broken", "lost", "adjust", "reverse")
REASONS = ("broken", "lost")          # why a household gets a second thermometer
REVERSIBLE = {"receive", "issue", "broken", "lost"}

i18n.add({
    "stock.what.adjust": ("盘点调整库存", "adjust stock in a stock-take"),
    "stock.what.correct": ("更正库存记录", "correct a stock movement"),
    "stock.kind.receive": ("入库", "received"),
    "stock.kind.issue": ("发放", "handed out"),
    "stock.kind.lend": ("借出", "lent"),
    "stock.kind.return": ("归还", "returned"),
    "stock.kind.broken": ("损坏", "broken"),
    "stock.kind.lost": ("丢失", "lost"),
    "stock.kind.adjust": ("盘点", "stock-take"),
    "stock.kind.reverse": ("更正", "correction"),
    "stock.reason.broken": ("原来的坏了", "old one broken"),
    "stock.reason.lost": ("原来的丢了", "old one lost"),
    "stock.replacement": ("补发", "replacement"),
    "stock.negative": ("{item}库存不足：现有 {balance}，不能减少 {qty}。",
                       "Not enough {item}: balance is {balance}, cannot take {qty}."),
    "stock.not_handout": ("{item}不发给住户（只借给小组）。", "{item} is not handed to households (only lent to teams)."),
    "stock.not_loan": ("{item}不借出，请用发放。", "{item} is not lent; hand it out instead."),
    "stock.need_source": ("请填来源（哪个卫生服务中心或谁捐的）。",
                          "Enter the source (which health centre, or who donated)."),
    "stock.need_team": ("请填借用的小组。", "Enter the team borrowing it."),
    "stock.need_reason": ("请说明原因。", "Give a reason."),
    "stock.bad_due": ("归还时间必须在现在之后。", "The due time must be later than now."),
    "stock.second": ("{door} 已领过 {held} 支体温计；再发一支请选原因：坏了或丢了。",
                     "{door} already has {held} thermometer(s); a second one needs a reason: broken or lost."),
    "stock.bad_reason": ("补发原因只能是“坏了”或“丢了”。", "A replacement reason is broken or lost."),
    "stock.not_lent": ("没有借出记录可归还：{what}。", "Nothing lent to return: {what}."),
    "stock.no_movement": ("没有第 {no} 号记录。", "There is no movement number {no}."),
    "stock.not_reversible": ("第 {no} 号（{kind}）不能更正；借还请用归还，数量请用盘点。",
                             "Movement {no} ({kind}) cannot be reversed: use a return or a stock-take."),
    "stock.already_reversed": ("第 {no} 号已经更正过了。", "Movement {no} was already corrected."),
})


# -- the ledger inside one transaction ------------------------------------------

class _Records:
    """Household records by door for one transaction: the committed ones
    (``handouts_index``: door -> (id, record)), each copied, with its
    ``_id``, the first time it is asked for, and the ones made here."""

    def __init__(self, base: dict[str, tuple[int, dict]]):
        self.base, self.mine = base, {}

    def get(self, door: str, default=None) -> dict | None:
        if door not in self.mine:
            if door not in self.base:
                return default
            doc_id, record = self.base[door]
            self.mine[door] = {**record, "_id": doc_id}
        return self.mine[door]

    def __getitem__(self, door: str) -> dict:
        record = self.get(door)
        if record is None:
            raise KeyError(door)
        return record

    def __setitem__(self, door: str, record: dict) -> None:
        self.mine[door] = record

    def __contains__(self, door: str) -> bool:
        return door in self.mine or door in self.base


class Ledger:
    """The stock ledger inside one locked transaction.

    Built from the freshly read movements; every method checks, then appends
    one movement (and the household record for handouts). Nothing is written
    unless the whole ``with`` block succeeds. Use :func:`ledger`.
    """

    def __init__(self, store: Store, tx, actor: Actor):
        self.store = store
        self.actor = actor
        self.tx = tx
        self.items = item_map(store)
        self.moves = tx.table(MOVES)
        self.handouts = tx.table(HANDOUTS)
        # the ledger as the lock found it (folded indexes: nothing is re-read), and
        # on top of it what this transaction appends; household records are copied
        # on first use, changed here and written by flush()
        index = moves_index(store)
        self.records = _Records(handouts_index(store))
        self._dirty: set[str] = set()
        self._pending: list[dict] = []
        self.balance: dict[str, int] = defaultdict(int, {k: t["balance"] for k, t in index.tally.items()})
        self.by_no: ChainMap[int, dict] = ChainMap({}, index.by_no)
        self.loans: dict[int, dict] = dict(index.loans)  # open loans, in number order
        self.reversed: set[int] = set(index.reversed)
        self._households: dict[str, dict] | None = None

    def _index(self, m: dict) -> None:
        self.balance[m["item"]] += m["delta"]
        self.by_no[m["no"]] = m
        if m["kind"] == "lend":
            self.loans[m["no"]] = m
        if m.get("loan"):
            self.loans.pop(m["loan"], None)
        if m["kind"] == "reverse":
            self.reversed.add(m["reverses"])

    def _append(self, doc: dict) -> dict:
        item = self.items.get(doc["item"], {"zh": doc["item"], "en": doc["item"]})
        balance = self.balance[doc["item"]]
        if balance + doc["delta"] < 0:
            raise DomainError("stock.negative", field="qty", item=item_name(item),
                              balance=balance, qty=-doc["delta"])
        doc = {"no": self.tx.next_number("movement"), "at": doc.pop("at", None) or clock.stamp(),
               **doc, "by": self.actor.name}
        self._pending.append(doc)
        self._index(doc)
        return doc

    def flush(self) -> None:
        """Stage what was appended (one insert, whatever the batch size)."""
        if self._pending:
            self.moves.insert_multiple(self._pending)
            self._pending = []
        new = [d for d in self._dirty if "_id" not in self.records[d]]
        if new:
            ids = self.handouts.insert_multiple([self.records[d] for d in new])
            for door, doc_id in zip(new, ids):
                self.records[door]["_id"] = doc_id
        for door in self._dirty - set(new):
            rec = {k: v for k, v in self.records[door].items() if k != "_id"}
            self.handouts.update(rec, doc_ids=[self.records[door]["_id"]])
        self._dirty = set()

    def _household(self, door: str) -> dict:
        key = households.normalise_door(door)
        if self._households is None:
            # read-only here: shared while the registry is unchanged
            self._households = cached(self.store, "households", lambda: households.by_door(self.store),
                                      tag="stock.by_door")
        if key not in self._households:
            raise DomainError("households.unknown_door", field="door", door=key)
        return self._households[key]

    # -- movements --
    def receive(self, item: str, qty: Any, source: Any, unit_cost: Any = 0,
                date: Any = None, note: str = "", at: str | None = None) -> dict:
        self._check_item(item)
        qty = parse_qty(qty)
        fen = unit_cost if isinstance(unit_cost, int) and not isinstance(unit_cost, bool) \
            and unit_cost >= 0 else parse_yuan(unit_cost)
        return self._append({"item": item, "kind": "receive", "qty": qty, "delta": qty,
                             "source": required_text(source, "stock.need_source", "source"),
                             "unit_fen": fen, "cost_fen": fen * qty, "date": parse_date(date),
                             "note": str(note or "")[:80], "at": at})

    def issue(self, door: str, item: str | None = None, reason: str | None = None,
              qty: Any = 1, at: str | None = None) -> dict:
        """Hand thermometers to a household, free. A household holding one
        already needs a reason (broken or lost); that shows as a replacement."""
        item = item or self.default_handout()
        spec = self._check_item(item)
        if spec.get("kind") != "handout":
            raise DomainError("stock.not_handout", field="item", item=item_name(spec))
        qty = parse_qty(qty)
        house = self._household(door)
        if reason not in (None, "", *REASONS):
            raise DomainError("stock.bad_reason", field="reason")
        record = self.records.get(house["door"])
        held = record["held"] if record else 0
        replacement = held + qty > 1
        if replacement and not reason:
            raise DomainError("stock.second", field="reason", door=house["door"], held=held)
        doc = self._append({"item": item, "kind": "issue", "qty": qty, "delta": -qty,
                            "door": house["door"], "building": house["building"],
                            "replacement": replacement, "reason": reason or "", "at": at})
        if record is None:
            record = self.records[house["door"]] = {
                "door": house["door"], "building": house["building"], "held": 0, "issued": 0,
                "replacements": 0, "movements": []}
        record["held"] += qty
        record["issued"] += qty
        record["replacements"] += int(replacement)
        record["movements"] = [*record["movements"], doc["no"]]
        self._dirty.add(house["door"])
        return doc

    def lend(self, item: str, team: Any, due: dt.datetime | str, qty: Any = 1,
             at: str | None = None) -> dict:
        spec = self._check_item(item)
        if spec.get("kind") != "loan":
            raise DomainError("stock.not_loan", field="item", item=item_name(spec))
        due_at = due if isinstance(due, dt.datetime) else _parse_due(due)
        if due_at <= (dt.datetime.fromisoformat(at) if at else clock.now()):
            raise DomainError("stock.bad_due", field="due")  # due back after it is lent
        qty = parse_qty(qty)
        return self._append({"item": item, "kind": "lend", "qty": qty, "delta": -qty, "team": required_text(team, "stock.need_team", "team"),
                             "due": due_at.isoformat(), "at": at})

    def open_loans(self) -> list[dict]:
        return list(self.loans.values())

    def find_loan(self, loan: int | None = None, team: str | None = None,
                  item: str | None = None) -> dict:
        for m in self.open_loans():
            if ((loan is None or m["no"] == loan) and (not team or m["team"] == team.strip())
                    and (item is None or m["item"] == item)):
                return m
        what = f"#{loan}" if loan else " ".join(str(x) for x in (team, item) if x) or "?"
        raise DomainError("stock.not_lent", field="loan", what=what)

    def close_loan(self, loan: int | None = None, team: str | None = None, item: str | None = None,
                   outcome: str = "return", note: str = "", at: str | None = None) -> dict:
        """A lent item came back (``return``) or won't (``broken``/``lost``)."""
        if outcome not in ("return", "broken", "lost"):
            raise ValueError(outcome)
        m = self.find_loan(loan, team, item)
        return self._append({"item": m["item"], "kind": outcome, "qty": m["qty"],
                             "delta": m["qty"] if outcome == "return" else 0,
                             "loan": m["no"], "team": m["team"], "note": str(note or "")[:80],
                             "at": at})

    def write_off(self, item: str, qty: Any, kind: str, note: Any) -> dict:
        """Broken or lost at the desk (not on loan)."""
        if kind not in ("broken", "lost"):
            raise DomainError("stock.bad_reason", field="kind")
        self._check_item(item)
        qty = parse_qty(qty)
        return self._append({"item": item, "kind": kind, "qty": qty, "delta": -qty,
                             "note": required_text(note, "stock.need_reason", "note", 80)})

    def adjust(self, item: str, counted: Any, reason: Any) -> dict:
        """Stock-take: record what was counted against what the ledger expects."""
        require_leader(self.store, self.actor, "stock.what.adjust")
        self._check_item(item)
        counted = parse_count(counted)
        reason = required_text(reason, "stock.need_reason", "reason", 80)
        expected = self.balance[item]
        return self._append({"item": item, "kind": "adjust", "qty": abs(counted - expected),
                             "delta": counted - expected, "counted": counted,
                             "expected": expected, "reason": reason})

    def reverse(self, no: Any, reason: Any) -> dict:
        """Cancel an earlier receive, handout or write-off with a new movement."""
        require_leader(self.store, self.actor, "stock.what.correct")
        try:
            no = int(str(no).strip().lstrip("#"))
        except ValueError:
            raise DomainError("stock.no_movement", field="no", no=no) from None
        m = self.by_no.get(no)
        if m is None:
            raise DomainError("stock.no_movement", field="no", no=no)
        if m["kind"] not in REVERSIBLE or m.get("loan"):
            raise DomainError("stock.not_reversible", field="no", no=no,
                              kind=i18n.t(f"stock.kind.{m['kind']}"))
        if no in self.reversed:
            raise DomainError("stock.already_reversed", field="no", no=no)
        reason = required_text(reason, "stock.need_reason", "reason", 80)
        doc = self._append({"item": m["item"], "kind": "reverse", "qty": m["qty"],
                            "delta": -m["delta"], "reverses": no, "reason": reason,
                            **({"door": m["door"], "building": m["building"]} if m.get("door") else {}),
                            **({"source": m["source"], "cost_fen": -m["cost_fen"]}
                               if m["kind"] == "receive" else {})})
        if m["kind"] == "issue":
            record = self.records[m["door"]]
            record["held"] -= m["qty"]
            record["replacements"] -= int(m["replacement"])
            record["movements"] = [*record["movements"], doc["no"]]
            self._dirty.add(m["door"])
        return doc

    def _check_item(self, item: str | None) -> dict:
        return known_item(self.items, item)

    def default_handout(self) -> str:
        return next(k for k, i in self.items.items() if i.get("kind") == "handout")


def _parse_due(text: str) -> dt.datetime:
    try:
        due = dt.datetime.fromisoformat(unicodedata.normalize("NFKC", str(text)).strip())
    except ValueError:
        raise DomainError("stock.bad_due", field="due") from None
    return due if due.tzinfo else due.replace(tzinfo=clock.now().tzinfo)


@contextmanager
def ledger(store: Store, actor: Actor) -> Iterator[Ledger]:
    """Lock the ledger and the household records, yield a :class:`Ledger`;
    everything it appended is written in one atomic write at the end."""
    with store.transaction(MOVES, HANDOUTS) as tx:
        led = Ledger(store, tx, actor)
        yield led
        led.flush()


# -- one-movement calls (what the desk and the CLI use) -------------------------

def receive(store: Store, actor: Actor, item: str, qty: Any, source: Any,
            unit_cost: Any = 0, date: Any = None, note: str = "") -> dict:
    with ledger(store, actor) as led:
        return led.receive(item, qty, source, unit_cost, date, note)


def issue(store: Store, actor: Actor, door: str, item: str | None = None,
          reason: str | None = None, qty: Any = 1) -> dict:
    with ledger(store, actor) as led:
        return led.issue(door, item, reason, qty)


def lend(store: Store, actor: Actor, item: str, team: Any, due: dt.datetime | str,
         qty: Any = 1) -> dict:
    with ledger(store, actor) as led:
        return led.lend(item, team, due, qty)


def give_back(store: Store, actor: Actor, loan: int | None = None, team: str | None = None,
              item: str | None = None, outcome: str = "return", note: str = "") -> dict:
    with ledger(store, actor) as led:
        return led.close_loan(loan, team, item, outcome, note)


def write_off(store: Store, actor: Actor, item: str, qty: Any, kind: str, note: Any) -> dict:
    with ledger(store, actor) as led:
        return led.write_off(item, qty, kind, note)


def stock_take(store: Store, actor: Actor, item: str, counted: Any, reason: Any) -> dict:
    require_leader(store, actor, "stock.what.adjust")
    with ledger(store, actor) as led:
        return led.adjust(item, counted, reason)


def reverse(store: Store, actor: Actor, no: Any, reason: Any) -> dict:
    require_leader(store, actor, "stock.what.correct")
    with ledger(store, actor) as led:
        return led.reverse(no, reason)


# -- purge: who got a thermometer (the building stays for the counts) ---------------

PURGE = [
    purge.Rule(MOVES, ("door", "note", "reason"), day=lambda r: str(r.get("date") or r.get("at") or "")),
    purge.Rule(HANDOUTS, ("door",), day=lambda r: purge.last_change(r, "_upd_at", "_at")),
]
