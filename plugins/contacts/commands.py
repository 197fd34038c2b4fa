"""Chat commands for contacts: declared forms over groups.py, links.py and stats.py."""

import dataclasses

import nonebot

from models.enums import FIELD_LABELS, Field
from plugins.contacts import consent, groups, links, stats
from plugins.contacts.texts import FIELD_WORDS, consent_notice, group_notice
from plugins.core import clock
from plugins.core.actor import ADMIN, CADRE, EVERYONE, YOUTH
from plugins.core.commands import QQ, CadreArg, Choice, Org, command
from plugins.core.context import CommandContext
from plugins.core.dispatcher import run_command
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.text import ref
from plugins.identity.cards import card_text
from plugins.identity.orgs import real_name, target_for
from plugins.outbox.service import reachable

DETAIL_LIMIT = 100
FIELD_OPTIONS = tuple((label, f) for f, label in FIELD_LABELS.items()) + tuple((f.value, f) for f in Field)


def FieldArg(optional: bool = True) -> Choice:
    return Choice("领域", optional, options=FIELD_OPTIONS, shown=FIELD_WORDS)


# ------------------------------------------------------------------ groups


@command(
    "绑定本群", role=CADRE, summary="把当前群绑定为自己的联系群（须是群主或群管理员）", example="/绑定本群",
    group="请在要绑定的 QQ 群里发送这条指令",
)
async def bind_cmd(ctx: CommandContext) -> None:
    actor = ctx.actor
    cadre = actor.cadre
    assert cadre is not None
    # A cadre binds a group they run (owner or administrator of the QQ group, as the
    # event says), so nobody claims a group of strangers; a league administrator of the
    # cadre's organisation may bind any group for them.
    role = getattr(ctx.event.sender, "role", None)
    if role not in ("owner", "admin") and not actor.administers(cadre.org):
        raise Forbidden(
            "只有本群的群主或群管理员可以绑定本群。请群主把你设为群管理员，或请组织管理员发送 /绑定本群 <团干部编号>"
        )
    await _bind(ctx, cadre)


@command(
    "绑定本群", CadreArg("团干部编号或QQ"), role=ADMIN, summary="为所辖组织的团干部绑定当前群",
    example="/绑定本群 #3", group="请在要绑定的 QQ 群里发送这条指令",
)
async def bind_for_cmd(ctx: CommandContext, cadre) -> None:
    await _bind(ctx, cadre)


async def _bind(ctx: CommandContext, cadre) -> None:
    group_id = ctx.group_id
    assert group_id is not None
    await groups.bind(ctx.actor, group_id, int(ctx.bot.self_id), cadre)
    result = await groups.sync_group(ctx.bot, group_id)
    notice = group_notice(await card_text(cadre))
    if result is None:
        notice += "\n（成员名单暂时无法获取，稍后会自动同步。）"
    await ctx.reply(notice)


@command(
    "解绑本群", roles={CADRE: "解除当前群与团干部的绑定", ADMIN: "解除所辖组织团干部的群绑定"},
    example="/解绑本群", group="请在要解绑的 QQ 群里发送这条指令",
)
async def unbind_cmd(ctx: CommandContext) -> None:
    assert ctx.group_id is not None
    group = await groups.unbind(ctx.actor, ctx.group_id)
    await ctx.reply(
        f"本群已解除与{real_name(group.cadre.org, group.cadre.name)}的绑定，"
        "成员名单已删除；已确认的联系不受影响。"
    )


# ------------------------------------------------------------------ youth


async def _join_choices(qq: int) -> str:
    choices = await links.candidate_cadres(qq)
    if not choices:
        return "请向团干部要他的团干部编号，然后私聊我发送 /加入 <团干部编号>。"
    names = "；".join(f"{real_name(c.org, c.name)}：/加入 {c.id}" for c in choices)
    return f"你可以加入：{names}"


@command(
    "加入", FieldArg(), role=YOUTH, summary="在团干部的群里确认与他建立联系（领域如 学生、企业职工）",
    example="/加入 学生",
)
async def join_here_cmd(ctx: CommandContext, field: Field | None) -> None:
    if ctx.group_id is None:
        raise UsageError("请写上团干部编号，例如 /加入 #3。" + await _join_choices(ctx.user_id))
    bound = await groups.bound_group(ctx.group_id)
    if bound is None:
        raise UsageError("本群还没有绑定团干部。" + await _join_choices(ctx.user_id))
    await _join(ctx, bound.cadre, "group", field)


