"""Alerts every signed-in desk shows (overdue errands, deliveries due).

Each feature has providers ``(store, now) -> list[Alert]``; console.features
lists them (:func:`console.features.alerts`). The app polls them and
notifies each new alert once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    key: str          # stable id, so a desk shows each alert once
    message: str      # in the current language
    severity: str = "warning"   # "information" | "warning" | "error"
    leaders_only: bool = False  # shown only to desks whose operator is a leader now

