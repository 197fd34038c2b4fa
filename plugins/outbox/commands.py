"""/发件箱: the queue's state, for administrators who wonder why a message is late.
/消息: what the bot kept for someone it could not reach privately."""

from plugins.core.actor import ADMIN, EVERYONE
from plugins.core.commands import command
from plugins.core.context import CommandContext
from plugins.outbox import inbox, service
from plugins.outbox.config import settings


@command("发件箱", role=ADMIN, summary="查看联青待发、已发和发送失败的消息数", example="/发件箱")
async def outbox_cmd(ctx: CommandContext) -> None:
    counts = await service.status_counts()
    s = settings()
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


@command(
    "消息", role=EVERYONE, summary="查看联青无法私聊送达、暂存给你的消息（看过即删除）", example="/消息",
    private="请私聊我发送 /消息 查看暂存给你的消息。",
)
async def inbox_cmd(ctx: CommandContext) -> None:
    page = await inbox.next_page(ctx.user_id)
    if await ctx.reply(inbox.page_text(page), paged=True):
        await inbox.clear(page)  # deleted only once shown
