"""The errands list: its filters and columns, how a time window reads, the tab's stylesheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


from console.core import i18n
from console.errands import errand as errands


FILTERS = ("active", "requested", "approved", "issued", "out", "overdue", "back", "expired",
           "rejected", "revoked", "closed", "all")
ACTIVE = {"requested", "approved", "issued", "out", "overdue"}
PAGE = 300
COLUMNS = ("no", "state", "person", "where", "purpose", "window")
CSS = Path(__file__).with_name("errands.tcss").read_text(encoding="utf-8")


def filter_label(name: str) -> str:
    return i18n.t(f"errtab.filter.{name}") if name in ("active", "all") else errands.state_label(name)


def window_text(e: dict, today: dt.date) -> str:
    start, end = errands.when(e["start"]), errands.when(e["end"])
    head = f"{start:%H:%M}" if start.date() == today else f"{start:%m-%d %H:%M}"
    tail = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{head}–{tail}"
