"""Browsing the audit trail (leaders only).

The store's journal is the trail: every committed transaction is one line
with who, when, and each insert, update and remove with the record before
and after (console/store_journal.py). This module reads it for people.
"""

from __future__ import annotations

from console.core import i18n, names
from console.core.operators import Actor, require_leader
from console.core.store import Store

PAGE = 200
_HIDDEN = {"_at", "_by", "_upd_at", "_upd_by", "pin_hash", "salt"}

i18n.add({
    "audit.what": ("查看操作记录", "browse the audit trail"),
    "audit.op.insert": ("新增", "added"),
    "audit.op.update": ("修改", "changed"),
    "audit.op.remove": ("删除", "removed"),
})


def days(store: Store, actor: Actor) -> list[str]:
    require_leader(store, actor, "audit.what")
    return store.history_days()


def changes(before: dict | None, after: dict | None) -> dict[str, tuple[object, object]]:
    """Fields that differ: name -> (before, after); stamps and PIN hashes left out."""
    before, after = before or {}, after or {}
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
            if k not in _HIDDEN and before.get(k) != after.get(k)}


def summary(entry: dict) -> str:
    """One line: 'roster #3 changed: role volunteer→leader'."""
    diff = changes(entry.get("before"), entry.get("after"))
    if entry["op"] == "update":
        text = ", ".join(f"{k} {b}→{a}" for k, (b, a) in diff.items())
    else:
        text = ", ".join(f"{k}={a if entry['op'] == 'insert' else b}" for k, (b, a) in diff.items())
    return f"{entry['table']} #{entry['id']} {i18n.t('audit.op.' + entry['op'])}: {text}"


def entries(store: Store, actor: Actor, day: str, text: str = "", page: int = 0) -> tuple[list[dict], int]:
    """A day's entries, newest first, filtered by text (or the volunteer's
    name in pinyin); (page rows, total)."""
    require_leader(store, actor, "audit.what")
    rows = [{**e, "_at": e["at"], "_by": e["by"], "doc_id": i}
            for i, e in enumerate(store.history(day)) if not e["table"].startswith("_")]
    rows.reverse()
    if text:
        needle = text.lower()
        rows = [r for r in rows if needle in (summary(r) + r["_by"].get("op", "")).lower()
                or names.matches(r["_by"].get("op", ""), text)]   # who did it, also by pinyin
    return rows[page * PAGE:(page + 1) * PAGE], len(rows)
