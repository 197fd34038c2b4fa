"""Chat commands for contacts: thin handlers over groups.py, links.py and stats.py."""

import dataclasses

import nonebot

from models.enums import Field
from plugins.contacts import consent, groups, links, stats
from plugins.contacts.texts import consent_notice, group_notice
from plugins.core import clock
from plugins.core.commands import ADMIN, CADRE, EVERYONE, YOUTH, Usage, command
from plugins.core.context import CommandContext
from plugins.core.dispatcher import run_command
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.text import parse_qq, parse_ref, ref
from plugins.identity.cards import card_text
from plugins.identity.commands import actor_of, require_admin, require_cadre
from plugins.identity.orgs import find_org, real_name, target_for
from plugins.outbox.service import reachable

DETAIL_LIMIT = 100


def _in_group(ctx: CommandContext, what: str) -> int:
    if ctx.group_id is None:
        raise UsageError(f"请在要{what}的 QQ 群里发送这条指令")
    return ctx.group_id


# ------------------------------------------------------------------ groups


@command(
    "绑定本群",
    Usage("/绑定本群", "把当前群绑定为自己的联系群（团干部在群里发送）", CADRE),
    Usage("/绑定本群 <团干部编号或QQ>", "为所辖组织的团干部绑定当前群", ADMIN),
)
async def bind_cmd(ctx: CommandContext) -> None:
    group_id = _in_group(ctx, "绑定")
    actor = await actor_of(ctx)
    words = ctx.words()
    if words:
        if not actor.is_admin:
            raise Forbidden("只有管理员可以为其他团干部绑定群；团干部本人请直接发送 /绑定本群")
        cadre = await groups.find_cadre(words[0])
    elif actor.cadre is None:
        raise Forbidden("只有认证团干部可以绑定联系群。团干部请先发送 /注册 <姓名> <组织> <类别>")
    else:
        cadre = actor.cadre
        # A cadre binds a group they run (owner or administrator of the QQ group, as the
        # event says), so nobody claims a group of strangers; a league administrator of the
        # cadre's organisation may bind any group for them (checked in groups.bind).
        role = getattr(ctx.event.sender, "role", None)
        if role not in ("owner", "admin") and not actor.administers(cadre.org):
            raise Forbidden(
                "只有本群的群主或群管理员可以绑定本群。请群主把你设为群管理员，或请组织管理员发送 /绑定本群 <团干部编号>"
            )
    await groups.bind(actor, group_id, int(ctx.bot.self_id), cadre)
    result = await groups.sync_group(ctx.bot, group_id)
    notice = group_notice(await card_text(cadre))
    if result is None:
        notice += "\n（成员名单暂时无法获取，稍后会自动同步。）"
    await ctx.reply(notice)


@command("解绑本群", Usage("/解绑本群", "解除当前群与团干部的绑定", CADRE))
async def unbind_cmd(ctx: CommandContext) -> None:
    group_id = _in_group(ctx, "解绑")
    actor = await actor_of(ctx)
    group = await groups.unbind(actor, group_id)
    await ctx.reply(
        f"本群已解除与{real_name(group.cadre.org, group.cadre.name)}的绑定，"
        "成员名单已删除；已确认的联系不受影响。"
    )


# ------------------------------------------------------------------ youth


def _parse_join_args(words: list[str]) -> tuple[str | None, Field | None]:
    cadre_token, field = None, None
    for word in words:
        if parse_ref(word) is not None:
            cadre_token = word
        else:
            field = links.parse_field(word)
    return cadre_token, field


async def _join_choices(qq: int) -> str:
    choices = await links.candidate_cadres(qq)
    if not choices:
        return "请向团干部要他的团干部编号，然后私聊我发送 /加入 <团干部编号>。"
    names = "；".join(f"{real_name(c.org, c.name)}：/加入 {c.id}" for c in choices)
    return f"你可以加入：{names}"


