"""The public 考核细则 in plain Chinese, from the rules in force (RULES.md): every indicator with
its weight per group, target, how it is scored (the method's name and formula, never its YAML
word), then adjustments, veto, ties, flags, warnings, the board and the calendar."""

from __future__ import annotations

from typing import Any

from arena.engine.rules.model import Contest, Indicator

METHOD_NAMES = {"completion": "完成率法", "rank": "排名法", "efficacy": "功效系数法", "bands": "分档计分法",
                "formula": "公式计分", "jury": "评委打分"}


def _num(x: float) -> str:
    return f"{x:g}"


def _weights(contest: Contest, ind: Indicator) -> str:
    shown = {contest.groups[g]: w for g, w in ind.weight.items() if g in contest.groups}
    if len(set(shown.values())) == 1 and len(shown) == len(contest.groups):
        return f"{_num(next(iter(shown.values())))} 分"
    return "；".join(f"{g} {_num(w)} 分" for g, w in shown.items()) + \
        "".join(f"；{name} 不考核" for g, name in contest.groups.items() if g not in ind.weight)


def _progress(ind: Indicator) -> str:
    if all(p == 1.0 for p in ind.progress):
        return "全年目标一次考核"
    if all(abs(p - (k + 1) / 12) < 1e-12 for k, p in enumerate(ind.progress)):
        return "按时序进度（每月 1/12）分解"
    return "按月进度分解：" + "、".join(f"{k + 1}月 {p:.0%}" for k, p in enumerate(ind.progress))


def _target(ind: Indicator, contest: Contest) -> str:
    unit = ind.unit or ""
    if ind.target is not None and not ind.targets:
        return f"全年目标 {_num(ind.target)}{unit}，{_progress(ind)}"
    if ind.targets:
        names = contest.unit_by_code
        listed = "、".join(f"{names[c].name} {_num(t)}{unit}" for c, t in ind.targets.items() if c in names)
        rest = f"；其余单位 {_num(ind.target)}{unit}" if ind.target is not None else ""
        return f"分单位全年目标：{listed}{rest}；{_progress(ind)}"
    return "无目标（按完成值比较）"


def how_scored(ind: Indicator) -> str:
    """The method in words, with its formula (RULES.md "Points of one indicator")."""
    better = "越高越好" if ind.better == "higher" else "越低越好"
    ratio = "完成率 r = 完成值 ÷ 目标值" if ind.better == "higher" else "完成率 r = 目标值 ÷ 完成值"
    cap = f"，最高 {ind.cap:.0%} 权重" if ind.cap != 1 else "，不超过权重"
    if ind.method == "completion":
        return f"{METHOD_NAMES['completion']}（{better}）：{ratio}，得分 = 权重 × r{cap}。"
    if ind.method == "rank":
        if ind.step is not None:
            rule = f"第 1 名得满分，每低一名减 {_num(ind.step)} 分，最低 {_num(ind.floor)} 分"
        else:
            rule = (f"第 1 名得满分、末名得 {_num(ind.floor)} 分，中间按名次等差："
                    f"得分 = 权重 − (名次 − 1) × (权重 − {_num(ind.floor)}) ÷ (参评单位数 − 1)")
        return f"{METHOD_NAMES['rank']}（{better}，组内排名，并列取高名次）：{rule}。"
    if ind.method == "efficacy":
        x = "(x − 最小值)" if ind.better == "higher" else "(最大值 − x)"
        return (f"{METHOD_NAMES['efficacy']}（{better}）：得分 = 权重 × [{_num(ind.base)} + {_num(1 - ind.base)} × "
                f"{x} ÷ (最大值 − 最小值)]，最大值、最小值为本组各单位的完成值；各单位相同时均得满分。")
    if ind.method == "bands":
        of = "完成率" if ind.of == "ratio" else "完成值"
        word = "达到" if ind.better == "higher" else "不超过"
        bands = "；".join(f"{of}{word} {_num(b.threshold * 100) + '%' if ind.of == 'ratio' else _num(b.threshold)}"
                         f" 得 {_num(b.points)} 分" for b in ind.bands)
        return f"{METHOD_NAMES['bands']}：{bands}；以上均未达到得 {_num(ind.otherwise)} 分。"
    if ind.method == "formula":
        top = "权重" if ind.cap == 1 else f"权重的 {ind.cap:.0%}"
        return (f"{METHOD_NAMES['formula']}：得分 = {ind.expr}，限定在 0 至{top}。式中 value 为完成值，target 为"
                "进度目标，ratio 为完成率，rank 为组内名次，n 为参评单位数，min、max、mean 为本组完成值的最小、"
                "最大、平均值，weight 为权重。")
    if ind.method == "jury":
        crit = "、".join(f"{c.name}（{_num(c.max)} 分）" for c in ind.criteria)
        trim = f"去掉 {ind.trim} 个最高分和 {ind.trim} 个最低分后" if ind.trim else ""
        full = _num(sum(c.max for c in ind.criteria))
        return (f"{METHOD_NAMES['jury']}：评委按{crit}打分，每位评委的合计分{trim}取平均为 x，"
                f"得分 = 权重 × x ÷ {full}。")
    return METHOD_NAMES.get(ind.method, ind.method)


