"""The reporting screens through the test client: a department reports on /report (CSV and an
evidence PDF), the organizer reviews at 报送审核 and sees 报送情况, a unit finds its submissions on
/me; POSTs need the CSRF token; another reporter cannot fetch the evidence."""

from __future__ import annotations

from io import BytesIO

import pytest

from console_client import PASSWORD, csrf_of, make_account, sign_in, text
from submit_world import PDF, RULES

CSV = "单位,指标,期间,数值,说明\nA,gdp,2026-04,7.5,\nB,gdp,2026-04,6.5,\n"


@pytest.fixture
def app(tmp_path):
    import json

    from arena import create_app, services
    from arena.http.db import get_db
    from helpers import month_rows

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "test-secret", "TESTING": True,
                      "REQUIRE_TOTP": False, "EVIDENCE_DIR": str(tmp_path / "evidence")})
    with app.app_context():
        db = get_db()
        services.save_rules(db, RULES, actor="setup")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    make_account(app, "organizer", "考核办张三", "zhangsan")
    make_account(app, "department", "统计局王五", "wangwu", contest="small", department="tjj")
    make_account(app, "department", "商务局赵六", "zhaoliu", contest="small", department="swj")
    make_account(app, "unit", "甲县李四", "lisi", contest="small", unit="A")
    return app


def client_of(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def upload(client, body=CSV, files=(("统计报表.pdf", PDF),)):
    page = text(client.get("/report/small/2026-04"))
    data = {"csrf_token": csrf_of(page), "file": (BytesIO(body.encode()), "rows.csv"),
            "evidence": [(BytesIO(b), n) for n, b in files]}
    return client.post("/report/small/2026-04", data=data, content_type="multipart/form-data")


def test_a_department_reports_and_the_organizer_returns_then_approves(app):
    dept = app.test_client()
    assert sign_in(dept, "wangwu").headers["Location"] == "/report"  # a department's home
    chooser = text(dept.get("/report"))
    assert "2026-04" in chooser and "小擂台" in chooser
    answer = upload(dept)
    assert answer.status_code == 302
    page = text(dept.get("/report/small/2026-04"))
    assert "已提交第 1 号报送，等待组织方审核" in page and "统计报表.pdf" in page and "待审核" in page
    assert dept.get("/report/small/submissions/1/files/%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8.pdf").data == PDF

    org = client_of(app, "zhangsan")
    review = text(org.get("/console/contests/small/submissions"))
    assert "第 1 号报送" in review and "统计报表.pdf" in review and "审核通过" in review
    token = csrf_of(review)
    assert org.post("/console/contests/small/submissions/1/return", data={"reason": "乙县增速有误"}).status_code == 403
    org.post("/console/contests/small/submissions/1/return", data={"reason": "乙县增速有误", "csrf_token": token})
    assert "退回原因：乙县增速有误" in text(dept.get("/report/small/2026-04"))

    upload(dept, CSV.replace("6.5", "6.2"), files=())
    org.post("/console/contests/small/submissions/2/approve", data={"csrf_token": token})
    grid = text(org.get("/console/contests/small/reporting?month=2026-04"))
    assert grid.count('data-status="approved"') == 2 and "图例" in grid
    assert 'data-status="returned"' not in grid
    assert "报送审核" in text(org.get("/console/contests/small"))


def test_refusals_show_on_the_page_and_keep_nothing(app):
    dept = client_of(app, "wangwu")
    answer = upload(dept, CSV.replace("gdp,2026-04,6.5", "inv,2026-04,6.5"))
    assert answer.status_code == 403 and "inv 由各单位自行报送" in text(answer)
    answer = upload(dept, files=(("统计报表.pdf", b"not a pdf"),))
    assert answer.status_code == 415 and "统计报表.pdf" in text(answer)
    assert "本月还没有报送" in text(dept.get("/report/small/2026-04"))


def test_evidence_reaches_nobody_but_the_submitter_and_organizers(app):
    upload(client_of(app, "wangwu"))
    url = "/report/small/submissions/1/files/%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8.pdf"
    assert client_of(app, "zhaoliu").get(url).status_code == 404
    assert client_of(app, "lisi").get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # to /login
    org = client_of(app, "zhangsan").get(url.replace("/report/small", "/console/contests/small"))
    assert org.data == PDF and org.headers["Cache-Control"] == "private, no-store"


def test_a_unit_sees_its_submissions_on_me(app):
    unit = client_of(app, "lisi")
    answer = upload(unit, "unit,key,period,value\nA,inv,2026-04,12.5\n", files=())
    assert answer.status_code == 302
    me = text(unit.get("/me"))
    assert 'id="me-submissions"' in me and "待审核" in me


def test_the_report_page_offers_the_reporters_own_template_and_it_goes_back_unchanged(app):
    from openpyxl import load_workbook

    dept = client_of(app, "wangwu")
    page = text(dept.get("/report/small/2026-04"))
    assert 'href="/report/small/2026-04/template.xlsx"' in page and "下载 2026-04 填报模板" in page
    answer = dept.get("/report/small/2026-04/template.xlsx")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    sheet = load_workbook(BytesIO(answer.data)).worksheets[0]
    shown = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("增速" in v for v in shown) and not any("投资" in v for v in shown)  # tjj's gdp, not the units' inv
    book = load_workbook(BytesIO(answer.data))
    sheet = book.worksheets[0]
    keys = {c.value: c.column for c in sheet[3] if c.value}  # the hidden row of keys
    row_a = next(r[0].row for r in sheet.iter_rows(min_row=5) if r[0].value == "A")  # hidden codes in A
    sheet.cell(row=row_a, column=keys["gdp"], value=7.25)
    filled = BytesIO()
    book.save(filled)
    data = {"csrf_token": csrf_of(page), "file": (BytesIO(filled.getvalue()), "template.xlsx")}
    assert dept.post("/report/small/2026-04", data=data, content_type="multipart/form-data").status_code == 302
    assert "已提交第 1 号报送" in text(dept.get("/report/small/2026-04"))
    assert client_of(app, "zhaoliu").get("/report/small/2026-04/template.xlsx").status_code == 403  # swj reports nothing
    assert app.test_client().get("/report/small/2026-04/template.xlsx").status_code in (302, 401)