@command(
    "加入", CadreArg(), FieldArg(), role=YOUTH, summary="私聊确认与某位团干部建立联系", example="/加入 #3 学生",
)
async def join_cadre_cmd(ctx: CommandContext, cadre, field: Field | None) -> None:
    await _join(ctx, cadre, "group" if ctx.group_id else "private", field)


async def _join(ctx: CommandContext, cadre, source: str, field: Field | None) -> None:
    nickname = ctx.event.sender.nickname or ""
    result = await links.join(ctx.user_id, nickname, cadre, source=source, group_id=ctx.group_id, field=field)
    name = real_name(cadre.org, cadre.name)
    if result.already:
        await ctx.reply(
            f"你已与{name}建立联系（自 {clock.fmt_local(result.link.confirmed_at, '%Y-%m-%d')} 起）。"
            + (f"领域已更新为{field.label}。" if field else "")
        )
    elif result.needs_consent:
        await ctx.reply(f"你申请与{name}（{ref(cadre.id)}）建立联系。\n" + consent_notice())
    else:
        await ctx.reply(f"已确认你与{name}（{ref(cadre.id)}）的联系。发送 /退出 可随时解除。")


@command("同意", role=YOUTH, summary="同意个人信息告知，确认待确认的联系", example="/同意")
async def consent_cmd(ctx: CommandContext) -> None:
    held = consent.take_held(ctx.user_id)
    try:
        cadres = await links.consent(ctx.user_id, ctx.event.sender.nickname or "")
    except Conflict:
        if held is None:
            raise
        cadres = []  # consented meanwhile (another chat): just carry the command out
    names = "、".join(real_name(c.org, c.name) for c in cadres)
    if cadres:
        await ctx.reply(f"谢谢！已确认你与{names}的联系。发送 /资料 领域 <领域> 可补填领域，/退出 可随时解除。")
    elif held is None:
        await ctx.reply("谢谢，已记录你的同意。如果刚才有指令没办成，请重新发送。")
    if held is not None:
        # The account that saw the held command may have reconnected since (a new Bot).
        if nonebot.get_bots().get(held.bot.self_id) is not held.bot:
            held = dataclasses.replace(held, bot=ctx.bot)
        await run_command(held)


@command("未满14", role=YOUTH, summary="未满 14 周岁：不记录你的任何信息", example="/未满14")
async def under14_cmd(ctx: CommandContext) -> None:
    consent.drop_held(ctx.user_id)
    await links.erase_person(ctx.user_id, "under14")
    await ctx.reply("好的，我们不会记录你的任何信息，已删除你刚才的申请。欢迎年满 14 周岁后再来！")


@command("资料", role=YOUTH, summary="查看我们保存的你的信息", example="/资料")
async def profile_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await links.profile_text(ctx.user_id))


@command("资料", "领域", FieldArg(optional=False), role=YOUTH, summary="填写或修改你的领域", example="/资料 领域 学生")
async def profile_field_cmd(ctx: CommandContext, field: Field) -> None:
    await links.set_field(ctx.user_id, field)
    await ctx.reply(f"已将你的领域设为{field.label}。")


@command("退出", "全部", role=EVERYONE, summary="删除你的全部个人信息，不再记录", example="/退出 全部")
async def erase_cmd(ctx: CommandContext) -> None:
    had = await links.erase_person(ctx.user_id, "left")
    await ctx.reply(
        "已删除你的全部个人信息（昵称、领域、联系记录、群成员记录），今后不再记录你；"
        "只保留不含身份的统计数字。想重新建立联系，随时发送 /加入。"
        if had
        else "我们没有保存你的个人信息；今后也不会记录你。想建立联系，随时发送 /加入。"
    )


@command(
    "退出", CadreArg(optional=True), role=EVERYONE, summary="解除与团干部的联系（在其群里可不写编号）",
    example="/退出 #3",
)
async def leave_cmd(ctx: CommandContext, cadre) -> None:
    if cadre is None and ctx.group_id is not None and (bound := await groups.bound_group(ctx.group_id)):
        cadre = bound.cadre
    if cadre is None:
        mine = await links.links_of(ctx.user_id)
        if not mine:
            await ctx.reply("你目前没有与任何团干部建立联系。发送 /退出 全部 可删除我们保存的全部信息。")
            return
        if len(mine) > 1:
            options = "；".join(f"{real_name(k.cadre.org, k.cadre.name)}：/退出 #{k.cadre.id}" for k in mine)
            raise UsageError(f"你与多位团干部有联系，请写编号：{options}；或 /退出 全部")
        cadre = mine[0].cadre
    await links.leave(ctx.user_id, cadre)
    await ctx.reply(f"已解除你与{real_name(cadre.org, cadre.name)}的联系。")


# ------------------------------------------------------------------ cadres


