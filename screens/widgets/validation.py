"""One way to validate a field: run the domain's own check.

The domain raises a DomainError with the volunteer's message; wrapped here it
becomes a Textual validator, so the message under a field is the message the
save would give, in the desk's language."""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator

from console.core.i18n import DomainError


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
