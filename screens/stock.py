"""Thermometers tab (placeholder until its issue lands)."""

from __future__ import annotations

from console import stock  # noqa: F401
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class StockTab(Vertical):
    def compose(self) -> ComposeResult:
        yield Static("Thermometers")
