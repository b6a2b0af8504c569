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

from console import i18n
from console.i18n import DomainError
from console.store import Store

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
    key = normalise_door(door)
    row = store.table("households").get(where("door") == key)
    if row is None:
        raise DomainError("households.unknown_door", field="door", door=key)
    return row


def all_households(store: Store) -> list[dict]:
    return store.table("households").all()


def by_door(store: Store) -> dict[str, dict]:
    """Every household keyed by door."""
    return {h["door"]: h for h in store.table("households").all()}
