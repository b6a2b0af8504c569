"""The household registry every tab picks households from.

A household is keyed by its door: ``"<building>-<room>"``, e.g. ``"5-302"``
(building 5, room 302 = floor 3, door 02). :func:`normalise_door` accepts
the forms volunteers and chat groups write: 5-302, 5栋302, 5#302, 5号楼302,
5栋2单元302, 五栋三零二, full-width digits.
"""

from __future__ import annotations

import re
import unicodedata

from tinydb import where
from tinydb.table import Document

from console.core import i18n, names, safe_text
from console.core.cache import cached
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store

i18n.add({
    "households.bad_door": (
        "门牌“{text}”看不懂，请按“楼号-房号”输入，例如 5-302。",
        "Cannot read door “{text}”: type building-room, e.g. 5-302."),
    "households.unknown_door": (
        "登记表里没有门牌 {door}。", "No household with door {door} in the registry."),
})

_CN_DIGITS = {"零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_DOOR = re.compile(
    r"^\s*(?P<b>\d{1,3})\s*(?:栋|幢|号楼|楼|#|号|-|－|—|/|\s)\s*"
    r"(?:(?P<u>\d{1,2})\s*(?:单元|-)\s*)?(?P<r>\d{3,4})\s*(?:室|号)?\s*$")