@command(
    "加入",
    Usage("/加入 [领域]", "在团干部的群里确认与他建立联系（领域如 学生、企业职工）", YOUTH),
    Usage("/加入 <团干部编号> [领域]", "私聊确认与某位团干部建立联系", YOUTH),
)
async def join_cmd(ctx: CommandContext) -> None:
    cadre_token, field = _parse_join_args(ctx.words())
    group_id = ctx.group_id
    if cadre_token is not None:
        cadre = await groups.find_cadre(cadre_token)
        source = "group" if group_id else "private"
    elif group_id is not None:
        bound = await groups.bound_group(group_id)
        if bound is None:
            raise UsageError("本群还没有绑定团干部。" + await _join_choices(ctx.user_id))
        cadre, source = bound.cadre, "group"
    else:
        raise UsageError("请写上团干部编号，例如 /加入 3。" + await _join_choices(ctx.user_id))
    nickname = ctx.event.sender.nickname or ""
    result = await links.join(ctx.user_id, nickname, cadre, source=source, group_id=group_id, field=field)
    name = real_name(cadre.org, cadre.name)
    if result.already:
        await ctx.reply(
            f"你已与{name}建立联系（自 {clock.fmt_local(result.link.confirmed_at, '%Y-%m-%d')} 起）。"
            + (f"领域已更新为{field.label}。" if field else "")
        )
    elif result.needs_consent:
        await ctx.reply(
            f"你申请与{name}（{ref(cadre.id)}）建立联系。\n"
            + consent_notice()
        )
    else:
        await ctx.reply(f"已确认你与{name}（{ref(cadre.id)}）的联系。发送 /退出 可随时解除。")


@command("同意", Usage("/同意", "同意个人信息告知，确认待确认的联系", YOUTH))
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


@command("未满14", Usage("/未满14", "未满 14 周岁：不记录你的任何信息", YOUTH))
async def under14_cmd(ctx: CommandContext) -> None:
    consent.drop_held(ctx.user_id)
    await links.erase_person(ctx.user_id, "under14")
    await ctx.reply("好的，我们不会记录你的任何信息，已删除你刚才的申请。欢迎年满 14 周岁后再来！")


@command(
    "资料",
    Usage("/资料", "查看我们保存的你的信息", YOUTH),
    Usage("/资料 领域 <领域>", "填写或修改你的领域", YOUTH),
)
async def profile_cmd(ctx: CommandContext) -> None:
    words = ctx.words()
    if not words:
        await ctx.reply(await links.profile_text(ctx.user_id))
        return
    if words[0] != "领域" or len(words) != 2:
        raise ctx.usage_error("请写“领域”和领域名称")
    field = await links.set_field(ctx.user_id, words[1])
    await ctx.reply(f"已将你的领域设为{field.label}。")


@command(
    "退出",
    Usage("/退出 [团干部编号]", "解除与团干部的联系（在其群里可不写编号）", EVERYONE),
    Usage("/退出 全部", "删除你的全部个人信息，不再记录", EVERYONE),
)
async def leave_cmd(ctx: CommandContext) -> None:
    words = ctx.words()
    if words and words[0] == "全部":
        had = await links.erase_person(ctx.user_id, "left")
        await ctx.reply(
            "已删除你的全部个人信息（昵称、领域、联系记录、群成员记录），今后不再记录你；"
            "只保留不含身份的统计数字。想重新建立联系，随时发送 /加入。"
            if had
            else "我们没有保存你的个人信息；今后也不会记录你。想建立联系，随时发送 /加入。"
        )
        return
    if words:
        cadre = await groups.find_cadre(words[0])
    elif ctx.group_id is not None and (bound := await groups.bound_group(ctx.group_id)):
        cadre = bound.cadre
    else:
        mine = await links.links_of(ctx.user_id)
        if len(mine) == 1:
            cadre = mine[0].cadre
        elif not mine:
            await ctx.reply("你目前没有与任何团干部建立联系。发送 /退出 全部 可删除我们保存的全部信息。")
            return
        else:
            options = "；".join(f"{real_name(k.cadre.org, k.cadre.name)}：/退出 {k.cadre_id}" for k in mine)
            raise UsageError(f"你与多位团干部有联系，请写编号：{options}；或 /退出 全部")
    await links.leave(ctx.user_id, cadre)
    await ctx.reply(f"已解除你与{real_name(cadre.org, cadre.name)}的联系。")


# ------------------------------------------------------------------ cadres


