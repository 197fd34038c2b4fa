"""Chat commands for evaluation: /评估, /排行, /抽查, /满意度调查."""

import asyncio

from models import Cadre, Organisation
from plugins.contacts.stats import cadre_contacts
from plugins.core.actor import ADMIN, CADRE, EVERYONE
from plugins.core.commands import CadreArg, Choice, Int, Org, Word, command
from plugins.core.context import CommandContext
from plugins.core.errors import Forbidden, UsageError
from plugins.core.files import send_file
from plugins.core.text import ref
from plugins.evaluation import evaluate as ev
from plugins.evaluation import export, flags, measures_sql, snapshot, spotcheck, summary, survey
from plugins.evaluation.config import settings
from plugins.evaluation.formulas import explanation
from plugins.identity.orgs import chat_name

pct = ev.pct
TOP = 5


def _hints(r: ev.CadreResult) -> list[str]:
    """What would raise each measure, from its inputs."""
    i, m, c = r.inputs, r.measures, settings()
    hints = []
    if i.confirmed < i.target:
        hints.append(f"再有 {i.target - i.confirmed} 名青年确认联系，实现度的人数部分可达 100%")
    if i.spot_answered >= c.evaluation_spot_min_answers and i.spot_yes < i.spot_answered:
        hints.append(f"抽查确认率 {i.spot_yes}/{i.spot_answered}：请与否认联系的青年真正建立联系")
    parts = m.parts
    if parts["topics"] < 1:
        hints.append(f"有回复的话题 {i.topics_answered}/{c.evaluation_topics_full}：多发起青年关心的话题")
    if parts["exchanges"] < 1:
        hints.append(f"答复青年和活动签到 {i.exchanges + i.check_ins}/{c.evaluation_exchanges_full}：引用或 @ 青年的发言答复他们")
    if parts["requests"] < 1:
        hints.append(f"按时答复的诉求 {i.requests_on_time}/{i.requests_received}：{c.evaluation_request_hours} 小时内答复")
    if not i.activity_held:
        hints.append(f"近 {c.evaluation_activeness_days} 天没有线下活动：办一次并用 /活动 记录")
    if not i.face_to_face_held:
        hints.append("近一年没有面对面交流：用 /活动 面对面 记录")
    if m.satisfaction is None:
        hints.append(f"评分样本 {i.ratings}/{c.evaluation_satisfaction_min}：满意度样本不足")
    return hints


async def _cadre_text(cadre: Cadre, *, for_admin: bool) -> str:
    r = await ev.evaluate_cadre(cadre.id)
    assert r is not None
    i, m = r.inputs, r.measures
    spot = (
        f"，抽查确认率 {i.spot_yes}/{i.spot_answered}"
        if i.spot_answered >= settings().evaluation_spot_min_answers
        else (f"，抽查回答 {i.spot_answered} 份（不足 {settings().evaluation_spot_min_answers} 份不计）" if i.spot_answered else "")
    )
    contacts = await cadre_contacts(cadre, i.target)
    dominant = contacts.dominant_field
    lines = [
        f"【评估·参考】{chat_name(cadre.org, cadre.name, cadre.id)}",
        f"实现度 {pct(m.realization)}：已确认联系 {i.confirmed}/{i.target}{spot}"
        + ("；联系对象领域集中" if dominant else ""),
        f"活跃度 {pct(m.activeness)}（近 {settings().evaluation_activeness_days} 天）：有回复的话题 {i.topics_answered}，"
        f"答复青年 {i.exchanges}，签到 {i.check_ins}，诉求按时答复 {i.requests_on_time}/{i.requests_received}，"
        f"线下活动{'有' if i.activity_held else '无'}，面对面{'有' if i.face_to_face_held else '无'}",
        f"满意度 {pct(m.satisfaction)}：评分 {i.ratings} 份"
        + (f"，平均 {i.rating_sum / i.ratings:.1f} 分" if m.satisfaction is not None else ""),
        f"综合 {pct(m.composite)}（参考，待管理员确认周期后冻结）",
    ]
    confirmed = await snapshot.latest_for_cadre(cadre.id)
    if confirmed is not None:
        lines.append(
            f"已确认的 {confirmed.period.period}：实现度 {pct(confirmed.realization)}、活跃度 {pct(confirmed.activeness)}、"
            f"满意度 {pct(confirmed.satisfaction)}、综合 {pct(confirmed.composite)}"
        )
    hints = _hints(r)
    if hints:
        lines.append("如何提高：" + "；".join(hints))
    if for_admin:
        found = await flags.flags(cadre.id)
        if found:
            lines.append("需要留意：" + "；".join(found))
    lines.append("计算方法：/评估 说明")
    return "\n".join(lines)


