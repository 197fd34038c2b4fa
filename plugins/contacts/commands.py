"""Chat commands for contacts: declared forms over groups.py, links.py and stats.py."""

import dataclasses
from datetime import datetime

import nonebot

from models.enums import CADRE_CATEGORY_LABELS, CadreCategory, CaseStatus, Field
from plugins.contacts import consent, groups, links, recency, retire, stats
from plugins.contacts.texts import (
    FIELD_CHOICES,
    FIELD_SYNONYMS,
    FIELD_WORDS,
    consent_notice,
    group_notice,
)
from plugins.core import clock, periods
from plugins.core.actor import ADMIN, CADRE, EVERYONE, YOUTH
from plugins.core.commands import QQ, CadreArg, Choice, Int, Org, Word, command
from plugins.core.context import CommandContext
from plugins.core.dispatcher import run_command
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.sql import as_datetime
from plugins.core.text import ref
from plugins.identity.orgs import chat_name, compute_target, raised_targets, real_name, target_for
from plugins.outbox.service import reachable

DETAIL_LIMIT = 100
ERASE_WINDOW = 600
"""Seconds within which /退出 全部 确认 must follow /退出 全部."""
FIELD_OPTIONS = tuple(FIELD_SYNONYMS.items()) + FIELD_CHOICES


def FieldArg(optional: bool = True, problem: str = "") -> Choice:
    return Choice("领域", optional, options=FIELD_OPTIONS, shown=FIELD_WORDS, problem=problem)


# ------------------------------------------------------------------ groups


