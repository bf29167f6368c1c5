"""arena.http.console.textdiff: the line diff the console shows between two rule versions."""

from __future__ import annotations

import pytest

from arena.http.console.textdiff import diff_texts

OLD = "a\nb\nc\nd\ne\nf\ng\nh\n"


@pytest.mark.parametrize(
    "name, new, context, added, removed, hunks",
    [
        # identical texts: no hunk at all
        ("same", OLD, 3, 0, 0, []),
        # d -> D: one replaced line, with 1 line of context on each side: c, -d, +D, e
        ("one_line_changed", "a\nb\nc\nD\ne\nf\ng\nh\n", 1, 1, 1,
         [("@@ -3,3 +3,3 @@", ["same 3 3 c", "del 4 - d", "add - 4 D", "same 5 5 e"])]),
        # a line appended at the end: old lines 7..8 as context, new line 9
        ("appended", OLD + "i\n", 2, 1, 0,
         [("@@ -7,2 +7,3 @@", ["same 7 7 g", "same 8 8 h", "add - 9 i"])]),
        # b and g deleted, 0 context: two hunks; an empty new span names the line before it (diff -u)
        ("two_hunks", "a\nc\nd\ne\nf\nh\n", 0, 0, 2,
         [("@@ -2,1 +1,0 @@", ["del 2 - b"]), ("@@ -7,1 +5,0 @@", ["del 7 - g"])]),
        # a weight edit in YAML keeps its indentation and Chinese text intact
        ("yaml_weight", "a\nb\nc\nd\ne\nf\ng\n  weight: 30  # 权重\n", 0, 1, 1,
         [("@@ -8,1 +8,1 @@", ["del 8 - h", "add - 8   weight: 30  # 权重"])]),
    ],
)
def test_diff_texts(name, new, context, added, removed, hunks):
    found = diff_texts(OLD, new, context=context)
    assert (found.added, found.removed, found.same) == (added, removed, not hunks)
    shown = [
        (h.header, [f"{ln.kind} {ln.old or '-'} {ln.new or '-'} {ln.text}" for ln in h.lines])
        for h in found.hunks
    ]
    assert shown == hunks


def test_windows_line_ends_compare_equal_to_unix():
    # splitlines() drops \r\n as well as \n: a file saved on Windows is not "every line changed"
    assert diff_texts("a\r\nb\r\n", "a\nb\n").same
