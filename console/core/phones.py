"""Phone numbers as volunteers and spreadsheets write them: one rule for the
gate form, errands and the household registry import."""

from __future__ import annotations

import re
import unicodedata

from console.core import i18n
from console.core.i18n import DomainError

_MOBILE = re.compile(r"1\d{10}")

i18n.add({
    "phones.bad": ("手机号应为 11 位数字（1 开头），或留空。",
                   "A phone is 11 digits starting with 1, or empty."),
})


def normalise(text: str | None) -> str:
    """'138 0000 1234', '+86 138-0000-1234', full-width digits -> '13800001234';
    '' stays ''; anything else -> DomainError (field "phone")."""
    digits = re.sub(r"[\s\-－—()（）+]", "", unicodedata.normalize("NFKC", str(text or "")))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits and not _MOBILE.fullmatch(digits):
        raise DomainError("phones.bad", field="phone")
    return digits