@command(
    "绑定本群", role=CADRE, summary="把当前群绑定为自己的联系群（须是群主或群管理员）", example="/绑定本群",
    group="请在要绑定的 QQ 群里发送这条指令", aliases=("绑定",),
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
    notice = group_notice(f"{real_name(cadre.org, cadre.name)}（{ref(cadre.id)}）")
    if result is None:
        notice += "\n（成员名单暂时拿不到，稍后自动同步。）"
    await ctx.reply(notice)


@command(
    "解绑本群", roles={CADRE: "解除当前群与团干部的绑定", ADMIN: "解除所辖组织团干部的群绑定"},
    example="/解绑本群", group="请在要解绑的 QQ 群里发送这条指令", aliases=("解绑",),
)
async def unbind_cmd(ctx: CommandContext) -> None:
    assert ctx.group_id is not None
    group = await groups.unbind(ctx.actor, ctx.group_id)
    await ctx.reply(
        f"本群已解除与{chat_name(group.cadre.org, group.cadre.name)}的绑定，成员名单已删除；已确认的联系不受影响。"
    )


# ------------------------------------------------------------------ youth


async def _join_choices(qq: int) -> str:
    choices = await links.candidate_cadres(qq)
    if not choices:
        return "请向团干部要他的编号，然后发 /加入 #编号（如 /加入 #3）。"
    names = "；".join(f"{chat_name(c.org, c.name)}：/加入 {ref(c.id)}" for c in choices)
    return f"你可以加入：{names}"


async def _join_hint(ctx: CommandContext) -> str | None:
    """/加入 with the cadre number that works here: this group's cadre, or one of theirs."""
    if ctx.group_id is not None and (bound := await groups.bound_group(ctx.group_id)):
        return f"/加入 {ref(bound.cadre_id)}"
    choices = await links.candidate_cadres(ctx.user_id, limit=1)
    return f"/加入 {ref(choices[0].id)}" if choices else None


@command(
    "加入", FieldArg(problem="“{token}”不是领域，也不是团干部编号"), role=YOUTH, summary="在团干部的群里和他建立联系（可加领域，如 学生、上班）",
    example="/加入 学生", hint=_join_hint,
)
async def join_here_cmd(ctx: CommandContext, field: Field | None) -> None:
    if ctx.group_id is None:
        raise UsageError("请写上团干部编号，例如 /加入 #3。" + await _join_choices(ctx.user_id))
    bound = await groups.bound_group(ctx.group_id)
    if bound is None:
        raise UsageError("本群还没有团干部。" + await _join_choices(ctx.user_id))
    await _join(ctx, bound.cadre, "group", field)


@command(
    "加入", CadreArg(), FieldArg(), role=YOUTH, summary="和某位团干部建立联系", example="/加入 #3 学生",
    hint=_join_hint,
)
async def join_cadre_cmd(ctx: CommandContext, cadre, field: Field | None) -> None:
    await _join(ctx, cadre, "group" if ctx.group_id else "private", field)


async def _join(ctx: CommandContext, cadre, source: str, field: Field | None) -> None:
    nickname = ctx.event.sender.nickname or ""
    name = chat_name(cadre.org, cadre.name)
    notice = None
    if ctx.group_id is not None:  # the notice goes to them in private, not into the group
        notice = links.PrivateNotice(f"你想和{name}建立联系。\n{consent_notice()}", ctx.group_id, int(ctx.bot.self_id))
    result = await links.join(
        ctx.user_id, nickname, cadre, source=source, group_id=ctx.group_id, field=field, notice=notice
    )
    if result.already:
        await ctx.reply(
            f"你已经和{name}建立了联系（{clock.fmt_local(result.link.confirmed_at, '%Y-%m-%d')} 起）。"
            + (f"领域已改为{field_word(field)}。" if field else ""),
            at=ctx.user_id if ctx.is_group else None,
        )
    elif result.needs_consent and ctx.is_group:
        await ctx.reply(consent.group_lines(f"想和{name}建立联系"), at=ctx.user_id)
    elif result.needs_consent:
        await ctx.reply(f"你想和{name}建立联系。\n{consent_notice()}")
    else:
        await ctx.reply(
            f"好了！你已和{name}建立联系。{_field_tip(field)}",
            at=ctx.user_id if ctx.is_group else None,
        )


def field_word(field: Field) -> str:
    """The word youth know a field by (学生, 上班…)."""
    return next(word for word, f in FIELD_CHOICES if f == field)


def _field_tip(field: Field | None) -> str:
    return "" if field else "可以发 /资料 领域 学生 补上你的领域。"


@command(
    "告知", role=EVERYONE, summary="看个人信息说明：记下什么、保存多久、怎么删除", example="/告知",
    private="个人信息说明比较长，请私聊我发送 /告知",
)
async def notice_cmd(ctx: CommandContext) -> None:
    await ctx.reply(consent_notice())


@command("同意", role=YOUTH, summary="同意个人信息说明，确认和团干部的联系", example="/同意")
async def consent_cmd(ctx: CommandContext) -> None:
    held = consent.take_held(ctx.user_id)
    try:
        cadres = await links.consent(ctx.user_id, ctx.event.sender.nickname or "")
    except Conflict:
        if held is None:
            raise
        cadres = []  # consented meanwhile (another chat): just carry the command out
    at = ctx.user_id if ctx.is_group else None
    if cadres:
        names = "、".join(chat_name(c.org, c.name) for c in cadres)
        tip = "" if await links.has_field(ctx.user_id) else "可以发 /资料 领域 学生 补上你的领域。"
        step = "遇到困难或有想法，随时发 /诉求 <内容>，团干部会私聊答复你。"
        await ctx.reply(f"谢谢！你已和{names}建立联系。{tip}\n{step}", at=at)
    elif held is None:
        await ctx.reply("谢谢，已记下你的同意。刚才没办成的指令请再发一次。", at=at)
    if held is not None:
        # The account that saw the held command may have reconnected since (a new Bot).
        if nonebot.get_bots().get(held.bot.self_id) is not held.bot:
            held = dataclasses.replace(held, bot=ctx.bot)
        await run_command(held)


@command("未满14", role=YOUTH, summary="未满 14 周岁：不记录你的任何信息", example="/未满14")
async def under14_cmd(ctx: CommandContext) -> None:
    consent.drop_held(ctx.user_id)
    await links.erase_person(ctx.user_id, "under14")
    await ctx.reply(
        "好的，我们不记你的任何信息，刚才的申请也删掉了。满 14 周岁后欢迎再来！",
        at=ctx.user_id if ctx.is_group else None,
    )


@command(
    "资料", role=YOUTH, summary="看看我们存了你哪些信息", example="/资料",
    private="你的个人信息只在私聊里看：请私聊我发送 /资料",
)
async def profile_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await links.profile_text(ctx.user_id))


@command("资料", "领域", FieldArg(optional=False), role=YOUTH, summary="填写或修改你的领域", example="/资料 领域 学生")
async def profile_field_cmd(ctx: CommandContext, field: Field) -> None:
    await links.set_field(ctx.user_id, field)
    await ctx.reply(f"好了，你的领域是：{field_word(field)}。")


_erase_asked: dict[int, datetime] = {}


def forget_erase_requests() -> None:
    _erase_asked.clear()


