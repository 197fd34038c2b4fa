"""Chat commands for activities, check-ins and reminders: parse, call the service, reply."""

from plugins.activities import dates, reminders, service
from plugins.core import clock
from plugins.core.commands import ADMIN, CADRE, EVERYONE, Usage, command
from plugins.core.context import CommandContext
from plugins.core.errors import Forbidden, UsageError
from plugins.core.text import is_number, parse_ref, ref
from plugins.identity.commands import require_admin, require_cadre
from plugins.identity.orgs import find_org, real_name


@command(
    "活动",
    Usage("/活动 <类型> <日期> <标题> [地点]", "记录活动并获得签到码（类型：线下活动、面对面、调研）", CADRE),
    Usage("/活动 列表", "最近记录的活动及参加人数", CADRE),
    Usage("/活动 <编号>", "一次活动的详情和签到名单", CADRE),
    Usage("/活动 人数 <编号> <数量>", "补记未签到的参加人数", CADRE),
    Usage("/活动 进度", "本季度、本年度的活动完成情况", CADRE),
    Usage("/活动 概况 [组织]", "所辖团干部中本季度未办活动、今年未面对面交流的名单", ADMIN),
)
async def activity_cmd(ctx: CommandContext) -> None:
    words = ctx.words()
    if not words:
        raise ctx.usage_error("请写活动类型、日期和标题")
    first = words[0]
    if first == "概况":
        await ctx.reply(await _overview_text(ctx, words[1] if len(words) > 1 else None))
        return
    cadre = await require_cadre(ctx)
    if first == "列表":
        await ctx.reply(await _list_text(cadre))
    elif first == "进度":
        await ctx.reply(await _progress_text(cadre))
    elif first == "人数":
        if len(words) != 3:
            raise ctx.usage_error("请写活动编号和人数")
        activity = await service.set_head_count(cadre, words[1], words[2])
        await ctx.reply(f"已记录活动 {ref(activity.id)} 另有 {activity.head_count} 人参加（未签到）。")
    elif len(words) == 1 and parse_ref(first) is not None:
        if ctx.is_group:
            raise UsageError(f"签到名单只在私聊中查看，请私聊我发送 /活动 {first}")
        await ctx.reply(await _detail_text(cadre, first))
    else:
        if len(words) < 3:
            raise ctx.usage_error("请依次写类型、日期、标题（地点可选），用空格隔开")
        place = " ".join(words[3:]) or None
        activity = await service.record(cadre, words[0], words[1], words[2], place)
        where = f"，地点：{activity.place}" if activity.place else ""
        await ctx.reply(
            f"已记录活动 {ref(activity.id)}：{service.KIND_LABELS[activity.kind]}「{activity.title}」，"
            f"{dates.fmt_day(activity.day)}{where}。\n"
            f"签到码 {activity.code}（仅 {dates.fmt_day(activity.day)} 当天有效），请参加的青年发送 /签到 {activity.code}。"
        )


async def _list_text(cadre) -> str:
    items = await service.recent(cadre)
    if not items:
        return "你还没有记录活动。举办后发送 /活动 线下活动 <日期> <标题> [地点]。"
    lines = [f"{real_name(cadre.org, cadre.name)}最近的活动："]
    for a, checked in items:
        lines.append(
            f"{ref(a.id)} {dates.fmt_day(a.day)} {service.KIND_LABELS[a.kind]}「{a.title}」"
            f"｜签到 {checked} 人" + (f"，另报 {a.head_count} 人" if a.head_count else "")
        )
    return "\n".join(lines)


async def _detail_text(cadre, token: str) -> str:
    a = await service.own_activity(cadre, token)
    names = await service.attendees(a)
    checked = (await service.attendance([a.id])).get(a.id, 0)
    lines = [
        f"【活动 {ref(a.id)}】{service.KIND_LABELS[a.kind]}「{a.title}」",
        f"日期：{dates.fmt_day(a.day)}（{a.day.isoformat()}）" + (f"；地点：{a.place}" if a.place else ""),
        f"签到码：{a.code}（仅当天有效）",
        f"参加：签到 {checked} 人" + (f"，另报 {a.head_count} 人" if a.head_count else ""),
    ]
    if names:
        lines.append("签到名单：" + "、".join(names) + ("……" if checked > len(names) else ""))
    return "\n".join(lines)


