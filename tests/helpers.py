"""Events and expectations for nonebug tests of chat commands.

nonebug's `receive_event` skips the adapter's reply/@ processing, so events are
built here with `to_me` and `reply` already set, as the adapter would leave them.
"""

import itertools
import time
from dataclasses import dataclass
from typing import Any

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupMessageEvent,
    Message,
    MessageSegment,
    PrivateMessageEvent,
)
from nonebot.adapters.onebot.v11.event import Reply, Sender
from nonebug import App

from plugins.core.pages import fits

BOT_ID = 10000
_ids = itertools.count(1)


def private(user_id: int, text: str | Message) -> PrivateMessageEvent:
    message = Message(MessageSegment.text(text)) if isinstance(text, str) else text
    return PrivateMessageEvent(
        time=int(time.time()),
        self_id=BOT_ID,
        post_type="message",
        sub_type="friend",
        user_id=user_id,
        message_type="private",
        message_id=next(_ids),
        message=message,
        original_message=message,
        raw_message=str(message),
        font=14,
        sender=Sender(user_id=user_id, nickname=f"用户{user_id}"),
        to_me=True,
    )


def group(
    group_id: int,
    user_id: int,
    text: str | Message,
    *,
    role: str = "member",
    to_me: bool = False,
    reply: Reply | None = None,
    message_id: int | None = None,
    at_time: int | None = None,
) -> GroupMessageEvent:
    """A group message as the adapter leaves it: quoted message in `reply`, ats kept in
    original_message."""
    message = Message(MessageSegment.text(text)) if isinstance(text, str) else text
    original = Message(message)
    if reply is not None:
        original.insert(0, MessageSegment.reply(reply.message_id))
    return GroupMessageEvent(
        time=at_time or int(time.time()),
        self_id=BOT_ID,
        post_type="message",
        sub_type="normal",
        user_id=user_id,
        message_type="group",
        group_id=group_id,
        message_id=message_id or next(_ids),
        message=message,
        original_message=original,
        raw_message=str(original),
        font=14,
        sender=Sender(user_id=user_id, nickname=f"用户{user_id}", card="", role=role),
        to_me=to_me,
        reply=reply,
    )


def quoting(message_id: int, sender: int, sent_at: int, text: str = "") -> Reply:
    """What the adapter puts in event.reply for a message that quotes another."""
    return Reply(
        time=sent_at,
        message_type="group",
        message_id=message_id,
        real_id=message_id,
        sender=Sender(user_id=sender, nickname=f"用户{sender}"),
        message=Message(MessageSegment.text(text)),
    )


class Contains(str):
    """Equals a message made only of text (and a quoting reply) containing every fragment.

    A str (its value is its repr, which failures print) so that nonebug's
    `should_call_send`, typed to take a str or a Message, accepts it; comparison is always
    by the fragments, never by that value. Subclasses may take keyword options.

    `converse` and `deliver` tell it which kind of chat the message goes to; a message
    over that chat's length budget (plugins/core/pages.py) then fails the test outright."""

    def __new__(cls, *fragments: str, **options: Any) -> "Contains":
        return super().__new__(cls, f"Contains{fragments!r}")

    chat: str | None = None
    """"group" or "private" once known; `own_text=True` exempts a cadre's topic or activity post."""

    def __init__(self, *fragments: str, own_text: bool = False) -> None:
        self.fragments = fragments
        self.own_text = own_text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Message(MessageSegment.text(other))
        if not isinstance(other, Message):
            return NotImplemented
        if any(seg.type not in ("text", "reply", "at") for seg in other):
            return False
        text = other.extract_plain_text()
        found = all(f in text for f in self.fragments)
        if found and self.chat is not None and not self.own_text:
            assert fits(text, group=self.chat == "group"), (
                f"over the {self.chat} message budget ({text.count(chr(10)) + 1} lines, {len(text)} characters):\n{text}"
            )
        return found

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __repr__(self) -> str:
        return f"Contains{self.fragments!r}"


class Lacks(Contains):
    """Equals a text message containing none of the fragments."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Message(MessageSegment.text(other))
        if not isinstance(other, Message):
            return NotImplemented
        return not any(f in other.extract_plain_text() for f in self.fragments)


@dataclass
class Notice:
    """An expected private message the bot sends on its own (via send_private_msg)."""

    user_id: int
    text: Contains


@dataclass
class GroupNotice:
    """An expected group message the outbox sends on its own (via send_group_msg)."""

    group_id: int
    text: Contains
    message_id: int = 1


@dataclass
class Api:
    """An expected OneBot API call made while handling the event (not a reply)."""

    name: str
    data: dict[str, Any]
    result: Any = None
    exception: Exception | None = None


async def converse(
    app: App, event: Any, *expected: Contains | Notice | GroupNotice | Api, then_deliver: bool = True
) -> None:
    """Deliver `event`; require exactly the `expected` replies and API calls in order, then
    that the outbox sends exactly the expected notices (messages the bot sends on its own).
    With then_deliver=False the outbox is left for a later `deliver` call."""
    for item in expected:
        if isinstance(item, Contains):
            item.chat = "group" if isinstance(event, GroupMessageEvent) else "private"
    async with app.test_matcher() as ctx:
        bot = ctx.create_bot(base=Bot, self_id=str(BOT_ID))
        ctx.receive_event(bot, event)
        for item in expected:
            if isinstance(item, Api):
                ctx.should_call_api(item.name, item.data, result=item.result, exception=item.exception)
            elif not isinstance(item, (Notice, GroupNotice)):
                ctx.should_call_send(event, item, result={"message_id": 1})
    if then_deliver:
        await deliver(app, *[item for item in expected if isinstance(item, (Notice, GroupNotice))])


async def deliver(app: App, *notices: Notice | GroupNotice) -> None:
    """Run one outbox round now and require exactly these private messages."""
    from plugins.outbox.service import deliver_due

    async with app.test_api() as ctx:
        bot = ctx.create_bot(base=Bot, self_id=str(BOT_ID))
        for notice in notices:
            notice.text.chat = "group" if isinstance(notice, GroupNotice) else "private"
            if isinstance(notice, GroupNotice):
                ctx.should_call_api(
                    "send_group_msg",
                    {"group_id": notice.group_id, "message": notice.text},
                    result={"message_id": notice.message_id},
                )
            else:
                ctx.should_call_api(
                    "send_private_msg",
                    {"user_id": notice.user_id, "message": notice.text},
                    result={"message_id": 1},
                )
        sent = await deliver_due([bot])
    assert sent == len(notices), f"outbox sent {sent}, expected {len(notices)}"


def text_of(message: Message) -> str:
    return message.extract_plain_text()
