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
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console.core import alerts, clock, i18n, output, printing, safe_text, settings
from console.households import registry as households
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.commands import Command
from console.core.store import Store
from console.core import exports, purge
from console.core.spreadsheet import Column, Table

MOVES = "stock_movements"
HANDOUTS = "stock_handouts"
Store.APPEND_ONLY.add(MOVES)

KINDS = ("receive", "issue", "lend", "return", "broken", "lost", "adjust", "reverse")
REASONS = ("broken", "lost")          # why a household gets a second thermometer
REVERSIBLE = {"receive", "issue", "broken", "lost"}
MAX_QTY = 100_000
MAX_FEN = 10_000_000                  # 100,000 yuan per unit is surely a typo

#: default items; override with the setting "stock_items" (same shape)
DEFAULT_ITEMS: list[dict[str, Any]] = [
    {"key": "mercury", "zh": "水银体温计", "en": "mercury thermometer", "kind": "handout", "low": 30},
    {"key": "digital", "zh": "电子体温计", "en": "digital thermometer", "kind": "handout", "low": 5},
    {"key": "gun", "zh": "红外测温枪", "en": "infrared gun", "kind": "loan", "low": 0},
]

i18n.add({
    "stock.what.adjust": ("盘点调整库存", "adjust stock in a stock-take"),
    "stock.what.correct": ("更正库存记录", "correct a stock movement"),
    "stock.what.settings": ("修改库存预警", "change stock warnings"),
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
    "stock.bad_qty": ("数量必须是大于 0 的整数。", "The quantity must be a whole number above 0."),
    "stock.bad_count": ("盘点数必须是 0 或正整数，收到“{text}”。",
                        "The count must be a whole number (0 or more), not “{text}”."),
    "stock.bad_cost": ("单价请填元，例如 3.5（不能为负）。", "Enter the unit price in yuan, e.g. 3.5 (not negative)."),
    "stock.bad_item": ("没有这种物品：{item}。", "No such item: {item}."),
    "stock.not_handout": ("{item}不发给住户（只借给小组）。", "{item} is not handed to households (only lent to teams)."),
    "stock.not_loan": ("{item}不借出，请用发放。", "{item} is not lent; hand it out instead."),
    "stock.need_source": ("请填来源（哪个卫生服务中心或谁捐的）。",
                          "Enter the source (which health centre, or who donated)."),
    "stock.need_team": ("请填借用的小组。", "Enter the team borrowing it."),
    "stock.need_reason": ("请说明原因。", "Give a reason."),
    "stock.bad_due": ("归还时间必须在现在之后。", "The due time must be later than now."),
    "stock.bad_date": ("日期看不懂：{text}（格式 2020-03-05）。", "Cannot read the date {text} (use 2020-03-05)."),
    "stock.second": ("{door} 已领过 {held} 支体温计；再发一支请选原因：坏了或丢了。",
                     "{door} already has {held} thermometer(s); a second one needs a reason: broken or lost."),
    "stock.bad_reason": ("补发原因只能是“坏了”或“丢了”。", "A replacement reason is broken or lost."),
    "stock.not_lent": ("没有借出记录可归还：{what}。", "Nothing lent to return: {what}."),
    "stock.no_movement": ("没有第 {no} 号记录。", "There is no movement number {no}."),
    "stock.not_reversible": ("第 {no} 号（{kind}）不能更正；借还请用归还，数量请用盘点。",
                             "Movement {no} ({kind}) cannot be reversed: use a return or a stock-take."),
    "stock.already_reversed": ("第 {no} 号已经更正过了。", "Movement {no} was already corrected."),
    "stock.bad_low": ("预警数必须是 0 或正整数。", "The warning level must be a whole number (0 or more)."),
    "stock.low_alert": ("{item}只剩 {balance}（预警线 {low}）。", "{item} is low: {balance} left (warning at {low})."),
    "stock.overdue_alert": ("{item}借给 {team}，应于 {due} 归还，已逾期。",
                            "{item} lent to {team} was due back at {due}: overdue."),
    "stock.sheet_title": ("{building} 栋 体温计发放表（{n} 户未领）", "Building {building}: thermometer hand-out ({n} to go)"),
    "stock.col_door": ("门牌", "Door"),
    "stock.col_head": ("户主", "Head"),
    "stock.col_members": ("人数", "People"),
    "stock.col_signed": ("签收", "Signed"),
    "stock.sheet_foot": ("免费发放，不收任何费用。打印于 {at}，第 {page}/{pages} 页",
                         "Free of charge; take no money. Printed {at}, page {page}/{pages}"),
    "stock.away": ("不在家", "away"),
    "stock.cli_help": ("打印体温计库存余额", "print thermometer stock balances"),
    "stock.cli_head": ("物品                 库存 借出  入库   发放 预警", "Item                 stock  out  recv  given  low"),
    "stock.cli_low": ("偏低", "LOW"),
    "stock.cli_sources": ("来源                      数量   金额（元）", "Source                     qty  cost (yuan)"),
    "stock.cli_sheet": ("已生成发放表：{path}", "Hand-out sheet written: {path}"),
})


