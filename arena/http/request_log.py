"""One structured log line per request, as JSON through the ``arena.http`` logger: method,
route rule (``/api/contests/<cid>/scores/<period>``: what to group by), path, status, ms and
bytes. Lines go wherever logging is configured (gunicorn's error log under ``arena serve``)."""

from __future__ import annotations

import json
import logging
import time

log = logging.getLogger("arena.http")


def init_app(app) -> None:
    from flask import g, request

    @app.before_request
    def started() -> None:
        g.arena_started = time.perf_counter()

    @app.after_request
    def logged(response):
        began = g.get("arena_started")
        rule = request.url_rule.rule if request.url_rule is not None else None
        log.info(json.dumps({
            "method": request.method, "rule": rule, "path": request.path, "status": response.status_code,
            "ms": round((time.perf_counter() - began) * 1000, 2) if began is not None else None,
            "bytes": response.content_length if response.content_length is not None or not response.is_sequence
            else response.calculate_content_length(),  # a streamed body is never buffered for its size
        }, ensure_ascii=False))
        return response
