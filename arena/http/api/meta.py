"""The OpenAPI 3 description of the API."""

from __future__ import annotations

import hashlib

from flask import current_app, json
from flask.views import MethodView

from arena.http.api.base import Blueprint, access, public
from arena.http.api.spec_patterns import tighten

blp = Blueprint("meta", __name__, url_prefix="/api", description="The API's own description")


@blp.route("/openapi.json")
class OpenAPI(MethodView):
    @blp.response(200, {"type": "object"})
    @access("anyone")
    def get(self):
        """This OpenAPI 3 document"""
        text = current_app.extensions["arena-openapi"]
        if text is None:
            api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
            text = current_app.extensions["arena-openapi"] = json.dumps(tighten(api.spec.to_dict()))
        return public(text, hashlib.sha256(text.encode()).hexdigest(), revalidate=True)
