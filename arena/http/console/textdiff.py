"""A line diff of two texts (two rule versions), as hunks a template can render.

difflib.SequenceMatcher finds the changes; each hunk carries ``context`` unchanged lines on
either side, like ``diff -u``. Lines keep their text unescaped: the template escapes them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    kind: str  # same | del | add
    old: int | None  # line number in the old text (from 1), None for an added line
    new: int | None  # line number in the new text, None for a deleted line
    text: str


@dataclass
class Hunk:
    old: tuple[int, int]  # (first index, end index) in the old text's lines, from 0
    new: tuple[int, int]
    lines: list[Line] = field(default_factory=list)

    @property
    def header(self) -> str:
        """``@@ -a,b +c,d @@`` as diff -u writes it (an empty span names the line before it)."""
        return f"@@ -{_span(*self.old)} +{_span(*self.new)} @@"


@dataclass
class TextDiff:
    hunks: list[Hunk]
    added: int
    removed: int

    @property
    def same(self) -> bool:
        return not self.hunks


def _span(start: int, end: int) -> str:
    return f"{start + 1},{end - start}" if end > start else f"{start},0"


def diff_texts(old: str, new: str, context: int = 3) -> TextDiff:
    """Compare ``old`` and ``new`` line by line; hunks hold the changes with their context."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks: list[Hunk] = []
    added = removed = 0
    for group in matcher.get_grouped_opcodes(context):
        if all(op[0] == "equal" for op in group):  # identical texts still yield one group
            continue
        hunk = Hunk(old=(group[0][1], group[-1][2]), new=(group[0][3], group[-1][4]))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk.lines += [Line("same", i + 1, j + 1, a[i]) for i, j in zip(range(i1, i2), range(j1, j2))]
                continue
            if tag in ("replace", "delete"):
                hunk.lines += [Line("del", i + 1, None, a[i]) for i in range(i1, i2)]
                removed += i2 - i1
            if tag in ("replace", "insert"):
                hunk.lines += [Line("add", None, j + 1, b[j]) for j in range(j1, j2)]
                added += j2 - j1
        hunks.append(hunk)
    return TextDiff(hunks, added, removed)
