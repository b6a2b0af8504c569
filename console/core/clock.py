"""The one clock the domain reads, so tests can freeze it (monkeypatch `now`)."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """Local wall-clock time, timezone-aware, to the second."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def stamp() -> str:
    """ISO 8601 local time with offset, e.g. 2026-03-05T11:30:00+08:00."""
    return now().isoformat()
