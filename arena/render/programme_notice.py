"""The 通报 of a published programme (全年列榜单): who is honoured (年奖), who is penalised
(年惩), who was vetoed or missing a contest, and one attachment table per group; laid out by
notice_docx / notice_pdf like a contest's."""

from __future__ import annotations

from typing import Any

from arena.engine.rules.model import Letterhead
from arena.render import words
from arena.render.notice_text import Notice, Para, Table, contest_words, date_label


def programme_notice(sheet: dict[str, Any], letterhead: Letterhead, names: dict[str, str],
                     honour: str, penalty: str) -> Notice:
    year, name = sheet["period"], sheet.get("name") or sheet["programme"]
    listed = "、".join(f"{names.get(s['contest'], s['contest'])}（权重{s['weight']:g}%）" for s in sheet["sources"])
    body = [Para(f"根据{year}年度各项擂台赛成绩，经汇总审核，现将{year}年度{contest_words(name)}结果通报如下。"),
            Para("一、总体情况", "heading1"),
            Para(f"本年度列榜依据{listed}的年度成绩加权计算，流动红旗按次加分；未参加某项擂台赛的单位该项计0分，"
                 f"被一票否决的单位排在本组最后。各组排名见附件。"),
            Para("二、年度奖惩", "heading1")]
    for k, g in enumerate(sheet["groups"]):
        good = "、".join(u["name"] for u in g["units"] if u["honour"]) or "无"
        bad = "、".join(u["name"] for u in g["units"] if u["penalty"]) or "无"
        body.append(Para(f"（{'一二三四五六七八九十'[k % 10]}）{g['name']}：授予{good}“{honour}”称号；对{bad}予以{penalty}。",
                         "heading2"))
    vetoed = [u["name"] for g in sheet["groups"] for u in g["units"] if "vetoed" in u["flags"]]
    if vetoed:
        body.append(Para(f"{'、'.join(vetoed)}本年度被一票否决，不得评为{honour}。"))
    if sheet.get("note"):
        body += [Para("三、更正说明", "heading1"), Para(f"本通报为第{sheet['revision']}版，{sheet['note']}。")]
    body.append(Para("希望受表扬的单位再接再厉；受通报批评的单位认真查找差距，制定整改措施。"))
    heads = ("名次", "单位", "总分", *(names.get(s["contest"], s["contest"]) for s in sheet["sources"]), "红旗加分", "奖惩")
    tables = tuple(Table(title=f"{name}（{g['name']}）", header=heads, rows=tuple(
        (str(u["rank"]), u["name"], words.score_text(u["total"]),
         *("未参评" if u["contests"][s["contest"]]["missing"] else words.score_text(u["contests"][s["contest"]]["total"])
           for s in sheet["sources"]),
         words.score_text(u["flag_points"]), honour if u["honour"] else penalty if u["penalty"] else "")
        for u in g["units"])) for g in sheet["groups"] if g["units"])
    return Notice(office=letterhead.office, number=f"{letterhead.number_prefix}〔{year}〕20号",
                  title=f"关于{year}年度{contest_words(name)}结果的通报", to=letterhead.to, body=tuple(body),
                  date=date_label(sheet.get("published_at")), cc=letterhead.cc, attachments=tables,
                  file_name=f"{year}年度列榜通报")


def programme_notice_file(sheet: dict[str, Any], letterhead: Letterhead, names: dict[str, str], honour: str,
                          penalty: str, fmt: str) -> bytes:
    """The 通报 of a published list as .docx or .pdf bytes (python-docx and ReportLab load here)."""
    from arena.render.notice_docx import notice_docx, publication_moment
    from arena.render.notice_pdf import notice_pdf

    notice = programme_notice(sheet, letterhead, names, honour, penalty)
    return notice_docx(notice, publication_moment(sheet["published_at"])) if fmt == "docx" else notice_pdf(notice)