@command("退出", "全部", role=EVERYONE, summary="删除你的全部个人信息（要再发一次确认）", example="/退出 全部")
async def erase_cmd(ctx: CommandContext) -> None:
    if ctx.actor.is_staff:
        raise Forbidden(STAFF_CANNOT_ERASE)
    summary = await links.erase_summary(ctx.user_id)
    if summary is None:
        await ctx.reply("我们没有存你的个人信息，以后也不会记你。想建立联系，随时发 /加入。")
        await links.erase_person(ctx.user_id, "left")
        return
    _erase_asked[ctx.user_id] = clock.now()
    await ctx.reply(
        f"要删除的是：{summary}。\n删除后不能恢复。确定的话，{ERASE_WINDOW // 60} 分钟内发 /退出 全部 确认"
    )


@command(
    "退出", "全部", "确认", role=EVERYONE, summary="确认删除你的全部个人信息", example="/退出 全部 确认",
)
async def erase_confirm_cmd(ctx: CommandContext) -> None:
    if ctx.actor.is_staff:
        raise Forbidden(STAFF_CANNOT_ERASE)
    asked = _erase_asked.pop(ctx.user_id, None)
    if asked is None or not 0 <= (clock.now() - asked).total_seconds() <= ERASE_WINDOW:
        raise UsageError("请先发 /退出 全部，看看要删除什么，再确认")
    await links.erase_person(ctx.user_id, "left")
    await ctx.reply("已删除你的全部个人信息，以后不再记你；只留下不带身份的统计数字。想重新建立联系，随时发 /加入。")


STAFF_CANNOT_ERASE = (
    "你是团干部或管理员，不能用 /退出 全部 删除自己。要离任，请找你所在组织的管理员办理。"
)


@command(
    "退出", CadreArg(optional=True), role=EVERYONE, summary="解除和团干部的联系（在他的群里可不写编号）",
    example="/退出 #3",
)
async def leave_cmd(ctx: CommandContext, cadre) -> None:
    if cadre is None and ctx.group_id is not None and (bound := await groups.bound_group(ctx.group_id)):
        cadre = bound.cadre
    if cadre is None:
        mine = await links.links_of(ctx.user_id)
        if not mine:
            await ctx.reply("你现在没有和任何团干部建立联系。发 /退出 全部 可以删除我们存的全部信息。")
            return
        if len(mine) > 1:
            options = "；".join(f"{chat_name(k.cadre.org, k.cadre.name)}：/退出 {ref(k.cadre.id)}" for k in mine)
            raise UsageError(f"你和几位团干部都有联系，请写编号：{options}")
        cadre = mine[0].cadre
    await links.leave(ctx.user_id, cadre)
    await ctx.reply(f"已解除你和{chat_name(cadre.org, cadre.name)}的联系。", at=ctx.user_id if ctx.is_group else None)


# ------------------------------------------------------------------ cadres


@command("邀请", QQ("QQ"), role=CADRE, summary="私信邀请一位青年确认联系（每天有限额）", example="/邀请 12345678")
async def invite_cmd(ctx: CommandContext, qq: int) -> None:
    left = await links.invite(ctx.cadre, qq)
    note = ""
    if not await reachable(qq):
        note = (
            "\n注意：对方不是联青的好友，也不在你绑定的群里，QQ 不让联青主动私聊，"
            "邀请先存着；请对方加联青为好友后发 /消息 查看。"
        )
    await ctx.reply(f"已安排给 {qq} 发邀请，对方发 /加入 后计入联系人数。今天还可以邀请 {left} 人。{note}")


@command("联系人", role=CADRE, summary="已确认联系人数与目标、可联系人数、领域分布、趋势", example="/联系人")
async def contacts_cmd(ctx: CommandContext) -> None:
    cadre = ctx.cadre
    info = await stats.cadre_contacts(cadre, await target_for(cadre))
    text = _summary_text(info)
    moved = await retire.moved_to(cadre.id)
    if moved:  # before the next step, which stays last
        head, _, last = text.rpartition("\n")
        text = f"{head}\n接任转来：{moved} 名青年同意继续联系\n{last}"
    await ctx.reply(text, paged=True)


@command(
    "联系人", "明细", role=CADRE, summary="已确认联系的青年名单", example="/联系人 明细",
    private="联系青年名单只在私聊中查看，请私聊我发送 /联系人 明细",
)
async def contacts_detail_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _detail_text(ctx.cadre), paged=True)


