"""Text people type that lands in frozen records (publication notes, rules notes): lone
surrogates and control characters are refused wherever it comes from (API, console, CLI),
since UTF-8 JSON cannot carry the first and Excel cells refuse the second."""

from __future__ import annotations

from arena.errors import ValidationFailed


def clean_text(text: str, field: str, *, multiline: bool = False) -> str:
    """Refuse lone surrogates and control characters (newlines and tabs only where multiline)."""
    for c in text:
        if "\ud800" <= c <= "\udfff":
            raise ValidationFailed(f"{field} contains a lone surrogate",
                                   [{"field": field, "message": f"lone surrogate \\u{ord(c):04x}"}])
        if not c.isprintable() and not (multiline and c in "\n\t"):
            raise ValidationFailed(f"{field} contains a control character",
                                   [{"field": field, "message": f"control character \\u{ord(c):04x}"}])
    return text


def clean_note(note: str | None) -> str | None:
    """A note as stored: checked, stripped, and None when empty."""
    return clean_text(note, "note", multiline=True).strip() or None if note else None
