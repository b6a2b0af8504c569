"""Whole numbers as volunteers type them: full-width digits too, no sign, no
decimals, within the caller's bounds; anything else is the caller's one
message (a DomainError naming the field)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from console.core.i18n import DomainError


def whole_number(value: Any, key: str, field: str, lo: int = 1, hi: int = 10**9,
                 digits: int = 9, **params) -> int:
    """``value`` (typed text or an int, never a bool) as an int from ``lo``
    to ``hi`` written with at most ``digits`` digits, else DomainError ``key``
    (with ``params``) for ``field``."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if (isinstance(value, bool) or not re.fullmatch(rf"\d{{1,{digits}}}", text)
            or not lo <= int(text) <= hi):
        raise DomainError(key, field=field, **params)
    return int(text)
