"""The patterns the API really accepts, written into its OpenAPI document.

flask-smorest describes a path's ``period`` as any string and a body as any text; the views
refuse far more (a malformed period, an empty rule file, a control character). So that a
client generated from the document never sends a request it thinks valid and is refused, the
document is tightened here, once, before it is served: each parameter, body and field named
below gets the pattern of what the views accept.
"""

from __future__ import annotations

from typing import Any

from arena.engine.rules.schemas import CODE, IDENT, SLUG

PERIOD = r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# C0 and C1 controls as regex escapes; the rest as the characters themselves (a JSON "\\u" escape
# would read as ASCII-escaped text to a client checking the document is plain UTF-8)
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "\u00ad\u2028\u2029"
_SPACE = "\u00a0\u1680\u2000-\u200f\u202f\u205f\u3000\ufeff"
LINE = rf"^[^{_CONTROL}\t\n\r{_SPACE}]*$"  # one line of printable text (Python's isprintable)
NOTE = rf"^[^{_CONTROL}\r{_SPACE}]*$"  # printable text, newlines and tabs allowed
TEXT = rf"^[^{_CONTROL}]*[^{_CONTROL}\s][^{_CONTROL}]*$"  # a file's text: not blank, no control characters


def _regex(pattern: str) -> str:
    """A pattern of schemas.py (``...\\Z``) as an anchored ECMA-262 one."""
    return "^" + pattern.removesuffix(r"\Z") + "$"


PARAMETERS = {"period": PERIOD, "unit": _regex(CODE), "note": NOTE}
FIELDS = {"PublishRequest": {"period": PERIOD, "note": NOTE},
          "TokenRequest": {"name": LINE, "contest": _regex(SLUG), "unit": _regex(CODE)}}
ROW_FIELDS = {"unit": _regex(CODE), "key": _regex(IDENT), "period": MONTH}


def tighten(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the real patterns of parameters, bodies and request fields (changed in place)."""
    for path, operations in spec.get("paths", {}).items():
        shared = {"parameters": operations.get("parameters", [])}  # a path's own, for all its operations
        for operation in [shared, *(op for op in operations.values() if isinstance(op, dict))]:
            for parameter in operation.get("parameters", []):
                pattern = PARAMETERS.get(parameter.get("name")) if parameter.get("in") in ("path", "query") else None
                if pattern and parameter.get("schema", {}).get("type") == "string":
                    parameter["schema"]["pattern"] = pattern
                if path.endswith("/standing") and parameter.get("name") == "unit":
                    parameter["required"] = True  # organizers must name it; a unit token may leave it out
            for body in operation.get("requestBody", {}).get("content", {}).values():
                schema = body.get("schema", {})
                if schema.get("type") == "string" and schema.get("format") != "binary":
                    schema.update(minLength=1, pattern=TEXT)  # a rule file or CSV: never empty
                items = schema.get("items", {}) if schema.get("type") == "array" else {}
                for name, pattern in ROW_FIELDS.items():
                    if name in items.get("properties", {}):
                        items["properties"][name]["pattern"] = pattern
    for name, fields in FIELDS.items():
        properties = spec.get("components", {}).get("schemas", {}).get(name, {}).get("properties", {})
        for field, pattern in fields.items():
            if field in properties:
                properties[field]["pattern"] = pattern
    return spec
