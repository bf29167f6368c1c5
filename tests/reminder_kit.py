"""What the reminder tests share: a contest with two departments and unit-reported indicators,
a recording webhook server and a recording SMTP server on 127.0.0.1 free ports."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from helpers import serving

SHANGHAI = ZoneInfo("Asia/Shanghai")

# tjj reports gdp for all three units; swj reports trade; each unit reports its own sat,
# except C, which is exempt from sat (so C is no reporter at all)
CYCLE_RULES = """\
version: 1
contest:
  id: cycle
  name: 月度擂台
  season: {start: 2026-01, end: 2026-12}
  timezone: Asia/Shanghai
groups:
  county: 区县组
units:
  - {code: "A", name: 甲县, group: county}
  - {code: "B", name: 乙县, group: county}
  - {code: "C", name: 丙县, group: county}
departments:
  tjj: 市统计局
  swj: 市商务局
exempt: {"C": [sat]}
indicators:
  - {id: gdp, name: 地区生产总值增速, weight: 40, method: rank, reported_by: tjj}
  - {id: trade, name: 外贸进出口, weight: 30, method: rank, reported_by: swj}
  - {id: sat, name: 群众满意度, weight: 20, method: rank, reported_by: unit}
  - {id: adj, name: 考核办评价, weight: 10, method: rank}
reporting: {opens: 1, due: 5, remind: [2, 0]}
"""

REPORTERS = ("dept:tjj", "dept:swj", "unit:A", "unit:B")


def sh(text: str) -> datetime:
    """A moment in Shanghai: sh("2026-04-03 00:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def submit(db, reporter: str, period: str, status: str = "pending", contest: str = "cycle") -> None:
    """A submissions row, by plain SQL (the submissions service is not ours to call)."""
    from arena.store.db import transaction

    with transaction(db):
        db.conn.execute(
            "INSERT INTO submissions (contest, period, reporter, submitted_by, submitted_at, status, reason)"
            " VALUES (?, ?, ?, 'test', '2026-04-01T00:00:00+08:00', ?, ?)",
            (contest, period, reporter, status, "请补充说明" if status == "returned" else None))


class Recorder:
    """A robot webhook: records each call (path, query, JSON body); fails the first ``fail``
    calls with ``how`` (500, or an errcode)."""

    def __init__(self, fail: int = 0, how: str = "500"):
        self.calls: list[dict] = []
        self.fail, self.how = fail, how
        self.lock = threading.Lock()

    def answer(self, call: dict) -> tuple[int, dict]:
        with self.lock:
            self.calls.append(call)
            failing = len(self.calls) <= self.fail
        if failing and self.how == "500":
            return 500, {"errcode": -1, "errmsg": "server error"}
        if failing:
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    @property
    def texts(self) -> list[str]:
        return [c["body"]["text"]["content"] for c in self.calls if c["status"] == 200 and c["ok"]]


@contextmanager
def webhook(recorder: Recorder, check: Callable[[dict], bool] | None = None) -> Iterator[str]:
    """A ThreadingHTTPServer on 127.0.0.1:<free port> answering as a robot; yields its URL.
    ``check(call)`` False answers errcode 310000 (as DingTalk does for a bad signature)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            call = {"path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "raw_query": parts.query, "body": json.loads(raw.decode("utf-8")),
                    "content_type": self.headers.get("Content-Type")}
            if check is not None and not check(call):
                call.update(status=200, ok=False)
                status, answer = 200, {"errcode": 310000, "errmsg": "sign not match"}
                with recorder.lock:
                    recorder.calls.append(call)
            else:
                status, answer = recorder.answer(call)
                call.update(status=status, ok=answer["errcode"] == 0)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as port:
        yield f"http://127.0.0.1:{port}/robot/send?access_token=SECRET-TOKEN"


@contextmanager
def smtp_server() -> Iterator[tuple[int, list]]:
    """aiosmtpd on 127.0.0.1:<free port>: yields (port, the envelopes it received)."""
    import socket

    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port: Controller needs one named
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
