"""Services: store -> engine -> store. The CLI, the API, the console and the scheduler call these.

Each write is one transaction holding the change and its audit row. rules (contests and their
rule files) and results (result rows in, draft sheets out) are re-exported here, as
``services.save_rules(...)``; publishing (publish, verify, publish_due, frozen sheets),
preview, standing, tokens, scheduler (publishing on schedule) and demo are modules of their own.
"""

from arena.services.results import (data_sha256, draft, import_results, legacy_sheet_json, lines_sha256, parse_wanted,
                                    recorded_sha256, results_sha256, sheet_bytes, sheet_inputs, sheet_json, store_results)
from arena.services.rules import contest_rules, list_contests, save_rules

__all__ = ["contest_rules", "data_sha256", "draft", "import_results", "legacy_sheet_json", "lines_sha256", "list_contests", "parse_wanted",
           "recorded_sha256", "results_sha256", "save_rules", "sheet_bytes", "sheet_inputs", "sheet_json", "store_results"]
