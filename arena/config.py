"""Settings declared once, as data: name, default, type and help.

Precedence: defaults < ``instance/config.py`` < ``ARENA_*`` environment variables < the
mapping a test passes. Unknown or ill-typed settings are refused at start with their name.
"""

from __future__ import annotations

import os
import re
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from arena.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {text!r} (use true or false)")


_SOURCE = re.compile(r"'self'|'none'|(?:[a-z][a-z0-9+.-]*:)?(?://)?[A-Za-z0-9*._-]+(?::[0-9*]+)?(?:/[^\s;,']*)?\Z")


def frame_sources(text: str) -> str:
    """CSP frame-ancestors sources ('self', https://wall.example.cn), space-separated; refuse
    anything that could break out of the header (a ';', a quote, a control character)."""
    parts = text.split()
    bad = [p for p in parts if not _SOURCE.match(p)]
    if bad or not parts:
        raise ValueError(f"not CSP frame-ancestors sources: {' '.join(bad) or '(empty)'} "
                         "(e.g. 'self' https://wall.example.cn, or 'none')")
    return " ".join(parts)


def webhook_url(text: str) -> str:
    """An http(s) URL with a host: a robot webhook."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL with a host (e.g. https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...)")
    return text.strip()


SMTP_TLS = ("none", "starttls", "ssl")


def smtp_tls(text: str) -> str:
    value = text.strip().lower()
    if value not in SMTP_TLS:
        raise ValueError(f"not one of {', '.join(SMTP_TLS)}: {text!r}")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE", None, str, "Path of the SQLite file; default instance/arena.db."),
    Setting("BUSY_TIMEOUT_MS", 10_000, int, "How long a writer waits for SQLite's lock, in milliseconds."),
    Setting("MAX_CONTENT_LENGTH", 32 * 1024 * 1024, int, "Largest request body accepted, in bytes (413 beyond)."),
    Setting("SECRET_KEY", None, str, "Signs the console's session cookie; default: a random key kept in instance/secret_key."),
    Setting("SESSION_COOKIE_SECURE", False, _bool, "Send the console's cookie over HTTPS only."),
    Setting("CJK_FONT", None, str, "A font file with Chinese glyphs for images; default: a system CJK font, else mpl-font's."),
    Setting("CACHE_MAX_AGE", 300, int, "Cache-Control max-age, in seconds, for published (immutable) data."),
    Setting("AUTH_FAILURES_PER_MINUTE", 10, int, "Failed token attempts allowed per client address per minute (429 beyond)."),
    Setting("MAX_XLSX_ROWS", 200_000, int, "Most data rows read from one .xlsx workbook; its sheets' rows, cells and "
                                          "shared strings are capped from it before parsing (413 beyond)."),
    Setting("MAX_XLSX_SECONDS", 20, int, "Longest one .xlsx workbook is parsed, in seconds (413 beyond)."),
    Setting("FRAME_ANCESTORS", "'none'", frame_sources, "Who may frame the public pages (a big-screen wall), as "
                                                        "CSP frame-ancestors sources: 'self' https://wall.example.cn; "
                                                        "the console and the API are never framed."),
    Setting("TRUSTED_PROXIES", 0, int, "Reverse proxies in front of the app (nginx: 1): their X-Forwarded-For and "
                                       "X-Forwarded-Proto name the client's address and scheme; 0 trusts none."),
    Setting("IDLE_MINUTES", 30, int, "A signed-in session ends after this many minutes without a request."),
    Setting("REQUIRE_TOTP", True, _bool, "Admins and organizers must set up a TOTP second factor before they can act."),
    Setting("AUDIT_KEEP_DAYS", 180, int, "Audit rows younger than this many days are never deleted (arena audit purge)."),
    Setting("EVIDENCE_DIR", None, str, "Folder of evidence files (佐证材料), stored by sha256, never public; "
                                       "default: evidence/ beside the database. `arena backup FILE` copies it to FILE.evidence/."),
    Setting("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, int, "Largest evidence file accepted, in bytes (413 beyond)."),
    Setting("EVIDENCE_MAX_FILES", 10, int, "Most evidence files in one submission or objection."),
    Setting("S3_ENDPOINT_URL", None, str, "S3-compatible storage for export-static s3://… (MinIO, OSS, COS); "
                                          "default AWS. Credentials: the usual AWS_* variables or ~/.aws."),
    Setting("S3_REGION", None, str, "The storage's region; default: boto3's (AWS_DEFAULT_REGION, ~/.aws)."),
    Setting("PUSH_ON_PUBLISH", None, str, "A folder or s3://BUCKET/PREFIX: after each publication commits, the "
                                          "static export is written there (a failed push is logged, caught up next)."),
    # reminders (催报): a channel is on when its setting is set; the scheduler sends them
    Setting("WECOM_WEBHOOK", None, webhook_url, "A WeCom (企业微信) group robot webhook URL for reminders (its key is "
                                                "a secret: never logged or shown)."),
    Setting("DINGTALK_WEBHOOK", None, webhook_url, "A DingTalk (钉钉) robot webhook URL for reminders."),
    Setting("DINGTALK_SECRET", None, str, "The DingTalk robot's signing secret (加签, SEC...): each call is signed."),
    Setting("SMTP_HOST", None, str, "An SMTP server: reminders are e-mailed to the reporters' accounts' addresses."),
    Setting("SMTP_PORT", None, int, "The SMTP port; default 465 with SMTP_TLS ssl, 587 with starttls, 25 with none."),
    Setting("SMTP_TLS", "starttls", smtp_tls, "How SMTP is secured: none, starttls or ssl."),
    Setting("SMTP_USER", None, str, "The SMTP login, if the server wants one."),
    Setting("SMTP_PASSWORD", None, str, "The SMTP password (never logged or shown)."),
    Setting("SMTP_FROM", None, str, "The From address of reminder e-mails; default SMTP_USER."),
    Setting("NOTIFY_TIMEOUT", 10, int, "Seconds a reminder's webhook call or SMTP session may take before it is "
                                       "counted as failed and retried later."),
)

BY_NAME = {s.name: s for s in SETTINGS}
ENV_PREFIX = "ARENA_"


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """``ARENA_INSTANCE`` if set, else ``instance/`` beside the package (as Flask finds it)."""
    return Path(os.environ.get("ARENA_INSTANCE") or project_root() / "instance")


def load(test_config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return every setting, validated; raise ConfigError naming each bad one."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    problems: list[dict[str, Any]] = []

    if test_config is None:
        config_file = instance_path() / "config.py"
        if config_file.exists():
            found = {k: v for k, v in runpy.run_path(str(config_file)).items() if k.isupper()}
            _merge(values, found, f"{config_file}", problems)
        from_env = {}
        for key, text in environ.items():
            if key.startswith(ENV_PREFIX) and key != "ARENA_INSTANCE":
                name = key[len(ENV_PREFIX):]
                setting = BY_NAME.get(name)
                if setting is None:
                    problems.append({"field": key, "message": "unknown setting"})
                    continue
                try:
                    from_env[name] = setting.parse(text)
                except ValueError as exc:
                    problems.append({"field": key, "message": str(exc)})
        values.update(from_env)
    else:
        _merge(values, dict(test_config), "test config", problems, strict=False)

    if problems:
        raise ConfigError("invalid settings", problems)
    if not values["DATABASE"]:
        values["DATABASE"] = str(instance_path() / "arena.db")
    if not values["EVIDENCE_DIR"]:
        values["EVIDENCE_DIR"] = str(Path(values["DATABASE"]).parent / "evidence")
    return values


def _merge(values: dict, found: Mapping[str, Any], source: str, problems: list, strict: bool = True) -> None:
    for name, value in found.items():
        setting = BY_NAME.get(name)
        if setting is None:
            if strict:
                problems.append({"field": name, "message": f"unknown setting in {source}"})
            else:
                values[name] = value  # a test may pass Flask's own keys through
            continue
        if value is not None and setting.default is not None and not isinstance(value, type(setting.default)):
            problems.append({"field": name, "message": f"expected {type(setting.default).__name__} in {source}"})
            continue
        values[name] = value
