"""The pure scoring engine: rules and results in, sheets out.

No Flask, SQLite, matplotlib or clock may be imported from here (a test checks it).
Modules: periods, numbers, model, formula, rules (YAML -> model), methods, sheet, awards, results.
"""
