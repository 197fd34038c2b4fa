"""Chat commands for activities, check-ins and reminders: declared forms calling the services."""

from datetime import date

from models.enums import ActivityKind
from plugins.activities import card, reminders, service, signups
from plugins.activities.config import settings
from plugins.core import clock, periods
from plugins.core.actor import ADMIN, CADRE, EVERYONE
from plugins.core.commands import Choice, DateArg, Int, Org, Ref, Text, Word, command
from plugins.core.context import CommandContext
from plugins.core.errors import UsageError
from plugins.core.text import ref, titled
from plugins.identity.orgs import chat_name

KIND = Choice("类型", options=tuple((label, kind) for kind, label in ActivityKind.labels().items()))



@command("活动", "列表", role=CADRE, summary="最近记录的活动及参加人数", example="/活动 列表")
async def list_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _list_text(ctx.cadre))


@command("活动", "进度", role=CADRE, summary="本季度、本年度的活动完成情况", example="/活动 进度")
async def progress_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _progress_text(ctx.cadre))


@command(
    "活动", "人数", Ref("编号", noun="活动"), Int("数量", low=0, high=100_000), role=CADRE,
    summary="补记未签到的参加人数", example="/活动 人数 3 25",
)
async def head_count_cmd(ctx: CommandContext, number: int, count: int) -> None:
    activity = await service.set_head_count(ctx.cadre, number, count)
    await ctx.reply(f"已记录活动 {ref(activity.id)} 另有 {activity.head_count} 人参加（未签到）。")


@command(
    "活动", "概况", Org(optional=True), role=ADMIN, summary="所辖团干部中本季度未办活动、今年未面对面交流的名单",
    example="/活动 概况 杭州市委",
)
async def overview_cmd(ctx: CommandContext, org) -> None:
    await ctx.reply(await _overview_text(ctx, org))


@command(
    "活动", "发布", Ref("编号", noun="活动"), Int("名额", low=1, high=10_000, optional=True), role=CADRE,
    summary="把活动发到你的绑定群，青年可以报名（名额可不写）", example="/活动 发布 3 30",
)
async def publish_cmd(ctx: CommandContext, number: int, capacity: int | None) -> None:
    activity = await service.own_activity(ctx.cadre, number)
    groups = await signups.publish(ctx.cadre, activity, capacity)
    await ctx.reply(
        f"活动 {ref(activity.id)}「{activity.title}」已安排发到你的 {groups} 个绑定群（免打扰时段外发出），"
        f"{signups.places_text(activity)}。看报名：/活动 {activity.id}"
    )


@command(
    "活动", "反馈", Ref("编号", noun="活动"), Choice("开启或关闭", options=(("开启", True), ("关闭", False))),
    role=CADRE, summary="活动后问签到的人“觉得怎么样（1-5）”，不计入任何评分", example="/活动 反馈 3 开启",
)
async def feedback_cmd(ctx: CommandContext, number: int, on: bool) -> None:
    activity = await signups.set_feedback(ctx.cadre, number, on)
    if on:
        await ctx.reply(
            f"好的：活动 {ref(activity.id)} 结束后的第二天，会问签到的人“觉得怎么样（1-5）”。"
            f"满 {signups.FEEDBACK_MIN} 人回答后你能在 /活动 {activity.id} 看到平均分，不计入任何评分。"
        )
    else:
        await ctx.reply(f"好的：活动 {ref(activity.id)} 不再问大家的感受。")


@command(
    "活动", Ref("编号", noun="活动"), role=CADRE, summary="一次活动的详情、报名和签到名单", example="/活动 3",
    private="签到名单只在私聊中查看，请私聊我发送 {sent}",
)
async def detail_cmd(ctx: CommandContext, number: int) -> None:
    await ctx.reply(await _detail_text(ctx.cadre, number))


