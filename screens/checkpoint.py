"""Checkpoint tab (placeholder until its issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class CheckpointTab(Vertical):
    def compose(self) -> ComposeResult:
        yield Static("Checkpoint")
