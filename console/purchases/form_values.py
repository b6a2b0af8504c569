"""What a volunteer types into a purchases form, read into the values the
orders take: which items of a pack were not bought, and how a bill was settled.
The screens call these as the field's check and again on save, so the message
under the field is the one the save would give."""

from __future__ import annotations

from console.core import i18n
from console.core.i18n import DomainError

i18n.add({
    "purchases.bad_item_numbers": ("请写物品序号，如 2 或 1,3。", "Write item numbers, e.g. 2 or 1,3."),
})

#: the words a desk types for a settlement, Chinese and English, short and long
SETTLE_WORDS = {"paid": "paid", "已付": "paid", "付": "paid", "free": "free", "免费": "free",
                "waived": "waived", "减免": "waived", "免": "waived"}


def item_numbers(text: str) -> list[int]:
    """``"2,3"`` (or 2、3 / 2，3 / 2 3) → ``[1, 2]``: the 0-based lines of a pack."""
    out = []
    for part in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        if part.strip():
            if not part.strip().isdigit() or int(part) < 1:
                raise DomainError("purchases.bad_item_numbers", field="short")
            out.append(int(part) - 1)
    return out


def settle_how(text: str) -> str:
    """``"已付"`` / ``"free"`` / ``"减免"`` … → one of orders.SETTLE."""
    how = SETTLE_WORDS.get(text.strip().lower())
    if not how:
        raise DomainError("purchases.bad_settle", field="how")
    return how