@command(
    "活动", KIND, DateArg("日期"), Word("标题"), Text("地点", optional=True), role=CADRE,
    summary="记录活动并获得签到码（类型：线下活动、面对面、调研）", example="/活动 线下活动 12-05 社区志愿服务 文三路社区",
)
async def record_cmd(ctx: CommandContext, kind: ActivityKind, day: date, title: str, place: str | None) -> None:
    words = (place or "").split()
    publish = bool(words) and words[-1] == "发布"
    if publish:  # /活动 <类型> <日期> <标题> [地点] 发布: record and post in one step
        place = " ".join(words[:-1]) or None
        service.check_day(day, clock.today())
        if not await signups.has_groups(ctx.cadre):
            raise UsageError("你还没有绑定群。在群里发送 /绑定本群 后再发布活动")
    activity = await service.record(ctx.cadre, kind, day, title, place)
    where = f"，地点：{activity.place}" if activity.place else ""
    if publish:
        groups = await signups.publish(ctx.cadre, activity, None)
        await ctx.reply(
            f"已记录活动 {ref(activity.id)}「{activity.title}」，{periods.fmt_day(activity.day)}{where}，"
            f"报名通知已安排发到你的 {groups} 个绑定群（免打扰时段外发出）。\n"
            f"签到码 {activity.code}（仅当天有效）。看报名：/活动 {activity.id}"
        )
        return
    await ctx.reply(
        f"已记录活动 {ref(activity.id)}：{service.KIND_LABELS[activity.kind]}「{activity.title}」，"
        f"{periods.fmt_day(activity.day)}{where}。\n"
        f"签到码 {activity.code}（仅 {periods.fmt_day(activity.day)} 当天有效），请参加的青年发送 /签到 {activity.code}。"
    )


async def _list_text(cadre) -> str:
    return titled(
        f"{chat_name(cadre.org, cadre.name)}最近的活动：",
        (
            f"{ref(a.id)} {periods.fmt_day(a.day)} {service.KIND_LABELS[a.kind]}「{a.title}」"
            f"｜签到 {checked} 人" + (f"，另报 {a.head_count} 人" if a.head_count else "")
            + (f"｜报名 {a.signed_up} 人" if a.posted_at else "")
            for a, checked in await service.recent(cadre)
        ),
        "你还没有记录活动。举办后发送 /活动 线下活动 <日期> <标题> [地点]。",
    )


async def _detail_text(cadre, number: int) -> str:
    a = await service.own_activity(cadre, number)
    names = await service.attendees(a)
    checked = (await service.attendance([a.id])).get(a.id, 0)
    lines = [
        f"【活动 {ref(a.id)}】{service.KIND_LABELS[a.kind]}「{a.title}」",
        f"日期：{periods.fmt_day(a.day)}（{a.day.isoformat()}）" + (f"；地点：{a.place}" if a.place else ""),
        f"签到码：{a.code}（仅当天有效）",
        f"参加：签到 {checked} 人" + (f"，另报 {a.head_count} 人" if a.head_count else ""),
    ]
    if names:
        lines.append("签到名单：" + "、".join(names) + ("……" if checked > len(names) else ""))
    if a.posted_at is not None:
        roll = await signups.roll(a)
        lines.append(f"报名 {a.signed_up} 人（{signups.places_text(a)}）" + (
            "：" + "、".join(roll.signed) + ("……" if a.signed_up > len(roll.signed) else "") if roll.signed else ""
        ))
        if roll.no_shows:
            lines.append(f"报名了但没签到 {len(roll.no_shows)} 人：" + "、".join(roll.no_shows))
    if a.feedback:
        summary = await signups.feedback_summary(a)
        if summary.average is not None:
            lines.append(f"活动反馈：{summary.answers} 人回答，平均 {summary.average:.1f} 分（不计入评分）")
        else:
            lines.append(f"活动反馈：{summary.answers} 人回答（满 {signups.FEEDBACK_MIN} 人后显示平均分）")
    return "\n".join(lines)


async def _progress_text(cadre) -> str:
    p = await service.progress(cadre)
    today = clock.today()
    lines = [
        f"【活动进度】{chat_name(cadre.org, cadre.name)}",
        f"{periods.quarter_label(today)}（至 {periods.fmt_day(p.quarter_end)}）："
        + (f"已开展 {p.quarter_done} 次活动 ✓" if p.quarter_done else "还没有算数的线下活动 ✗"),
        f"{today.year} 年面对面交流：" + (f"已 {p.face_to_face_done} 次 ✓" if p.face_to_face_done else "还没有 ✗"),
        f"今年共记录活动 {p.year_activities} 次，参加 {p.year_attendees} 人次。",
    ]
    for a in p.uncredited[:3]:
        lines.append(
            f"活动 {ref(a.id)}「{a.title}」还不算数：没有人签到，也没有补记人数。"
            f"请参加的青年发送 /签到 {a.code}（仅当天有效），或发送 /活动 人数 {a.id} <人数>。"
        )
    if not p.quarter_done or not p.face_to_face_done:
        lines.append("政策要求每个季度有线下活动、每年有面对面交流；有人签到或补记了人数的活动才算数。")
    return "\n".join(lines)