# -- items and settings --------------------------------------------------------

def items(store: Store) -> list[dict[str, Any]]:
    """The configured items (setting "stock_items"), else the defaults."""
    return settings.get(store, "stock_items") or DEFAULT_ITEMS


def item_map(store: Store) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in items(store)}


def item_name(item: dict[str, Any] | str) -> str:
    if isinstance(item, str):
        return item
    return item["zh"] if i18n.lang() == "zh" else item["en"]


def low_levels(store: Store) -> dict[str, int]:
    """Warning level per item: setting "stock_low" over each item's default."""
    over = settings.get(store, "stock_low") or {}
    return {i["key"]: int(over.get(i["key"], i.get("low", 0))) for i in items(store)}


def set_low(store: Store, actor: Actor, item: str, level: int | str) -> None:
    """Leaders set the low-stock warning level of an item."""
    require_leader(store, actor, "stock.what.settings")
    _item(item_map(store), item)
    level = _whole(level, "stock.bad_low", "low", allow_zero=True)
    levels = dict(settings.get(store, "stock_low") or {})
    levels[item] = level
    settings.put(store, actor, "stock_low", levels)


# -- parsing what volunteers type -----------------------------------------------

def _whole(value: Any, key: str, field: str, allow_zero: bool = False, **params) -> int:
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,9}", text):
        raise DomainError(key, field=field, **params)
    n = int(text)
    if n > MAX_QTY or (n == 0 and not allow_zero):
        raise DomainError(key, field=field, **params)
    return n


def parse_qty(value: Any, field: str = "qty") -> int:
    """A positive whole quantity (int or typed text), else a clear error."""
    return _whole(value, "stock.bad_qty", field)


def parse_count(value: Any) -> int:
    """A stock-take count: a whole number, 0 allowed."""
    text = str(value if value is not None else "").strip()
    return _whole(value, "stock.bad_count", "counted", allow_zero=True, text=text)


def parse_yuan(value: Any) -> int:
    """Typed yuan ("3.5", "３.５０", 3) -> integer fen (350). Never a float in storage."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value or "")).strip().removesuffix("元").strip()
    m = re.fullmatch(r"(\d{1,7})(?:\.(\d{1,2}))?", text)
    if not m:
        raise DomainError("stock.bad_cost", field="cost")
    fen = int(m[1]) * 100 + int((m[2] or "0").ljust(2, "0"))
    if fen > MAX_FEN:
        raise DomainError("stock.bad_cost", field="cost")
    return fen


def yuan(fen: int) -> str:
    """Integer fen as yuan text: 35050 -> '350.50'."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _text(value: Any, key: str, field: str, limit: int = 40) -> str:
    text = safe_text.line(value, nfkc=True)[:limit]
    if not text:
        raise DomainError(key, field=field)
    return text


def _date(value: Any) -> str:
    if value is None or value == "":
        return clock.today().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DomainError("stock.bad_date", field="date", text=text) from None


def _item(known: dict[str, dict], key: str | None) -> dict:
    if key not in known:
        raise DomainError("stock.bad_item", field="item", item=key)
    return known[key]


# -- the ledger inside one transaction ------------------------------------------

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
        # household records by door: read once, changed here, written by flush()
        # raw rows (TinyDB's _read_table): no Document wrapper per row, 10k rows stay cheap
        self.records: dict[str, dict] = {r["door"]: {**r, "_id": int(i)}
                                         for i, r in self.handouts._read_table().items()}
        self._dirty: set[str] = set()
        self._pending: list[dict] = []
        self.balance: dict[str, int] = defaultdict(int)
        self.by_no: dict[int, dict] = {}
        self.closed: set[int] = set()      # loans returned or written off
        self.reversed: set[int] = set()
        for m in self.moves._read_table().values():
            self._index(m)
        self._households: dict[str, dict] | None = None

    def _index(self, m: dict) -> None:
        self.balance[m["item"]] += m["delta"]
        self.by_no[m["no"]] = m
        if m.get("loan"):
            self.closed.add(m["loan"])
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
            self._households = households.by_door(self.store)
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
                             "source": _text(source, "stock.need_source", "source"),
                             "unit_fen": fen, "cost_fen": fen * qty, "date": _date(date),
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
        return self._append({"item": item, "kind": "lend", "qty": qty, "delta": -qty, "team": _text(team, "stock.need_team", "team"),
                             "due": due_at.isoformat(), "at": at})

    def open_loans(self) -> list[dict]:
        return [m for m in self.by_no.values() if m["kind"] == "lend" and m["no"] not in self.closed]

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
                             "note": _text(note, "stock.need_reason", "note", 80)})

    def adjust(self, item: str, counted: Any, reason: Any) -> dict:
        """Stock-take: record what was counted against what the ledger expects."""
        require_leader(self.store, self.actor, "stock.what.adjust")
        self._check_item(item)
        counted = parse_count(counted)
        reason = _text(reason, "stock.need_reason", "reason", 80)
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
        reason = _text(reason, "stock.need_reason", "reason", 80)
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
        return _item(self.items, item)

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


