"""Alerts every signed-in desk shows (overdue errands, deliveries due).

Each tab's module appends a provider ``(store, now) -> list[Alert]`` to
:data:`PROVIDERS`. The app polls them and notifies each new alert once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from console.store import Store


@dataclass(frozen=True)
class Alert:
    key: str          # stable id, so a desk shows each alert once
    message: str      # in the current language
    severity: str = "warning"   # "information" | "warning" | "error"
    leaders_only: bool = False  # shown only to desks whose operator is a leader now


PROVIDERS: list[Callable[[Store, dt.datetime], list[Alert]]] = []


def current(store: Store, now: dt.datetime) -> list[Alert]:
    out: list[Alert] = []
    for provider in PROVIDERS:
        out += provider(store, now)
    return out
