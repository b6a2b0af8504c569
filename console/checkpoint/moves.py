"""Who went through a gate on one day: the digest the gate rules read.

A day's digest holds the moves (in or out, let through) of its live
entries, i.e. after corrections (:func:`console.checkpoint.rules.live`):
residents' moves by door and outsiders' moves, each list in entry order.
It is kept per day with :func:`console.core.cache.folded`: a new entry, a
correction (annul or fix) and a changed or removed plain entry are folded
in as they come, so a save at the gate costs the new entry, not the day;
a correction that is itself changed or removed makes the digest be built
again.
"""

from __future__ import annotations

import bisect
import datetime as dt

from console.core.cache import folded
from console.core.store import Store

#: outcomes that let someone through the gate
PASSED = ("allowed", "allowed_with_pass")


def via_of(entry: dict) -> str:
    """How someone went through: "" (the form), "errand", "household", "commuter"."""
    return entry.get("pass_kind") or ("errand" if entry.get("errand") else "")


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def move_of(entry_id: int, e: dict) -> dict | None:
    """The move a (live) entry records, or None (turned away, no time...)."""
    if e.get("outcome") not in PASSED or e.get("direction") not in ("in", "out") or not e.get("at"):
        return None
    rule = e.get("rule") or {}
    return {"at": _when(e["at"]), "dir": e["direction"], "name": e.get("name", ""),
            "via": via_of(e), "pass": e.get("pass"), "id": entry_id, "gate": e.get("gate", ""),
            "phone": e.get("phone", ""), "org": e.get("org", ""), "door": e.get("door", ""),
            "errand": e.get("errand"),
            "due": _when(rule["due_back"]) if rule.get("due_back") else None}


class Digest:
    """One day's moves: ``doors`` {door: [move]} and ``outsiders`` [move],
    in entry order; ``moves`` {entry id: move} and ``corrected`` (ids a
    correction replaces) let changes be folded in. Read-only once made."""

    __slots__ = ("doors", "outsiders", "moves", "corrected")

    def __init__(self, doors=None, outsiders=None, moves=None, corrected=None):
        self.doors: dict[str, list[dict]] = doors if doors is not None else {}
        self.outsiders: list[dict] = outsiders if outsiders is not None else []
        self.moves: dict[int, dict] = moves if moves is not None else {}
        self.corrected: set[int] = corrected if corrected is not None else set()

    def without(self, entry_id: int) -> Digest:
        """This day as if entry ``entry_id`` had not been logged."""
        return _Fold(self).drop(entry_id).done()


class _Fold:
    """A new digest from an old one: containers are copied on first change,
    so the old one, which other threads may be reading, stays as it was."""

    def __init__(self, old: Digest):
        self.new = Digest(dict(old.doors), old.outsiders, dict(old.moves), old.corrected)
        self.copied: set[str] = set()  # doors whose list is a copy ("": the outsiders)
        self.own_corrected = False

    def _bucket(self, door: str) -> list[dict]:
        if door not in self.copied:
            self.copied.add(door)
            if door:
                self.new.doors[door] = list(self.new.doors.get(door, ()))
            else:
                self.new.outsiders = list(self.new.outsiders)
        return self.new.doors[door] if door else self.new.outsiders

    def add(self, move: dict) -> None:
        bucket = self._bucket(move["door"])
        if not bucket or bucket[-1]["id"] < move["id"]:
            bucket.append(move)
        else:
            bucket.insert(bisect.bisect([m["id"] for m in bucket], move["id"]), move)
        self.new.moves[move["id"]] = move

    def drop(self, entry_id: int) -> _Fold:
        move = self.new.moves.pop(entry_id, None)
        if move is not None:
            bucket = self._bucket(move["door"])
            del bucket[next(i for i, m in enumerate(bucket) if m["id"] == entry_id)]
            if move["door"] and not bucket:
                del self.new.doors[move["door"]]
                self.copied.discard(move["door"])
        return self

    def correct(self, entry_id: int) -> None:
        if not self.own_corrected:
            self.own_corrected = True
            self.new.corrected = set(self.new.corrected)
        self.new.corrected.add(entry_id)
        self.drop(entry_id)

    def done(self) -> Digest:
        return self.new


def fold(digest: Digest, changes: list[dict]) -> Digest | None:
    """``digest`` with journal changes of its day applied; None (build it
    again) when a correction is changed or removed."""
    f = _Fold(digest)
    for c in changes:
        after = c.get("after")
        if c["op"] != "insert":
            if (c.get("before") or {}).get("corrects") or (after or {}).get("corrects"):
                return None
            f.drop(c["id"])
        if after is None:
            continue
        if after.get("corrects"):
            f.correct(after["corrects"])
        if c["id"] in f.new.corrected or after.get("correction") == "annul":
            continue
        move = move_of(c["id"], after)
        if move is not None:
            f.add(move)
    return f.done()


def build(records: list[tuple[int, dict]]) -> Digest:
    """The digest of a day's records ((id, record) pairs)."""
    records = sorted(records, key=lambda p: p[0])
    d = Digest(corrected={r["corrects"] for _, r in records if r.get("corrects")})
    for entry_id, r in records:
        if entry_id in d.corrected or r.get("correction") == "annul":
            continue
        move = move_of(entry_id, r)
        if move is not None:
            d.moves[entry_id] = move
            (d.doors.setdefault(move["door"], []) if move["door"] else d.outsiders).append(move)
    return d


def day_digest(store: Store, day: str) -> Digest:
    """The digest of ``day``'s gate log, as the store is now."""
    return folded(store, "checkpoint", build, fold, day=day, tag="moves")
