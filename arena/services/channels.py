"""How a reminder leaves the outbox: a WeCom (企业微信) group robot, a DingTalk (钉钉) robot (signed),
or e-mail over SMTP. Standard library only (urllib.request, smtplib).

A sender takes one outbox row and either returns (sent; optionally a note to keep) or raises
``SendFailed`` with a message that names no secret: a webhook's key or token lives in its URL's
query, so only the scheme, host and path of a URL are ever put into an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

Sender = Callable[[Mapping[str, Any]], "str | None"]


class SendFailed(Exception):
    """One attempt failed; the message stays in the outbox and is tried again later."""


def shown_url(url: str) -> str:
    """A webhook as it may be shown or logged: no query (the key, the access token)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def text_of(message: Mapping[str, Any]) -> str:
    """A robot's text: the subject on the first line, then the body."""
    return f"{message['subject']}\n{message['body']}"


def post_json(url: str, payload: Mapping[str, Any], timeout: float) -> None:
    """POST ``payload``; success is HTTP 200 with JSON ``errcode == 0`` (both robots answer so)."""
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    where = shown_url(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s), checked in config)
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendFailed(f"{where} 返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        reason = getattr(exc, "reason", exc)
        raise SendFailed(f"无法连接 {where}：{reason}") from None
    if status != 200:
        raise SendFailed(f"{where} 返回 HTTP {status}")
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SendFailed(f"{where} 的回答不是 JSON") from None
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        code = answer.get("errcode") if isinstance(answer, dict) else None
        text = answer.get("errmsg") if isinstance(answer, dict) else None
        raise SendFailed(f"{where} 拒收了消息：errcode {code} {text or ''}".rstrip())


def wecom(timeout: float) -> Sender:
    """A WeCom group robot: the message's recipient is the webhook."""
    def send(message: Mapping[str, Any]) -> None:
        post_json(message["recipient"], {"msgtype": "text", "text": {"content": text_of(message)}}, timeout)
    return send


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: urlencode(base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk(secret: str | None, timeout: float) -> Sender:
    """A DingTalk robot; with a secret each call is signed (``timestamp`` and ``sign`` in the query)."""
    def send(message: Mapping[str, Any]) -> None:
        url = message["recipient"]
        if secret:
            # the wall clock, not arena's (which a rehearsal may pretend): DingTalk refuses a
            # timestamp more than an hour from its own
            stamp = int(time.time() * 1000)
            url += ("&" if urllib.parse.urlsplit(url).query else "?") + \
                f"timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
        post_json(url, {"msgtype": "text", "text": {"content": text_of(message)}}, timeout)
    return send


def email(*, host: str, port: int | None, tls: str, user: str | None, password: str | None,
          sender: str | None, timeout: float) -> Sender:
    """SMTP: one e-mail to the message's recipients (comma-separated addresses), UTF-8."""
    port = port or {"ssl": 465, "starttls": 587}.get(tls, 25)
    from_address = sender or user or f"arena@{host}"

    def send(message: Mapping[str, Any]) -> str | None:
        mail = EmailMessage()
        mail["Subject"] = message["subject"]
        mail["From"] = formataddr(("打擂台催报", from_address))
        mail["To"] = message["recipient"]
        # the domain named, so no DNS look-up of our own name (getfqdn can hang for seconds)
        mail["Message-ID"] = make_msgid(idstring=f"arena-outbox-{message['id']}",
                                        domain=from_address.rpartition("@")[2] or host)
        mail.set_content(message["body"], charset="utf-8")
        try:
            if tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            with smtp:
                if tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if user:
                    smtp.login(user, password or "")
                refused = smtp.send_message(mail)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(f"SMTP {host}:{port} 拒绝登录（{exc.smtp_code}）") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"SMTP {host}:{port} 拒收了所有收件人：{', '.join(exc.recipients)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"SMTP {host}:{port}: {type(exc).__name__}: {exc}") from None
        # some addresses were accepted: sending again would double theirs, so this counts as sent
        return f"SMTP refused {', '.join(refused)}" if refused else None
    return send


def senders(settings: Mapping[str, Any]) -> dict[str, Sender]:
    """The channels that are on (their setting is set), by name: wecom, dingtalk, email."""
    timeout = float(settings.get("NOTIFY_TIMEOUT") or 10)
    senders: dict[str, Sender] = {}
    if settings.get("WECOM_WEBHOOK"):
        senders["wecom"] = wecom(timeout)
    if settings.get("DINGTALK_WEBHOOK"):
        senders["dingtalk"] = dingtalk(settings.get("DINGTALK_SECRET"), timeout)
    if settings.get("SMTP_HOST"):
        senders["email"] = email(host=settings["SMTP_HOST"], port=settings.get("SMTP_PORT"),
                                 tls=settings.get("SMTP_TLS") or "starttls", user=settings.get("SMTP_USER"),
                                 password=settings.get("SMTP_PASSWORD"), sender=settings.get("SMTP_FROM"),
                                 timeout=timeout)
    return senders


def webhooks(settings: Mapping[str, Any]) -> dict[str, str]:
    """The webhook (a message's recipient) of each robot channel that is on."""
    return {name: settings[key] for name, key in (("wecom", "WECOM_WEBHOOK"), ("dingtalk", "DINGTALK_WEBHOOK"))
            if settings.get(key)}


@dataclass(frozen=True)
class Outlets:
    """The channels that are on: how to send on each, and where a robot's messages go."""
    senders: Mapping[str, Sender] = field(default_factory=dict)  # channel -> sender
    webhooks: Mapping[str, str] = field(default_factory=dict)  # wecom | dingtalk -> URL (a recipient)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Outlets":
        return cls(senders(settings), webhooks(settings))

    @property
    def email(self) -> bool:
        return "email" in self.senders

    def __bool__(self) -> bool:
        return bool(self.senders)
