"""Safe YAML for rule files: plain data plus the line of every value and key.

Built on yaml.SafeLoader's reader, scanner and parser; the composer is replaced by a builder
that turns events straight into dicts, lists and scalars, keeping each value's path and line.
Refused, each with its line: anchors and aliases (so an alias bomb fails at its first alias),
any tag outside the core scalars, nesting deeper than MAX_DEPTH (no RecursionError), non-UTF-8
bytes, control characters and lone surrogates, an empty file, several documents.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from yaml.events import (AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent,
                         StreamEndEvent)
from yaml.nodes import ScalarNode

MAX_DEPTH = 50
MAX_KEYS = 100  # in a mapping of fixed keys: the widest schema has about 20, so more is a flood
CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = {CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_KINDS = {CORE + "int": "an integer", CORE + "float": "a number", CORE + "timestamp": "a date",
          CORE + "bool": "a boolean", CORE + "null": "null"}
Path = tuple  # of str keys and int indices


class YamlError(Exception):
    """A problem that stops reading the file: syntax, alias, depth, encoding, shape."""

    def __init__(self, message: str, line: int, path: Path = ()):
        super().__init__(message)
        self.message, self.line, self.path = message, line, path


@dataclass
class Source:
    """The data read from a YAML file, with where each part of it was written."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)  # value's first line
    key_lines: dict[Path, int] = field(default_factory=dict)  # line of the key naming it
    raw: dict[Path, tuple[Any, str]] = field(default_factory=dict)  # plain scalars YAML read as non-text
    raw_keys: dict[Path, tuple[Any, str]] = field(default_factory=dict)  # keys YAML read as non-text
    problems: list[tuple[Path, int, str]] = field(default_factory=list)  # not fatal: reading went on

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest written parent (a missing key's parent)."""
        for n in range(len(path), -1, -1):
            sub = tuple(path[:n])
            if sub in self.key_lines:
                return self.key_lines[sub]
            if sub in self.lines:
                return self.lines[sub]
        return 1


def describe(value: Any) -> str:
    """How YAML read a plain scalar, for messages: 'the number 147520', 'the boolean false'."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "null (no value)"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    return f"the number {value}"


def quote_hint(label: str, value: Any, written: str) -> str:
    """``unit code 0440100 must be quoted: YAML reads it as the number 147520; write "0440100"``."""
    return f'{label} {written} must be quoted: YAML reads it as {describe(value)}, not as text; write "{written}"'


def bad_character(text: str, allow_newlines: bool = True) -> str | None:
    """Name the first control character or lone surrogate in ``text``, or None if it is clean."""
    for ch in text:
        if allow_newlines and ch in "\t\n":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            kind = "a lone surrogate" if unicodedata.category(ch) == "Cs" else "a control character"
            return f"{kind} (U+{ord(ch):04X})"
    return None


def decode(text: str | bytes) -> str:
    """UTF-8 bytes (a BOM is dropped) or text, else YamlError with the line of the bad byte."""
    if isinstance(text, str):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = text[: exc.start].count("\n") + 1
            raise YamlError(f"the file contains {bad_character(text[exc.start])}; remove it", line) from None
        return text
    try:
        decoded = bytes(text).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = text[: exc.start].count(b"\n") + 1
        raise YamlError(f"the file is not UTF-8 text (byte 0x{text[exc.start]:02x} cannot be read)", line)
    return decoded[1:] if decoded.startswith("\ufeff") else decoded


def show_tag(tag: str) -> str:
    return "!!" + tag[len(CORE):] if tag.startswith(CORE) else tag


class _Builder:
    """A safe loader's parser, with a builder in place of the composer and constructor."""

    def __init__(self, text: str, open_keys: Callable[[Path], bool] | None = None):
        super().__init__(text)  # type: ignore[call-arg]
        self.out = Source()
        self.at: Path = ()  # where the builder is, for syntax errors
        self.open_keys = open_keys  # mappings keyed by codes (any number of keys); None: no limit

    def document(self) -> Source:
        self.get_event()  # stream start
        if self.check_event(StreamEndEvent):
            raise YamlError("the rule file is empty", 1)
        self.get_event()  # document start
        self.out.data = self.value(())
        self.get_event()  # document end
        if not self.check_event(StreamEndEvent):
            raise YamlError("the file holds more than one YAML document (---); write one", _line(self.peek_event()))
        return self.out

    def value(self, path: Path) -> Any:
        self.at = path
        event = self.peek_event()
        line = _line(event)
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise YamlError("anchors and aliases (& and *) are not allowed in a rule file", line, path)
        if len(path) > MAX_DEPTH:
            raise YamlError(f"the file is nested deeper than {MAX_DEPTH} levels", line, path)
        self.out.lines[path] = line
        if isinstance(event, ScalarEvent):
            value, written, problem = self.scalar()
            if problem:
                self.problem(path, line, problem)
            elif written is not None:
                self.out.raw[path] = (value, written)
            return value
        self.get_event()
        kind = "seq" if isinstance(event, SequenceStartEvent) else "map"
        if event.tag not in (None, "!", CORE + kind):
            self.problem(path, line, f"the tag {show_tag(event.tag)} is not allowed")
        if kind == "seq":
            items = []
            while not self.check_event(SequenceEndEvent):
                items.append(self.value(path + (len(items),)))
            self.get_event()
            return items
        mapping: dict[str, Any] = {}
        while not self.check_event(MappingEndEvent):
            key_event = self.peek_event()
            if not isinstance(key_event, ScalarEvent):
                raise YamlError("a key must be a word or quoted text, not a list or mapping", _line(key_event), path)
            value, written, problem = self.scalar()
            key = value if isinstance(value, str) else key_event.value
            sub = path + (key,)
            if problem:
                self.problem(sub, _line(key_event), problem)
            elif not isinstance(value, str):
                self.out.raw_keys[sub] = (value, key)
            if key in mapping:
                self.problem(sub, _line(key_event), f"the key {key} is written twice")
            elif len(mapping) == MAX_KEYS and self.open_keys is not None and not self.open_keys(path):
                # stop here: reading on would only list thousands of unknown keys, slowly
                raise YamlError(f"more than {MAX_KEYS} keys in one mapping, which takes far fewer; "
                                "reading stopped here", _line(key_event), path)
            self.out.key_lines[sub] = _line(key_event)
            mapping[key] = self.value(sub)
        self.get_event()
        return mapping

    def scalar(self) -> tuple[Any, str | None, str | None]:
        """The scalar's value, what was written if YAML read a plain scalar as non-text, a problem."""
        event = self.get_event()
        explicit = event.tag not in (None, "!")
        tag = event.tag if explicit else self.resolve(ScalarNode, event.value, event.implicit)
        if tag == CORE + "value":  # a lone "=" is text here
            tag = CORE + "str"
        if tag == CORE + "merge":
            return None, None, "merge keys (<<) are not allowed in a rule file"
        if tag not in SCALAR_TAGS:
            return None, None, f"the tag {show_tag(tag)} is not allowed"
        try:
            value = self.yaml_constructors[tag](self, ScalarNode(tag, event.value, event.start_mark, event.end_mark))
        except (ValueError, OverflowError, yaml.YAMLError):
            return None, None, f"{event.value[:40]} cannot be read as {_KINDS.get(tag, show_tag(tag))}"
        if isinstance(value, str):
            bad = bad_character(value)
            return value, None, (f"the text contains {bad}; remove it" if bad else None)
        return value, (event.value if not explicit and event.implicit[0] else None), None

    def problem(self, path: Path, line: int, message: str) -> None:
        self.out.problems.append((path, line, message))


def _line(event: Any) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 1


# libyaml's parser (same events, same safety) is about six times faster than the pure one
_LOADERS = {False: type("PyBuilder", (_Builder, yaml.SafeLoader), {})}
if getattr(yaml, "CSafeLoader", None) is not None:
    _LOADERS[True] = type("CBuilder", (_Builder, yaml.CSafeLoader), {})


def read_yaml(text: str | bytes, *, libyaml: bool = True, open_keys: Callable[[Path], bool] | None = None) -> Source:
    """Read one YAML document safely; raise YamlError for anything that stops reading. With
    ``open_keys``, a mapping it does not name as open (keyed by codes) holds at most MAX_KEYS."""
    decoded = decode(text)
    if not decoded.strip():
        raise YamlError("the rule file is empty", 1)
    fast = libyaml and True in _LOADERS
    builder = None
    try:
        builder = _LOADERS[fast](decoded, open_keys)
        return builder.document()
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else 0
        bad = bad_character(chr(code)) or f"the character U+{code:04X}, which YAML does not allow"
        before = decoded.encode("utf-8")[: exc.position] if fast else decoded[: exc.position].encode("utf-8")
        line = before.count(b"\n") + 1
        raise YamlError(f"the file contains {bad}; remove it", line) from None
    except yaml.MarkedYAMLError as exc:
        if fast and "nesting depth" in str(exc.problem):
            # libyaml >= 0.2.6 refuses deep nesting itself, scanning ahead of the builder, so it
            # cannot say where; the pure parser reads lazily and stops at MAX_DEPTH with the path
            return read_yaml(decoded, libyaml=False, open_keys=open_keys)
        mark = exc.problem_mark or exc.context_mark
        what = "; ".join(p for p in (exc.context, exc.problem) if p)
        path = builder.at if builder is not None else ()
        raise YamlError(f"not valid YAML: {what}", mark.line + 1 if mark else 1, path) from None
    finally:
        if builder is not None:
            builder.dispose()
