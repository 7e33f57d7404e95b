"""One exception tree. Entry points translate it in one place; no traceback reaches a user."""

from __future__ import annotations


class SmartPickError(Exception):
    """Base of every error SmartPick raises on purpose. The message is for the user."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\n{self.hint}"


class InputError(SmartPickError):
    """The user gave a value SmartPick cannot use (usage error: exit code 2, HTTP 4xx)."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class NotFoundError(InputError):
    """A named thing (a program, a specialty, a saved plan) does not exist."""


class DataError(SmartPickError):
    """The dataset is missing, corrupt, or a raw source cannot be read by the build."""


class SourceError(DataError):
    """A raw source or output folder given to the data build cannot be used: the user's input
    (exit code 2); the dataset already built is left as it was."""

    exit_code = 2


class StoreError(SmartPickError):
    """The database cannot be reached or used."""


class StoreDamaged(StoreError):
    """The database is there but damaged, not SmartPick's, or missing where one was: waiting
    will not help; its operator must restore it."""