@command("邀请", QQ("QQ"), role=CADRE, summary="私信邀请一位青年确认联系（每天有限额）", example="/邀请 12345678")
async def invite_cmd(ctx: CommandContext, qq: int) -> None:
    left = await links.invite(ctx.cadre, qq)
    note = ""
    if not await reachable(qq):
        note = (
            "\n注意：对方不是机器人的好友，也不在任何绑定群里，QQ 不允许机器人主动私聊，"
            "邀请会暂存；请告诉对方加机器人为好友后发送 /消息 查看。"
        )
    await ctx.reply(
        f"已安排向 {qq} 发送邀请（免打扰时段外按额度送达），对方确认后计入联系人数。今天还可邀请 {left} 人。{note}"
    )


@command("联系人", role=CADRE, summary="已确认联系人数与目标、可联系人数、领域分布、趋势", example="/联系人")
async def contacts_cmd(ctx: CommandContext) -> None:
    cadre = ctx.cadre
    info = await stats.cadre_contacts(cadre, await target_for(cadre))
    await ctx.reply(_summary_text(real_name(cadre.org, cadre.name), info))


@command(
    "联系人", "明细", role=CADRE, summary="已确认联系的青年名单", example="/联系人 明细",
    private="联系青年名单只在私聊中查看，请私聊我发送 /联系人 明细",
)
async def contacts_detail_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _detail_text(ctx.cadre))


def _field_label(value: str | None) -> str:
    return Field(value).label if value else "未填"


def _summary_text(name: str, info: stats.CadreContacts) -> str:
    lines = [f"【联系人】{name}"]
    status = "已达标" if info.gap == 0 else f"还差 {info.gap} 名，须于 8 月 31 日前达到"
    lines.append(f"已确认联系：{info.confirmed} / 目标 {info.target}（{status}）")
    lines.append(f"可联系（绑定群成员，不计入目标）：{info.reachable} 人，来自 {info.groups} 个绑定群")
    if info.fields:
        parts = sorted(info.fields.items(), key=lambda kv: -kv[1])
        lines.append("领域分布：" + "、".join(f"{_field_label(k)} {v}" for k, v in parts))
    dominant = info.dominant_field
    if dominant:
        lines.append(
            f"提示：{_field_label(dominant[0])}占 {dominant[1]:.0%}，联系对象不够广泛，请多联系其他领域的青年"
        )
    if info.overlap:
        lines.append(f"重复联系：其中 {info.overlap} 人同时是 3 名以上其他团干部的联系青年")
    lines.append("趋势：" + " → ".join(f"{m} {n}" for m, n in info.trend))
    return "\n".join(lines)


async def _detail_text(cadre) -> str:
    rows = await links.confirmed_contacts(cadre, DETAIL_LIMIT + 1)
    if not rows:
        return "还没有已确认联系的青年。在绑定的群里请青年发送 /加入，或用 /邀请 <QQ>。"
    lines = [f"已确认联系的青年（按确认时间，最多显示 {DETAIL_LIMIT} 人）："]
    for i, link in enumerate(rows[:DETAIL_LIMIT], start=1):
        y = link.youth
        lines.append(
            f"{i}. {y.nickname or y.qq}　{_field_label(y.field)}　自 {clock.fmt_local(link.confirmed_at, '%Y-%m-%d')}"
        )
    if len(rows) > DETAIL_LIMIT:
        lines.append(f"……仅显示前 {DETAIL_LIMIT} 人")
    return "\n".join(lines)


@command(
    "联系概况", Org(optional=True), role=ADMIN, summary="所辖组织团干部联系青年的达标与重复联系情况",
    example="/联系概况 杭州市委",
)
async def overview_cmd(ctx: CommandContext, org) -> None:
    scope = ctx.actor.scope(org)
    overview = await stats.org_overview(scope.paths)
    lines = [
        f"【联系概况】{scope.title}（含下级组织）",
        f"团干部 {overview.cadres} 人：达标 {overview.at_target} 人，未达标 {overview.cadres - overview.at_target} 人",
        f"已确认联系 {overview.links} 人次，涉及青年 {overview.youth} 人",
        f"重复联系：被 3 名以上团干部联系的青年 {overview.overlap_youth} 人",
    ]
    thin = overview.thin_fields()
    if thin and overview.youth:
        lines.append("偏少的领域：" + "、".join(f"{Field(f).label} {s:.0%}" for f, s in thin))
    if overview.below:
        lines.append("差距最大的团干部：")
        lines += [f"{ref(c.id)} {real_name(c.org, c.name)}：{n}/{t}" for c, n, t in overview.below]
    await ctx.reply("\n".join(lines))