async def _progress_text(cadre) -> str:
    p = await service.progress(cadre)
    today = clock.today()
    lines = [
        f"【活动进度】{real_name(cadre.org, cadre.name)}",
        f"{dates.quarter_label(today)}（至 {dates.fmt_day(p.quarter_end)}）："
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


async def _overview_text(ctx: CommandContext, org_token: str | None) -> str:
    actor = await require_admin(ctx)
    if org_token:
        org = await find_org(org_token)
        if not actor.administers(org):
            raise Forbidden(f"你不是“{org.name}”或其上级组织的管理员")
        roots, title = [org], org.name
    else:
        roots = actor.subtree_roots()
        title = "全部组织" if roots is None else "、".join(o.name for o in roots)
    o = await service.overview(None if roots is None else [r.path for r in roots])
    today = clock.today()

    def names(rows, limit=30) -> str:
        shown = "、".join(f"{n}（{org}，{ref(i)}）" for i, n, org in rows[:limit])
        return shown + (f" 等 {len(rows)} 人" if len(rows) > limit else "")

    lines = [f"【活动概况】{title}（含下级组织），团干部 {o.cadres} 人"]
    lines.append(
        f"{dates.quarter_label(today)}未开展活动：{len(o.no_activity)} 人"
        + (f"：{names(o.no_activity)}" if o.no_activity else "")
    )
    lines.append(
        f"{today.year} 年未面对面交流：{len(o.no_face_to_face)} 人"
        + (f"：{names(o.no_face_to_face)}" if o.no_face_to_face else "")
    )
    return "\n".join(lines)


@command("签到", Usage("/签到 <签到码>", "参加活动时签到（私聊或群里都可以）", EVERYONE), youth_consent=True)
async def check_in_cmd(ctx: CommandContext) -> None:
    words = ctx.words()
    if len(words) != 1:
        raise ctx.usage_error("请写 6 位签到码")
    activity, count = await service.check_in(ctx.user_id, words[0])
    await ctx.reply(
        f"签到成功！{real_name(activity.cadre.org, activity.cadre.name)}的"
        f"「{activity.title}」已有 {count} 人签到。"
    )


@command(
    "提醒",
    Usage("/提醒", "查看提醒状态", CADRE),
    Usage("/提醒 暂停 <天数>", "请假、生病时暂停非截止类提醒（最多 90 天）", CADRE),
    Usage("/提醒 恢复", "恢复提醒", CADRE),
)
async def reminder_cmd(ctx: CommandContext) -> None:
    await require_cadre(ctx)
    words = ctx.words()
    if not words:
        until = await reminders.snoozed_until(ctx.user_id)
        state = f"已暂停至 {clock.fmt_local(until)}（截止类提醒照常）" if until else "正常"
        await ctx.reply(
            f"提醒状态：{state}。\n提醒规则：每季度最后一个月 1 日和季度结束前 10 天（本季度未办活动时）、"
            "10 月起每月 1 日（今年未面对面交流时）、8 月 1/15/25 日（联系人数未达标时）、7 月 1 日大宣传大调研启动、"
            "绑定群里 7 天未发言时（每周最多一次）。同一天的提醒合并为一条，免打扰时段不发送。"
        )
    elif words[0] == "暂停":
        if len(words) != 2 or not is_number(words[1]) or not 1 <= int(words[1]) <= 90:
            raise UsageError("暂停天数须为 1 到 90 之间的整数，例如 /提醒 暂停 7")
        await reminders.snooze(ctx.user_id, int(words[1]))
        until = await reminders.snoozed_until(ctx.user_id)
        await ctx.reply(f"已暂停非截止类提醒至 {clock.fmt_local(until)}；联系人数目标等截止类提醒照常。")
    elif words[0] == "恢复":
        resumed = await reminders.resume(ctx.user_id)
        await ctx.reply("已恢复提醒。" if resumed else "提醒本来就是开启的。")
    else:
        raise ctx.usage_error("请写“暂停”或“恢复”")
