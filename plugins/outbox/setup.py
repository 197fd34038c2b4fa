"""What the outbox plugin registers: the delivery loop, friend-list upkeep, retention, commands."""

from datetime import time

from nonebot import get_driver
from nonebot.adapters.onebot.v11 import Bot, FriendAddNoticeEvent, NoticeEvent

from plugins.core import schedule
from plugins.core.events import on_notice_type
from plugins.core.settings import cache
from plugins.outbox import friends, inbox, service, worker
from plugins.outbox.config import settings


def setup() -> None:
    from plugins.outbox import commands  # noqa: F401  (declares the chat commands)

    driver = get_driver()
    driver.on_startup(_start_worker)
    driver.on_shutdown(worker.stop)
    driver.on_bot_connect(_deliver_waiting)
    schedule.daily("inbox_expire", time(3, 20))(inbox.expire)
    schedule.daily("outbox_retention", time(3, 40))(_retention)
    on_notice_type("friend_add")(_friend_added)
    cache("outbox.pacing", service.reset_pacing)
    cache("outbox.friends", friends.reset)


async def _start_worker() -> None:
    if settings().outbox_worker:
        worker.start()


async def _deliver_waiting(bot: Bot) -> None:
    friends.mark_stale(int(bot.self_id))  # friends may have changed while it was away
    service.kick()


async def _retention() -> None:
    await service.purge_old(settings().outbox_keep_days)


async def _friend_added(bot: Bot, event: NoticeEvent) -> None:
    if isinstance(event, FriendAddNoticeEvent):
        friends.added(int(event.self_id), int(event.user_id))
        service.kick()
