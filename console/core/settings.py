"""Site settings shared by every desk: gates, idle lock, printer, language,
gate rules. A module that owns a setting registers its default and, when
leaders may change it, a validator that cleans the value or raises a
DomainError naming what is wrong (:func:`register`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tinydb import where

from console.core import i18n
from console.core.cache import cached
from console.core.operators import Actor, require_leader
from console.core.store import Store

i18n.add({"settings.what": ("修改设置", "change settings")})

DEFAULTS: dict[str, Any] = {
    "site_name": "社区防控服务台",
    "idle_minutes": 10,
}
#: key -> function(value) returning the clean value or raising DomainError
VALIDATORS: dict[str, Callable[[Any], Any]] = {}


def register(key: str, default: Any, validate: Callable[[Any], Any]) -> None:
    """Declare a setting: its default and the check every change goes through."""
    DEFAULTS.setdefault(key, default)
    VALIDATORS[key] = validate


def get(store: Store, key: str) -> Any:
    """A setting's value, or (a copy of) its default."""
    row = store.table("settings").get(where("key") == key)
    return row["value"] if row else copy.deepcopy(DEFAULTS.get(key))


def current(store: Store, key: str) -> Any:
    """Like :func:`get`, read through the version cache: cheap enough for
    every keystroke (the gate rules). Do not change what it returns."""
    values = cached(store, "settings",
                    lambda: {r["key"]: r["value"] for r in store.table("settings").all()})
    return values[key] if key in values else DEFAULTS.get(key)


def put(store: Store, actor: Actor, key: str, value: Any) -> Any:
    """Change a setting (leaders only); validated, audited like every write.
    Returns the value as stored."""
    require_leader(store, actor, "settings.what")
    if key in VALIDATORS:
        value = VALIDATORS[key](value)
    store.table("settings").upsert({"key": key, "value": value}, where("key") == key)
    return value


def put_many(store: Store, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Change several settings at once: all are validated first, then written
    in one transaction, so one bad value changes nothing. Returns them clean."""
    require_leader(store, actor, "settings.what")
    clean = {k: VALIDATORS[k](v) if k in VALIDATORS else v for k, v in values.items()}
    with store.transaction("settings") as tx:
        table = tx.table("settings")
        for key, value in clean.items():
            table.upsert({"key": key, "value": value}, where("key") == key)
    return clean
