"""The package's one error type for bad input."""

from __future__ import annotations

from typing import Any


class ValidationError(ValueError):
    """Bad input, raised before any resource is registered.

    Carries the ``field`` that was wrong (dotted path into the args, for example
    ``identity.namespace``), the ``value`` that was given, the ``rule`` it broke
    and a ``fix`` that says what to do instead.
    """

    def __init__(self, field: str, value: Any, rule: str, fix: str = "") -> None:
        self.field = field
        self.value = value
        self.rule = rule
        self.fix = fix
        message = f"{field}: {_show(value)} is invalid: {rule}."
        if fix:
            message += f" Fix: {fix}"
        super().__init__(message)

    def __reduce__(self):  # keep the fields when pickled across processes
        return (type(self), (self.field, self.value, self.rule, self.fix))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
