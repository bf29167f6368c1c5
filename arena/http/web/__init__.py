"""The public web: pages, the big screen and their images (create_app calls init_app)."""

from __future__ import annotations


def init_app(app) -> None:
    """Find the CJK font now, so a machine without one fails at start with a clear error."""
    from arena.http.web.views import bp
    from arena.render import fonts

    fonts.configure(app.config.get("CJK_FONT"))
    app.register_blueprint(bp)
