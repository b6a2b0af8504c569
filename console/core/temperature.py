"""Body temperature as volunteers type it: one readable range and one fever
line for the gate form, the daily roll and every list that marks fevers."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from console.core import i18n
from console.core.i18n import DomainError

LOW, HIGH = 34.0, 42.0
FEVER = 37.3

i18n.add({
    "temperature.bad": ("体温“{text}”不对：应在 34.0 到 42.0 °C 之间，或留空。",
                        "The temperature “{text}” must be 34.0 to 42.0 °C, or empty."),
})


def parse(text: Any, field: str = "temp") -> float | None:
    """'36.8', '36,8', '３６.８℃', '368' (the dot left out) -> 36.8; '' -> None;
    unreadable or outside LOW..HIGH -> DomainError."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        raw = str(text)
    else:
        raw = unicodedata.normalize("NFKC", str(text)).strip().rstrip("℃°Cc度").replace(",", ".")
        if re.fullmatch(r"\d{3}", raw):
            raw = raw[:2] + "." + raw[2]
    if not re.fullmatch(r"\d{2}(\.\d+)?", raw) or not LOW <= round(float(raw), 1) <= HIGH:
        raise DomainError("temperature.bad", field=field, text=str(text).strip())
    return round(float(raw), 1)


def is_fever(temp: float | None) -> bool:
    return temp is not None and temp >= FEVER