@command(
    "联系人", "待联系", Int("天数", low=1, high=3650, optional=True), role=CADRE,
    summary="多久没有双向联系的青年（默认 90 天），最久的在前", example="/联系人 待联系 60",
    private="联系青年名单只在私聊中查看，请私聊我发送 /联系人 待联系",
)
async def contacts_due_cmd(ctx: CommandContext, days: int | None) -> None:
    await ctx.reply(await due_text(ctx.cadre.id, days or recency.DEFAULT_DAYS), paged=True)


DUE_SHOWN = 20


async def due_text(cadre_id: int, days: int) -> str:
    found = await recency.due(cadre_id, days, DUE_SHOWN)
    if not found.total:
        return f"你的联系青年在 {days} 天内都和你有过双向联系，继续保持！"
    shown = len(found.rows)
    more = f"，先列最久的 {shown} 人" if found.total > shown else ""
    lines = [f"{days} 天以上没有双向联系的青年共 {found.total} 人{more}（最后联系）："]
    for r in found.rows:
        lines.append(f"{r.name}　{_field_label(r.field)}　{r.label}")
    first = found.rows[0]
    lines.append(f"下一步：发 /联系人 {first.qq} 看看{first.name}的近况")
    return "\n".join(lines)


@command(
    "联系人", Word("QQ或昵称"), role=CADRE, summary="看一位联系青年：确认时间、领域、最近的联系和未办结诉求",
    example="/联系人 12345678",
    private="联系青年的情况只在私聊中查看，请私聊我发送 /联系人 <QQ或昵称>",
)
async def contact_one_cmd(ctx: CommandContext, who: str) -> None:
    cadre = ctx.cadre
    found = await recency.find_contact(cadre.id, who)
    if len(found) > 1:
        options = "；".join(f"{r.name}：/联系人 {r.qq}" for r in found[:5])
        raise UsageError(f"有 {len(found)} 位联系青年叫“{who[:20]}”，请写 QQ 号：{options}")
    r = found[0]
    lines = [
        f"{r.name}（QQ {r.qq}）",
        f"领域：{_field_label(r.field)}；{clock.fmt_local(r.confirmed_at, '%Y-%m-%d')} 确认联系",
    ]
    contacts = await recency.last_contacts(cadre.id, r.qq)
    lines.append("最近的联系：" + "、".join(f"{recency.fmt_day(at)} {recency.KINDS[kind]}" for at, kind in contacts))
    cases = await recency.open_cases(cadre.id, r.qq)
    if cases:
        lines.append("未办结诉求：" + "、".join(f"{ref(c.id)} {CaseStatus(c.status).label}" for c in cases))
        lines.append(f"下一步：发 /诉求 {ref(cases[0].id)} 看看进展")
    else:
        lines.append("没有未办结的诉求。")
    await ctx.reply("\n".join(lines), paged=True)


def _field_label(value: str | None) -> str:
    return Field(value).label if value else "未填"


def _summary_text(info: stats.CadreContacts) -> str:
    status = "已达标" if info.gap == 0 else f"还差 {info.gap} 名，{periods.target_deadline()}"
    lines = [f"【联系人】已确认 {info.confirmed}/{info.target}（{status}）"]
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
    if info.groups == 0:
        lines.append("下一步：在你的青年群里发 /绑定本群，再请群友发 /加入")
    elif info.gap:
        lines.append("下一步：请群友发 /加入，或发 /邀请 <QQ> 邀请青年")
    return "\n".join(lines)


async def _detail_text(cadre) -> str:
    rows = await links.confirmed_contacts(cadre, DETAIL_LIMIT + 1)
    if not rows:
        return "还没有已确认联系的青年。请群友在你绑定的群里发 /加入，或发 /邀请 <QQ> 邀请。"
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
        f"【联系概况】{scope.title}（含下级组织）"
        + (f"（数据更新于 {clock.fmt_local(overview.computed_at, '%H:%M')}）" if overview.computed_at else ""),
        f"团干部 {overview.cadres} 人：达标 {overview.at_target} 人，未达标 {overview.cadres - overview.at_target} 人",
        f"已确认联系 {overview.links} 人次，涉及青年 {overview.youth} 人",
        f"重复联系：被 3 名以上团干部联系的青年 {overview.overlap_youth} 人",
    ]
    thin = overview.thin_fields()
    if thin and overview.youth:
        lines.append("偏少的领域：" + "、".join(f"{Field(f).label} {s:.0%}" for f, s in thin))
    if overview.below:
        lines.append("差距最大的团干部：")
        lines += [f"{ref(c.id)} {chat_name(c.org, c.name)}：{n}/{t}" for c, n, t in overview.below]
    await ctx.reply("\n".join(lines), paged=True)


