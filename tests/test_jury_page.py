"""The judges' phone page /jury/<id> through the Flask test client: only its judge gets in, a
change is saved at once and is there after a reload, bad scores are refused in JSON that names
the criterion, submit locks the page; nobody else's scores are ever on it. The real browser at
390 px is tests/test_jury_browser.py."""

from __future__ import annotations

import pytest

from console_client import csrf_of, sign_in
from jury_world import JUDGES, UNITS, jury_app, open_jury, scores_of


@pytest.fixture
def japp(tmp_path):
    return jury_app(tmp_path)


def judge_client(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def test_a_judge_signs_in_to_its_jury_and_its_scores_survive_a_reload(japp):
    jid = open_jury(japp)
    c = judge_client(japp, "judge1")
    assert c.get("/jury").headers["Location"].endswith(f"/jury/{jid}")  # one jury: straight to it
    page = c.get(f"/jury/{jid}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "现场展示" in text and "兰山区" in text and "创新性" in text
    assert "<script>" not in text and 'src="/console/static/jury.js"' in text  # no inline script (CSP)
    assert "script-src" not in page.headers["Content-Security-Policy"] or "'unsafe-inline'" not in page.headers[
        "Content-Security-Policy"]
    token = csrf_of(text)
    r = c.post(f"/jury/{jid}/sheets/371302", data={"csrf_token": token, "cx": "33.5"})
    assert r.status_code == 200 and r.get_json() == {"unit": "371302", "scores": {"cx": 33.5}, "total": None}
    r = c.post(f"/jury/{jid}/sheets/371302", data={"csrf_token": token, "sx": "50"})
    assert r.get_json()["total"] == 83.5
    again = c.get(f"/jury/{jid}").get_data(as_text=True)
    assert 'value="33.5"' in again and 'value="50"' in again and "83.5" in again


def test_bad_scores_are_refused_in_json_naming_the_criterion_and_nothing_is_saved(japp):
    jid = open_jury(japp)
    c = judge_client(japp, "judge1")
    token = csrf_of(c.get(f"/jury/{jid}").get_data(as_text=True))
    for data, words in (({"cx": "41"}, "0 to 40"), ({"sx": "-2"}, "0 to 60"), ({"cx": "abc"}, "number"),
                        ({"zz": "3"}, "not a criterion")):
        r = c.post(f"/jury/{jid}/sheets/371302", data={"csrf_token": token, **data})
        assert r.status_code == 422 and words in str(r.get_json()["error"]["details"])
    assert c.post(f"/jury/{jid}/sheets/371302", data={"cx": "3"}).status_code == 403  # no CSRF token
    assert 'value=""' in c.get(f"/jury/{jid}").get_data(as_text=True)


def test_submit_locks_the_page_and_an_incomplete_submit_says_what_is_missing(japp):
    jid = open_jury(japp)
    c = judge_client(japp, "judge1")
    token = csrf_of(c.get(f"/jury/{jid}").get_data(as_text=True))
    r = c.post(f"/jury/{jid}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "没有提交" in r.get_data(as_text=True)
    for unit in UNITS:
        c.post(f"/jury/{jid}/sheets/{unit}", data={"csrf_token": token, **scores_of("judge1", unit)})
    r = c.post(f"/jury/{jid}/submit", data={"csrf_token": token}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert "已提交并锁定" in text and "disabled" in text and 'id="submit-sheets"' not in text
    assert c.post(f"/jury/{jid}/sheets/371302", data={"csrf_token": token, "cx": "1"}).status_code == 409


def test_another_judge_sees_only_its_own_sheet_and_others_are_kept_out(japp):
    from console_client import make_account

    jid = open_jury(japp)
    one = judge_client(japp, "judge1")
    token = csrf_of(one.get(f"/jury/{jid}").get_data(as_text=True))
    one.post(f"/jury/{jid}/sheets/371302", data={"csrf_token": token, "cx": "37.25"})
    two = judge_client(japp, "judge2")
    assert "37.25" not in two.get(f"/jury/{jid}").get_data(as_text=True)
    make_account(japp, "judge", "评委九", "judge9")
    assert judge_client(japp, "judge9").get(f"/jury/{jid}").status_code == 403
    org = japp.test_client()
    sign_in(org, "zhangsan")
    assert org.get(f"/jury/{jid}").status_code == 403
    assert japp.test_client().get(f"/jury/{jid}").status_code == 302  # to /login
    assert "/login?next=/jury/" in japp.test_client().get(f"/jury/{jid}").headers["Location"]


def close_all(app, jid):
    from arena.http.db import get_db
    from arena.services import juries

    with app.app_context():
        db = get_db()
        for judge in JUDGES:
            for unit in UNITS:
                juries.save_sheet(db, "zs", jid, unit, scores_of(judge, unit), judge=judge, actor=judge)
            juries.submit(db, "zs", jid, judge=judge, actor=judge)
        juries.close(db, "zs", jid, actor="user zhangsan (考核办张三)")


def test_the_reveal_waits_for_the_close_then_strikes_the_dropped_totals(japp):
    jid = open_jury(japp)
    public = japp.test_client()
    before = public.get(f"/contests/zs/juries/{jid}")
    assert before.status_code == 404 and "评审尚未结束" in before.get_data(as_text=True)
    close_all(japp, jid)
    page = public.get(f"/contests/zs/juries/{jid}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # 371311: judge1 60 dropped low, judge2 70 kept, judge3 80 dropped high; x 70
    section = text[text.index('id="reveal-371311"'):]
    section = section[:section.index("</section>")]
    assert "<s>60.00</s>" in section and "<s>80.00</s>" in section and "<s>70.00</s>" not in section
    assert "去掉最低分" in section and "去掉最高分" in section and "70.00" in section and "罗庄区" in section
    ranking = text[text.index('id="ranking-county"'):]
    assert ranking.index("兰山区") < ranking.index("罗庄区")  # 80 before 70
    assert "<script>" not in text and "reveal.js" in text
    closed = judge_client(japp, "judge1").get(f"/jury/{jid}").get_data(as_text=True)
    assert "评审已结束" in closed and 'value="30"' in closed  # its own sheet, read-only


def test_a_judge_makes_its_own_token_at_account_and_scores_through_the_api(japp):
    import re

    jid = open_jury(japp)
    c = judge_client(japp, "judge2")
    token = csrf_of(c.get("/account").get_data(as_text=True))
    r = c.post("/account/tokens", data={"csrf_token": token, "name": "评委乙的平板"})
    assert r.status_code == 201
    secret = re.search(r'<code id="new-token">([^<]+)</code>', r.get_data(as_text=True)).group(1)
    api = japp.test_client()
    r = api.put(f"/api/contests/zs/juries/{jid}/sheets/371311", json={"scores": {"cx": 25, "sx": 45}},
                headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and r.get_json()["total"] == 70
    assert "371311" in c.get(f"/jury/{jid}").get_data(as_text=True)
    mine = api.get(f"/api/contests/zs/juries/{jid}", headers={"Authorization": f"Bearer {secret}"}).get_json()["mine"]
    assert mine == {"judge": "judge2", "submitted": False, "sheets": {"371311": {"cx": 25.0, "sx": 45.0}}}


def test_a_closed_jurys_reveal_is_in_the_static_export(japp, tmp_path):
    from arena.export.static_site import export_static
    from arena.http.db import get_db

    jid = open_jury(japp)
    out = tmp_path / "site"
    with japp.app_context():
        export_static(get_db(), out)
    assert not (out / "contests" / "zs" / "juries").exists()  # open: nothing to reveal yet
    close_all(japp, jid)
    with japp.app_context():
        export_static(get_db(), out)
    page = (out / "contests" / "zs" / "juries" / str(jid) / "index.html").read_text(encoding="utf-8")
    live = japp.test_client().get(f"/contests/zs/juries/{jid}").get_data(as_text=True)
    section = page[page.index('id="reveal-371311"'):]
    assert section[:section.index("</section>")] == live[live.index('id="reveal-371311"'):][:section.index("</section>")]
    script = page[page.index('<script src="') + 13:]
    script = script[:script.index('"')]
    assert "reveal" in script and (out / "contests" / "zs" / "juries" / str(jid) / script).resolve().is_file()
