"""The one JSON error body (API.md, "Errors"), for the app's handlers and the pages' machine files."""

from __future__ import annotations

from flask import jsonify

from arena.errors import ArenaError


def error_response(error: ArenaError):
    response = jsonify(error.to_dict())
    response.status_code = error.status
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="arena"'
    return response
