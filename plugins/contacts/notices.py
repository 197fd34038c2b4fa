"""Membership notices keep the reachable list current between daily syncs."""

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupDecreaseNoticeEvent,
    GroupIncreaseNoticeEvent,
    NoticeEvent,
)

from plugins.contacts import groups
from plugins.core.text import ref
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue


async def _joined(bot: Bot, event: NoticeEvent) -> None:
    if not isinstance(event, GroupIncreaseNoticeEvent):
        return
    await groups.member_joined(int(event.group_id), int(event.user_id), int(event.self_id))


async def _left(bot: Bot, event: NoticeEvent) -> None:
    if not isinstance(event, GroupDecreaseNoticeEvent):
        return
    ended = await groups.member_left(int(event.group_id), int(event.user_id), int(event.self_id))
    if ended is not None:
        await enqueue(
            ended.cadre.qq,
            f"联青已不在群“{ended.name or ended.group_id}”中，该群与你（{chat_name(ended.cadre.org, ended.cadre.name)}，"
            f"{ref(ended.cadre_id)}）的绑定已自动解除；已确认的联系不受影响。",
            category="group_unbound",
            bulk=False,
        )
