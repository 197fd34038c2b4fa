"""/发件箱: the queue's state, for administrators who wonder why a message is late.
/消息: what the bot kept for someone it could not reach privately."""

from plugins.core.commands import ADMIN, EVERYONE, Usage, command
from plugins.core.context import CommandContext
from plugins.core.errors import Forbidden
from plugins.outbox import inbox, service


@command("发件箱", Usage("/发件箱", "查看机器人待发、已发和发送失败的消息数", ADMIN))
async def outbox_cmd(ctx: CommandContext) -> None:
    from models import Admin

    if not (ctx.is_superuser or await Admin.exists(qq=ctx.user_id)):
        raise Forbidden("这条指令只供组织管理员使用")
    counts = await service.status_counts()
    s = service.settings()
    quiet = f"{s.outbox_quiet_start:%H:%M}–{s.outbox_quiet_end:%H:%M}"
    unknown = counts.get("unknown", 0)
    await ctx.reply(
        f"发件箱：待发 {counts.get('pending', 0) + counts.get('sending', 0)} 条，"
        f"今日已发 {counts['sent_today']} 条，发送失败 {counts.get('failed', 0)} 条"
        + (f"，发送超时且无法确认是否送达 {unknown} 条（不自动重发）" if unknown else "")
        + f"；无法私聊送达、暂存待对方发送 /消息 查看的 {counts['inbox']} 条。\n"
        f"规则：每个 QQ 账号每天最多 {s.outbox_bot_daily_limit} 条、每分钟最多 {s.outbox_per_minute} 条；"
        f"每名青年每天最多收到 {s.outbox_youth_daily_limit} 条主动消息；{quiet} 为免打扰时段，期间不发送。"
    )


@command("消息", Usage("/消息", "查看机器人无法私聊送达、暂存给你的消息（看过即删除）", EVERYONE))
async def inbox_cmd(ctx: CommandContext) -> None:
    if ctx.is_group:
        await ctx.reply("请私聊我发送 /消息 查看暂存给你的消息。")
        return
    page = await inbox.next_page(ctx.user_id)
    if await ctx.reply(inbox.page_text(page)):
        await inbox.clear(page)  # deleted only once shown
