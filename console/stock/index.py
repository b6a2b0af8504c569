"""What the stock ledger adds up to, kept up to date movement by movement.

Two values derived with :func:`console.core.cache.folded`, so a hand-out at
the desk, the balances on screen and the stock alerts cost the new
movements, not the whole ledger:

- :func:`moves_index` over ``stock_movements`` (append-only): the movements
  in number order, by number, each item's tally (balance, out on loan,
  received, given), the open loans, the movements already reversed and
  what each source gave. A new movement is folded in; anything else (a
  rewrite by redact, a movement out of number order) builds it again.
- :func:`handouts_index` over ``stock_handouts``: each household's record
  by door, as (id, record). Inserts and updates that keep the door are
  folded in; a removal or a changed door builds it again.

Both are read-only once made: folding makes a new value.
"""

from __future__ import annotations

from console.core.cache import folded
from console.core.store import Store

MOVES = "stock_movements"
HANDOUTS = "stock_handouts"
Store.APPEND_ONLY.add(MOVES)

TALLY = ("balance", "out", "received", "given")


class MovesIndex:
    """``moves`` (oldest first), ``by_no``, ``tally`` {item: {balance, out,
    received, given}}, ``loans`` {no: open lend movement} in number order,
    ``reversed`` (numbers a correction cancelled), ``sources`` {(source,
    item): {source, item, qty, cost_fen, first}}."""

    __slots__ = ("moves", "by_no", "tally", "loans", "reversed", "sources")

    def __init__(self, moves=None, by_no=None, tally=None, loans=None, reversed_=None, sources=None):
        self.moves: list[dict] = moves if moves is not None else []
        self.by_no: dict[int, dict] = by_no if by_no is not None else {}
        self.tally: dict[str, dict] = tally if tally is not None else {}
        self.loans: dict[int, dict] = loans if loans is not None else {}
        self.reversed: set[int] = reversed_ if reversed_ is not None else set()
        self.sources: dict[tuple, dict] = sources if sources is not None else {}

    @property
    def top(self) -> int:
        return self.moves[-1]["no"] if self.moves else 0

    def balance(self, item: str) -> int:
        return self.tally.get(item, {}).get("balance", 0)


class _Adding:
    """A new index from an old one; what it changes is copied first, so the
    old one, which other threads may be reading, stays as it was."""

    def __init__(self, old: MovesIndex):
        self.new = MovesIndex(list(old.moves), dict(old.by_no), dict(old.tally), dict(old.loans),
                              old.reversed, dict(old.sources))
        self._own_reversed = False

    def add(self, m: dict) -> None:
        new = self.new
        new.moves.append(m)
        new.by_no[m["no"]] = m
        row = new.tally[m["item"]] = dict(new.tally.get(m["item"]) or dict.fromkeys(TALLY, 0))
        row["balance"] += m["delta"]
        kind = m["kind"]
        if kind == "receive":
            row["received"] += m["qty"]
        elif kind == "issue":
            row["given"] += m["qty"]
        elif kind == "lend":
            new.loans[m["no"]] = m
            row["out"] += m["qty"]
        elif m.get("loan") in new.loans:
            row["out"] -= new.loans.pop(m["loan"])["qty"]
        elif kind == "reverse" and m.get("source") is not None:
            row["received"] -= m["qty"]
        elif kind == "reverse" and m.get("door"):
            row["given"] -= m["qty"]
        if kind == "reverse":
            if not self._own_reversed:
                self._own_reversed = True
                new.reversed = set(new.reversed)
            new.reversed.add(m["reverses"])
        if m.get("source") is not None:
            key = (m["source"], m["item"])
            src = new.sources[key] = dict(new.sources.get(key) or {
                "source": m["source"], "item": m["item"], "qty": 0, "cost_fen": 0,
                "first": m.get("date", "")})
            src["qty"] += (-1 if kind == "reverse" else 1) * m["qty"]
            src["cost_fen"] += m["cost_fen"]  # a correction carries a negative cost
            src["first"] = min(src["first"], m.get("date") or src["first"])


def build_moves(records: list[tuple[int, dict]]) -> MovesIndex:
    adding = _Adding(MovesIndex())
    for m in sorted((r for _, r in records), key=lambda m: m["no"]):
        adding.add(m)
    return adding.new


def _fold_moves(index: MovesIndex, changes: list[dict]) -> MovesIndex | None:
    adding, top = _Adding(index), index.top
    for c in changes:
        if c["op"] != "insert" or c["after"]["no"] <= top:
            return None
        top = c["after"]["no"]
        adding.add(c["after"])
    return adding.new


def moves_index(store: Store) -> MovesIndex:
    """The ledger's index as the store is now (in a transaction: as the lock found it)."""
    return folded(store, MOVES, build_moves, _fold_moves, tag="index")


# -- who holds what ---------------------------------------------------------------

def _build_handouts(records: list[tuple[int, dict]]) -> dict[str, tuple[int, dict]]:
    return {r["door"]: (i, r) for i, r in sorted(records, key=lambda p: p[0])}


def _fold_handouts(by_door: dict, changes: list[dict]) -> dict | None:
    new = dict(by_door)
    for c in changes:
        after = c.get("after")
        if c["op"] == "remove" or (c["op"] == "update" and c["before"]["door"] != after["door"]):
            return None
        held = new.get(after["door"])
        if held is not None and held[0] > c["id"]:
            return None  # an older record of the door: the newest wins, as when built
        new[after["door"]] = (c["id"], after)
    return new


def handouts_index(store: Store) -> dict[str, tuple[int, dict]]:
    """Each household's hand-out record by door: (id, record)."""
    return folded(store, HANDOUTS, _build_handouts, _fold_handouts, tag="by_door")