async def _org_text(org: Organisation) -> str:
    a, ends = await ev.org_means(org, 3)
    lines = [
        f"【评估·参考】{org.name}（含下级组织，{a.cadres} 名团干部的平均）{await _updated()}",
        f"实现度 {pct(a.realization)}，活跃度 {pct(a.activeness)}，满意度 {pct(a.satisfaction)}，综合 {pct(a.composite)}",
    ]
    if ends.top:
        lines.append("综合靠前：" + "、".join(f"{r.name} {pct(r.value)}" for r in ends.top))
        lines.append("综合靠后：" + "、".join(f"{r.name} {pct(r.value)}" for r in ends.bottom))
    return "\n".join(lines)


async def _updated() -> str:
    return summary.updated_label(await summary.computed_at()) or "数据刚刚更新"


MEASURE = Choice("实现度|活跃度|满意度|综合", optional=True, options=tuple((w, w) for w in ev.MEASURES))


@command("评估", "说明", role=EVERYONE, summary="各项指标的计算方法", example="/评估 说明")
async def explain_cmd(ctx: CommandContext) -> None:
    await ctx.reply(explanation(settings()))


@command(
    "评估", "确认", Word("周期"), Org(optional=True), role=ADMIN,
    summary="确认一个周期（如 2026Q4）的结果并冻结为快照", example="/评估 确认 2026Q4 杭州市委",
)
async def confirm_cmd(ctx: CommandContext, period: str, org: Organisation | None) -> None:
    scope = ctx.actor.scope(org)
    if scope.roots is None or len(scope.roots) != 1:
        raise UsageError("请写要确认的组织，例如 /评估 确认 2026Q4 浙江省委")
    root = scope.roots[0]
    confirmed, count = await snapshot.confirm(ctx.actor, period, root)
    await ctx.reply(
        f"已确认“{root.name}”{confirmed.period} 的评估结果（{count} 名团干部），已冻结为快照，之后的数据不再改变它。"
    )


@command(
    "评估", roles={CADRE: "查看自己的实现度、活跃度、满意度和综合（及如何提高）", ADMIN: "所辖组织的评估"},
    example="/评估",
)
async def own_cmd(ctx: CommandContext) -> None:
    if ctx.actor.cadre is not None:
        await ctx.reply(await _cadre_text(ctx.actor.cadre, for_admin=False))
        return
    scope = ctx.actor.scope(None)
    if scope.roots is None or not scope.roots:
        raise UsageError("请写团干部编号或组织，例如 /评估 浙江省委")
    await ctx.reply("\n\n".join([await _org_text(o) for o in scope.roots[:3]]))


@command(
    "评估", CadreArg(), role=ADMIN, summary="查看所辖团干部的评估", example="/评估 #3",
)
async def cadre_cmd(ctx: CommandContext, cadre: Cadre) -> None:
    if not ctx.actor.administers(cadre.org):
        raise Forbidden(f"你不是“{cadre.org.name}”或其上级组织的管理员，不能查看该团干部的评估")
    await ctx.reply(await _cadre_text(cadre, for_admin=True))


@command("评估", Org(numbers=False), role=ADMIN, summary="查看所辖组织的评估", example="/评估 杭州市委")
async def org_cmd(ctx: CommandContext, org: Organisation) -> None:
    ctx.actor.scope(org)  # refuses outside the subtree
    await ctx.reply(await _org_text(org))


@command("排行", "导出", Org(optional=True), role=ADMIN, summary="完整排行表（.xlsx）", example="/排行 导出 杭州市委")
async def ranking_export_cmd(ctx: CommandContext, org: Organisation | None) -> None:
    scope = ctx.actor.scope(org)
    cadres, orgs = await ev.ranking(None, None if scope.roots is None else list(scope.roots))
    await _send_export(ctx, scope.title, cadres, orgs)


