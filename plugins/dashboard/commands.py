"""/登录 and /退出登录: the chat side of the dashboard's sign-in."""

from plugins.core.actor import ADMIN, CADRE
from plugins.core.commands import command
from plugins.core.context import CommandContext
from plugins.dashboard import tokens
from plugins.dashboard.config import settings


@command(
    "登录", roles={CADRE: "获取管理后台的一次性登录链接（私聊发送）", ADMIN: "获取管理后台的一次性登录链接（私聊发送）"},
    example="/登录", private="登录链接只能私聊发送，请私聊我发送 /登录",
)
async def login_cmd(ctx: CommandContext) -> None:
    config = settings()
    secret = await tokens.issue_link(ctx.user_id, config.dashboard_link_minutes)
    await ctx.reply(
        f"管理后台登录链接（{config.dashboard_link_minutes} 分钟内有效，只能使用一次，请勿转发）：\n"
        f"{config.base_url}/dashboard/login/{secret}\n"
        "用完后可发送 /退出登录 结束所有登录。"
    )


@command(
    "退出登录", roles={CADRE: "结束自己在管理后台的所有登录", ADMIN: "结束自己在管理后台的所有登录"},
    example="/退出登录",
)
async def logout_cmd(ctx: CommandContext) -> None:
    ended = await tokens.end_all(ctx.user_id)
    if ended:
        await ctx.reply(f"已退出管理后台（结束了 {ended} 个登录），未使用的登录链接也已作废。")
    else:
        await ctx.reply("你目前没有登录管理后台；未使用的登录链接已作废。")
