"""The words of the 通报 and the 约谈通知, written from a published sheet: pure, no file format.

notice_docx.py and notice_pdf.py lay the same ``Notice`` out in the GB/T 9704 order: 版头
(office), 发文字号, 标题, 主送, 正文 (paragraphs), 署名 and 成文日期, 附件 tables, 版记 (抄送,
印发机关, 印发日期). Everything here is decided by the sheet, the rules it was scored under and
what the service found around it (the revision before, the months a warned unit was last), so
one publication always gives the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Sequence

from arena.engine.periods import parse_period
from arena.engine.rules.model import Contest
from arena.render import words

_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"  # body | heading1 (一、黑体) | heading2 ((一) 楷体)


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""  # under the table


@dataclass(frozen=True)
class Notice:
    office: str
    number: str  # 发文字号, 临擂办〔2026〕3号
    title: str
    to: str  # 主送
    body: tuple[Para, ...]
    date: str  # 成文日期 and 印发日期: 2026年4月10日
    cc: str = ""
    attachments: tuple[Table, ...] = field(default=())
    file_name: str = "通报"  # the download's name, without suffix


def doc_number(period: str) -> int:
    """A stable number per period within its year: a month its month (1-12), a quarter 12 + q,
    a half 16 + h, the year 19; the same period always carries the same 发文字号."""
    p = parse_period(period)
    return p.n + {"month": 0, "quarter": 12, "half": 16, "year": 18}[p.kind]


def date_label(iso: str | None) -> str:
    """2026-04-10T09:00:00+08:00 -> 2026年4月10日 (GB/T 9704: Arabic numerals, no leading 0)."""
    if not iso:
        return "（未发布）"
    moment = datetime.fromisoformat(iso)
    return f"{moment.year}年{moment.month}月{moment.day}日"


def period_words(period: str) -> str:
    """2026年3月份, 2026年第一季度, 2026年上半年, 2026年度: as a 通报's title names a period."""
    label = words.period_label(period)
    return label + "份" if parse_period(period).kind == "month" else label


def contest_words(name: str) -> str:
    """The contest's name without a leading year (2026年度全市综合擂台赛 -> 全市综合擂台赛): the
    title names the period's year already."""
    return re.sub(r"^[0-9]{4}年度?", "", name).strip() or name


def _listing(names: Sequence[str]) -> str:
    return "、".join(names)


def _score(value: Any, contest: Contest) -> str:
    return f"{words.score_text(value, contest.precision)}分"


def _number(contest: Contest, period: str, suffix: str = "") -> str:
    year = parse_period(period).year
    return f"{contest.letterhead.number_prefix}{suffix}〔{year}〕{doc_number(period)}号"


