"""The store: the only code that touches SQLite (through sqlite-utils).

Writes must run inside ``transaction(db)`` so a service can put a change and its audit row
in one transaction. Nothing connects at import time.
"""

from arena.store.db import connect, migrate, require_transaction, schema_version, transaction

__all__ = ["connect", "migrate", "require_transaction", "schema_version", "transaction"]
