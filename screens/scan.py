"""Gate scan field for the Checkpoint tab (placeholder until the passes issue lands)."""

from __future__ import annotations

from textual.widgets import Input


class ScanField(Input):
    """A USB scanner types the pass digits and Enter here."""
