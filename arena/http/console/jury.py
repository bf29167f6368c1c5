"""/jury: the judges' phone page (评委打分). A signed-in judge scores each unit of a jury, in the
drawn order, on each criterion; every change is saved at once (jury.js posts it here with the
CSRF token), so a reload shows what was given. Submitting locks the sheets. Nobody else's
scores are ever on this page; after the close it shows the judge's own sheets and a link to the
public reveal. The same services as the API's (arena.services.juries)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for

from arena.errors import ArenaError, Forbidden
from arena.http.console.door import bp, require_account
from arena.http.console import auth
from arena.http.db import get_db
from arena.services import juries
from arena.services.juries import Viewer
from arena.services.rules import contest_rules
from arena.store import juries as jury_store


def _judge():
    """The signed-in judge's account, or a redirect (to /login, or to change a one-time password)."""
    user = require_account()
    if not isinstance(user, dict):
        return user
    if auth.pending_step(user):
        return redirect(url_for("door.account"))
    if user["role"] != "judge":
        raise Forbidden("评审打分页面供评委账号使用；组织方请在管理后台或接口查看评审进度")
    return user


def _actor(user: dict) -> str:
    return auth.principal_of(user).actor


@bp.get("/jury")
def jury_list():
    user = _judge()
    if not isinstance(user, dict):
        return user
    mine = juries.judge_juries(get_db(), user["username"])
    if len(mine) == 1:
        return redirect(url_for("door.jury_page", jid=mine[0]["id"]))
    return render_template("console/jury_list.html", juries=mine)


@bp.get("/jury/<int:jid>")
def jury_page(jid: int):
    user = _judge()
    if not isinstance(user, dict):
        return user
    db = get_db()
    cid = jury_store.get(db, jid)["contest"]
    seen = juries.view(db, cid, jid, Viewer("judge", user["username"]))
    contest, _ = contest_rules(db, cid)
    indicator = next((i for i in contest.indicators if i.id == seen["indicator"]), None)
    if seen["status"] == "closed":
        own = {r["unit"]: next((t for t in r["totals"] if t["judge"] == user["username"]), None)
               for r in seen["tally"]["units"]}
        sheets = {u: (t or {}).get("scores", {}) for u, t in own.items()}
        submitted = True
    else:
        sheets, submitted = seen["mine"]["sheets"], seen["mine"]["submitted"]
    totals = {o["unit"]: juries.total_of(seen["criteria"], sheets.get(o["unit"], {})) for o in seen["order"]}
    return render_template("console/jury.html", jury=seen, contest=None, contest_name=contest.name,
                           indicator_name=indicator.name if indicator else seen["indicator"], sheets=sheets,
                           totals=totals, submitted=submitted, closed=seen["status"] == "closed",
                           done=sum(t is not None for t in totals.values()))


@bp.post("/jury/<int:jid>/sheets/<unit>")
def jury_save(jid: int, unit: str):
    """One change of the page (jury.js): the criteria sent as form fields; answers JSON."""
    user = _judge()
    if not isinstance(user, dict):
        return jsonify({"error": {"code": "unauthorized", "message": "登录已失效，请刷新页面重新登录",
                                  "details": []}}), 401
    scores: dict[str, object] = {}
    for key, text in request.form.items():
        if key == "csrf_token":
            continue
        try:
            scores[key] = float(text)
        except ValueError:
            scores[key] = text  # the service names it: not a number
    db = get_db()
    try:
        cid = jury_store.get(db, jid)["contest"]
        saved = juries.save_sheet(db, cid, jid, unit, scores, judge=user["username"], actor=_actor(user))
        criteria = jury_store.get(db, jid)["criteria"]
    except ArenaError as exc:
        return jsonify({"error": {"code": exc.code, "message": exc.message, "details": exc.details}}), exc.status
    return jsonify({"unit": unit, "scores": saved, "total": juries.total_of(criteria, saved)})


@bp.post("/jury/<int:jid>/submit")
def jury_submit(jid: int):
    user = _judge()
    if not isinstance(user, dict):
        return user
    db = get_db()
    cid = jury_store.get(db, jid)["contest"]
    try:
        juries.submit(db, cid, jid, judge=user["username"], actor=_actor(user))
    except ArenaError as exc:  # not every score given, submitted already, closed: said on the page itself
        listed = "；".join(d["message"] for d in exc.details[:5]) + ("……" if len(exc.details) > 5 else "")
        flash(f"没有提交：{exc.message}" + (f"（{listed}）" if listed else ""), "error")
        return redirect(url_for("door.jury_page", jid=jid))
    flash("评分已提交并锁定。如需更改，请联系组织方重新开放。", "ok")
    return redirect(url_for("door.jury_page", jid=jid))