async def _overview_text(ctx: CommandContext, org) -> str:
    scope = ctx.actor.scope(org)
    o = await service.overview(scope.paths)
    today = clock.today()

    def names(rows, limit=30) -> str:
        shown = "、".join(f"{n}（{org}，{ref(i)}）" for i, n, org in rows[:limit])
        return shown + (f" 等 {len(rows)} 人" if len(rows) > limit else "")

    lines = [f"【活动概况】{scope.title}（含下级组织），团干部 {o.cadres} 人"]
    lines.append(
        f"{periods.quarter_label(today)}未开展活动：{len(o.no_activity)} 人"
        + (f"：{names(o.no_activity)}" if o.no_activity else "")
    )
    lines.append(
        f"{today.year} 年未面对面交流：{len(o.no_face_to_face)} 人"
        + (f"：{names(o.no_face_to_face)}" if o.no_face_to_face else "")
    )
    return "\n".join(lines)


@command(
    "签到", Word("签到码"), role=EVERYONE, summary="参加活动时签到（私聊或群里都可以）", example="/签到 123456",
    youth_consent=True,
)
async def check_in_cmd(ctx: CommandContext, code: str) -> None:
    activity, count = await service.check_in(ctx.user_id, code)
    await ctx.reply(
        f"签到成功！{chat_name(activity.cadre.org, activity.cadre.name)}的"
        f"「{activity.title}」已有 {count} 人签到。"
    )


@command(
    "报名", Ref("编号", noun="活动"), role=EVERYONE, summary="报名参加团干部发布的活动（私聊或群里都可以）",
    example="/报名 3", youth_consent=True,
)
async def sign_up_cmd(ctx: CommandContext, number: int) -> None:
    a = await signups.sign_up(ctx.user_id, number)
    await ctx.reply(
        f"报名成功！「{a.title}」{signups.when_where(a)}。前一天会提醒你；去不了请发 /取消报名 {a.id}。"
    )


@command(
    "取消报名", Ref("编号", noun="活动"), role=EVERYONE, summary="取消活动报名，把名额让给别人",
    example="/取消报名 3", youth_consent=True,
)
async def cancel_cmd(ctx: CommandContext, number: int) -> None:
    a = await signups.cancel(ctx.user_id, number)
    await ctx.reply(f"已取消报名「{a.title}」（活动 {ref(a.id)}）。")


@command("提醒", role=CADRE, summary="查看提醒状态和规则", example="/提醒")
async def reminder_cmd(ctx: CommandContext) -> None:
    until = await reminders.snoozed_until(ctx.user_id)
    state = f"已暂停至 {clock.fmt_local(until)}（截止类提醒照常）" if until else "正常"
    weekly = "开启" if await card.enabled(ctx.user_id) else "关闭（发 /提醒 周卡 开启 打开）"
    await ctx.reply(
        f"提醒状态：{state}。每周一的周卡：{weekly}。\n提醒规则：{reminders.rules_text(settings())}"
    )


@command(
    "提醒", "暂停", Int("天数", low=1, high=90), role=CADRE, summary="请假、生病时暂停非截止类提醒（最多 90 天）",
    example="/提醒 暂停 7",
)
async def snooze_cmd(ctx: CommandContext, days: int) -> None:
    await reminders.snooze(ctx.user_id, days)
    until = await reminders.snoozed_until(ctx.user_id)
    await ctx.reply(f"已暂停非截止类提醒至 {clock.fmt_local(until)}；联系人数目标等截止类提醒照常。")


@command("提醒", "恢复", role=CADRE, summary="恢复提醒", example="/提醒 恢复")
async def resume_cmd(ctx: CommandContext) -> None:
    resumed = await reminders.resume(ctx.user_id)
    await ctx.reply("已恢复提醒。" if resumed else "提醒本来就是开启的。")


@command(
    "提醒", "周卡", Choice("开关", options=(("关闭", False), ("开启", True), ("打开", True), ("关", False), ("开", True)),
                         shown="关闭、开启"),
    role=CADRE, summary="每周一的周卡（这周该联系谁、诉求、活动）关闭或开启", example="/提醒 周卡 关闭",
)
async def card_cmd(ctx: CommandContext, on: bool) -> None:
    changed = await card.set_enabled(ctx.user_id, on)
    if on:
        await ctx.reply("周卡已开启，每周一上午发给你。" if changed else "周卡本来就是开启的。")
    else:
        await ctx.reply(
            "周卡已关闭，不再每周一发给你；想看该联系谁，随时发 /联系人 待联系。" if changed
            else "周卡本来就是关闭的。发 /提醒 周卡 开启 可以打开。"
        )
