"""What a command handler gets: the sender and their roles, the arguments, a plain-text reply."""

from dataclasses import dataclass, field

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupMessageEvent,
    Message,
    MessageEvent,
    MessageSegment,
)
from nonebot.log import logger

from models import Cadre
from plugins.core import flood, pages
from plugins.core.actor import Actor
from plugins.core.bots import is_superuser
from plugins.core.commands import Command, Form
from plugins.core.errors import Forbidden
from plugins.core.text import is_number, plain


@dataclass
class CommandContext:
    bot: Bot
    event: MessageEvent
    command: Command
    args: Message
    actor: Actor = field(default_factory=lambda: Actor(qq=None))
    """The sender's roles, loaded once per message by the dispatcher before the handler runs."""
    form: Form | None = None
    """The declared form the message matched."""
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = self.args.extract_plain_text().strip()

    @property
    def cadre(self) -> Cadre:
        """The sender's cadre record; the dispatcher let only cadres reach a cadre form."""
        if self.actor.cadre is None:
            raise Forbidden("这条指令只供已认证的团干部使用。团干部请先发送 /注册 <姓名> <组织> <类别>")
        return self.actor.cadre

    @property
    def user_id(self) -> int:
        return int(self.event.user_id)

    @property
    def group_id(self) -> int | None:
        return int(self.event.group_id) if isinstance(self.event, GroupMessageEvent) else None

    @property
    def is_group(self) -> bool:
        return isinstance(self.event, GroupMessageEvent)

    @property
    def is_superuser(self) -> bool:
        return is_superuser(self.bot, int(self.event.user_id))

    def words(self) -> list[str]:
        """The arguments split on any whitespace (full-width space included)."""
        return self.text.split()

    def mentioned(self) -> list[int]:
        """QQ numbers @-mentioned in the arguments (other than @全体成员)."""
        return [
            int(seg.data["qq"])
            for seg in self.args
            if seg.type == "at" and is_number(str(seg.data.get("qq", "")))
        ]

    async def reply(self, text: str, *, paged: bool = False, at: int | None = None) -> bool:
        """Answer in the same chat; in a group, quoting the command message. False: not sent.

        `paged`: a list that may be long. In private chat the first page is sent and
        /下一页 gives the next (any private answer over the budget is paged the same way). In a group any answer longer than the group budget is cut
        to what fits, then where to read the rest (tests/e2e/test_budget_e2e.py).
        `at`: in a group, @-mention this person before the text.

        To someone who wrote through a temporary session (a private message with
        `sub_type: "group"` and the group's `group_id`, NapCat's api/msg.ts
        handleTempGroupMessage) the adapter's `send` (nonebot/adapters/onebot/v11/bot.py)
        copies every field of the event, extra ones included (NoneBot events allow extra
        fields), so `send_msg` gets `message_type: "private"` with that `group_id`, and
        NapCat answers as a temporary session through that group (createContext in
        action/msg/SendMsg.ts). tests/e2e/test_reach_e2e.py checks it end to end."""
        if self.is_group and (paged or not pages.fits(text, group=True)):
            # Forty people read a group: what fits, and where to read the rest in private.
            typed = f"/{self.command.name} {self.text}".strip()
            text = pages.group_excerpt(text, f"……完整内容请私聊我发送 {typed[:30]}")
        elif paged or not pages.fits(text, group=False):
            # Two screens at most: a longer answer comes in pages, the rest with /下一页.
            text = pages.first_page(self.user_id, text)
        message = plain(text)
        if self.is_group:
            if at is not None:
                message = MessageSegment.at(at) + MessageSegment.text(" ") + message
            if not flood.group_reply_allowed(int(self.event.group_id)):  # type: ignore[attr-defined]
                logger.warning("group reply dropped: the group's replies for this minute are used up")
                return False
            message = MessageSegment.reply(self.event.message_id) + message
        try:
            await self.bot.send(self.event, message)
        except Exception as e:  # the answer is lost, the work is not
            logger.warning(f"reply to /{self.command.name} failed: {e!r}")
            return False
        return True