def _last(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The units in last place (ties share it)."""
    worst = max(u["rank"] for u in units)
    return [u for u in units if u["rank"] == worst]


def _group_paragraph(k: int, group: dict[str, Any], contest: Contest) -> Para:
    units = group["units"]
    first = [u for u in units if u["rank"] == 1]
    last = _last(units)
    parts = [f"（{_NUMERALS[k] if k < 10 else k + 1}）{group['name']}（{len(units)}个单位）。"]
    parts.append(f"{_listing([u['name'] for u in first])}以{_score(first[0]['total'], contest)}位居第一")
    if len(units) > 1 and last[0]["rank"] != 1:
        parts.append(f"，{_listing([u['name'] for u in last])}以{_score(last[0]['total'], contest)}位居末位")
    parts.append("。")
    dragon = [u["name"] for u in units if u.get("board") == "dragon"]
    tiger = [u["name"] for u in units if u.get("board") == "tiger"]
    if dragon and len(dragon) < len(units):
        parts.append(f"进入龙榜的有：{_listing(dragon)}。")
    if tiger:
        parts.append(f"列入虎榜的有：{_listing(tiger)}。")
    up = max(units, key=lambda u: u.get("change") or 0)
    down = min(units, key=lambda u: u.get("change") or 0)
    if (up.get("change") or 0) > 0:
        parts.append(f"较上期进位最多的是{up['name']}（上升{up['change']}位）")
        parts.append(f"，退位最多的是{down['name']}（下降{-down['change']}位）。" if (down.get("change") or 0) < 0 else "。")
    elif (down.get("change") or 0) < 0:
        parts.append(f"较上期退位最多的是{down['name']}（下降{-down['change']}位）。")
    return Para("".join(parts))


def _lights(sheet: dict[str, Any], contest: Contest) -> list[Para]:
    """Month sheets: which units lit red, on what; which did not report."""
    names = {i.id: i.name for i in contest.indicators}
    red, missing = [], []
    for group in sheet["groups"]:
        for u in group["units"]:
            cells = u.get("indicators") or {}
            lit = [names.get(k, k) for k, c in cells.items() if isinstance(c, dict) and c.get("light") == "red"]
            gone = [names.get(k, k) for k, c in cells.items() if isinstance(c, dict) and c.get("missing")]
            if lit:
                red.append(f"{u['name']}（{_listing(lit)}）")
            if gone:
                missing.append(f"{u['name']}（{_listing(gone)}）")
    out = []
    if red:
        out.append(Para(f"本期亮红灯、进度滞后的有：{'；'.join(red)}。"))
    if missing:
        out.append(Para(f"未按时报送数据、相关指标不得分的有：{'；'.join(missing)}。"))
    return out


def _flags(sheet: dict[str, Any]) -> list[Para]:
    """Quarter sheets: red and yellow flags; half and year: red flags won in their quarters."""
    rows = [u for g in sheet["groups"] for u in g["units"]]
    out = []
    red = [u["name"] for u in rows if "red_flag" in u.get("flags", [])]
    yellow = [u["name"] for u in rows if "yellow_flag" in u.get("flags", [])]
    if sheet["kind"] == "quarter":
        out.append(Para(f"经综合评定，授予{_listing(red)}流动红旗。" if red else "本期没有单位获得流动红旗。"))
        out.append(Para(f"{_listing(yellow)}被授予黄旗，请认真查找差距、限期整改。" if yellow else "本期没有单位被授予黄旗。"))
    else:
        won = [f"{u['name']}{u['red_flags']}面" for u in rows if u.get("red_flags")]
        out.append(Para(f"本期累计获得流动红旗的有：{_listing(won)}。" if won else "本期没有单位获得流动红旗。"))
        out.append(Para("黄旗按季度评定，见各季度通报。"))
    return out


def _cards(sheet: dict[str, Any], contest: Contest) -> list[Para]:
    """The month's 红黄蓝 cards, colour by colour, each named as the rules name it."""
    labels = contest.card_labels
    out = []
    for kind, title, colours in (("position", "位次牌", ("blue", "yellow", "red")), ("progress", "进位牌", ("blue", "red"))):
        holders = {c: [u["name"] for g in sheet["groups"] for u in g["units"]
                       if (u.get("cards") or {}).get(kind) == c] for c in colours}
        parts = [f"{words.CARD_COLOURS[c]}牌（{labels[c]}）{_listing(names)}" for c, names in holders.items() if names]
        if parts:
            out.append(Para(f"{title}：{'；'.join(parts)}。"))
    return out


def _warnings(sheet: dict[str, Any], contest: Contest, last_months: Mapping[str, Sequence[str]]) -> list[Para]:
    out = []
    for g in sheet["groups"]:
        for u in g["units"]:
            if "warning" not in u.get("flags", []):
                continue
            months = last_months.get(u["unit"]) or ()
            span = _months_words(months) if months else ""
            n = contest.awards.last_place_months or len(months)
            out.append(Para(f"{u['name']}{span}连续{n}个月位列{g['name']}末位，按照规定，"
                            f"对其主要负责人进行约谈（约谈通知另发）。"))
    return out


def _vetoes(sheet: dict[str, Any]) -> list[Para]:
    vetoed = [u["name"] for g in sheet["groups"] for u in g["units"] if "vetoed" in u.get("flags", [])]
    return [Para(f"{_listing(vetoed)}因一票否决事项，本期排名列于本组之后，不得评先评优。")] if vetoed else []


def _correction(sheet: dict[str, Any], previous: dict[str, Any] | None, contest: Contest) -> list[Para]:
    """A revision after the first says it replaces the one before, its note, and every unit whose
    total or rank the correction changed."""
    rev = sheet.get("revision") or 1
    if rev <= 1:
        return []
    out = [Para(f"本通报为第{rev}版，替代此前印发的第{rev - 1}版。更正说明：{sheet.get('note') or '无'}。")]
    if previous is None:
        return out
    before = {u["unit"]: u for g in previous["groups"] for u in g["units"]}
    changes = []
    for g in sheet["groups"]:
        for u in g["units"]:
            old = before.get(u["unit"])
            if old is None:
                continue
            bits = []
            if old["total"] != u["total"]:
                bits.append(f"总分由{_score(old['total'], contest)}更正为{_score(u['total'], contest)}")
            if old["rank"] != u["rank"]:
                bits.append(f"名次由第{old['rank']}名调整为第{u['rank']}名")
            if bits:
                changes.append(f"{u['name']}{'，'.join(bits)}")
    out.append(Para(f"更正后：{'；'.join(changes)}。" if changes else "各单位总分和名次与上一版相同。"))
    return out


def _attachment(sheet: dict[str, Any], group: dict[str, Any], contest: Contest) -> Table:
    month = sheet["kind"] == "month"
    inds = [i for i in contest.indicators if group["id"] in i.weight]
    header = ["名次", "单位", "总分", "较上期", "标记"] + [i.name for i in inds]
    if sheet["kind"] in ("half", "year"):
        header.append("流动红旗（面）")
    rows = []
    for u in group["units"]:
        flags = "、".join(w for _, w in words.flag_words(u.get("flags", [])))
        cells = [str(u["rank"]), u["name"], words.score_text(u["total"], contest.precision),
                 words.change_text(u.get("change")), flags]
        for i in inds:
            raw = (u.get("indicators") or {}).get(i.id)
            if isinstance(raw, dict):
                cells.append("未报" if raw.get("missing") else words.score_text(raw.get("points"), contest.precision))
            else:
                cells.append(words.score_text(raw, contest.precision))
        if sheet["kind"] in ("half", "year"):
            cells.append(str(u.get("red_flags", 0)))
        rows.append(tuple(cells))
    note = "注：各指标列为本期得分，“未报”为未按时报送。" if month else "注：各指标列为所含月份的平均得分。"
    return Table(f"{period_words(sheet['period'])}{group['name']}成绩表", tuple(header), tuple(rows), note)


def sheet_notice(sheet: dict[str, Any], contest: Contest, *, previous: dict[str, Any] | None = None,
                 last_months: Mapping[str, Sequence[str]] | None = None) -> Notice:
    """The 通报 of a published sheet. ``previous``: the revision before (a correction says what
    changed); ``last_months``: for each warned unit, the months it was last in."""
    lh, period = contest.letterhead, sheet["period"]
    units = sum(len(g["units"]) for g in sheet["groups"])
    title = f"关于{period_words(period)}{contest_words(contest.name)}成绩的通报"
    if sheet.get("status") == "notice":
        title += "（公示稿）"
    body = [Para(f"根据《{contest.name}》考核规则，经数据汇总审核，现将{words.period_label(period)}"
                 f"各单位成绩通报如下。")]
    section = iter(_NUMERALS)
    body.append(Para(f"{next(section)}、总体情况", "heading1"))
    body.append(Para(f"本期共{units}个单位参加，分{len(sheet['groups'])}个组排名。数据截至"
                     f"{words.cutoff_label(period)}，时序进度{words.progress_label(period)}。"
                     f"各组成绩见附件。"))
    if sheet.get("status") == "notice":
        body.append(Para(f"本通报为公示稿，公示期至{words.time_label(sheet.get('notice_until'))}。"
                         f"各单位对本单位成绩如有异议，请在公示期内提出。"))
    body.append(Para(f"{next(section)}、分组排名情况", "heading1"))
    body += [_group_paragraph(k, g, contest) for k, g in enumerate(sheet["groups"]) if g["units"]]
    if sheet["kind"] == "month":
        lights = _lights(sheet, contest) + _vetoes(sheet)
        if lights:
            body.append(Para(f"{next(section)}、指标进度情况", "heading1"))
            body += lights
    else:
        body.append(Para(f"{next(section)}、流动红旗和黄旗", "heading1"))
        body += _flags(sheet) + _vetoes(sheet)
    cards = _cards(sheet, contest)
    if cards:
        body.append(Para(f"{next(section)}、亮牌情况", "heading1"))
        body += cards
    warned = _warnings(sheet, contest, last_months or {})
    if warned:
        body.append(Para(f"{next(section)}、约谈", "heading1"))
        body += warned
    fixed = _correction(sheet, previous, contest)
    if fixed:
        body.append(Para(f"{next(section)}、更正说明", "heading1"))
        body += fixed
    body.append(Para("希望排名靠前的单位再接再厉、保持优势；排名靠后的单位认真查找差距，"
                     "制定整改措施，确保完成全年目标任务。"))
    tables = tuple(_attachment(sheet, g, contest) for g in sheet["groups"] if g["units"])
    return Notice(office=lh.office, number=_number(contest, period), title=title, to=lh.to, body=tuple(body),
                  date=date_label(sheet.get("published_at")), cc=lh.cc, attachments=tables,
                  file_name=f"{words.period_label(period)}通报")


def _months_words(months: Sequence[str]) -> str:
    """2026-01, 2026-02, 2026-03 -> 在2026年1月、2月、3月 (the year said once per year)."""
    said, parts = None, []
    for m in sorted(months):
        year, n = m[:4], int(m[5:7])
        parts.append(f"{n}月" if year == said else f"{year}年{n}月")
        said = year
    return "在" + "、".join(parts)


def warned_units(sheet: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(group, row) of every unit the sheet warns (约谈), in the sheet's order."""
    return [(g, u) for g in sheet["groups"] for u in g["units"] if "warning" in u.get("flags", [])]


def interview_notice(sheet: dict[str, Any], contest: Contest, unit: str,
                     months: Sequence[str] = ()) -> Notice | None:
    """The 约谈通知 to a warned unit; None when the sheet does not warn ``unit``."""
    found = [(k, g, u) for k, (g, u) in enumerate(warned_units(sheet), 1) if u["unit"] == unit]
    if not found:
        return None
    k, group, row = found[0]
    lh, period = contest.letterhead, sheet["period"]
    n = contest.awards.last_place_months or max(len(months), 1)
    span = _months_words(months) if months else ""
    lost = _lost_points(row, group["id"], contest)
    body = [
        Para(f"根据《{contest.name}》考核规则，你单位{span}连续{n}个月位列{group['name']}末位"
             f"（{words.period_label(period)}总分{_score(row['total'], contest)}，"
             f"第{row['rank']}名，本组共{len(group['units'])}个单位）。经研究，决定对你单位主要负责人进行约谈。"
             f"现将有关事项通知如下："),
        Para("一、约谈对象", "heading1"),
        Para(f"{row['name']}主要负责人。"),
        Para("二、约谈内容", "heading1"),
        Para(f"通报{row['name']}近{n}个月的排名情况，听取失分原因分析，督促制定并落实整改措施。"
             + (f"本期失分较多的指标：{_listing(lost)}。" if lost else "")),
        Para("三、有关要求", "heading1"),
        Para("请你单位认真准备书面汇报材料，重点说明失分原因和整改措施，按时参加约谈。"
             "约谈时间、地点另行通知。"),
    ]
    return Notice(office=lh.office, number=_number(contest, period, "函").replace("号", f"-{k}号"),
                  title=f"关于约谈{row['name']}主要负责人的通知", to=row["name"],
                  body=tuple(body), date=date_label(sheet.get("published_at")), cc=lh.cc,
                  file_name=f"{words.period_label(period)}约谈通知-{row['name']}")


def _lost_points(row: dict[str, Any], group: str, contest: Contest, most: int = 3) -> list[str]:
    """The indicators where the unit lost the most points (weight - points), largest first."""
    lost = []
    for ind in contest.indicators:
        cell = (row.get("indicators") or {}).get(ind.id)
        full = ind.weight.get(group)
        points = cell.get("points") if isinstance(cell, dict) else cell
        if full is None or points is None:
            continue
        if full - points > 0:
            lost.append((full - points, f"{ind.name}（得{words.score_text(points, contest.precision)}分，"
                                        f"满分{words.score_text(full, contest.precision)}分）"))
    return [text for _, text in sorted(lost, key=lambda t: -t[0])[:most]]