def _cn_number(text: str) -> str:
    """五栋三零二 -> 5栋302; 十二栋 -> 12栋 (digit-by-digit, with 十 handled)."""
    def tens(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        return (_CN_DIGITS.get(a, "1") if a else "1") + (_CN_DIGITS.get(b, "0") if b else "0")
    text = re.sub(r"([一二三四五六七八九])?十([一二三四五六七八九])?", tens, text)
    return "".join(_CN_DIGITS.get(ch, ch) for ch in text)


def normalise_door(text: str) -> str:
    """Canonical door ``"5-302"`` from a typed or chat form, else DomainError."""
    raw = unicodedata.normalize("NFKC", str(text or ""))
    m = _DOOR.match(_cn_number(raw))
    if not m:
        raise DomainError("households.bad_door", field="door", text=str(text or "").strip())
    return f"{int(m['b'])}-{m['r']}"


def find(store: Store, door: str) -> dict:
    """The household at ``door`` (any accepted form), else a clear DomainError."""
    row = find_in(doors(store), door)
    return Document(dict(row), row.doc_id)  # the caller's own copy: the index is shared


def doors(store: Store) -> dict[str, dict]:
    """Every household keyed by door, the index :func:`find` looks in; shared
    by every caller, so read it and never change it."""
    return cached(store, "households", lambda: by_door(store), tag="by_door")


def find_in(houses: dict[str, dict], door: str) -> dict:
    """The household at ``door`` among ``houses`` (:func:`doors`, read
    earlier: a form checks what is typed against it without the store),
    else the DomainError :func:`find` gives."""
    key = normalise_door(door)
    row = houses.get(key)
    if row is None:
        raise DomainError("households.unknown_door", field="door", door=key)
    return row


def search(rows: list[dict], text: str, who: tuple[str, ...] = ("head",),
           door: str = "door") -> list[dict]:
    """The rows a find box keeps: a door in any written form (5-302, 5栋302,
    5#302, 五栋三零二) is that household exactly, never 15-302; words without
    digits find the person (the ``who`` fields) by name or pinyin (``wz``
    finds 王中). Text with digits that reads as no door says so (DomainError).
    Every list that finds by door uses this one rule."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not text:
        return list(rows)
    try:
        key = normalise_door(text)
    except DomainError:
        if any(ch.isdigit() for ch in text):
            raise
        return [r for r in rows if any(names.matches(str(r.get(k) or ""), text) for k in who)]
    return [r for r in rows if r.get(door) == key]


def all_households(store: Store) -> list[dict]:
    return store.table("households").all()


def by_door(store: Store) -> dict[str, dict]:
    """Every household keyed by door."""
    return {h["door"]: h for h in store.table("households").all()}


# --- registry: buildings, grids, home/away, privacy -------------------------

i18n.add({
    "households.what.registry": ("修改登记表（楼栋、网格、楼长）", "change the registry (buildings, grids, leaders)"),
    "households.unknown_building": ("登记表里没有 {building} 栋。", "Building {building} is not in the registry."),
    "households.unknown_grid": ("没有网格“{grid}”，请先在“网格”里添加。",
                                "There is no grid “{grid}”: add it under Grids first."),
    "households.not_on_roster": ("{name} 不在志愿者名单里（或已停用）。",
                                 "{name} is not an active member of the roster."),
    "households.bad_building": ("楼号必须是 1 到 999 的数字。", "A building number is 1 to 999."),
    "households.bad_grid": ("网格名称 1 到 12 个字。", "A grid name is 1 to 12 characters."),
    "households.building_exists": ("{building} 栋已经在登记表里。", "Building {building} is already in the registry."),
    "households.grid_exists": ("网格“{grid}”已经有了。", "Grid “{grid}” already exists."),
    "households.home": ("在家", "home"),
    "households.away": ("外出", "away"),
})

MASK = "••••"


def mask_phone(phone: str | None) -> str:
    """138****5678: enough to tell two numbers apart, not enough to call."""
    digits = str(phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def buildings(store: Store) -> list[dict]:
    """Buildings by number: {number, grid, floors, leader}."""
    return sorted(store.table("buildings").all(), key=lambda b: b["number"])


def households_per_building(store: Store) -> dict[int, int]:
    """How many households each building has: {building number: count}."""
    counts: dict[int, int] = {}
    for h in store.table("households").all():
        counts[h["building"]] = counts.get(h["building"], 0) + 1
    return counts


def building(store: Store, number: int) -> dict:
    row = store.table("buildings").get(where("number") == int(number))
    if row is None:
        raise DomainError("households.unknown_building", field="building", building=number)
    return row


def grid_key(value: object) -> str:
    """Grids are named by short text ("1", "东区"); numbers compare as text."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if re.fullmatch(r"0*\d+", text):
        text = str(int(text))
    return text


def _grid_sort(name: str) -> tuple:
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


def grids(store: Store) -> list[dict]:
    """Every grid {grid, worker, head, buildings: [numbers], households},
    from the grids table and the grids buildings refer to."""
    rows = {g["grid"]: {"grid": g["grid"], "worker": g.get("worker") or "",
                        "head": g.get("head") or "", "buildings": [], "households": 0}
            for g in store.table("grids").all()}
    for b in buildings(store):
        g = rows.setdefault(b["grid"], {"grid": b["grid"], "worker": "", "head": "",
                                        "buildings": [], "households": 0})
        g["buildings"].append(b["number"])
    for h in store.table("households").all():
        if h["grid"] in rows:
            rows[h["grid"]]["households"] += 1
    return [rows[k] for k in sorted(rows, key=_grid_sort)]


def known_grids(store: Store) -> set[str]:
    return ({g["grid"] for g in store.table("grids").all()}
            | {b["grid"] for b in store.table("buildings").all()})


def _roster_name(store: Store, name: str | None) -> str:
    """'' clears; otherwise the name must be an active roster member."""
    name = safe_text.line(name)
    if not name:
        return ""
    member = store.table("roster").get(where("name") == name)
    if member is None or not member.get("active", True):
        raise DomainError("households.not_on_roster", field="name", name=name)
    return name


def add_grid(store: Store, actor: Actor, grid: str, worker: str = "", head: str = "") -> dict:
    """A new grid with its grid worker and grid head (leaders only)."""
    require_leader(store, actor, "households.what.registry")
    key = grid_key(grid)
    if not 1 <= len(key) <= 12:
        raise DomainError("households.bad_grid", field="grid")
    doc = {"grid": key, "worker": _roster_name(store, worker), "head": _roster_name(store, head)}
    with store.transaction("grids", "buildings") as tx:
        if key in {g["grid"] for g in tx.table("grids").all()} | {
                b["grid"] for b in tx.table("buildings").all()}:
            raise DomainError("households.grid_exists", field="grid", grid=key)
        tx.table("grids").insert(doc)
    return doc


def set_grid(store: Store, actor: Actor, grid: str, *, worker: str | None = None,
             head: str | None = None) -> dict:
    """Change a grid's worker or head (leaders only; names from the roster)."""
    require_leader(store, actor, "households.what.registry")
    key = grid_key(grid)
    if key not in known_grids(store):
        raise DomainError("households.unknown_grid", field="grid", grid=key)
    fields = {}
    if worker is not None:
        fields["worker"] = _roster_name(store, worker)
    if head is not None:
        fields["head"] = _roster_name(store, head)
    table = store.table("grids")
    table.upsert({"grid": key, **fields}, where("grid") == key)
    return table.get(where("grid") == key)


def add_building(store: Store, actor: Actor, number: int, grid: str, floors: int = 0,
                 leader: str = "") -> dict:
    """Register a building in a known grid (leaders only)."""
    require_leader(store, actor, "households.what.registry")
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise DomainError("households.bad_building", field="building") from None
    if not 1 <= number <= 999:
        raise DomainError("households.bad_building", field="building")
    key = grid_key(grid)
    if key not in known_grids(store):
        raise DomainError("households.unknown_grid", field="grid", grid=key)
    doc = {"number": number, "grid": key, "floors": int(floors or 0),
           "leader": _roster_name(store, leader)}
    with store.transaction("buildings") as tx:
        if tx.table("buildings").contains(where("number") == number):
            raise DomainError("households.building_exists", field="building", building=number)
        tx.table("buildings").insert(doc)
    return doc


def set_building_leader(store: Store, actor: Actor, number: int, leader: str) -> dict:
    """Name a building's leader from the roster (leaders only); '' clears."""
    require_leader(store, actor, "households.what.registry")
    name = _roster_name(store, leader)
    if not store.table("buildings").update({"leader": name}, where("number") == int(number)):
        raise DomainError("households.unknown_building", field="building", building=number)
    return building(store, number)


def set_at_home(store: Store, actor: Actor, door: str, at_home: bool) -> dict:
    """Mark a household at home or away (any volunteer at the door may)."""
    key = normalise_door(door)
    if not store.table("households").update({"at_home": bool(at_home)}, where("door") == key):
        raise DomainError("households.unknown_door", field="door", door=key)
    return find(store, key)


def in_building(store: Store, number: int) -> list[dict]:
    """A building's households by floor, then room."""
    rows = store.table("households").search(where("building") == int(number))
    return sorted(rows, key=lambda h: (h["floor"], h["room"]))