def cards_words(contest: Contest) -> list[str]:
    """The 红黄蓝 cards in words, each colour by the rules' own name (亮牌, 双亮牌)."""
    c = contest.cards
    if c is None:
        return []
    name = c.labels
    red = f"本组倒数第 {c.red_bottom} 名以内或被一票否决" if c.red_bottom else "被一票否决"
    position = [f"红牌（{name['red']}）：{red}"]
    if c.yellow_bottom:
        position.append(f"黄牌（{name['yellow']}）：本组倒数第 {c.yellow_bottom} 名以内且未得红牌")
    if c.blue_top:
        position.append(f"蓝牌（{name['blue']}）：本组前 {c.blue_top} 名且未被否决")
    lines = []
    if c.position:
        lines.append("位次牌，每月按本组名次亮一张（红牌优先，其次黄牌、蓝牌，名次并列同牌）：" + "；".join(position))
    progress = ([f"蓝牌（{name['blue']}）：较上月上升 {c.rose} 位及以上"] if c.rose else []) + \
               ([f"红牌（{name['red']}）：较上月下降 {c.fell} 位及以上"] if c.fell else [])
    if progress:
        lines.append("进位牌，每月按名次变化亮一张（首个计分月不亮）：" + "；".join(progress))
    return lines


def rules_outline(contest: Contest) -> dict[str, Any]:
    """Everything the 考核细则 page shows, as rows and sentences."""
    reporters = {"unit": "各单位自行报送", "organizer": "考核办"}
    indicators = [{
        "name": ind.name, "unit": ind.unit, "weights": _weights(contest, ind), "target": _target(ind, contest),
        "method": METHOD_NAMES.get(ind.method, ind.method), "how": how_scored(ind),
        "reporter": contest.departments.get(ind.reported_by) or reporters.get(ind.reported_by, ind.reported_by),
        "exempt": "、".join(u.name for u in contest.units if ind.id in contest.exempt.get(u.code, ())),
    } for ind in contest.indicators]
    adjustments = []
    for a in contest.adjustments:
        if a.veto:
            adjustments.append({"name": a.name, "rule": "一票否决：当月照常计分，但排在所有未被否决的单位之后，"
                                                       "不得流动红旗，不上龙榜"})
        else:
            bound = (f"，最多加 {_num(a.max)} 分" if a.max is not None else "") + \
                    (f"，最多扣 {_num(-a.min)} 分" if a.min is not None else "")
            verb = f"每次加 {_num(a.points)} 分" if a.points > 0 else f"每次扣 {_num(-a.points)} 分"
            adjustments.append({"name": a.name, "rule": verb + bound})
    names = {i.id: i.name for i in contest.indicators}
    ties = ("总分相同时依次比较：" + "、".join(names.get(k, k) for k in contest.tie_break) + "得分，仍相同则名次并列"
            if contest.tie_break else "总分相同则名次并列（如 1、2、2、4）")
    aw = contest.awards
    flags = []
    for kind, rule in (("流动红旗", aw.red_flags), ("黄旗", aw.yellow_flags)):
        if rule is not None:
            counts = "，".join(f"{contest.groups[g]}{n} 面" for g, n in rule.count.items() if g in contest.groups)
            extra = f"，且季度得分不低于 {_num(rule.min_score)} 分" if kind == "流动红旗" and rule.min_score else ""
            where = "前" if kind == "流动红旗" else "后"
            flags.append(f"{kind}：每季度按季度得分，各组{where}列：{counts}{extra}")
    aggregate = {"mean": "各月得分的平均", "sum": "各月得分之和", "last": "最后一个计分月的得分"}[contest.aggregate]
    rp = contest.reporting
    return {
        "indicators": indicators, "adjustments": adjustments, "ties": ties, "flags": flags,
        "cards": cards_words(contest),
        "warning": (f"连续 {aw.last_place_months} 个计分月在本组排名末位（本组不少于 3 个单位）的，予以约谈"
                    if aw.last_place_months else None),
        "board": f"龙虎榜：各组前 {contest.board.dragon} 名上龙榜（被否决的单位除外），后 {contest.board.tiger} 名上虎榜",
        "periods": f"季度、半年和全年得分为{aggregate}；任一月被一票否决的，该期被否决",
        "calendar": (f"每月 {contest.publish.monthly.day} 日 {contest.publish.monthly.at} 发布上月成绩"
                     + (f"，先公示 {contest.publish.notice_days} 天，期满无异议后定稿" if contest.publish.notice_days else "")
                     + f"；每季度结束后次月 {contest.publish.quarterly.day} 日 {contest.publish.quarterly.at} 发布季度成绩和流动红旗"),
        "reporting": (f"每月 {rp.opens} 日起报送上月数据，{rp.due} 日为截止日" + ("，经考核办审核后计分" if rp.review else "")
                      if contest.departments or any(i.reported_by == "unit" for i in contest.indicators) else None),
        "missing": "未报送的指标得 0 分；免考核的指标不计分，其余指标得分按权重折算到满分",
    }
