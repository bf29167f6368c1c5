"""Security headers on every answer, set in one after_request hook (``init_app``).

Every answer: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``, and a
Content-Security-Policy by kind. HTML pages load scripts and styles from the app only (no
inline script, style or handler anywhere in the templates) and may not be framed, except the
public pages where ARENA_FRAME_ANCESTORS names a big-screen wall that frames them. An SVG may
keep its own inline styles but run no script; anything else (JSON, PNG, xlsx) gets a policy
that allows nothing, in case a browser is tricked into rendering it. A header a view set
itself (the console's CSP, say) is left as it is.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, current_app, request

from arena.config import frame_sources
from arena.errors import ConfigError

PAGE = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}")
SVG = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'"
OTHER = "default-src 'none'; frame-ancestors 'none'; sandbox"
def policy(response: Response, frame_ancestors: str) -> str:
    kind = response.mimetype or ""
    if kind == "text/html":
        public = request.blueprint == "web"  # the public pages; the console is never framed
        return PAGE.format(ancestors=frame_ancestors if public else "'none'")
    if kind == "image/svg+xml":
        return SVG
    return OTHER


def init_app(app: Flask) -> None:
    try:  # a test's mapping skips the parsing the environment's text gets
        ancestors = frame_sources(str(app.config["FRAME_ANCESTORS"]))
    except ValueError as exc:
        raise ConfigError("invalid settings", [{"field": "FRAME_ANCESTORS", "message": str(exc)}]) from None

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        csp = headers.setdefault("Content-Security-Policy", policy(response, ancestors))
        if "frame-ancestors 'none'" in csp:
            headers.setdefault("X-Frame-Options", "DENY")  # for browsers older than CSP 2
        return response


def attachment(row: dict, data: bytes) -> Response:
    """An evidence file (佐证材料) as a download, from the API and the signed-in pages alike: the
    type its bytes were sniffed as, always an attachment (never rendered inline), never cached."""
    response = current_app.response_class(data, mimetype=row["media_type"])
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in row["name"])
    response.headers["Content-Disposition"] = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(row['name'])}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
