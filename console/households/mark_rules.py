"""What a household's key-person mark means at the gate (story 1: the same
answer for everyone).

Leaders set, per colour, whether a marked household's members are denied
going out, only advised about, or let through, and the instruction the gate
volunteer reads out (setting ``gate_marks``). Defaults: red (confirmed) and
orange (suspected / fever) deny with an instruction; yellow (home
quarantine) denies until the mark's review date, then advises asking a
leader. The gate sees the verdict and the instruction, never the mark's
reason (the diagnosis).

The gate form (every keystroke), errand approval and pass scans all read
:func:`gate_mark`; marks and settings are read through version caches.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from console.core import i18n, settings
from console.core.cache import cached
from console.core.i18n import DomainError
from console.households.marks import COLOURS
from console.core.store import Store

ACTIONS = ("deny", "advise", "none")
MAX_INSTRUCTION = 80
DEFAULT = {c: {"action": "deny", "instruction": ""} for c in COLOURS}

i18n.add({
    "gate.mark.deny": ("重点人员户，不能出门", "Key-person household: may not go out"),
    "gate.mark.advise": ("重点人员户，请注意", "Key-person household: take care"),
    "gate.mark.quarantine": ("居家隔离至 {review}，不能出门",
                             "Home quarantine until {review}: may not go out"),
    "gate.mark.review_due": ("居家隔离已到复查日 {review}，请先问组长",
                             "Home quarantine review was due {review}: ask a leader first"),
    "gate.instruction.red": ("请劝返，并立即报告社区。",
                             "Turn them back and report to the community office at once."),
    "gate.instruction.orange": ("请劝返，并通知社区医生。",
                                "Turn them back and call the community doctor."),
    "gate.instruction.yellow": ("请劝返；确需外出的事由组长安排代办。",
                                "Turn them back; a leader arranges anything they need."),
    "gate.bad_action": ("“{colour}”的处理只能是 拒绝 / 提醒 / 不管。",
                        "The rule for “{colour}” must be deny, advise or none."),
    "gate.long_instruction": ("提示语最多 {n} 个字。", "An instruction is {n} characters at most."),
    "gate.bad_rules": ("规则格式不对。", "These rules cannot be read."),
})


@dataclass(frozen=True)
class MarkVerdict:
    """What the gate says about a marked household going out."""
    action: str        # "deny" | "advise"
    code: str          # "mark" | "quarantine" | "review_due"
    message: str
    instruction: str


def clean_instruction(text) -> str:
    text = " ".join(unicodedata.normalize("NFKC", str(text or "")).split())
    if len(text) > MAX_INSTRUCTION:
        raise DomainError("gate.long_instruction", field="instruction", n=MAX_INSTRUCTION)
    return text


def _validate(value) -> dict:
    """{colour: {action, instruction}} with every colour present."""
    if not isinstance(value, dict) or not set(value) <= set(COLOURS):
        raise DomainError("gate.bad_rules", field="gate_marks")
    out = {}
    for colour in COLOURS:
        rule = {**DEFAULT[colour], **(value.get(colour) or {})}
        if rule["action"] not in ACTIONS:
            raise DomainError("gate.bad_action", field="gate_marks",
                              colour=i18n.t(f"marks.{colour}"))
        out[colour] = {"action": rule["action"],
                       "instruction": clean_instruction(rule.get("instruction"))}
    return out


settings.register("gate_marks", DEFAULT, _validate)

def current_marks(store: Store) -> dict[str, dict]:
    """Current marks by door, cached while the marks file is unchanged."""
    return cached(store, "marks", lambda: {m["door"]: dict(m) for m in store.table("marks").all()})


def judge_mark(mark: dict | None, rules: dict, today: dt.date) -> MarkVerdict | None:
    """The verdict for a member of a household with ``mark`` going out today."""
    if not mark:
        return None
    rule = rules.get(mark["colour"]) or DEFAULT[mark["colour"]]
    if rule["action"] == "none":
        return None
    instruction = rule["instruction"] or i18n.t(f"gate.instruction.{mark['colour']}")
    if mark["colour"] == "yellow" and rule["action"] == "deny":
        review = mark.get("review") or ""
        if review and today.isoformat() >= review:
            return MarkVerdict("advise", "review_due",
                               i18n.t("gate.mark.review_due", review=review[5:]), instruction)
        return MarkVerdict("deny", "quarantine",
                           i18n.t("gate.mark.quarantine", review=review[5:]), instruction)
    return MarkVerdict(rule["action"], "mark", i18n.t(f"gate.mark.{rule['action']}"), instruction)


def gate_mark(store: Store, door: str, today: dt.date) -> MarkVerdict | None:
    """The mark verdict for a member of ``door`` going out (None: no mark applies)."""
    if not door:
        return None
    return judge_mark(current_marks(store).get(door), settings.current(store, "gate_marks"), today)
