"""Services: store -> engine -> store. The CLI, the API, the console and the scheduler call these.

Each write is one transaction holding the change and its audit row. results holds the rules,
results and draft-sheet services (re-exported here: ``services.save_rules(...)``); publishing
(publish, verify, publish_due), preview, standing, tokens, scheduler and demo each a module.
"""

from arena.services.results import (contest_rules, data_sha256, draft, import_results, list_contests, parse_wanted,
                                    results_sha256, save_rules, sheet_inputs, sheet_json, store_results)

__all__ = ["contest_rules", "data_sha256", "draft", "import_results", "list_contests", "parse_wanted",
           "results_sha256", "save_rules", "sheet_inputs", "sheet_json", "store_results"]
