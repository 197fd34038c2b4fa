"""/帮助: the few commands each person uses most, then where to find the rest.

Measured before this design: a youth's /帮助 was 29 lines that began with cadre
registration, a cadre's 44, a cadre who is also an administrator 70 (2,045
characters). Now /帮助 answers by role in at most 8 lines — the five commands
that role uses most, each as a real example — and a group gets at most 4 lines
pointing to private chat. `/帮助 <指令>` shows one command; `/帮助 全部` the
whole list, in pages. Everything shown comes from the declarations, so an
example here is the example in the README.
"""

from plugins.core import pages
from plugins.core.actor import ADMIN, CADRE, EVERYONE, YOUTH
from plugins.core.commands import Form, Word, all_forms, command, command_help, help_text, lookup
from plugins.core.context import CommandContext
from plugins.core.errors import NotFound

FEATURED: dict[str, tuple[tuple[str, str], ...]] = {
    YOUTH: (
        ("/加入 [领域]", "和团干部建立联系"),
        ("/诉求 [类别] <内容>", "说说你遇到的困难或意见"),
        ("/签到 <签到码>", "参加活动时签到"),
        ("/资料", "看看我们存了你哪些信息"),
        ("/退出 [团干部编号]", "解除联系"),
    ),
    CADRE: (
        ("/联系人", "联系了多少青年，还差多少"),
        ("/话题 <标题>", "在群里发起话题"),
        ("/活动 <类型> <日期> <标题> [地点]", "记录一次活动"),
        ("/诉求 列表", "青年找你办的事"),
        ("/绑定本群", "把你的青年群交给联青"),
    ),
    ADMIN: (
        ("/联系概况 [组织]", "所辖团干部联系青年的情况"),
        ("/排行 [组织] [实现度|活跃度|满意度|综合]", "团干部排行"),
        ("/审核", "待审核的团干部注册"),
        ("/清单 [期间]", "问题清单"),
        ("/登录", "打开管理后台"),
    ),
}
"""(form syntax, what it is for) per role, most used first; tests check every form exists."""

MORE = {
    YOUTH: "更多：/帮助 诉求｜互助｜签到｜全部",
    CADRE: "更多：/帮助 诉求｜活动｜话题｜全部",
    ADMIN: "更多：/帮助 排行｜审核｜评估｜全部",
}
IN_GROUP: dict[str, tuple[tuple[str, str], ...]] = {
    YOUTH: (("/加入 [领域]", "和团干部建立联系"), ("/签到 <签到码>", "参加活动时签到")),
    CADRE: (("/话题 <标题>", "在群里发起话题"), ("/绑定本群", "把本群交给联青")),
    ADMIN: (("/联系概况 [组织]", "所辖团干部联系青年的情况"), ("/活动 概况 [组织]", "所辖组织的活动")),
}


def _forms() -> dict[str, Form]:
    return {f.syntax: f for f in all_forms()}


def _primary(roles: set[str]) -> list[str]:
    """The roles whose commands /帮助 shows: a cadre's own work first, then administration."""
    shown = [r for r in (CADRE, ADMIN) if r in roles]
    return shown or [YOUTH]


def short_help(roles: set[str]) -> str:
    """At most 8 lines: five commands as examples, then where to find more."""
    shown = _primary(roles)
    forms = _forms()
    picks: list[tuple[str, str]] = []
    if len(shown) == 1:
        picks = list(FEATURED[shown[0]])
    else:  # a cadre who also administers: three of each's own, two of the other's
        picks = list(FEATURED[shown[0]][:3]) + list(FEATURED[shown[1]][:2])
    title = "、".join({YOUTH: "青年", CADRE: "团干部", ADMIN: "管理员"}[r] for r in shown)
    lines = [f"联青常用指令（{title}）："]
    for syntax, purpose in picks:
        lines.append(f"{forms[syntax].example}　{purpose}")
    lines.append(MORE[shown[-1]] if len(shown) == 1 else MORE[shown[0]])
    return "\n".join(lines)


def group_help(roles: set[str]) -> str:
    """At most 4 lines: two things to do here, and private chat for the rest."""
    forms = _forms()
    lines = ["在群里常用："]
    lines += [f"{forms[syntax].example}　{purpose}" for syntax, purpose in IN_GROUP[_primary(roles)[0]]]
    lines.append("更多用法请私聊我发送 /帮助")
    return "\n".join(lines)


@command("帮助", role=EVERYONE, summary="你最常用的几条指令", example="/帮助", aliases=("help",))
async def help_cmd(ctx: CommandContext) -> None:
    roles = ctx.actor.roles
    await ctx.reply(group_help(roles) if ctx.is_group else short_help(roles))


@command("帮助", "全部", role=EVERYONE, summary="你可以使用的全部指令（分页）", example="/帮助 全部")
async def help_all_cmd(ctx: CommandContext) -> None:
    if ctx.is_group:
        await ctx.reply("全部指令比较长，请私聊我发送 /帮助 全部")
        return
    await ctx.reply(help_text(ctx.actor.roles), paged=True)


@command("帮助", Word("指令"), role=EVERYONE, summary="一条指令的用法和例子", example="/帮助 诉求")
async def help_one_cmd(ctx: CommandContext, word: str) -> None:
    cmd = lookup(word.lstrip("/／"))
    if cmd is None:
        raise NotFound(f"没有“{word[:20]}”这条指令。发送 /帮助 看看能做什么")
    await ctx.reply(command_help(cmd, ctx.actor.roles), paged=True)


@command("下一页", role=EVERYONE, summary="长列表的下一页", example="/下一页")
async def next_page_cmd(ctx: CommandContext) -> None:
    page = pages.next_page(ctx.user_id)
    await ctx.reply(page if page is not None else "没有下一页了。")
