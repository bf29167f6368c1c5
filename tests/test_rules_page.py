"""The public 考核细则 (/contests/{cid}/rules): every indicator with its weight per group, target
and how it is scored in plain Chinese (never the YAML method word), adjustments and veto, ties,
flags, warnings and the board, from the rules in force; linked from every page and exported."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from arena.engine.rules import load_rules
from arena.render.rules_words import how_scored, rules_outline
from helpers import SMALL_RULES

DUE = datetime(2026, 4, 15, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def client(pages_app):
    return pages_app.test_client()


def indicator(**kw):
    rules = SMALL_RULES.replace("  - {id: gdp, name: 增速, unit: \"%\", weight: 60, method: rank}\n",
                                "  - " + "{" + ", ".join(f"{k}: {v}" for k, v in kw.items()) + "}\n")
    return load_rules(rules).indicators[0]


@pytest.mark.parametrize("kw, says", [
    (dict(id="gdp", name="增速", weight=60, method="rank"),
     "排名法（越高越好，组内排名，并列取高名次）：第 1 名得满分、末名得 0 分，中间按名次等差：得分 = 权重 − (名次 − 1) × (权重 − 0) ÷ (参评单位数 − 1)。"),
    (dict(id="gdp", name="增速", weight=60, method="rank", step=5, floor=10),
     "排名法（越高越好，组内排名，并列取高名次）：第 1 名得满分，每低一名减 5 分，最低 10 分。"),
    (dict(id="gdp", name="增速", weight=60, method="efficacy", better="lower", base=0.6),
     "功效系数法（越低越好）：得分 = 权重 × [0.6 + 0.4 × (最大值 − x) ÷ (最大值 − 最小值)]"),
    (dict(id="gdp", name="增速", weight=60, method="completion", target=10, cap=1.2),
     "完成率法（越高越好）：完成率 r = 完成值 ÷ 目标值，得分 = 权重 × r，最高 120% 权重。"),
    (dict(id="gdp", name="增速", weight=60, method="completion", better="lower", target=10),
     "完成率法（越低越好）：完成率 r = 目标值 ÷ 完成值，得分 = 权重 × r，不超过权重。"),
    (dict(id="gdp", name="增速", weight=60, method="bands", target=10, of="ratio",
          bands="[{at_least: 1, points: 60}, {at_least: 0.9, points: 40}]", otherwise=10),
     "分档计分法：完成率达到 100% 得 60 分；完成率达到 90% 得 40 分；以上均未达到得 10 分。"),
    (dict(id="gdp", name="增速", weight=60, method="formula", expr='"value * 2"'),
     "公式计分：得分 = value * 2，限定在 0 至权重。"),
])
def test_each_method_in_plain_chinese_with_its_formula(kw, says):
    assert how_scored(indicator(**kw)).startswith(says)


def test_weights_per_group_targets_and_the_rest_of_the_rules():
    demo = load_rules(open("rules/linyi-2026.yaml", encoding="utf-8").read())
    outline = rules_outline(demo)
    by_name = {i["name"]: i for i in outline["indicators"]}
    assert by_name["固定资产投资增速"]["weights"] == "区县组 8 分；功能区组 10 分"
    assert by_name["规上工业增加值增速"]["weights"] == "12 分" and by_name["规上工业增加值增速"]["reporter"] == "市统计局"
    assert by_name["工业技改投资"]["target"].startswith("分单位全年目标：兰山区 45亿元、罗庄区 38亿元")
    assert by_name["工业技改投资"]["target"].endswith("按时序进度（每月 1/12）分解")
    assert {"name": "较大安全生产事故", "rule": "一票否决：当月照常计分，但排在所有未被否决的单位之后，不得流动红旗，不上龙榜"} \
        in outline["adjustments"]
    assert outline["flags"][0] == "流动红旗：每季度按季度得分，各组前列：区县组3 面，功能区组1 面，且季度得分不低于 60 分"
    assert outline["warning"] == "连续 2 个计分月在本组排名末位（本组不少于 3 个单位）的，予以约谈"
    assert outline["board"].startswith("龙虎榜：各组前 1 名上龙榜")
    assert outline["ties"] == "总分相同时依次比较：规上工业增加值增速、一般公共预算收入得分，仍相同则名次并列"


def test_the_page_is_chinese_and_linked_from_every_page(client):
    page = client.get("/contests/small/rules")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "考核细则" in text and "排名法" in text and "完成率法" in text and "甲县" in text
    shown = re.sub(r"<[^>]+>", " ", text[text.index("<main"):text.index("</main>")])  # what a reader sees
    assert not re.search(r"\b(rank|completion|efficacy|bands|formula)\b", shown)
    for path in ("/", "/contests/small", "/contests/small/2026-03", "/contests/small/flags", "/contests/small/units/A"):
        assert 'href="/contests/small/rules"' in client.get(path).get_data(as_text=True), path
    assert client.get("/contests/nosuch/rules").status_code == 404


def test_the_static_export_has_the_rules_page(small, tmp_path, monkeypatch):
    from arena.export.static_site import export_static
    from arena.services import publishing

    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path / "instance"))
    publishing.publish(small, "small", "2026-03", actor="t", now=DUE)
    export_static(small, tmp_path / "site", instance_path=str(tmp_path / "instance"))
    page = (tmp_path / "site" / "contests" / "small" / "rules.html").read_text(encoding="utf-8")
    assert "考核细则" in page and "排名法" in page
    assert 'href="rules.html"' in (tmp_path / "site" / "contests" / "small" / "flags.html").read_text(encoding="utf-8")
