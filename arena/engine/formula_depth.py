"""How deep a formula nests, and room on the stack for evaluating it.

Real nesting (limited to 100 levels) is what a person reads as nesting: calls, unary
operators, comparisons, `if` and right-hand operands. A chain ``a + b + c + ...`` is a tree
leaning left, as tall as the chain is long, yet one level: 500 characters allow some 250 terms,
and the evaluators recurse through it, so the recursion limit is made to fit the tallest tree.
"""

from __future__ import annotations

import ast
import sys


def nesting(tree: ast.AST) -> int:
    """How deeply the formula nests: each call, unary operator, `if`, comparison or right-hand
    operand opens a level; the left operand of a binary operator does not, so a chain
    ``a + b + c + ...`` (a left-leaning tree however long) stays at one level."""
    levels = {id(tree): 0}
    deepest = 0
    for node in ast.walk(tree):  # breadth first: a parent's level is known before its children's
        level = levels.get(id(node), 0)
        deepest = max(deepest, level)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):  # not the operator and context nodes
                flat = isinstance(node, ast.BinOp) and child is node.left
                levels[id(child)] = level + (0 if flat else 1)
    return deepest


def stack_room(tree: ast.AST) -> None:
    """Make sure the evaluators can recurse through the whole tree: 500 characters may make a
    left-leaning chain some 250 levels tall, each a few Python frames in simpleeval, vformula
    and the walk (never C recursion: Python 3.11 calls Python functions without it)."""
    height = _height(tree)
    need = 1000 + 4 * height
    if sys.getrecursionlimit() < need:
        sys.setrecursionlimit(need)  # only ever raised, and by a bounded amount


def _height(tree: ast.AST) -> int:
    tallest, todo = 0, [(tree, 1)]
    while todo:
        node, h = todo.pop()
        tallest = max(tallest, h)
        todo += [(child, h + 1) for child in ast.iter_child_nodes(node)]
    return tallest
