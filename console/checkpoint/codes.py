"""The gate log's codes and the little every checkpoint module shares: the
directions, purposes and outcomes an entry is stored with, the one check of
a typed text, and which days have a log.

Below ``gate`` (the log) and ``shifts`` (the shifts logged under), which
both use it, so neither imports the other to get it.
"""

from __future__ import annotations

from typing import Any

from console.core import i18n, safe_text
from console.core.i18n import DomainError
from console.core.store import Store

DIRECTIONS = ("in", "out", "attempt")
PURPOSES = ("buy", "deliver", "work", "medical", "home", "other", "errand")
#: purposes a volunteer picks in the form (errand entries come from pass scans)
FORM_PURPOSES = PURPOSES[:-1]
OUTCOMES = ("turned_away", "allowed", "redirected", "allowed_with_pass")
PASS = "allowed_with_pass"
REDIRECTED = "redirected"
MAX_TEXT = 40

i18n.add({
    "checkpoint.too_long": ("太长了（最多 {n} 个字）。", "Too long (at most {n} characters)."),
})


def clean(text: Any, limit: int = MAX_TEXT, field: str | None = None) -> str:
    """``text`` on one line, NFKC-normalised; refused when over ``limit`` characters."""
    out = safe_text.line(text, nfkc=True)
    if len(out) > limit:
        raise DomainError("checkpoint.too_long", field=field, n=limit)
    return out


def recent_days(store: Store, today: str, back: int) -> list[str]:
    """The last ``back`` days up to ``today`` that have gate log entries, oldest first."""
    days = [d for d in store.days("checkpoint") if d <= today]
    return days[-back:]