# ------------------------------------------------------------------ cadres who leave


@command(
    "团干部", "离任", CadreArg(), role=ADMIN, summary="办理团干部离任（没有接任者：群解绑、诉求转待分派、联系结束）",
    example="/团干部 离任 #3",
)
async def retire_cmd(ctx: CommandContext, cadre) -> None:
    await _retire(ctx, cadre, None)


@command(
    "团干部", "离任", CadreArg(), "接任", CadreArg("接任编号"), role=ADMIN,
    summary="办理团干部离任并指定接任者（群和诉求转给接任者，青年自愿转交）", example="/团干部 离任 #3 接任 #8",
)
async def retire_to_cmd(ctx: CommandContext, cadre, successor) -> None:
    await _retire(ctx, cadre, successor)


async def _retire(ctx: CommandContext, cadre, successor) -> None:
    done = await retire.retire(ctx.actor, cadre, successor)
    name = chat_name(cadre.org, cadre.name)
    if successor is None:
        await ctx.reply(
            f"{name}已离任。{done.groups_unbound} 个绑定群已解绑并删除成员名单，{done.cases} 件未办结诉求转入待分派"
            "（/诉求 列表 查看），联系已结束。历史记录保留在原编号下。"
        )
        return
    await ctx.reply(
        f"{name}已离任，由{chat_name(successor.org, successor.name)}接任：{done.groups_moved} 个绑定群、"
        f"{done.cases} 件未办结诉求已转交；{done.asked} 名联系青年会收到询问，"
        f"{retire.HANDOVER_DAYS} 天内回复 /同意 转交 的才转到接任者名下。"
    )


@command(
    "团干部", "离任申请", role=CADRE, summary="申请离任，由所在组织的管理员用 /审核 确认", example="/团干部 离任申请",
)
async def apply_departure_cmd(ctx: CommandContext) -> None:
    from plugins.identity.registration import apply_departure

    app = await apply_departure(ctx.cadre)
    await ctx.reply(
        f"已提交离任申请 {ref(app.id)}，等{app.org.name}的管理员审核，结果会私聊告诉你。"
        "通过前一切照旧；要指定接任者，请管理员办理。"
    )


@command(
    "同意", "转交", role=YOUTH, summary="团干部离任后，同意和接任的团干部继续保持联系", example="/同意 转交",
)
async def accept_handover_cmd(ctx: CommandContext) -> None:
    cadres = await retire.accept_handover(ctx.user_id)
    if not cadres:
        raise UsageError(
            f"没有等你回复的转交（询问 {retire.HANDOVER_DAYS} 天内有效）。想和团干部建立联系，发 /加入 #编号"
        )
    names = "、".join(chat_name(c.org, c.name) for c in cadres)
    await ctx.reply(f"好了！你和{names}保持联系。随时发 /退出 可以解除。")


@command(
    "团干部", "列表", Org(optional=True, reserved=("含离任",)), Choice("含离任", optional=True, options=(("含离任", True),)),
    role=ADMIN, summary="所辖组织的团干部：状态、类别、目标和已确认联系人数（加“含离任”列出已离任的）",
    example="/团干部 列表 杭州市委",
)
async def cadre_list_cmd(ctx: CommandContext, org, departed: bool | None) -> None:
    scope = ctx.actor.scope(org)
    rows, computed_at = await retire.in_office(scope.paths, with_departed=bool(departed))
    if not rows:
        await ctx.reply(f"{scope.title}（含下级组织）还没有团干部。")
        return
    raised = await raised_targets()
    counted = f"（联系人数更新于 {clock.fmt_local(computed_at, '%H:%M')}）" if computed_at else ""
    lines = [f"【团干部】{scope.title}（含下级组织）{len(rows)} 人{counted}："]
    for r in rows:
        label = CADRE_CATEGORY_LABELS.get(CadreCategory(r["category"]), r["category"])
        if r["left_at"] is not None:
            left = as_datetime(r["left_at"])
            lines.append(f"{ref(r['id'])} {r['name']}（{r['org']}）{label}　已离任 {clock.fmt_local(left, '%Y-%m-%d')}")
            continue
        target = compute_target(r["category"], r["path"], raised)
        lines.append(f"{ref(r['id'])} {r['name']}（{r['org']}）{label}　在任　联系 {r['confirmed']}/{target}")
    await ctx.reply("\n".join(lines), paged=True)
