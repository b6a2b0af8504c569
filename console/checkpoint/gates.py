"""The community's gates: which exist, which are open (a setting leaders change).

Kept apart from the gate log so the sign-in screen can list the open gates
without loading the log's code, and so the default list is there whatever
was imported first.
"""

from __future__ import annotations

from console.core import i18n, safe_text, settings
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store

NAME_MAX = 12
#: gate names are the community's own words, stored as written in every language
DEFAULT_GATES = [{"name": "西门", "open": True}] + [
    {"name": n, "open": False} for n in ("东门", "南门", "北门", "巷道一", "巷道二", "巷道三")]
settings.DEFAULTS.setdefault("gates", DEFAULT_GATES)

i18n.add({
    "checkpoint.bad_gate": ("卡口“{gate}”不在设置里。", "Gate “{gate}” is not configured."),
    "checkpoint.gate_closed": ("{gate} 已封闭，不能登记。", "{gate} is sealed: nothing can be logged there."),
    "checkpoint.what.gates": ("修改卡口设置", "change the gates"),
    "checkpoint.gates_need_open": ("至少要有一个卡口开放。", "At least one gate must be open."),
    "checkpoint.gates_bad_name": ("卡口名称要 1 到 12 个字且不能重复。",
                                  "Gate names are 1 to 12 characters and unique."),
})


def gates(store: Store) -> list[dict]:
    """Configured gates [{name, open}], in order."""
    return [dict(g) for g in settings.get(store, "gates") or DEFAULT_GATES]


def open_gates(store: Store) -> list[str]:
    return [g["name"] for g in gates(store) if g.get("open")]


def set_gates(store: Store, actor: Actor, new: list[dict]) -> list[dict]:
    """Replace the gate list (leaders only): names unique, one or more open."""
    require_leader(store, actor, "checkpoint.what.gates")
    clean = [{"name": safe_text.line(g.get("name"), nfkc=True), "open": bool(g.get("open"))} for g in new]
    names = [g["name"] for g in clean]
    if not all(0 < len(n) <= NAME_MAX for n in names) or len(set(names)) != len(names):
        raise DomainError("checkpoint.gates_bad_name", field="gates")
    if not any(g["open"] for g in clean):
        raise DomainError("checkpoint.gates_need_open", field="gates")
    settings.put(store, actor, "gates", clean)
    return clean


def check_gate(store: Store, gate: str) -> None:
    """Refuse a gate that is not configured or is sealed."""
    known = {g["name"]: g for g in gates(store)}
    if gate not in known:
        raise DomainError("checkpoint.bad_gate", field="gate", gate=gate)
    if not known[gate].get("open"):
        raise DomainError("checkpoint.gate_closed", field="gate", gate=gate)
