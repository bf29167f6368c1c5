"""The Flask app factory: settings, one database connection per request (db.py), one error
body (errors.py), the three surfaces' blueprints."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.exceptions import HTTPException

from arena import config
from arena.http import headers
from arena.errors import ArenaError
from arena.http import db
from arena.http.errors import error_response

log = logging.getLogger("arena")

# werkzeug's HTTP errors mapped onto the one error body's codes
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "validation_failed", 429: "too_many_requests"}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    settings = config.load(test_config)
    app = Flask(__name__, instance_path=str(config.instance_path()))
    app.config.update(settings)
    app.config["SECRET_KEY"] = settings.get("SECRET_KEY") or _secret_key(Path(app.instance_path))
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.json.ensure_ascii = False  # Chinese stays readable in every JSON answer
    app.json.sort_keys = False  # the sheet's key order is part of its shape

    from arena.store.db import connect, migrate

    setup = connect(app.config["DATABASE"], app.config["BUSY_TIMEOUT_MS"])
    try:
        migrate(setup)
    finally:
        setup.close()

    db.init_app(app)
    _register_errors(app)
    _register_blueprints(app)
    headers.init_app(app)
    from arena.http import request_log
    from arena.http.web import health

    app.register_blueprint(health.bp)  # GET /healthz, for load balancers
    request_log.init_app(app)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:  # else one address (the proxy's) would share every client's failed-token count
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    return app


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ArenaError)
    def arena_error(error: ArenaError):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        from flask import request

        status = error.code or 500
        if request.path == "/console" or request.path.startswith("/console/"):  # no route matched, so
            from arena.http.console import error_page  # the console's own handlers never ran: its HTML page

            response = app.make_response(error_page(status, error.description or error.name, []))
        else:
            body = ArenaError(error.description or error.name)
            body.status, body.code = status, _HTTP_CODES.get(status, "http_error")
            response = error_response(body)
        if getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # a bug: logged in full, answered without internals
        import sqlite3

        from arena.http.db import spoil_db
        from arena.store.db import storage_error

        spoil_db()  # whatever went wrong, the next request gets a fresh connection
        mapped = storage_error(error) if isinstance(error, sqlite3.Error) else None
        if mapped is not None:  # a full or read-only disk met outside a transaction
            log.error("storage: %s", error)
            return app.handle_user_exception(mapped)
        log.exception("unhandled error")
        body = ArenaError("internal error: the request was not completed")
        body.status, body.code = 500, "internal_error"
        return error_response(body)


def _register_blueprints(app: Flask) -> None:
    from arena.http import api, console, web

    for part in (api, web, console):
        part.init_app(app)


def _secret_key(instance: Path) -> str:
    """A random key kept in instance/secret_key, so sessions survive restarts and workers agree.

    The key is written whole under a temporary name and linked into place: os.link fails when
    the file exists, so workers starting at once all keep the first key, and none ever reads a
    file that exists but is still empty."""
    path = instance / "secret_key"
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    instance.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(temp, path)
        except FileExistsError:
            if not path.read_text().strip():  # an empty key left by an older version: replace it
                os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)
    return path.read_text().strip()
