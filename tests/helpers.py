"""Small shared test data: a three-unit contest and its monthly rows."""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

SMALL_RULES = """\
version: 1
contest:
  id: small
  name: 小擂台
  season: {start: 2026-01, end: 2026-12}
  timezone: Asia/Shanghai
  precision: 2
groups:
  county: 区县组
units:
  - {code: "A", name: 甲县, group: county}
  - {code: "B", name: 乙县, group: county}
  - {code: "C", name: 丙县, group: county}
indicators:
  - {id: gdp, name: 增速, unit: "%", weight: 60, method: rank}
  - {id: inv, name: 投资, unit: 亿元, weight: 40, method: completion, target: 120, progress: linear}
awards:
  red_flags: {count: {county: 1}}
  yellow_flags: {count: {county: 1}}
publish:
  monthly: {day: 10, at: "09:00"}
  quarterly: {day: 15, at: "09:00"}
"""


def month_rows(month: str, gdp=(7.0, 6.0, 5.0), inv=(12.0, 10.0, 8.0)) -> list[dict]:
    rows = []
    for unit, g, i in zip("ABC", gdp, inv):
        rows.append({"unit": unit, "key": "gdp", "period": month, "value": g})
        rows.append({"unit": unit, "key": "inv", "period": month, "value": i})
    return rows


@contextlib.contextmanager
def running(app) -> Iterator[str]:
    """A WSGI app on 127.0.0.1:<free port>, in a thread (threaded: one request per thread), as its base URL."""
    from werkzeug.serving import make_server

    with serving(make_server("127.0.0.1", 0, app, threaded=True)) as port:
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def serving(server) -> Iterator[int]:
    """Any socketserver-style server (werkzeug's, http.server's) in a thread; yields its port."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