@command("邀请", Usage("/邀请 <QQ>", "私信邀请一位青年确认联系（每天有限额）", CADRE))
async def invite_cmd(ctx: CommandContext) -> None:
    cadre = await require_cadre(ctx)
    mentioned = ctx.mentioned()
    words = ctx.words()
    qq = mentioned[0] if mentioned else (parse_qq(words[0]) if len(words) == 1 else None)
    if qq is None:
        raise ctx.usage_error("请写要邀请的 QQ 号（或 @ 对方）")
    left = await links.invite(cadre, qq)
    note = ""
    if not await reachable(qq):
        note = (
            "\n注意：对方不是机器人的好友，也不在任何绑定群里，QQ 不允许机器人主动私聊，"
            "邀请会暂存；请告诉对方加机器人为好友后发送 /消息 查看。"
        )
    await ctx.reply(
        f"已安排向 {qq} 发送邀请（免打扰时段外按额度送达），对方确认后计入联系人数。今天还可邀请 {left} 人。{note}"
    )


@command(
    "联系人",
    Usage("/联系人", "已确认联系人数与目标、可联系人数、领域分布、趋势", CADRE),
    Usage("/联系人 明细", "已确认联系的青年名单", CADRE),
)
async def contacts_cmd(ctx: CommandContext) -> None:
    cadre = await require_cadre(ctx)
    if ctx.words()[:1] == ["明细"]:
        if ctx.is_group:
            raise UsageError("联系青年名单只在私聊中查看，请私聊我发送 /联系人 明细")
        await ctx.reply(await _detail_text(cadre))
        return
    info = await stats.cadre_contacts(cadre, await target_for(cadre))
    await ctx.reply(_summary_text(real_name(cadre.org, cadre.name), info))


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
    from models import ContactLink

    rows = (
        await ContactLink.filter(cadre=cadre, status="confirmed")
        .order_by("confirmed_at")
        .prefetch_related("youth")
        .limit(DETAIL_LIMIT + 1)
    )
    if not rows:
        return "还没有已确认联系的青年。在绑定的群里请青年发送 /加入，或用 /邀请 <QQ>。"
    lines = [f"已确认联系的青年（按确认时间，最多显示 {DETAIL_LIMIT} 人）："]
    for i, link in enumerate(rows[:DETAIL_LIMIT], start=1):
        y = link.youth
        lines.append(
            f"{i}. {y.nickname or y.qq}　{_field_label(y.field)}　自 {clock.fmt_local(link.confirmed_at, '%Y-%m-%d')}"
        )
    if len(rows) > DETAIL_LIMIT:
        lines.append("……仅显示前 100 人")
    return "\n".join(lines)


@command("联系概况", Usage("/联系概况 [组织]", "所辖组织团干部联系青年的达标与重复联系情况", ADMIN))
async def overview_cmd(ctx: CommandContext) -> None:
    actor = await require_admin(ctx)
    words = ctx.words()
    if words:
        org = await find_org(words[0])
        if not actor.administers(org):
            raise Forbidden(f"你不是“{org.name}”或其上级组织的管理员")
        roots, title = [org], org.name
    else:
        roots = actor.subtree_roots()
        title = "全部组织" if roots is None else "、".join(o.name for o in roots)
    overview = await stats.org_overview(None if roots is None else [o.path for o in roots])
    lines = [
        f"【联系概况】{title}（含下级组织）",
        f"团干部 {overview.cadres} 人：达标 {overview.at_target} 人，未达标 {overview.cadres - overview.at_target} 人",
        f"已确认联系 {overview.links} 人次，涉及青年 {overview.youth} 人",
        f"重复联系：被 3 名以上团干部联系的青年 {overview.overlap_youth} 人",
    ]
    thin = overview.thin_fields()
    if thin and overview.youth:
        lines.append("偏少的领域：" + "、".join(f"{Field(f).label} {s:.0%}" for f, s in thin))
    if overview.below:
        lines.append("差距最大的团干部：")
        lines += [
            f"{ref(c.id)} {real_name(c.org, c.name)}：{n}/{t}" for c, n, t in overview.below
        ]
    await ctx.reply("\n".join(lines))
