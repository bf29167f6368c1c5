"""The pure scoring engine: rules and results in, sheets out.

No Flask, SQLite, matplotlib or clock may be imported from here (a test checks it).
rules/ reads rule files into the model (rules.model); the scoring is here: periods, calendar,
numbers, formula, methods (unit by unit: the definition), columns and vformula (whole columns:
the fast path), layout, month, sheet, awards, results and result_problems.
"""
