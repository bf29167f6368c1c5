"""评审 in the organizers' console (/console/contests/<cid>/juries): open a jury with a form,
follow progress without seeing a score, refusals shown on the page that change nothing (close
before everyone, reopen without a reason), reopen with a reason, close, the tally after it."""

from __future__ import annotations

import pytest

from console_client import dump, form_token, sign_in
from jury_world import JUDGES, UNITS, jury_app, scores_of


@pytest.fixture
def org(tmp_path):
    app = jury_app(tmp_path)
    client = app.test_client()
    assert sign_in(client, "zhangsan").status_code == 302
    return app, client


def judge_everything(app, jid, judges=JUDGES):
    from arena.http.db import get_db
    from arena.services import juries

    with app.app_context():
        for judge in judges:
            for unit in UNITS:
                juries.save_sheet(get_db(), "zs", jid, unit, scores_of(judge, unit), judge=judge, actor=judge)
            juries.submit(get_db(), "zs", jid, judge=judge, actor=judge)


def test_an_organizer_runs_a_jury_from_the_console(org):
    app, c = org
    page = "/console/contests/zs/juries"
    token = form_token(c, page)
    r = c.post(page, data={"csrf_token": token, "indicator": "xczs", "period": "2026-03",
                           "judges": "judge1，judge2, judge3", "order_seed": "42"})
    assert r.status_code == 302
    text = c.get(page).get_data(as_text=True)
    assert "第 1 号评审" in text and "抽签种子 42" in text and "0 / 8" in text and "评委甲" in text
    judge_everything(app, 1, JUDGES[:2])
    before = dump(app)
    r = c.post(f"{page}/1/close", data={"csrf_token": token})
    assert r.status_code == 409 and "judge3" in r.get_data(as_text=True)
    r = c.post(f"{page}/1/reopen", data={"csrf_token": token, "judge": "judge1", "reason": ""})
    assert r.status_code == 422 and "原因" in r.get_data(as_text=True)
    assert dump(app) == before
    text = c.get(page).get_data(as_text=True)
    assert "8 / 8" in text and "最后得分" not in text and "<s title" not in text  # progress only: no score, no tally
    r = c.post(f"{page}/1/reopen", data={"csrf_token": token, "judge": "judge1", "reason": "评委甲申请更正"})
    assert r.status_code == 302
    judge_everything(app, 1, ("judge1", "judge3"))
    r = c.post(f"{page}/1/close", data={"csrf_token": token}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert "已结束" in text and "<s title=\"去掉最高分\">90</s>" in text and "/contests/zs/juries/1" in text


def test_a_bad_opening_is_shown_on_the_page_and_changes_nothing(org):
    app, c = org
    page = "/console/contests/zs/juries"
    token = form_token(c, page)
    before = dump(app)
    r = c.post(page, data={"csrf_token": token, "indicator": "xczs", "period": "2026-03", "judges": "judge1"})
    assert r.status_code == 422 and "多于 2" in r.get_data(as_text=True)
    r = c.post(page, data={"csrf_token": token, "indicator": "xczs", "period": "2026-13", "judges": "judge1,judge2,judge3",
                           "order_seed": "x"})
    assert r.status_code == 422
    assert dump(app) == before
