"""The ArenaError family: each error knows its HTTP status and renders one JSON body.

Pure Python, so the engine, the store, the CLI and the web layer all raise the same errors.
"""

from __future__ import annotations

from typing import Any


class ArenaError(Exception):
    """Base error. ``details`` lists every problem at once, each a dict saying where it is."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __str__(self) -> str:
        if not self.details:
            return self.message
        lines = [self.message]
        for d in self.details:
            where = ", ".join(f"{k} {d[k]}" for k in ("path", "line", "row", "field") if d.get(k) not in (None, ""))
            lines.append(f"  - {where + ': ' if where else ''}{d.get('message', '')}")
        return "\n".join(lines)


class BadRequest(ArenaError):
    status, code = 400, "bad_request"


class ValidationFailed(ArenaError):
    """Input that parsed but breaks a rule: a rule file, result rows, a request body."""

    status, code = 422, "validation_failed"


class Unauthorized(ArenaError):
    status, code = 401, "unauthorized"


class Forbidden(ArenaError):
    status, code = 403, "forbidden"


class NotFound(ArenaError):
    status, code = 404, "not_found"


class MethodNotAllowed(ArenaError):
    status, code = 405, "method_not_allowed"


class Conflict(ArenaError):
    status, code = 409, "conflict"


class PayloadTooLarge(ArenaError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ArenaError):
    status, code = 415, "unsupported_media_type"


class TooManyRequests(ArenaError):
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, retry_after: int, details=None):
        super().__init__(message, details)
        self.retry_after = retry_after


class Busy(ArenaError):
    """Another write held SQLite's lock for longer than BUSY_TIMEOUT_MS: nothing was changed."""

    status, code = 503, "busy"

    def __init__(self, message: str, retry_after: int = 5, details=None):
        super().__init__(message, details)
        self.retry_after = retry_after


class InsufficientStorage(ArenaError):
    """The disk (or the database's page limit) is full: the write was rolled back."""

    status, code = 507, "insufficient_storage"


class ReadOnly(ArenaError):
    """The database cannot be written (a read-only file or mount, a folder that went away)."""

    status, code = 503, "read_only"


class Unavailable(ArenaError):
    """The database could be opened at start but cannot be now (its file or folder went away)."""

    status, code = 503, "unavailable"


class ConfigError(ArenaError):
    """A setting that is unknown or ill-typed; raised at start, never during a request."""

    status, code = 500, "config_error"