# -- views ---------------------------------------------------------------------

def movements(store: Store) -> list[dict]:
    """Every movement, oldest first. Read-only: the rows are the store's
    in-memory records."""
    return sorted(store.table(MOVES).records(), key=lambda m: m["no"])


def balances(store: Store, moves: list[dict] | None = None) -> list[dict]:
    """Per item: balance (in stock), out (on loan), received, given, low level."""
    moves = movements(store) if moves is None else moves
    low = low_levels(store)
    rows = {i["key"]: {"item": i["key"], "name": item_name(i), "kind": i.get("kind", "handout"),
                       "balance": 0, "out": 0, "received": 0, "given": 0, "low": low[i["key"]]}
            for i in items(store)}
    loans: dict[int, int] = {}
    for m in moves:
        row = rows.setdefault(m["item"], {"item": m["item"], "name": m["item"], "kind": "?",
                                          "balance": 0, "out": 0, "received": 0, "given": 0,
                                          "low": 0})
        row["balance"] += m["delta"]
        kind = m["kind"]
        if kind == "receive":
            row["received"] += m["qty"]
        elif kind == "issue":
            row["given"] += m["qty"]
        elif kind == "lend":
            loans[m["no"]] = m["qty"]
            row["out"] += m["qty"]
        elif m.get("loan") in loans:
            row["out"] -= loans.pop(m["loan"])
        elif kind == "reverse" and m.get("source") is not None:
            row["received"] -= m["qty"]
        elif kind == "reverse" and m.get("door"):
            row["given"] -= m["qty"]
    for row in rows.values():
        row["is_low"] = row["received"] > 0 and 0 < row["low"] and row["balance"] <= row["low"]
    return list(rows.values())


def sources(store: Store, moves: list[dict] | None = None) -> list[dict]:
    """Per source: quantity received and total cost in fen (corrections net out)."""
    moves = movements(store) if moves is None else moves
    out: dict[tuple[str, str], dict] = {}
    for m in moves:
        if m.get("source") is None:
            continue
        row = out.setdefault((m["source"], m["item"]), {"source": m["source"], "item": m["item"],
                                                        "qty": 0, "cost_fen": 0, "first": m.get("date", "")})
        sign = -1 if m["kind"] == "reverse" else 1
        row["qty"] += sign * m["qty"]
        row["cost_fen"] += m["cost_fen"]  # a correction carries a negative cost
        row["first"] = min(row["first"], m.get("date") or row["first"])
    return sorted((r for r in out.values() if r["qty"]), key=lambda r: (r["first"], r["source"]))


def held_by_door(store: Store) -> dict[str, int]:
    """Thermometers each household holds from this desk (doors with any record)."""
    return {r["door"]: r["held"] for r in store.table(HANDOUTS).all()}


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
    moves = movements(store) if moves is None else moves
    now = now or clock.now()
    closed = {m["loan"] for m in moves if m.get("loan")}
    out = []
    for m in moves:
        if m["kind"] == "lend" and m["no"] not in closed:
            out.append({**m, "overdue": dt.datetime.fromisoformat(m["due"]) < now})
    return out


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



# -- the printable hand-out list ------------------------------------------------

def handout_sheet(store: Store, building: int, path: Path | None = None) -> Path:
    """An A4 PDF (one line per household without a thermometer, a box to sign,
    away households shaded) for one building. Returns its path (default
    ``<data>/exports/thermometers-<building>-<time>.pdf``, group-shared)."""
    households.building(store, building)  # an unknown building: a message, not an empty sheet
    pages = sheet_pages(store, building)
    if path is None:
        path = store.root / "exports" / f"thermometers-{building}-{clock.now():%Y%m%d-%H%M%S}.pdf"
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    return output.write(store, path, buf.getvalue())


