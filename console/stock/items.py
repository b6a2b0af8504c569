"""The items the stock desk keeps (thermometers handed out, guns lent) and
the low-stock warning level of each.
"""

from __future__ import annotations

from typing import Any

from console.core import i18n, settings
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.core.numbers import whole_number
from console.stock.values import MAX_QTY

#: default items; override with the setting "stock_items" (same shape)
DEFAULT_ITEMS: list[dict[str, Any]] = [
    {"key": "mercury", "zh": "水银体温计", "en": "mercury thermometer", "kind": "handout", "low": 30},
    {"key": "digital", "zh": "电子体温计", "en": "digital thermometer", "kind": "handout", "low": 5},
    {"key": "gun", "zh": "红外测温枪", "en": "infrared gun", "kind": "loan", "low": 0},
]

i18n.add({
    "stock.what.settings": ("修改库存预警", "change stock warnings"),
    "stock.bad_item": ("没有这种物品：{item}。", "No such item: {item}."),
    "stock.bad_low": ("预警数必须是 0 或正整数。", "The warning level must be a whole number (0 or more)."),
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


def parse_low(value: int | str) -> int:
    """A low-stock warning level: a whole number, 0 (never warn) or more."""
    return whole_number(value, "stock.bad_low", "low", lo=0, hi=MAX_QTY)


def set_low(store: Store, actor: Actor, item: str, level: int | str) -> None:
    """Leaders set the low-stock warning level of an item."""
    require_leader(store, actor, "stock.what.settings")
    known_item(item_map(store), item)
    level = parse_low(level)
    levels = dict(settings.get(store, "stock_low") or {})
    levels[item] = level
    settings.put(store, actor, "stock_low", levels)


def known_item(known: dict[str, dict], key: str | None) -> dict:
    """The item ``key`` from ``known`` (:func:`item_map`), else a DomainError."""
    if key not in known:
        raise DomainError("stock.bad_item", field="item", item=key)
    return known[key]
