"""Consent before anything about a youth is stored (PIPL arts. 13, 17 and 31).

Commands that keep something about their sender (/诉求, /签到, /互助, /评价,
/补充) are declared with `youth_consent=True`; the dispatcher asks `gate`
before running them, and the spot-check and survey answer handlers ask
`state`. A person who never sent /同意 gets the personal-information notice
instead, and the command is held in memory only (never in the database) for
`HOLD_SECONDS`: after /同意 it is carried out, after /未满14 it is dropped.
Someone who sent /未满14 or /退出 全部 is refused politely with nothing stored;
a refused /诉求 still gives the 12355 hotline, so a child in trouble is never
turned away empty-handed. Cadres, administrators and superusers are exempt.

The notice is 8 lines. It goes to the person privately: as the reply in private
chat; from a group through the outbox (a temporary session where they are not
the bot's friend), once a day at most, while the group gets two lines that
@-mention them and say what to send. Forty classmates joining used to mean forty
copies of the notice in the group.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from models import Youth
from plugins.contacts import optout
from plugins.contacts.links import PrivateNotice, is_staff, send_notice
from plugins.contacts.texts import consent_notice
from plugins.core import clock
from plugins.core.context import CommandContext
from plugins.outbox.service import in_quiet_hours

HOLD_SECONDS = 600
HOTLINE = "遇到困难或危险，可以拨打 12355 青少年服务台（免费）寻求帮助；情况紧急请拨打 110 或 120。"
REFUSED = {
    "left": "你之前发送了 /退出 全部，我们不再记录你的任何信息，所以不能办理这条指令。想重新开始，发送 /同意。",
    "under14": "你告诉过我们你未满 14 周岁。为了保护你，我们不记录你的任何信息，所以不能办理这条指令。",
}
ASK = "办理 /{command} 要保存你的 QQ 号和你发来的内容，请先看看下面的说明。"
HELD = "你同意后，我会接着办理刚才的 /{command}（{minutes} 分钟内有效）。"
IN_GROUP = "{what}，请先看个人信息说明：{where}。\n看完同意发 /同意，未满 14 周岁发 /未满14。"
SENT = "已私聊你"
QUIET = "私聊我发 /告知 就能看"


@dataclass
class Held:
    ctx: CommandContext
    at: datetime


_held: dict[int, Held] = {}


async def state(qq: int, *, superuser: bool = False) -> str:
    """"exempt" (staff), "consented", "left" / "under14" (opted out), or "unknown"."""
    if superuser or await is_staff(qq):
        return "exempt"
    if await Youth.exists(qq=qq, consented_at__isnull=False):
        return "consented"
    return await optout.reason(qq) or "unknown"


def notice_text() -> str:
    return consent_notice()


async def gate(ctx: CommandContext) -> bool:
    """True when the command may run; otherwise the sender has been answered."""
    status = await state(ctx.user_id, superuser=ctx.is_superuser)
    if status in ("exempt", "consented"):
        return True
    if status in REFUSED:
        text = REFUSED[status]
        if ctx.command.name == "诉求":
            text += "\n" + HOTLINE
        await ctx.reply(text)
        return False
    _forget_old()
    _held[ctx.user_id] = Held(ctx, clock.now())
    name = ctx.command.name
    intro = ASK.format(command=name)
    held = HELD.format(command=name, minutes=HOLD_SECONDS // 60)
    if ctx.is_group:
        await send_notice(ctx.user_id, PrivateNotice(f"{intro}\n{notice_text()}\n{held}", ctx.group_id, int(ctx.bot.self_id)))
        await ctx.reply(group_lines(f"办理 /{name} 前"), at=ctx.user_id)
    else:
        await ctx.reply(f"{intro}\n{notice_text()}\n{held}")
    return False


def group_lines(what: str) -> str:
    """The two lines a group gets instead of the notice; honest about quiet hours."""
    where = QUIET if in_quiet_hours(clock.now()) else SENT
    return IN_GROUP.format(what=what, where=where)


def take_held(qq: int) -> CommandContext | None:
    """The command `qq` sent before consenting, if recent enough (removed from memory)."""
    _forget_old()
    held = _held.pop(qq, None)
    return held.ctx if held else None


def drop_held(qq: int) -> None:
    _held.pop(qq, None)


def _forget_old() -> None:
    cutoff = clock.now() - timedelta(seconds=HOLD_SECONDS)
    for qq in [q for q, h in _held.items() if h.at < cutoff or h.at > clock.now()]:
        del _held[qq]


def clear() -> None:
    _held.clear()

