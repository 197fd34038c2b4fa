"""发件箱: the one queue for every message the bot sends on its own initiative.

Reminders, notices, surveys and spot checks are queued with `enqueue` and
delivered by one loop per process, within a daily budget per QQ account and
per recipient, outside quiet hours, retried when the OneBot side refuses;
privately to friends, through temporary sessions to others, and into the
person's inbox (/消息) when QQ offers no private path.
"""

from datetime import time

from nonebot import get_driver, get_plugin_config, require
from nonebot.adapters.onebot.v11 import Bot, FriendAddNoticeEvent, NoticeEvent
from nonebot.plugin import PluginMetadata

require("plugins.core")

from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.core.events import on_notice_type  # noqa: E402
from plugins.outbox import commands, friends, inbox, service, worker  # noqa: E402, F401
from plugins.outbox.config import Config  # noqa: E402
from plugins.outbox.service import enqueue  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="发件箱",
    description="主动消息的统一队列：每日额度、免打扰时段、失败重试",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
service.configure(config)
inbox.configure(config)
driver = get_driver()
schedule.daily("inbox_expire", time(3, 20))(inbox.expire)


@driver.on_startup
async def _start_worker() -> None:
    if config.outbox_worker:
        worker.start()


@driver.on_shutdown
async def _stop_worker() -> None:
    await worker.stop()


@driver.on_bot_connect
async def _deliver_waiting(bot: Bot) -> None:
    friends.mark_stale(int(bot.self_id))  # friends may have changed while it was away
    service.kick()


@schedule.daily("outbox_retention", time(3, 40))
async def _retention() -> None:
    await service.purge_old(config.outbox_keep_days)


@on_notice_type("friend_add")
async def _friend_added(bot: Bot, event: NoticeEvent) -> None:
    if isinstance(event, FriendAddNoticeEvent):
        friends.added(int(event.self_id), int(event.user_id))
        service.kick()


__all__ = ["enqueue"]
