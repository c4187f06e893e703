"""Errors the use cases raise; web and CLI turn them into responses and messages."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base class; ``message`` is in Chinese, for the user."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status = 404


class PermissionDenied(ServiceError):
    status = 403


class Invalid(ServiceError):
    """Bad input; ``field`` names the field the message belongs to (for inline errors)."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    """Someone else changed the item since it was read; ``current`` is what is stored now."""

    status = 409

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class Duplicate(ServiceError):
    """The same source was imported before."""

    status = 409


class TooManyAttempts(ServiceError):
    """Too many failed log-ins: refused until ``retry_after`` seconds have passed."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
