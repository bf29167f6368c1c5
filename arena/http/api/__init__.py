"""The JSON API (API.md): flask-smorest blueprints over the services, one error body for all.

``init_app`` is called by ``arena.http.app.create_app``. flask-smorest's own error handlers are not
registered: app.py's handlers turn every failure, 404 and 405 included, into the one body.
"""

from __future__ import annotations

import flask_smorest
from flask import Flask, request

from arena.http.api import schemas

SPEC = {"title": "Arena", "version": "1", "openapi_version": "3.0.3",
        "info": {"description": "Scoring and leaderboards for 打擂台 contests (API.md). Send "
                                "Authorization: Bearer <token> where a role is needed."}}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = schemas.Error
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_error_handlers(self):
        """None: app.py's handlers already answer every error with the one error body."""


def init_app(app: Flask) -> None:
    from arena.http.api import (audit, contests, files, fill_in, juries, meta, notices, objections, programmes, publications,
                                results, sheets, submissions, tokens)

    api = Api(app, spec_kwargs=SPEC)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (contests, results, submissions, fill_in, sheets, files, notices, publications, objections, audit,
                   tokens, juries, programmes, meta):
        api.register_blueprint(module.blp)
    app.extensions["arena-openapi"] = None  # the spec's JSON text, made on first request

    @app.after_request
    def private_by_default(response):
        # API answers that did not declare themselves public are for their caller only
        if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        return response
