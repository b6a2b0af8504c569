"""One way to validate a field: run the domain's own check.

The domain raises a DomainError with the volunteer's message; wrapped here it
becomes a Textual validator, so the message under a field is the message the
save would give, in the desk's language."""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator

from console.core.i18n import DomainError

# What a number box lets through (an Input's ``restrict``): the characters a
# number can be typed with, half- or full-width, the minus sign included, so
# "-5" reaches the domain's check and is refused with its message under the
# box instead of the minus being dropped and 5 saved without a word.
NUMBER = r"[0-9０-９.．\-－]*"
#: an amount of money: a number, and the yuan signs the domain reads (¥35, 35元)
MONEY = r"[0-9０-９.．\-－¥￥元]*"
#: a body temperature: a number, with the decimal comma the domain reads (36,5)
TEMPERATURE = r"[0-9０-９.．,，\-－]*"


class DomainCheck(Validator):
    """Runs a domain check (raising DomainError) as a Textual validator."""

    def __init__(self, check: Callable[[str], object]):
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except DomainError as exc:
            return self.failure(str(exc))
        return self.success()


def blank_or(check: Callable[[str], object]) -> Callable[[str], object]:
    """``check`` for a box that may stay empty: an empty box passes, any text is checked."""
    def checked(value: str) -> object:
        return check(value) if value.strip() else None
    return checked
