"""Site settings shared by every desk: gates, idle lock, printer, language."""

from __future__ import annotations

from typing import Any

from tinydb import where

from console import i18n
from console.operators import Actor, require_leader
from console.store import Store

i18n.add({"settings.what": ("修改设置", "change settings")})

DEFAULTS: dict[str, Any] = {
    "site_name": "社区防控服务台",
    "idle_minutes": 10,
}


def get(store: Store, key: str) -> Any:
    """A setting's value, or its default."""
    row = store.table("settings").get(where("key") == key)
    return row["value"] if row else DEFAULTS.get(key)


def put(store: Store, actor: Actor, key: str, value: Any) -> None:
    """Change a setting (leaders only); audited like every write."""
    require_leader(store, actor, "settings.what")
    store.table("settings").upsert({"key": key, "value": value}, where("key") == key)