def sheet_pages(store: Store, building: int) -> list:
    """The hand-out sheet of one building as A4 page images (150 dpi)."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    font_path = printing.require_font()
    rows = without_thermometer(store, building).get(building, [])
    width, height, margin, line = 1240, 1754, 90, 56          # A4 at 150 dpi
    per_page = (height - 2 * margin - 200) // line
    pages_rows = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    big = ImageFont.truetype(font_path, 44)
    body = ImageFont.truetype(font_path, 32)
    small = ImageFont.truetype(font_path, 24)
    stamp = clock.now().strftime("%Y-%m-%d %H:%M")
    pages = []
    for n, chunk in enumerate(pages_rows, start=1):
        img = Image.new("RGB", (width, height), "white")
        d = ImageDraw.Draw(img)
        d.text((margin, margin), i18n.t("stock.sheet_title", building=building, n=len(rows)),
               font=big, fill="black")
        y = margin + 100
        for x, key in ((0, "door"), (230, "head"), (620, "members"), (760, "signed")):
            d.text((margin + x, y), i18n.t(f"stock.col_{key}"), font=body, fill="black")
        y += line
        d.line((margin, y - 8, width - margin, y - 8), fill="black", width=2)
        for r in chunk:
            if not r["at_home"]:
                d.rectangle((margin - 10, y - 4, width - margin, y + line - 12), fill="#b0b0b0")
            head = r["head"] or ""
            if not r["at_home"]:
                head += f"（{i18n.t('stock.away')}）"
            d.text((margin, y), r["door"], font=body, fill="black")
            d.text((margin + 230, y), head, font=body, fill="black")
            d.text((margin + 620, y), str(r["members"] or ""), font=body, fill="black")
            d.rectangle((margin + 760, y - 2, width - margin, y + line - 14), outline="black", width=2)
            y += line
        d.text((margin, height - margin), i18n.t("stock.sheet_foot", at=stamp, page=n,
                                                  pages=len(pages_rows)), font=small, fill="black")
        pages.append(img)
    return pages


# -- spreadsheet: the hand-out list ---------------------------------------------------

i18n.add({
    "stock.export.handouts": ("体温计发放名单", "thermometer hand-out list"),
    "stock.col_building": ("楼号", "Building"),
    "stock.col_away": ("不在家", "Away"),
})

HANDOUT_COLUMNS = (Column("building", "stock.col_building"), Column("door", "stock.col_door"),
                   Column("head", "stock.col_head"), Column("members", "stock.col_members", "0"),
                   Column("away", "stock.col_away"), Column("signed", "stock.col_signed"))


def handout_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """Every building's households still without a thermometer (the printed
    hand-out list, with an empty column to sign)."""
    rows = [{**r, "away": not r["at_home"]} for per_building in without_thermometer(store).values()
            for r in per_building]
    return Table(i18n.t("stock.export.handouts"), HANDOUT_COLUMNS, rows)


EXPORTS = [exports.Export("handouts", "stock.export.handouts", handout_table, dated=False)]


# -- command line: `python app.py stock` ------------------------------------------

def _cli_setup(p) -> None:
    p.add_argument("--sources", action="store_true", help="per source: quantity and cost")
    p.add_argument("--sheet", type=int, metavar="BUILDING",
                   help="write the hand-out sheet (A4 PDF) for BUILDING")


def pad(text: str, width: int) -> str:
    """Left-align in terminal columns (a Chinese character takes two)."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cols)


def _cli_run(store: Store, args) -> int:
    if args.sheet is not None:
        print(i18n.t("stock.cli_sheet", path=handout_sheet(store, args.sheet)))
        return 0
    if args.sources:
        print(i18n.t("stock.cli_sources"))
        rows = sources(store)
        for r in rows:
            print(f"{pad(r['source'], 24)} {r['qty']:>5}  {yuan(r['cost_fen']):>10}")
        print(f"{pad('Σ', 24)} {sum(r['qty'] for r in rows):>5}  "
              f"{yuan(sum(r['cost_fen'] for r in rows)):>10}")
        return 0
    print(i18n.t("stock.cli_head"))
    for b in balances(store):
        flag = i18n.t("stock.cli_low") if b["is_low"] else ""
        print(f"{pad(b['name'], 20)} {b['balance']:>6} {b['out']:>4} {b['received']:>5} "
              f"{b['given']:>6} {b['low']:>4} {flag}".rstrip())
    return 0


def command():
    """The `stock` subcommand (listed in console.features)."""
    return Command("stock", i18n._strings["stock.cli_help"], _cli_setup, _cli_run)


# -- purge: who got a thermometer (the building stays for the counts) ---------------

PURGE = [
    purge.Rule(MOVES, ("door", "note", "reason"), day=lambda r: str(r.get("date") or r.get("at") or "")),
    purge.Rule(HANDOUTS, ("door",), day=lambda r: purge.last_change(r, "_upd_at", "_at")),
]
