"""Arena: scoring and leaderboards for government task contests (打擂台).

Kept light on purpose: importing ``arena`` (or ``arena.engine``) must not pull in Flask,
SQLite or matplotlib. ``create_app`` is imported on first use.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from arena.http.app import create_app

        return create_app
    raise AttributeError(f"module 'arena' has no attribute {name!r}")