@command(
    "排行", Org(optional=True, reserved=tuple(ev.MEASURES)), MEASURE, role=ADMIN,
    summary="所辖团干部和下级组织的前几名与后几名", example="/排行 杭州市委 活跃度",
)
async def ranking_cmd(ctx: CommandContext, org: Organisation | None, measure: str | None) -> None:
    measure = measure or "综合"
    scope = ctx.actor.scope(org)
    key = ev.MEASURES[measure]
    ends, means = await ev.ranking_ends(None if scope.roots is None else list(scope.roots), key, TOP)
    lines = [f"【排行·参考】{scope.title}（含下级组织）按{measure}，团干部 {ends.cadres} 人（{await _updated()}）"]
    if not ends.top:
        lines.append("还没有团干部。")
    else:
        lines.append("前 5 名：" + "；".join(f"{real_name_short(r)} {pct(r.value)}" for r in ends.top))
        lines.append("后 5 名：" + "；".join(f"{real_name_short(r)} {pct(r.value)}" for r in ends.bottom))
    org_ranked = sorted(means, key=lambda found: -ev.sort_key(getattr(found[1], key)))
    if len(org_ranked) > 1:
        lines.append("下级组织：" + "；".join(f"{o.name} {pct(getattr(m, key))}" for o, m in org_ranked[:10]))
    lines.append("完整表格：/排行 导出")
    await ctx.reply("\n".join(lines))


def real_name_short(r: measures_sql.Placed) -> str:
    return f"{r.name}（{r.org_name}）"


async def _send_export(ctx: CommandContext, title: str, cadres, orgs) -> None:
    path, name = await asyncio.to_thread(export.build, title, cadres, orgs)  # off the event loop
    await send_file(ctx, path, name)
    await ctx.reply(f"已发送排行表 {name}（团干部 {len(cadres)} 人）。")


@command("抽查", "结果", CadreArg(), role=ADMIN, summary="抽查的回答情况和确认率", example="/抽查 结果 #3")
async def spot_results_cmd(ctx: CommandContext, cadre: Cadre) -> None:
    if not ctx.actor.administers(cadre.org):
        raise Forbidden(f"你不是“{cadre.org.name}”或其上级组织的管理员")
    results = await spotcheck.results(cadre)
    if not results:
        await ctx.reply(f"还没有抽查过{chat_name(cadre.org, cadre.name)}。")
        return
    lines = [f"{chat_name(cadre.org, cadre.name)}的抽查："]
    for r in results:
        rate = f"{r.rate:.0%}" if r.rate is not None else "—"
        lines.append(
            f"{ref(r.check.id)}（{r.check.quarter}）问了 {r.asked} 人，已回答 {r.answered}，回答“是” {r.yes}，确认率 {rate}"
        )
    await ctx.reply("\n".join(lines))


@command(
    "抽查", CadreArg(), Int("样本数", optional=True, low=1, high=spotcheck.MAX_SAMPLE), role=ADMIN,
    summary="私信询问该团干部随机抽取的联系青年是否真有联系（默认 10 人）", example="/抽查 #3 10",
)
async def spot_check_cmd(ctx: CommandContext, cadre: Cadre, sample: int | None) -> None:
    check, asked = await spotcheck.start(ctx.actor, cadre, sample or settings().evaluation_spot_sample)
    await ctx.reply(
        f"抽查 {ref(check.id)}：已安排私信询问{chat_name(cadre.org, cadre.name)}的 {asked} 名联系青年"
        f"（经发件箱，免打扰时段外按额度发出）。发送 /抽查 结果 #{cadre.id} 查看回答。"
    )


@command(
    "满意度调查", Org(optional=True, numbers=False), Int("每名团干部样本数", optional=True, low=1, high=50),
    role=ADMIN, summary="请所辖团干部的部分联系青年为其打分（默认 5 人）", example="/满意度调查 杭州市委 5",
)
async def survey_cmd(ctx: CommandContext, org: Organisation | None, per_cadre: int | None) -> None:
    scope = ctx.actor.scope(org)
    if scope.roots is None or len(scope.roots) != 1:
        raise UsageError("请写要调查的组织，例如 /满意度调查 杭州市委 5")
    c = settings()
    started, questions, cadres = await survey.start(ctx.actor, scope.roots[0], per_cadre or c.evaluation_survey_sample, c)
    await ctx.reply(
        f"满意度调查 {ref(started.id)}：已安排请 {cadres} 名团干部的 {questions} 名联系青年打分，"
        f"{c.evaluation_survey_days} 天内有效。评分匿名，团干部只看到不少于 "
        f"{c.evaluation_satisfaction_min} 份时的汇总。"
    )
